from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from petition.core.time import utcnow
from petition.database import BigId
from petition.extensions import db
from petition.signing.models import Signature


class ReferralLink(db.Model):
    """A signer's personal link (`?ref=CODE`): the code says nothing about who owns it.

    A link without a signature is handed out when the address typed had already signed, so that
    the thank-you page looks the same whoever signed before, and shows nobody else's code.
    """

    __tablename__ = "referral_links"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id"))
    signature_id: Mapped[int | None] = mapped_column(
        ForeignKey("signatures.id", ondelete="CASCADE"), unique=True
    )
    code: Mapped[str] = mapped_column(String(16), unique=True)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    signature: Mapped[Signature | None] = relationship()


class SignatureSource(db.Model):
    """How a signer first came to the petition: whose link, which share button."""

    __tablename__ = "signature_sources"

    signature_id: Mapped[int] = mapped_column(
        ForeignKey("signatures.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    referral_link_id: Mapped[int | None] = mapped_column(
        ForeignKey("referral_links.id", ondelete="SET NULL"), index=True
    )
    channel: Mapped[str | None] = mapped_column(String(20), index=True)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)


class ShareImage(db.Model):
    """A rendered preview card, shared by every app process and machine through the database."""

    __tablename__ = "share_images"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    version: Mapped[str] = mapped_column(String(80))
    count_shown: Mapped[int]
    png: Mapped[bytes] = mapped_column(LargeBinary)
    rendered_dt: Mapped[datetime] = mapped_column(default=utcnow)
