"""Personal links (`?ref=CODE`), where signers first came from, and what admins see of it."""

import re
import secrets
from dataclasses import dataclass

from flask import request, session
from sqlalchemy import case, delete, func, insert, select

from petition.core.transactions import write_transaction
from petition.core.urls import absolute_url
from petition.counting import service as counting
from petition.extensions import db
from petition.petitions.models import Petition
from petition.sharing import links
from petition.sharing.models import ReferralLink, SignatureSource
from petition.signing.models import Signature

CODE = re.compile(r"[A-Za-z0-9_-]{6,16}")
FIRST_TOUCH_COOKIE = "first_touch"
FIRST_TOUCH_DAYS = 30
REFERRAL_STATS = "referral-stats"
SESSION_CODES = "referral_codes"


@dataclass(frozen=True)
class FirstTouch:
    """Where a visitor first came from: a personal link's code and/or a share button's channel."""

    code: str | None
    channel: str | None

    @classmethod
    def from_values(cls, code: str | None, channel: str | None) -> "FirstTouch | None":
        """Keep what is well formed and drop the rest: a forged value is simply not a source."""
        code = code if code and CODE.fullmatch(code) else None
        channel = channel if channel in links.SOURCES else None
        return cls(code, channel) if code or channel else None

    @classmethod
    def from_cookie(cls, value: str | None) -> "FirstTouch | None":
        code, _sep, channel = (value or "").partition(".")
        return cls.from_values(code or None, channel or None)

    def cookie_value(self) -> str:
        return f"{self.code or ''}.{self.channel or ''}"


def new_code() -> str:
    """Ten URL-safe characters: short enough for an SMS, too many to guess."""
    return secrets.token_urlsafe(7)


def link_of(signature: Signature) -> ReferralLink:
    """The signature's personal link, created in the caller's transaction on first use."""
    link = db.session.scalar(select(ReferralLink).where(ReferralLink.signature_id == signature.id))
    if link is None:
        link = ReferralLink(petition_id=signature.petition_id, signature_id=signature.id, code=new_code())
        db.session.add(link)
        db.session.flush()
    return link


def personal_link(signature: Signature) -> ReferralLink:
    """The signature's personal link, created on first use (a write transaction)."""
    with write_transaction():
        link = link_of(signature)
    return link


def code_of(signature: Signature) -> str | None:
    return db.session.scalar(select(ReferralLink.code).where(ReferralLink.signature_id == signature.id))


_INSERT_LINK = insert(ReferralLink.__table__)


def record_signing(
    petition_id: int, signature_id: int, touch: FirstTouch | None, *, renewed: bool = False
) -> str:
    """Give a new (or renewed) signature its own link, remember where its signer came from, and
    return the link's code.

    A renewed signature (signed again after a withdrawal) gets a new code, so that whoever typed
    the address never sees the code its earlier owner may have shared.
    """
    code = new_code()
    if renewed:
        link = db.session.scalar(select(ReferralLink).where(ReferralLink.signature_id == signature_id))
        if link is None:
            db.session.add(ReferralLink(petition_id=petition_id, signature_id=signature_id, code=code))
        else:
            link.code = code
        db.session.execute(delete(SignatureSource).where(SignatureSource.signature_id == signature_id))
    else:
        db.session.connection().execute(
            _INSERT_LINK, {"petition_id": petition_id, "signature_id": signature_id, "code": code}
        )
    if touch is None:
        return code
    referrer_id = None
    if touch.code and touch.code != code:
        referrer_id = db.session.scalar(
            select(ReferralLink.id).where(
                ReferralLink.code == touch.code, ReferralLink.petition_id == petition_id
            )
        )
    if referrer_id is not None or touch.channel is not None:
        db.session.execute(
            insert(SignatureSource).values(
                signature_id=signature_id, referral_link_id=referrer_id, channel=touch.channel
            )
        )
    return code


def unowned_code(petition_id: int) -> str:
    """A new personal link that belongs to nobody, in the caller's transaction: what the thank-you
    page shows when the address had already signed, so that it looks as for a new signature
    (and costs the same INSERT as a new signature's link)."""
    code = new_code()
    db.session.connection().execute(
        _INSERT_LINK, {"petition_id": petition_id, "signature_id": None, "code": code}
    )
    return code


# What this browser remembers: where it first came from, and the code it was shown after signing.


def first_touch() -> FirstTouch | None:
    return FirstTouch.from_cookie(request.cookies.get(FIRST_TOUCH_COOKIE))


def remember_code(petition: Petition, code: str) -> None:
    """Tie the code shown on the thank-you page to this browser's session."""
    session[SESSION_CODES] = dict(session.get(SESSION_CODES) or {}) | {petition.slug: code}


def remembered_code(petition: Petition) -> str | None:
    return (session.get(SESSION_CODES) or {}).get(petition.slug)


def personal_url(petition: Petition, code: str) -> str:
    return links.landing_url(petition, ref=code)


def stats_url(token: str, lang: str | None = None) -> str:
    """The private page of a personal link; the token is signing's, for REFERRAL_STATS."""
    return absolute_url("sharing.referral_stats", token=token, lang=lang)


def confirmed_through(link: ReferralLink) -> int:
    """How many confirmed (and counted) signatures came through this link."""
    return db.session.scalar(
        select(func.count())
        .select_from(SignatureSource)
        .join(Signature, Signature.id == SignatureSource.signature_id)
        .where(SignatureSource.referral_link_id == link.id, Signature.counts)
    )


# --- What admins see --------------------------------------------------------------------------


@dataclass(frozen=True)
class Referrer:
    code: str
    name: str | None
    country: str | None
    confirmed: int


@dataclass(frozen=True)
class ChannelCount:
    channel: str
    signed: int
    confirmed: int


@dataclass(frozen=True)
class SharingReport:
    confirmed_total: int
    through_links: int
    referrers: list[Referrer]
    channels: list[ChannelCount]


def top_referrers(petition_id: int, limit: int = 20) -> list[Referrer]:
    """The links that brought the most confirmed signatures, named as the public list names people."""
    owner = db.aliased(Signature)
    rows = db.session.execute(
        select(ReferralLink.code, owner, func.count().label("confirmed"))
        .select_from(SignatureSource)
        .join(Signature, Signature.id == SignatureSource.signature_id)
        .join(ReferralLink, ReferralLink.id == SignatureSource.referral_link_id)
        .outerjoin(owner, owner.id == ReferralLink.signature_id)
        .where(ReferralLink.petition_id == petition_id, Signature.counts)
        .group_by(ReferralLink.id, ReferralLink.code, owner.id)
        .order_by(func.count().desc(), ReferralLink.code)
        .limit(limit)
    )
    return [
        Referrer(
            code=code,
            name=person.public_name if person is not None and person.first_name else None,
            country=person.country if person is not None else None,
            confirmed=confirmed,
        )
        for code, person, confirmed in rows
    ]


def channel_counts(petition_id: int) -> list[ChannelCount]:
    """Signatures by the share button or place their signer first came from."""
    rows = db.session.execute(
        select(
            SignatureSource.channel,
            func.count(),
            func.coalesce(func.sum(case((Signature.counts, 1), else_=0)), 0),
        )
        .join(Signature, Signature.id == SignatureSource.signature_id)
        .where(Signature.petition_id == petition_id, SignatureSource.channel.is_not(None))
        .group_by(SignatureSource.channel)
    )
    counts = [ChannelCount(channel, signed, int(confirmed)) for channel, signed, confirmed in rows]
    return sorted(counts, key=lambda c: (-c.confirmed, -c.signed, c.channel))


def report(petition: Petition) -> SharingReport:
    through_links = db.session.scalar(
        select(func.count())
        .select_from(SignatureSource)
        .join(Signature, Signature.id == SignatureSource.signature_id)
        .where(
            Signature.petition_id == petition.id,
            SignatureSource.referral_link_id.is_not(None),
            Signature.counts,
        )
    )
    return SharingReport(
        confirmed_total=counting.total(petition.id),
        through_links=through_links,
        referrers=top_referrers(petition.id),
        channels=channel_counts(petition.id),
    )
