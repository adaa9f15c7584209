from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from petition.accounts.models import User
from petition.core.time import utcnow
from petition.database import BigId
from petition.extensions import db


class ContactMessage(db.Model):
    """A message sent to the committee from /contact, read by the admins in the back office."""

    __tablename__ = "contact_messages"
    __table_args__ = (Index("ix_contact_messages_created", "created_dt"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str] = mapped_column(String(254))
    message: Mapped[str] = mapped_column(Text)
    locale: Mapped[str] = mapped_column(String(8), default="fr")
    # Why it looks automated ("honeypot", "no-timer"): kept apart and never mailed.
    robot_signal: Mapped[str | None] = mapped_column(String(20))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    read_dt: Mapped[datetime | None]
    read_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    read_by: Mapped[User | None] = relationship()
