import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from petition.accounts.models import User
from petition.core.time import utcnow
from petition.database import BigId, text_enum
from petition.extensions import db


class VolunteerStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its owner to confirm from the mailed link
    CONFIRMED = "confirmed"


class Volunteer(db.Model):
    """A person who offered to help the committee, one per mailbox (canonical email)."""

    __tablename__ = "volunteers"
    __table_args__ = (Index("ix_volunteers_listing", "status", "created_dt"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[VolunteerStatus] = mapped_column(
        text_enum(VolunteerStatus), default=VolunteerStatus.PENDING
    )
    name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str] = mapped_column(String(254))
    email_canonical: Mapped[str] = mapped_column(String(254), unique=True)
    country: Mapped[str] = mapped_column(String(2))
    city: Mapped[str | None] = mapped_column(String(80))
    # The kinds of help offered (service.HELPS), separated by spaces: "flyers press".
    helps: Mapped[str] = mapped_column(String(80))
    help_other: Mapped[str | None] = mapped_column(String(200))
    availability: Mapped[str | None] = mapped_column(String(500))
    locale: Mapped[str] = mapped_column(String(8), default="fr")
    # The consent as the person read it (in their language) and when they gave it.
    consent_wording: Mapped[str] = mapped_column(Text)
    consent_dt: Mapped[datetime] = mapped_column(default=utcnow)
    # Why it looks sent by a robot ("honeypot", "no-timer"): kept apart, never mailed nor listed.
    robot_signal: Mapped[str | None] = mapped_column(String(20))
    ip_hash: Mapped[str | None] = mapped_column(String(64))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_dt: Mapped[datetime | None]
    contacted_dt: Mapped[datetime | None]
    contacted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    contacted_by: Mapped[User | None] = relationship()

    @property
    def help_codes(self) -> list[str]:
        return self.helps.split()
