"""Signing rules: one signature per address and petition, double opt-in, withdrawal."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from petition.caching import COUNT_SECONDS, cached, clear_after_commit
from petition.core.email import canonical_email
from petition.core.network import hash_ip
from petition.core.time import utcnow
from petition.core.tokens import BadToken, make_token, read_token
from petition.core.transactions import write_transaction
from petition.core.urls import absolute_url
from petition.counting import service as counting
from petition.extensions import cache, db
from petition.mail import service as mail
from petition.petitions import service as petitions
from petition.privacy import consents
from petition.sharing import referrals
from petition.signing.forms import consent_wordings
from petition.signing.models import Signature, SignatureStatus
from petition.signing.places import without_postcode
from petition.transparency import service as transparency

CONFIRM = "confirm-signature"
WITHDRAW = "withdraw-signature"

# Why a signature starts or stops counting: the events of the count's history.
CONFIRMED = "confirmed"  # its owner confirmed it (+1)
WITHDRAWN = "withdrawn"  # its owner withdrew it or erased their data (-1)
INVALIDATED = "invalidated"  # a moderator ruled it fraudulent (-1, with a reason)
VALIDATED = "validated"  # a moderator cleared a flagged signature, or undid an invalidation (+1)
# The flag a moderator's ruling leaves on a fraudulent signature (petition/fraud): out for good.
INVALIDATED_FLAG = "invalidated"


@dataclass
class SignatureInput:
    first_name: str
    last_name: str
    email: str
    country: str
    city: str | None = None
    reason: str | None = None
    is_subscriber: bool = False
    show_name: bool = False
    wants_updates: bool = False
    consent_wording: str = ""


class InvalidLink(Exception):
    """The link was altered, or belongs to no signature."""


class ExpiredLink(Exception):
    """The link was genuine but is too old."""


def link_token(signature: Signature, purpose: str) -> str:
    return make_token(signature.token, purpose)


def signature_for(token: str, purpose: str) -> Signature:
    """The signature a mailed link stands for; raises ExpiredLink or InvalidLink."""
    days = current_app.config["CONFIRM_TOKEN_DAYS" if purpose == CONFIRM else "WITHDRAW_TOKEN_DAYS"]
    try:
        key = read_token(token, purpose, max_age=timedelta(days=days))
    except BadToken as error:
        raise (ExpiredLink if error.expired else InvalidLink) from None
    signature = db.session.scalar(select(Signature).where(Signature.token == key))
    if signature is None:
        raise InvalidLink
    return signature


def _insert_signature():
    """INSERT … ON CONFLICT (petition, canonical email) DO NOTHING RETURNING id: the unique index
    decides who signed first, and a second signer of one mailbox runs the very same statement."""
    table = Signature.__table__
    dialect_insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    return (
        dialect_insert(table)
        .on_conflict_do_nothing(index_elements=[table.c.petition_id, table.c.email_canonical])
        .returning(table.c.id)
    )


def sign(
    petition_id: int,
    data: SignatureInput,
    *,
    locale: str,
    ip: str | None,
    flag_reason: str | None = None,
    mail_flagged: bool = False,
    source: referrals.FirstTouch | None = None,
    remembered_code: str | None = None,
) -> str:
    """Record a signature (pending) and queue the mail that applies, in one write transaction.

    Returns the code of the personal link to show on the thank-you page: the new signature's, or,
    when the mailbox had already signed, the code this browser was shown before
    (`remembered_code`) or a new link that belongs to nobody.

    Signing again with an address that signed (the canonical mailbox, see core.email) runs the
    same statements as a first signature (a look-up, the daily mail cap, the INSERT, a personal
    link, the mail), so the answer's timing does not tell who signed. The mail goes to the
    address stored at the first signature: "please confirm" while pending, "you already signed"
    once confirmed, at most MAILS_PER_ADDRESS_PER_DAY a day per canonical mailbox.

    A signature with a `flag_reason` is kept and never counts until a moderator clears it
    (petition/fraud); its owner gets the mail only with `mail_flagged` (not for robots).
    """
    canonical = canonical_email(data.email)
    with write_transaction():
        existing = _signature_of(petition_id, canonical)
        may_mail = (flag_reason is None or mail_flagged) and not mail.daily_cap_reached(canonical)
        signature_id = (
            db.session.connection()
            .execute(
                _insert_signature(),
                {
                    "petition_id": petition_id,
                    "token": secrets.token_urlsafe(18),
                    "email_canonical": canonical,
                    "locale": locale,
                    "flag_reason": flag_reason,
                    "ip_hash": hash_ip(ip),
                    **_fields(data),
                },
            )
            .scalar()
        )
        if signature_id is not None:
            code = referrals.record_signing(petition_id, signature_id, source)
            if may_mail:
                _mail(signature_id, data.email.strip(), canonical, "signing/confirm", locale)
            return code
        existing = existing or _signature_of(petition_id, canonical)  # signed a moment ago
        if existing.status == SignatureStatus.WITHDRAWN:
            return _renew(existing, data, locale, source, may_mail)
        code = referrals.unowned_code(petition_id)
        # The pending data is not overwritten: whoever owns the mailbox confirms what was typed first.
        kind = "signing/confirm" if existing.status == SignatureStatus.PENDING else "signing/already_signed"
        if may_mail:
            _mail(existing.id, existing.email, canonical, kind, locale)
        return remembered_code or code


def _signature_of(petition_id: int, canonical: str) -> Signature | None:
    return db.session.scalar(
        select(Signature).where(Signature.petition_id == petition_id, Signature.email_canonical == canonical)
    )


def _fields(data: SignatureInput) -> dict:
    return {
        "first_name": data.first_name,
        "last_name": data.last_name,
        "email": data.email.strip(),
        "country": data.country,
        # Only the town is kept: the privacy page promises that, and a postcode is not needed.
        "city": without_postcode(data.city),
        "reason": data.reason or None,
        "is_subscriber": data.is_subscriber,
        "show_name": data.show_name,
        "wants_updates": data.wants_updates,
        "consent_wording": data.consent_wording[:500],
    }


def _renew(
    existing: Signature,
    data: SignatureInput,
    locale: str,
    source: referrals.FirstTouch | None,
    may_mail: bool,
) -> str:
    """A withdrawn signature signed again: pending anew, with what was typed now (caller's transaction)."""
    for name, value in _fields(data).items():
        setattr(existing, name, value)
    existing.status = SignatureStatus.PENDING
    existing.token = secrets.token_urlsafe(18)
    existing.locale = locale
    existing.withdrawn_dt = None
    existing.created_dt = utcnow()
    db.session.flush()
    code = referrals.record_signing(existing.petition_id, existing.id, source, renewed=True)
    if may_mail:
        _mail(existing.id, existing.email, existing.email_canonical, "signing/confirm", locale)
    return code


def _record_consents(signature: Signature) -> None:
    """The boxes ticked become consent records once the owner of the mailbox confirms: the
    double opt-in proves who consented, and signing (again) writes nothing that tells whether
    the address had signed. The words are the boxes' in the signature's language."""
    with force_locale(signature.locale):
        wordings = consent_wordings(signature.show_name, signature.wants_updates)
    for purpose, wording in wordings.items():
        consents.give(
            signature.email_canonical,
            purpose,
            wording,
            locale=signature.locale,
            source=f"signature:{signature.id}",
        )


def _mail(signature_id: int, address: str, canonical: str, kind: str, locale: str) -> None:
    # The links open the pages in the mail's language, whatever browser the signer reads it in.
    mail.enqueue(kind, recipient=address, recipient_key=canonical, locale=locale, signature=signature_id)


@mail.composer("signing/confirm")
@mail.composer("signing/already_signed")
def _mail_context(params: dict, locale: str) -> dict | None:
    """What the signing mails show, read when the mail is written: the signature as it is then."""
    signature = db.session.get(Signature, params["signature"])
    if signature is None:
        return None
    return _links(signature, locale) | {
        "signature": signature,
        "petition": petitions.localized(signature.petition, locale),
    }


def _links(signature: Signature, locale: str) -> dict:
    """The links of a signer's mail. The personal link is for others, who read the petition in
    their own language; the signer's own pages open in the mail's language."""
    return {
        "confirm_url": absolute_url("signing.confirm", token=link_token(signature, CONFIRM), lang=locale),
        "withdraw_url": absolute_url("signing.withdraw", token=link_token(signature, WITHDRAW), lang=locale),
        "petition_url": absolute_url("petitions.show", slug=signature.petition.slug, lang=locale),
        "referral_url": referrals.personal_url(signature.petition, referrals.link_of(signature).code),
        "referral_stats_url": referrals.stats_url(link_token(signature, referrals.REFERRAL_STATS), locale),
        "receipt": (receipt := transparency.receipt_of(signature)),
        "receipt_url": absolute_url("transparency.receipt", receipt=receipt, lang=locale),
    }


def confirm(signature: Signature) -> bool:
    """Confirm once (a write transaction); a replay or a second click changes nothing.
    Returns True if it counted now."""
    with write_transaction():
        changed = db.session.execute(
            update(Signature)
            .where(Signature.id == signature.id, Signature.status == SignatureStatus.PENDING)
            .values(status=SignatureStatus.CONFIRMED, confirmed_dt=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
        if changed and signature.flag_reason is None:
            change_count(signature, 1, event=CONFIRMED)
        if changed:
            _record_consents(signature)
    return bool(changed)


def withdraw(signature: Signature) -> bool:
    """Withdraw (a write transaction) and erase what identifies the signer, except the address
    that keeps it withdrawn. Returns True if this call withdrew it."""
    with write_transaction():
        was_counted = signature.counts
        changed = db.session.execute(
            update(Signature)
            .where(Signature.id == signature.id, Signature.status == signature.status)
            .where(Signature.status != SignatureStatus.WITHDRAWN)
            .values(
                status=SignatureStatus.WITHDRAWN,
                withdrawn_dt=utcnow(),
                first_name="",
                last_name="",
                city=None,
                reason=None,
                show_name=False,
                wants_updates=False,
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        if changed and was_counted:
            change_count(signature, -1, event=WITHDRAWN)
        if changed:
            consents.take_back(source=f"signature:{signature.id}")
    return bool(changed)


def change_count(signature: Signature, amount: int, *, event: str, reason: str | None = None) -> None:
    """Add `amount` (+1 or -1) to the count for `signature`, in the caller's transaction.

    The one place where a signature starts or stops counting: `event` (CONFIRMED, WITHDRAWN,
    INVALIDATED, VALIDATED above) and `reason` (a moderator's, for INVALIDATED) say why. The
    recent signers shown with the count are cleared with it, after commit. The event goes into
    the public log of the count (petition/transparency) in the same transaction.
    """
    counting.add(signature.petition_id, signature.country, amount)
    transparency.record(signature, event, reason)
    clear_after_commit(lambda: cache.delete(f"signers/{signature.petition_id}"))


@dataclass(frozen=True)
class PublicSigner:
    """What the petition page shows of a signer who agreed to be named: never a postcode."""

    public_name: str
    public_town: str | None
    country: str


def recent_public(petition_id: int) -> list[PublicSigner]:
    """The newest confirmed signers who agreed to show their name; cached (petition/caching.py)."""
    return cached(f"signers/{petition_id}", COUNT_SECONDS, lambda: _recent_public(petition_id))


def _recent_public(petition_id: int, limit: int = 8) -> list[PublicSigner]:
    rows = db.session.scalars(
        select(Signature)
        .where(
            Signature.petition_id == petition_id,
            Signature.counts,
            Signature.show_name.is_(True),
        )
        .order_by(Signature.confirmed_dt.desc())
        .limit(limit)
    ).all()
    return [PublicSigner(row.public_name, row.public_town, row.country) for row in rows]


def counted_by_country(petition_id: int) -> dict[str, int]:
    """{country code: number of signatures that count}: the real count that counting.reconcile
    compares its shards with."""
    rows = db.session.execute(
        select(Signature.country, func.count())
        .where(Signature.petition_id == petition_id, Signature.counts)
        .group_by(Signature.country)
    )
    return {country: n for country, n in rows}


@dataclass
class StatusCounts:
    pending: int
    confirmed: int
    flagged: int


def status_counts() -> StatusCounts:
    """Signatures of every petition: awaiting their owner's click, counted, and held back as
    suspect until a moderator decides (those ruled fraudulent are in none of the three)."""
    flagged = Signature.flag_reason.is_not(None)
    held = flagged & (Signature.flag_reason != INVALIDATED_FLAG)
    row = db.session.execute(
        select(
            func.count().filter(Signature.status == SignatureStatus.PENDING, ~flagged),
            func.count().filter(Signature.counts),
            func.count().filter(Signature.status != SignatureStatus.WITHDRAWN, held),
        )
    ).one()
    return StatusCounts(*row)
