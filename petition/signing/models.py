import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, and_
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from petition.core.time import utcnow
from petition.database import BigId, text_enum
from petition.extensions import db
from petition.petitions.models import Petition
from petition.signing.places import without_postcode


class SignatureStatus(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    WITHDRAWN = "withdrawn"


class Signature(db.Model):
    __tablename__ = "signatures"
    __table_args__ = (
        UniqueConstraint("petition_id", "email_canonical"),
        Index("ix_signatures_recent", "petition_id", "status", "confirmed_dt"),
        # What the fraud review groups and bulk invalidation select by: a network, a time window.
        Index("ix_signatures_network", "ip_hash", "created_dt"),
        Index("ix_signatures_created", "created_dt"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id"))
    token: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[SignatureStatus] = mapped_column(
        text_enum(SignatureStatus),
        default=SignatureStatus.PENDING,
    )
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str] = mapped_column(String(254))
    email_canonical: Mapped[str] = mapped_column(String(254))
    country: Mapped[str] = mapped_column(String(2))
    city: Mapped[str | None] = mapped_column(String(80))
    reason: Mapped[str | None] = mapped_column(String(500))
    is_subscriber: Mapped[bool] = mapped_column(default=False)
    show_name: Mapped[bool] = mapped_column(default=False)
    wants_updates: Mapped[bool] = mapped_column(default=False)
    consent_wording: Mapped[str] = mapped_column(String(500))
    locale: Mapped[str] = mapped_column(String(8), default="fr")
    flag_reason: Mapped[str | None] = mapped_column(String(40))
    ip_hash: Mapped[str | None] = mapped_column(String(64))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_dt: Mapped[datetime | None]
    withdrawn_dt: Mapped[datetime | None]

    petition: Mapped[Petition] = relationship()

    @property
    def public_name(self) -> str:
        initial = self.last_name.strip()[:1]
        return f"{self.first_name} {initial}." if initial else self.first_name

    @property
    def public_town(self) -> str | None:
        """The town shown in the public list, never a postcode (rows stored before they were cut)."""
        return without_postcode(self.city)

    @hybrid_property
    def counts(self) -> bool:
        """This signature counts: its owner confirmed it and it is not held back as suspect.
        Also a SQL condition (`select(...).where(Signature.counts)`): the one definition of it."""
        return self.status == SignatureStatus.CONFIRMED and self.flag_reason is None

    @counts.inplace.expression
    @classmethod
    def _counts_expression(cls):
        return and_(cls.status == SignatureStatus.CONFIRMED, cls.flag_reason.is_(None))
