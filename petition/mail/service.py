"""The outbox: queue mail inside the caller's transaction, write and deliver it later with retries.

Every mail is queued the same way (`enqueue`: a kind, a recipient, a language and parameters, one
INSERT) and written by the sender just before it goes, with the composer its feature registered
for the kind: a plain-text part and an HTML part made from the same text, so both carry the same
links. Mail that does not answer the recipient's own action belongs to a mailing list and carries
RFC 8058 one-click unsubscribe headers.
"""

import logging
import re
import smtplib
import threading
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import policy
from email.header import Header
from email.headerregistry import HeaderRegistry, UniqueUnstructuredHeader
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from email_validator import EmailNotValidError, validate_email
from flask import current_app, has_request_context, render_template
from flask_babel import force_locale
from sqlalchemy import func, insert, or_, select

from petition.core.time import utcnow
from petition.core.tokens import BadToken, make_token, read_token
from petition.core.transactions import write_transaction
from petition.core.urls import absolute_url
from petition.extensions import db
from petition.i18n import direction
from petition.mail.models import OutboxMail
from petition.mail.transport import GONE, TOO_OLD, PermanentFailure, transport_for

log = logging.getLogger(__name__)

CLAIM = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=1)

Composer = Callable[[dict, str], dict | None]
_composers: dict[str, Composer] = {}


def composer(kind: str) -> Callable[[Composer], Composer]:
    """Register how the sender writes a mail of this kind (template `mail/<kind>.txt`).

    The function gets the parameters and the language the mail was queued with and returns the
    template's context, or None when there is nothing to send any more (what the mail was about
    is gone, or the recipient asked for no more). A context with `unsubscribe_url` (see
    `unsubscribe_url`) makes the mail a list mail with one-click unsubscribe headers.
    """

    def register(function: Composer) -> Composer:
        _composers[kind] = function
        return function

    return register


@dataclass(frozen=True)
class MailingList:
    """Mail a person gets without having just asked for it, which they can stop from the mail.

    `subscribed(id)` says whether the person behind the id still gets it (None: unknown id);
    `unsubscribe(id)` stops it and commits. `about` is the page's sentence, a lazy text.
    """

    subscribed: Callable[[int], bool | None]
    unsubscribe: Callable[[int], None]
    about: str


_lists: dict[str, MailingList] = {}
UNSUBSCRIBE = "mail-unsubscribe"


def mailing_list(name: str, *, subscribed, unsubscribe, about) -> None:
    """Register a list whose unsubscribe links name `name` and an id the list understands."""
    _lists[name] = MailingList(subscribed, unsubscribe, about)


def unsubscribe_url(list_name: str, subject_id: int, locale: str) -> str:
    """The absolute one-click address that stops this list for the person behind `subject_id`.

    The signed token holds the list and an id (a comment, an account), never an address. It does
    not expire: RFC 8058 asks that the link keep working for as long as mail may arrive.
    """
    if list_name not in _lists:
        raise LookupError(f"no mailing list {list_name!r}")
    token = make_token([list_name, subject_id], UNSUBSCRIBE)
    return absolute_url("mail.unsubscribe", token=token, lang=locale)


def unsubscribe_target(token: str) -> tuple[MailingList, int] | None:
    """The list and id that an unsubscribe token stands for; None for a forged or altered one."""
    try:
        list_name, subject_id = read_token(token, UNSUBSCRIBE)
    except (BadToken, ValueError, TypeError):
        return None
    found = _lists.get(list_name)
    return (found, subject_id) if found and isinstance(subject_id, int) else None


Feeder = Callable[[datetime], int]
_feeders: list[Feeder] = []


def feeder(function: Feeder) -> Feeder:
    """Register a function the sender calls with the time before each batch, to queue mail that a
    feature holds back (a mailing to every signer goes out at its own pace). It runs its own
    write transaction and returns how many mails it queued."""
    if function not in _feeders:
        _feeders.append(function)
    return function


_INSERT_MAIL = insert(OutboxMail.__table__)


def enqueue(kind: str, *, recipient: str, recipient_key: str, locale: str, **params) -> int:
    """Queue a mail of `kind` in the caller's transaction: it is sent only if that transaction
    commits, written by the kind's composer from `params` (JSON values: ids, not objects).

    This is one INSERT, so the hot paths (a signature) render no template and sign no link.
    Returns the outbox row's id. Raises LookupError for a kind no feature registered.
    """
    if kind not in _composers:
        raise LookupError(f"no composer for mail kind {kind!r}")
    result = db.session.connection().execute(
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
    return result.inserted_primary_key[0]


@dataclass
class Written:
    """A mail as the recipient reads it: subject, plain text, HTML made from that text."""

    subject: str
    text: str
    html: str
    locale: str
    unsubscribe_url: str | None = None


def _render_block(template_name: str, block: str, context: dict) -> str:
    """A mail template holds a `subject` and a `body` block, rendered apart."""
    template = current_app.jinja_env.get_template(template_name)
    return "".join(template.blocks[block](template.new_context(context))).strip()


LINK = re.compile(r"(https?://\S+)")
SIGNATURE = "-- "


def _paragraphs(text: str) -> list[list[list[tuple[str, bool]]]]:
    """The text's paragraphs, lines and pieces (text, is_link): the HTML part shows the very
    same words and links as the plain part."""
    return [
        [
            [(piece, bool(index % 2)) for index, piece in enumerate(LINK.split(line)) if piece]
            for line in block
        ]
        for block in (part.split("\n") for part in re.split(r"\n\s*\n", text.strip()))
    ]


def _render(kind: str, locale: str, context: dict) -> Written:
    name = f"mail/{kind}.txt"
    with force_locale(locale):
        subject = _render_block(name, "subject", context)[:300]
        text = _render_block(name, "body", context).strip() + "\n"
        body, _, signature = text.partition(f"\n{SIGNATURE}\n")
        html = render_template(
            "mail/base.html",
            subject=subject,
            lang=locale,
            dir=direction(locale),
            paragraphs=_paragraphs(body),
            signature=_paragraphs(signature),
            unsubscribe_url=context.get("unsubscribe_url"),
        )
    return Written(subject, text, html, locale, context.get("unsubscribe_url"))


def _request_context():
    """Outside a request (the sender, a command), links are built as in one: BASE_URL + path."""
    return nullcontext() if has_request_context() else current_app.test_request_context("/")


def _message_id() -> str:
    domain = current_app.config["BASE_URL"].split("//", 1)[-1].split("/")[0].split(":")[0] or "localhost"
    return make_msgid(domain=domain)


def compose(mail: OutboxMail) -> Written | None:
    """Write a queued mail with its kind's composer; None when there is nothing to send.

    The subject and text are kept on the row, as a record of what was sent.
    """
    locale = mail.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    with _request_context():
        # In the reader's language: a composer may turn translated words into text.
        with force_locale(locale):
            context = _composers[mail.kind](dict(mail.params or {}), locale)
        if context is None:
            return None
        written = _render(mail.kind, locale, context)
    mail.subject, mail.body_text = written.subject, written.text
    return written


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


class _WrittenHeader(UniqueUnstructuredHeader):
    """Subject and List-* headers, folded so that every mail program reads them whole.

    An ASCII value stays on the header's own line (up to RFC 5322's 998 characters): the stdlib
    folder would move a value that fits on a continuation line but not after the name to the
    next line (an English subject read "Subject:" then nothing), and wrap a long URL in
    encoded-words, which no client decodes in List-Unsubscribe (RFC 2369). Other text is
    written as encoded-words by `email.header.Header`, lines of at most 76 characters so that
    each word stays within RFC 2047's 75: the stdlib folder drops the space between two words
    that fall on either side of a fold ("الخط بشبكة" read "الخطبشبكة").
    """

    def fold(self, *, policy):
        value = str(self)
        if value.isascii() and len(self.name) + 2 + len(value) <= 998:
            return f"{self.name}: {value}{policy.linesep}"
        encoded = Header(value, "utf-8", maxlinelen=76, header_name=self.name).encode(linesep=policy.linesep)
        return f"{self.name}: {encoded}{policy.linesep}"


def _policy():
    headers = HeaderRegistry()
    for name in ("subject", "list-unsubscribe", "list-unsubscribe-post"):
        headers.map_to_type(name, _WrittenHeader)
    # 76: an encoded-word after the folding space then ends by column 76 (RFC 2047 section 2).
    return policy.SMTP.clone(max_line_length=76, header_factory=headers)


MAIL_POLICY = _policy()


def wire_address(address: str) -> str:
    """The address as it goes over SMTP: the domain in IDNA ASCII (RFC 5891), the local part as
    typed. Forms store addresses so already; this also covers rows queued before they did. An
    address the library refuses is left for the server to judge."""
    try:
        checked = validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return address
    return f"{checked.local_part}@{checked.ascii_domain}"


def build_message(mail: OutboxMail, written: Written) -> EmailMessage:
    """The MIME message: multipart/alternative, plain text first, then HTML (RFC 2046 5.1.4)."""
    message = EmailMessage(policy=MAIL_POLICY)
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = wire_address(mail.recipient)
    message["Subject"] = written.subject
    # "+0000": the time is UTC; "-0000" would say the sender's zone is unknown (RFC 5322 3.3).
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = mail.message_id
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no automatic replies to it
    message["X-Auto-Response-Suppress"] = "OOF, AutoReply"  # the same, for Exchange
    if written.unsubscribe_url:
        message["List-Unsubscribe"] = f"<{written.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(written.text)
    message.add_alternative(written.html, subtype="html")
    # After the content: setting it drops the message's Content-* headers.
    message["Content-Language"] = written.locale
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


def deliver_due(limit: int = 100, now: datetime | None = None) -> tuple[int, int]:
    """Send what is due at `now` (the present by default); returns (sent, not sent). The feeders
    queue what they release first. A failed attempt is retried with back-off until the mail is
    MAIL_GIVE_UP_HOURS old; a refusal for good gives it up at once."""
    now = now or utcnow()
    for feed in _feeders:
        feed(now)
    # What the feeders queued is due from the moment they queued it, after `now`.
    ids = _claim(limit, max(now, utcnow()))
    if not ids:
        return 0, 0
    sent = postponed = 0
    try:
        transport = transport_for(current_app.config["MAIL_URL"])
        with transport:
            for mail_id in ids:
                with write_transaction():
                    mail = db.session.get(OutboxMail, mail_id)
                    written = _composed(mail)
                    if written is None:
                        postponed += 1
                        continue
                    try:
                        transport.send(build_message(mail, written))
                    except PermanentFailure as error:
                        _give_up(mail, error.reason, str(error))
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
        db.session.rollback()
        with write_transaction():
            for mail in db.session.scalars(
                select(OutboxMail).where(
                    OutboxMail.id.in_(ids), OutboxMail.sent_dt.is_(None), OutboxMail.failed_dt.is_(None)
                )
            ):
                _postpone(mail, error)
                postponed += 1
    return sent, postponed


def _composed(mail: OutboxMail) -> Written | None:
    """Write the mail; a mail that cannot be written is set aside or postponed, in the caller's
    transaction."""
    try:
        written = compose(mail)
        if written is not None:
            return written
        _give_up(mail, GONE, "nothing to send: what the mail was about no longer exists")
    except Exception as error:  # a bug in one composer must not stop the others' mail
        log.exception("could not write mail %s (%s)", mail.id, mail.kind)
        db.session.rollback()
        mail = db.session.get(OutboxMail, mail.id)
        _postpone(mail, error)
    mail.claimed_until_dt = None
    return None


def _give_up(mail: OutboxMail, reason: str, detail: str) -> None:
    mail.failed_dt = utcnow()
    mail.failure = reason
    mail.last_error = detail[:500]
    mail.claimed_until_dt = None


def _postpone(mail: OutboxMail, error: Exception) -> None:
    """Try again later, or give up when the next attempt would come past the maximum age."""
    mail.attempts += 1
    detail = f"{type(error).__name__}: {error}"
    next_attempt = utcnow() + backoff(mail.attempts)
    if next_attempt - mail.created_dt > timedelta(hours=current_app.config["MAIL_GIVE_UP_HOURS"]):
        _give_up(mail, TOO_OLD, detail)
        return
    mail.last_error = detail[:500]
    mail.next_attempt_dt = next_attempt
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


def given_up(limit: int = 20) -> list[OutboxMail]:
    """The latest mail given up on, newest first, with `failure` (a reason above) and `last_error`."""
    return list(
        db.session.scalars(
            select(OutboxMail)
            .where(OutboxMail.failed_dt.is_not(None))
            .order_by(OutboxMail.failed_dt.desc(), OutboxMail.id.desc())
            .limit(limit)
        )
    )
