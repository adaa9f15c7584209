"""Signing rules: one signature per address and petition, double opt-in, withdrawal."""

import hashlib
import secrets
from dataclasses import dataclass

from email_validator import EmailNotValidError
from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from petition.caching import COUNT_SECONDS, cached, clear_after_commit
from petition.core.forms import normalized_email
from petition.core.network import network_of
from petition.core.time import utcnow
from petition.counting import service as counting
from petition.extensions import cache, db
from petition.mail import service as mail
from petition.petitions import service as petitions
from petition.sharing import referrals
from petition.signing.models import Signature, SignatureStatus

CONFIRM = "confirm-signature"
WITHDRAW = "withdraw-signature"


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


def canonical_email(address: str) -> str:
    """The form under which two spellings of one mailbox are the same signer."""
    try:
        address = normalized_email(address.strip())
    except EmailNotValidError:
        address = address.strip()
    return address.casefold()


def hash_ip(address: str | None) -> str | None:
    """Keep only a keyed hash of the network (/24 or /48), never the address itself."""
    network = network_of(address)
    if network is None:
        return None
    key = current_app.config["SECRET_KEY"].encode()
    return hashlib.blake2b(network.encode(), key=key[:64], digest_size=16).hexdigest()


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose)


def link_token(signature: Signature, purpose: str) -> str:
    return _serializer(purpose).dumps(signature.token)


def signature_for(token: str, purpose: str) -> Signature:
    days = current_app.config["CONFIRM_TOKEN_DAYS" if purpose == CONFIRM else "WITHDRAW_TOKEN_DAYS"]
    try:
        key = _serializer(purpose).loads(token, max_age=days * 86400)
    except SignatureExpired:
        raise ExpiredLink from None
    except BadSignature:
        raise InvalidLink from None
    signature = db.session.scalar(select(Signature).where(Signature.token == key))
    if signature is None:
        raise InvalidLink
    return signature


# Built once: a signature is the busiest write of a viral day.
_INSERT_SIGNATURE = insert(Signature.__table__).returning(Signature.__table__.c.id)


def sign(
    petition_id: int,
    data: SignatureInput,
    *,
    locale: str,
    ip: str | None,
    flag_reason: str | None = None,
    source: referrals.FirstTouch | None = None,
) -> str | None:
    """Record a signature (pending) and queue the mail that applies, in one transaction.

    The unique index on (petition, canonical email) decides who signed first, so two
    simultaneous requests with one address store one signature. Returns the personal link's code
    of the signature this request created (or renewed after a withdrawal), None when the address
    had already signed. A new signature costs three INSERTs (four with a source) and no query.
    """
    canonical = canonical_email(data.email)
    try:
        signature_id = (
            db.session.connection()
            .execute(
                _INSERT_SIGNATURE,
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
            .scalar_one()
        )
    except IntegrityError:
        db.session.rollback()
        code = _sign_again(petition_id, canonical, data, locale, source)
    else:
        code = referrals.record_signing(petition_id, signature_id, source)
        if flag_reason is None:
            _mail(signature_id, data.email.strip(), canonical, "signing/confirm", locale)
    db.session.commit()
    return code


def _fields(data: SignatureInput) -> dict:
    return {
        "first_name": data.first_name,
        "last_name": data.last_name,
        "email": data.email.strip(),
        "country": data.country,
        "city": data.city or None,
        "reason": data.reason or None,
        "is_subscriber": data.is_subscriber,
        "show_name": data.show_name,
        "wants_updates": data.wants_updates,
        "consent_wording": data.consent_wording[:500],
    }


def _sign_again(
    petition_id: int, canonical: str, data: SignatureInput, locale: str, source: referrals.FirstTouch | None
) -> str | None:
    existing = db.session.scalar(
        select(Signature).where(Signature.petition_id == petition_id, Signature.email_canonical == canonical)
    )
    if existing is None:
        return None
    if existing.status == SignatureStatus.WITHDRAWN:
        for name, value in _fields(data).items():
            setattr(existing, name, value)
        existing.status = SignatureStatus.PENDING
        existing.token = secrets.token_urlsafe(18)
        existing.locale = locale
        existing.withdrawn_dt = None
        existing.created_dt = utcnow()
        db.session.flush()
        code = referrals.record_signing(petition_id, existing.id, source, renewed=True)
        _mail_capped(existing, "signing/confirm", locale)
        return code
    # The pending data is not overwritten: whoever owns the mailbox confirms what was typed first.
    kind = "signing/confirm" if existing.status == SignatureStatus.PENDING else "signing/already_signed"
    _mail_capped(existing, kind, locale)
    return None


def _mail_capped(signature: Signature, kind: str, locale: str) -> None:
    """Mail an address that signed before, unless it got its day's share: nobody may use the
    form to flood someone's inbox. (A first signature needs no such check: it happens once.)"""
    if mail.sent_recently(signature.email_canonical) >= current_app.config["MAILS_PER_ADDRESS_PER_DAY"]:
        return
    _mail(signature.id, signature.email, signature.email_canonical, kind, locale)


def _mail(signature_id: int, address: str, canonical: str, kind: str, locale: str) -> None:
    # The links open the pages in the mail's language, whatever browser the signer reads it in.
    mail.enqueue_later(
        recipient=address, recipient_key=canonical, kind=kind, locale=locale, signature=signature_id
    )


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
    base = current_app.config["BASE_URL"]
    return {
        "confirm_url": base + url_for("signing.confirm", token=link_token(signature, CONFIRM), lang=locale),
        "withdraw_url": base
        + url_for("signing.withdraw", token=link_token(signature, WITHDRAW), lang=locale),
        "petition_url": base + url_for("petitions.show", slug=signature.petition.slug, lang=locale),
        "referral_url": referrals.personal_url(signature.petition, referrals.link_of(signature).code),
        "referral_stats_url": referrals.stats_url(link_token(signature, referrals.REFERRAL_STATS), locale),
    }


def confirm(signature: Signature) -> bool:
    """Confirm once; a replay or a second click changes nothing. Returns True if it counted now."""
    changed = db.session.execute(
        update(Signature)
        .where(Signature.id == signature.id, Signature.status == SignatureStatus.PENDING)
        .values(status=SignatureStatus.CONFIRMED, confirmed_dt=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed and signature.flag_reason is None:
        _count(signature, 1)
    db.session.commit()
    return bool(changed)


def withdraw(signature: Signature) -> bool:
    """Withdraw and erase what identifies the signer, except the address that keeps it withdrawn."""
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
        _count(signature, -1)
    db.session.commit()
    return bool(changed)


def _count(signature: Signature, amount: int) -> None:
    """Add to the count; the recent signers shown with it are cleared with it, after commit."""
    counting.add(signature.petition_id, signature.country, amount)
    clear_after_commit(lambda: cache.delete(f"signers/{signature.petition_id}"))


@dataclass(frozen=True)
class PublicSigner:
    """What the petition page shows of a signer who agreed to be named."""

    public_name: str
    city: str | None
    country: str


def recent_public(petition_id: int) -> list[PublicSigner]:
    """The newest confirmed signers who agreed to show their name; cached (petition/caching.py)."""
    return cached(f"signers/{petition_id}", COUNT_SECONDS, lambda: _recent_public(petition_id))


def _recent_public(petition_id: int, limit: int = 8) -> list[PublicSigner]:
    rows = db.session.scalars(
        select(Signature)
        .where(
            Signature.petition_id == petition_id,
            Signature.status == SignatureStatus.CONFIRMED,
            Signature.show_name.is_(True),
            Signature.flag_reason.is_(None),
        )
        .order_by(Signature.confirmed_dt.desc())
        .limit(limit)
    ).all()
    return [PublicSigner(row.public_name, row.city, row.country) for row in rows]


@dataclass
class StatusCounts:
    pending: int
    confirmed: int
    flagged: int


def status_counts() -> StatusCounts:
    """Signatures of every petition: awaiting their owner's click, counted, and held back as suspect."""
    flagged = Signature.flag_reason.is_not(None)
    row = db.session.execute(
        select(
            func.count().filter(Signature.status == SignatureStatus.PENDING, ~flagged),
            func.count().filter(Signature.status == SignatureStatus.CONFIRMED, ~flagged),
            func.count().filter(Signature.status != SignatureStatus.WITHDRAWN, flagged),
        )
    ).one()
    return StatusCounts(*row)
