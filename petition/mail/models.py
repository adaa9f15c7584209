from datetime import datetime

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from petition.core.time import utcnow
from petition.database import BigId
from petition.extensions import db


class OutboxMail(db.Model):
    """A mail to send, queued in the same transaction as the change that causes it.

    The row names what to write (`kind`, `locale`, `params`); the sender writes the text just
    before sending it and keeps `subject` and `body_text` as a record. A mail given up has
    `failed_dt`, `failure` (why, a code of `petition.mail.transport`) and `last_error` (details).
    """

    __tablename__ = "mail_outbox"
    __table_args__ = (
        Index("ix_mail_outbox_due", "sent_dt", "next_attempt_dt"),
        Index("ix_mail_outbox_recipient", "recipient_key", "created_dt"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    recipient: Mapped[str] = mapped_column(String(254))
    recipient_key: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str | None] = mapped_column(String(300))
    body_text: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(40))
    locale: Mapped[str | None] = mapped_column(String(8))
    params: Mapped[dict | None] = mapped_column(JSON)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_dt: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_until_dt: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_dt: Mapped[datetime | None]
    failed_dt: Mapped[datetime | None] = mapped_column(index=True)
    failure: Mapped[str | None] = mapped_column(String(20))
