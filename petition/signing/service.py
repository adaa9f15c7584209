"""Signing rules: one signature per address and petition, double opt-in, withdrawal."""

import hashlib
import secrets
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from petition.core.network import network_of
from petition.core.time import utcnow
from petition.counting import service as counting
from petition.extensions import db
from petition.mail import service as mail
from petition.petitions import service as petitions
from petition.petitions.models import Petition
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
        address = validate_email(address.strip(), check_deliverability=False).normalized
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


def sign(
    petition: Petition,
    data: SignatureInput,
    *,
    locale: str,
    ip: str | None,
    flag_reason: str | None = None,
    source: referrals.FirstTouch | None = None,
) -> Signature | None:
    """Record a signature (pending) and queue the mail that applies, in one transaction.

    The unique index on (petition, canonical email) decides who signed first, so two
    simultaneous requests with one address store one signature. Returns the signature this
    request created (or renewed after a withdrawal), None when the address had already signed.
    """
    canonical = canonical_email(data.email)
    petition_id = petition.id
    signature = Signature(
        petition_id=petition_id,
        token=secrets.token_urlsafe(18),
        email_canonical=canonical,
        locale=locale,
        flag_reason=flag_reason,
        ip_hash=hash_ip(ip),
        **_fields(data),
    )
    db.session.add(signature)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        signature = _sign_again(petition_id, canonical, data, locale, source)
    else:
        referrals.record_signing(signature, source)
        if flag_reason is None:
            _mail_confirmation(signature)
    db.session.commit()
    return signature


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
) -> Signature | None:
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
        referrals.record_signing(existing, source, renewed=True)
        _mail_confirmation(existing)
        return existing
    if existing.status == SignatureStatus.PENDING:
        # The pending data is not overwritten: whoever owns the mailbox confirms what was typed first.
        _mail_confirmation(existing, locale=locale)
    else:
        _mail(existing, "signing/already_signed", locale=locale)
    return None


def _mail_confirmation(signature: Signature, locale: str | None = None) -> None:
    _mail(signature, "signing/confirm", locale=locale)


def _mail(signature: Signature, template: str, locale: str | None = None) -> None:
    if mail.sent_recently(signature.email_canonical) >= current_app.config["MAILS_PER_ADDRESS_PER_DAY"]:
        return
    base = current_app.config["BASE_URL"]
    locale = locale or signature.locale
    # The links open the pages in the mail's language, whatever browser the signer reads it in.
    mail.enqueue(
        recipient=signature.email,
        recipient_key=signature.email_canonical,
        template=template,
        locale=locale,
        signature=signature,
        petition=petitions.localized(signature.petition, locale),
        confirm_url=base + url_for("signing.confirm", token=link_token(signature, CONFIRM), lang=locale),
        withdraw_url=base + url_for("signing.withdraw", token=link_token(signature, WITHDRAW), lang=locale),
        petition_url=base + url_for("petitions.show", slug=signature.petition.slug, lang=locale),
        **_referral_links(signature, locale),
    )


def _referral_links(signature: Signature, locale: str) -> dict:
    """The signer's personal link and the private page that counts who signed through it.

    The personal link is for others, who read the petition in their own language; the private
    page opens in the signer's.
    """
    return {
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
        counting.add(signature.petition_id, signature.country, 1)
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
        counting.add(signature.petition_id, signature.country, -1)
    db.session.commit()
    return bool(changed)


def recent_public(petition_id: int, limit: int = 8) -> list[Signature]:
    return db.session.scalars(
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
