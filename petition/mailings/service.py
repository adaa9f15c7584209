"""Mail from the committee to the signers who asked for its news, one text per language.

A mailing is written as a draft (French required, Arabic and English optional: a signer whose
language has no text gets the French one), previewed, tried on an address, then sent. Sending
writes one `MailingDelivery` per recipient at once (a unique row per mailing and signature), and
the mail sender's feeder (`release_due`) hands them to the outbox at `MAILING_PER_MINUTE`:
confirmations and other mail never wait behind a big mailing (at most behind a minute's worth
of it already in the outbox), and the pace holds across any
number of sender processes because it is read from the deliveries themselves, under a lock on
the mailings being sent. Sources: RFC 8058 (one-click unsubscribe), the UK Parliament petitions'
mails to signers, ControlShift's throttled blasts.
"""

import math
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, insert, literal, select, update

from petition.audit import service as audit
from petition.core import personal_data
from petition.core.email import canonical_email
from petition.core.time import utcnow
from petition.core.transactions import write_transaction
from petition.core.urls import absolute_url
from petition.extensions import db
from petition.mail import service as mail
from petition.mail.models import OutboxMail
from petition.mailings.models import Mailing, MailingDelivery, MailingStatus, MailingText
from petition.petitions import service as petitions
from petition.privacy import consents
from petition.signing.models import Signature

MAILING = "mailings/mailing"
LIST = "mailings"
# The consent a signer gives by ticking "send me the committee's news" (signing.forms), taken back on unsubscribing.
UPDATES_CONSENT = "signature.updates"
LANGUAGES = ("fr", "ar", "en")
WINDOW = timedelta(minutes=1)


@dataclass
class Text:
    """What the admin writes in one language; an empty subject and body mean "none"."""

    locale: str
    subject: str
    body: str


def recipients_condition(petition_id: int):
    """The signatures a mailing of this petition reaches: counted (confirmed, not withdrawn, not
    flagged: `Signature.counts`) and still wanting the committee's news."""
    return (Signature.petition_id == petition_id) & Signature.counts & Signature.wants_updates.is_(True)


def recipients_by_language(petition_id: int) -> dict[str, int]:
    """{locale: how many signers would get the mailing now}, with every site language present."""
    rows = db.session.execute(
        select(Signature.locale, func.count())
        .where(recipients_condition(petition_id))
        .group_by(Signature.locale)
    ).all()
    found = Counter({lang: 0 for lang in LANGUAGES})
    for locale, count in rows:
        found[locale if locale in LANGUAGES else "fr"] += count
    return dict(found)


def save_draft(texts: list[Text], petition_id: int, mailing: Mailing | None = None, actor=None) -> Mailing:
    """Create or rewrite a draft (a write transaction). `texts` must hold a French text; the
    languages left empty are dropped. Raises ValueError if the mailing is no longer a draft."""
    with write_transaction():
        if mailing is None:
            mailing = Mailing(petition_id=petition_id, created_by_id=actor.id if actor else None)
            db.session.add(mailing)
            action = "mailing.create"
        else:
            mailing = db.session.get(Mailing, mailing.id)
            if mailing.status != MailingStatus.DRAFT:
                raise ValueError("only a draft can be edited")
            mailing.petition_id = petition_id
            action = "mailing.edit"
        by_locale = {text.locale: text for text in mailing.texts}
        for text in texts:
            if not (text.subject and text.body):
                if text.locale in by_locale and text.locale != "fr":
                    mailing.texts.remove(by_locale[text.locale])
                continue
            row = by_locale.get(text.locale) or MailingText(locale=text.locale)
            row.subject, row.body = text.subject, text.body
            if text.locale not in by_locale:
                mailing.texts.append(row)
        db.session.flush()
        audit.record(
            action,
            "mailing",
            mailing.id,
            after={
                "subject": mailing.text_in("fr").subject,
                "languages": ", ".join(t.locale for t in mailing.texts),
            },
            actor=actor,
        )
    return mailing


def get(mailing_id: int) -> Mailing | None:
    return db.session.get(Mailing, mailing_id)


def all_mailings() -> list[Mailing]:
    return list(db.session.scalars(select(Mailing).order_by(Mailing.id.desc())))


def send_test(mailing: Mailing, address: str, locale: str, actor=None) -> None:
    """Queue the mailing, in `locale`, to one address (a write transaction): marked as a test,
    without unsubscribe link, counted in no progress."""
    with write_transaction():
        mail.enqueue(
            MAILING,
            recipient=address,
            recipient_key=canonical_email(address),
            locale=mailing.language_for(locale),
            mailing=mailing.id,
            test=True,
        )
        audit.record(
            "mailing.test", "mailing", mailing.id, after={"email": address, "locale": locale}, actor=actor
        )


def start(mailing: Mailing, actor=None) -> int:
    """Send a draft (a write transaction): one delivery row per recipient, written by one
    INSERT … SELECT; the feeder hands them to the outbox at MAILING_PER_MINUTE. Returns the number
    of recipients, 0 when the mailing was no longer a draft (a second click changes nothing)."""
    with write_transaction():
        started = db.session.execute(
            update(Mailing)
            .where(Mailing.id == mailing.id, Mailing.status == MailingStatus.DRAFT)
            .values(status=MailingStatus.SENDING, started_dt=utcnow())
        ).rowcount
        if not started:
            return 0
        # Each reader gets the mail in their language when it has a text, else all in French.
        written = [text.locale for text in mailing.texts]
        language = case((Signature.locale.in_(written), Signature.locale), else_=literal("fr"))
        chosen = select(literal(mailing.id), Signature.id, language).where(
            recipients_condition(mailing.petition_id)
        )
        db.session.execute(
            insert(MailingDelivery).from_select(["mailing_id", "signature_id", "locale"], chosen)
        )
        count = db.session.scalar(
            select(func.count()).select_from(MailingDelivery).where(MailingDelivery.mailing_id == mailing.id)
        )
        if not count:
            db.session.get(Mailing, mailing.id).status = MailingStatus.QUEUED
        audit.record("mailing.send", "mailing", mailing.id, after={"recipients": count}, actor=actor)
    return count


def _room(now: datetime) -> int:
    """How many deliveries may go to the outbox now: at most MAILING_PER_MINUTE in any 60
    seconds, one every 60/rate seconds (a sender that looked late hands over the slots it
    missed, within that bound), and never more than a minute's worth waiting in the outbox, so
    that a mail server outage does not pile them up to leave at once."""
    rate = max(current_app.config["MAILING_PER_MINUTE"], 1)
    released = MailingDelivery.released_dt
    recent, last = db.session.execute(
        select(func.count().filter(released > now - WINDOW), func.max(released))
    ).one()
    waiting = db.session.scalar(
        select(func.count())
        .select_from(MailingDelivery)
        .join(OutboxMail, OutboxMail.id == MailingDelivery.outbox_id)
        .where(OutboxMail.sent_dt.is_(None), OutboxMail.failed_dt.is_(None))
    )
    slots = 1 if last is None else math.floor((now - last).total_seconds() * rate / 60)
    return max(min(rate - max(recent, waiting), slots), 0)


def _sending() -> bool:
    return (
        db.session.scalar(select(Mailing.id).where(Mailing.status == MailingStatus.SENDING).limit(1))
        is not None
    )


@mail.feeder
def release_due(now: datetime) -> int:
    """Hand the deliveries whose turn has come to the outbox (a write transaction); returns how
    many. The mailings being sent are locked (FOR UPDATE on PostgreSQL, the write lock on SQLite)
    so that parallel senders count the same window. A delivery whose signature stopped counting
    or wanting news since the mailing started is left out."""
    if not _sending():
        return 0
    released = 0
    with write_transaction():
        sending = db.session.scalars(
            select(Mailing)
            .where(Mailing.status == MailingStatus.SENDING)
            .order_by(Mailing.id)
            .with_for_update()
        ).all()
        room = _room(now) if sending else 0
        for mailing in sending:
            if room <= 0:
                break
            waiting = db.session.execute(
                select(MailingDelivery, Signature)
                .join(Signature, Signature.id == MailingDelivery.signature_id)
                .where(
                    MailingDelivery.mailing_id == mailing.id,
                    MailingDelivery.released_dt.is_(None),
                    MailingDelivery.skipped_dt.is_(None),
                )
                .order_by(MailingDelivery.id)
                .limit(room + 1)  # one more than the room: whether any is left after these
            ).all()
            exhausted = True
            for delivery, signature in waiting:
                if room <= 0:
                    exhausted = False
                    break
                if signature.counts and signature.wants_updates:
                    delivery.outbox_id = mail.enqueue(
                        MAILING,
                        recipient=signature.email,
                        recipient_key=signature.email_canonical,
                        locale=delivery.locale,
                        delivery=delivery.id,
                    )
                    delivery.released_dt = now
                    released += 1
                    room -= 1
                else:
                    delivery.skipped_dt = now
            if exhausted:
                _finish_if_done(mailing)
    return released


def _finish_if_done(mailing: Mailing) -> None:
    left = db.session.scalar(
        select(func.count())
        .select_from(MailingDelivery)
        .where(
            MailingDelivery.mailing_id == mailing.id,
            MailingDelivery.released_dt.is_(None),
            MailingDelivery.skipped_dt.is_(None),
        )
    )
    if not left:
        mailing.status = MailingStatus.QUEUED


@dataclass
class Progress:
    recipients: int
    queued: int
    sent: int
    failed: int
    skipped: int
    unsubscribed: int


def progress(mailing: Mailing) -> Progress:
    """Where a mailing stands: queued (waiting for its turn or in the outbox), sent, failed
    (given up by the outbox), left out, and readers who unsubscribed from its link."""
    delivery = MailingDelivery
    row = db.session.execute(
        select(
            func.count(),
            func.count().filter(
                delivery.skipped_dt.is_(None), OutboxMail.sent_dt.is_(None), OutboxMail.failed_dt.is_(None)
            ),
            func.count().filter(OutboxMail.sent_dt.is_not(None)),
            func.count().filter(OutboxMail.failed_dt.is_not(None)),
            func.count().filter(delivery.skipped_dt.is_not(None)),
            func.count().filter(delivery.unsubscribed_dt.is_not(None)),
        )
        .select_from(delivery)
        .outerjoin(OutboxMail, OutboxMail.id == delivery.outbox_id)
        .where(delivery.mailing_id == mailing.id)
    ).one()
    return Progress(*row)


def latest_progress() -> tuple[Mailing, Progress] | None:
    """The newest mailing and where it stands, for the dashboard; None before the first one."""
    latest = db.session.scalar(select(Mailing).order_by(Mailing.id.desc()).limit(1))
    return (latest, progress(latest)) if latest else None


@mail.composer(MAILING)
def _mailing_mail(params: dict, locale: str) -> dict | None:
    """A delivery, as its text is when the mail is written; nothing if its reader stopped
    counting or asked for no more news meanwhile. A test or a preview names the mailing instead
    of a delivery; a preview shows an unsubscribe link like the real ones (naming no delivery)."""
    if "mailing" in params:
        mailing = db.session.get(Mailing, params["mailing"])
        if mailing is None:
            return None
        preview = params.get("preview", False)
        unsubscribe = mail.unsubscribe_url(LIST, 0, locale) if preview else None
        return _context(mailing, locale, first_name=None, unsubscribe=unsubscribe, test=not preview)
    delivery = db.session.get(MailingDelivery, params["delivery"])
    if delivery is None or not (delivery.signature.counts and delivery.signature.wants_updates):
        return None
    return _context(
        delivery.mailing,
        locale,
        first_name=delivery.signature.first_name,
        unsubscribe=mail.unsubscribe_url(LIST, delivery.id, locale),
        test=False,
    )


def _context(mailing: Mailing, locale: str, first_name, unsubscribe, test: bool) -> dict:
    text = mailing.text_in(locale)
    return {
        "subject": text.subject,
        "body": text.body,
        "first_name": first_name,
        "test": test,
        "petition": petitions.localized(mailing.petition, locale),
        "petition_url": absolute_url("petitions.show", slug=mailing.petition.slug, lang=locale),
        "unsubscribe_url": unsubscribe,
    }


def preview(mailing: Mailing, locale: str) -> mail.Written:
    """The mail as a signer reading `locale` would get it (written, not queued)."""
    return mail.compose(
        OutboxMail(
            kind=MAILING, locale=mailing.language_for(locale), params={"mailing": mailing.id, "preview": True}
        )
    )


def _subscribed(delivery_id: int) -> bool | None:
    delivery = db.session.get(MailingDelivery, delivery_id)
    return None if delivery is None else delivery.signature.wants_updates


def _unsubscribe(delivery_id: int) -> None:
    """Stop the committee's mailings for this delivery's signature; the signature stays and counts."""
    with write_transaction():
        delivery = db.session.get(MailingDelivery, delivery_id)
        if delivery is None or not delivery.signature.wants_updates:
            return
        delivery.signature.wants_updates = False
        delivery.unsubscribed_dt = utcnow()
        consents.take_back(source=f"signature:{delivery.signature_id}", purpose=UPDATES_CONSENT)


mail.mailing_list(
    LIST,
    subscribed=_subscribed,
    unsubscribe=_unsubscribe,
    about=_l("Vous ne recevrez plus les nouvelles du comité. Votre signature reste comptée."),
)


def _deliveries_of(canonical: str):
    return (
        select(MailingDelivery)
        .join(Signature, Signature.id == MailingDelivery.signature_id)
        .where(Signature.email_canonical == canonical)
        .order_by(MailingDelivery.id)
    )


def _export(canonical: str) -> list[dict]:
    def iso(value):
        return value.isoformat() if value else None

    return [
        {
            "mailing": delivery.mailing_id,
            "subject": delivery.mailing.text_in(delivery.locale).subject,
            "language": delivery.locale,
            "queued": iso(delivery.released_dt),
            "unsubscribed": iso(delivery.unsubscribed_dt),
        }
        for delivery in db.session.scalars(_deliveries_of(canonical))
    ]


def _erase(canonical: str, erasure: personal_data.Erasure) -> int:
    """Delete the person's deliveries, in the caller's transaction."""
    found = list(db.session.scalars(_deliveries_of(canonical)))
    for delivery in found:
        db.session.delete(delivery)
    db.session.flush()
    return len(found)


personal_data.holder(
    "mailing_deliveries",
    label=_l("Messages du comité qui vous ont été envoyés"),
    export=_export,
    erase=_erase,
)
