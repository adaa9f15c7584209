"""The outbox: enqueue mail inside the caller's transaction, deliver it later with retries."""

import logging
import smtplib
import threading
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app, has_request_context
from flask_babel import force_locale
from sqlalchemy import func, insert, or_, select

from petition.core.time import utcnow
from petition.core.transactions import write_transaction
from petition.extensions import db
from petition.mail.models import OutboxMail
from petition.mail.transport import PermanentFailure, transport_for

log = logging.getLogger(__name__)

CLAIM = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=1)


Composer = Callable[[dict, str], dict | None]
_composers: dict[str, Composer] = {}


def composer(kind: str) -> Callable[[Composer], Composer]:
    """Register how the sender writes a mail of this kind queued with `enqueue_later`.

    The function gets the parameters and the language the mail was queued with and returns the
    template's context, or None when there is nothing to send any more (the signature it was
    about is gone).
    """

    def register(function: Composer) -> Composer:
        _composers[kind] = function
        return function

    return register


def _render_block(template_name: str, block: str, context: dict) -> str:
    """A mail template holds a `subject` and a `body` block, rendered apart."""
    template = current_app.jinja_env.get_template(template_name)
    return "".join(template.blocks[block](template.new_context(context))).strip()


def _render(kind: str, locale: str, context: dict) -> tuple[str, str]:
    name = f"mail/{kind}.txt"
    with force_locale(locale):
        subject = _render_block(name, "subject", context)
        body = _render_block(name, "body", context)
    return subject[:300], body.strip() + "\n"


def _request_context():
    """Outside a request (the sender, a command), links are built as in one: BASE_URL + path."""
    return nullcontext() if has_request_context() else current_app.test_request_context("/")


def _message_id() -> str:
    domain = current_app.config["BASE_URL"].split("//", 1)[-1].split("/")[0].split(":")[0] or "localhost"
    return make_msgid(domain=domain)


def enqueue(*, recipient: str, recipient_key: str, template: str, locale: str, **context) -> OutboxMail:
    """Add a mail, written now, to the session; it is sent only if the caller's transaction commits."""
    subject, body = _render(template, locale, context)
    mail = OutboxMail(
        message_id=_message_id(),
        recipient=recipient,
        recipient_key=recipient_key,
        subject=subject,
        body_text=body,
        kind=template,
        locale=locale,
    )
    db.session.add(mail)
    return mail


_INSERT_MAIL = insert(OutboxMail.__table__)


def enqueue_later(*, recipient: str, recipient_key: str, kind: str, locale: str, **params) -> None:
    """Queue a mail in the caller's transaction; the sender writes it with the kind's composer.

    This is one INSERT: the hot paths (a signature) do not render templates or sign links.
    """
    if kind not in _composers:
        raise LookupError(f"no composer for mail kind {kind!r}")
    db.session.connection().execute(
        _INSERT_MAIL,
        {
            "message_id": _message_id(),
            "recipient": recipient,
            "recipient_key": recipient_key,
            "kind": kind,
            "locale": locale,
            "params": params,
        },
    )


def compose(mail: OutboxMail) -> bool:
    """Write the text of a mail queued with `enqueue_later`; False when there is nothing to send."""
    if mail.body_text is not None:
        return True
    locale = mail.locale or "fr"
    with _request_context():
        context = _composers[mail.kind](dict(mail.params or {}), locale)
        if context is None:
            return False
        mail.subject, mail.body_text = _render(mail.kind, locale, context)
    return True


def sent_recently(recipient_key: str, since: timedelta = timedelta(days=1)) -> int:
    """How many mails were queued for this address lately (the cap against inbox bombing)."""
    return db.session.scalar(
        select(func.count())
        .select_from(OutboxMail)
        .where(OutboxMail.recipient_key == recipient_key, OutboxMail.created_dt >= utcnow() - since)
    )


def daily_cap_reached(recipient_key: str) -> bool:
    """Whether this canonical mailbox (core.email.canonical_email) was queued its day's share,
    MAILS_PER_ADDRESS_PER_DAY mails in the last 24 hours: the one cap every feature that mails an
    address a visitor typed applies, so that no form can be used to flood someone's inbox."""
    return sent_recently(recipient_key) >= current_app.config["MAILS_PER_ADDRESS_PER_DAY"]


def build_message(mail: OutboxMail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message["Message-ID"] = mail.message_id
    message["Date"] = formatdate(localtime=False)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.body_text)
    return message


def backoff(attempts: int) -> timedelta:
    first = current_app.config.get("MAIL_RETRY_SECONDS", 30)
    return min(timedelta(seconds=first * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _claim(limit: int, now: datetime) -> list[int]:
    """Mark due mails as taken for a while (a write transaction), so that parallel senders never
    pick the same one."""
    with write_transaction():
        rows = db.session.scalars(
            select(OutboxMail)
            .where(
                OutboxMail.sent_dt.is_(None),
                OutboxMail.failed_dt.is_(None),
                OutboxMail.next_attempt_dt <= now,
                or_(OutboxMail.claimed_until_dt.is_(None), OutboxMail.claimed_until_dt < now),
            )
            .order_by(OutboxMail.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        for row in rows:
            row.claimed_until_dt = now + CLAIM
        ids = [row.id for row in rows]
    return ids


def deliver_due(limit: int = 100) -> tuple[int, int]:
    """Send what is due; returns (sent, postponed). A failed attempt is retried with back-off."""
    ids = _claim(limit, utcnow())
    if not ids:
        return 0, 0
    sent = postponed = 0
    try:
        transport = transport_for(current_app.config["MAIL_URL"])
        with transport:
            for mail_id in ids:
                with write_transaction():
                    mail = db.session.get(OutboxMail, mail_id)
                    if not _composed(mail):
                        postponed += 1
                        continue
                    try:
                        transport.send(build_message(mail))
                    except PermanentFailure as error:
                        mail.failed_dt = utcnow()
                        mail.last_error = str(error)[:500]
                        postponed += 1
                    except (smtplib.SMTPException, OSError) as error:
                        _postpone(mail, error)
                        postponed += 1
                    else:
                        mail.sent_dt = utcnow()
                        mail.attempts += 1
                        sent += 1
                    mail.claimed_until_dt = None
    except (smtplib.SMTPException, OSError) as error:
        log.warning("mail server unavailable: %s", error)
        with write_transaction():
            for mail in db.session.scalars(
                select(OutboxMail).where(OutboxMail.id.in_(ids), OutboxMail.sent_dt.is_(None))
            ):
                _postpone(mail, error)
                postponed += 1
    return sent, postponed


def _composed(mail: OutboxMail) -> bool:
    """Write the mail's text if it waits for it; a mail that cannot be written is set aside, in the
    caller's transaction."""
    try:
        if compose(mail):
            return True
        mail.failed_dt = utcnow()
        mail.last_error = "nothing to send: what the mail was about no longer exists"
    except Exception as error:  # a bug in one composer must not stop the others' mail
        log.exception("could not write mail %s (%s)", mail.id, mail.kind)
        db.session.rollback()
        mail = db.session.get(OutboxMail, mail.id)
        _postpone(mail, error)
    mail.claimed_until_dt = None
    return False


def _postpone(mail: OutboxMail, error: Exception) -> None:
    mail.attempts += 1
    mail.last_error = f"{type(error).__name__}: {error}"[:500]
    mail.next_attempt_dt = utcnow() + backoff(mail.attempts)
    mail.claimed_until_dt = None


def run_sender(app, interval: float, stop: threading.Event) -> None:
    """Deliver due mail every `interval` seconds until `stop` is set."""
    while not stop.is_set():
        with app.app_context():
            try:
                while any(deliver_due()):
                    pass
            except Exception:
                log.exception("mail sender failed; retrying")
                db.session.rollback()
            finally:
                db.session.remove()
        stop.wait(interval)


def start_background_sender(app, interval: float = 1.0) -> threading.Event:
    stop = threading.Event()
    threading.Thread(target=run_sender, args=(app, interval, stop), name="mail-sender", daemon=True).start()
    return stop


@dataclass
class OutboxCounts:
    queued: int
    retrying: int
    failed: int


def outbox_counts() -> OutboxCounts:
    """Mail still to send (of it, mail being retried after an error) and mail given up on."""
    waiting = OutboxMail.sent_dt.is_(None) & OutboxMail.failed_dt.is_(None)
    row = db.session.execute(
        select(
            func.count().filter(waiting),
            func.count().filter(waiting, OutboxMail.attempts > 0),
            func.count().filter(OutboxMail.failed_dt.is_not(None)),
        )
    ).one()
    return OutboxCounts(*row)
