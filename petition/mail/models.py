from datetime import datetime

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from petition.core.time import utcnow
from petition.database import BigId
from petition.extensions import db


class OutboxMail(db.Model):
    """A mail to send, written in the same transaction as the change that causes it.

    Either its text is written at once (`subject`, `body_text`), or the row names what to write
    (`kind`, `locale`, `params`) and the sender writes the text just before sending it: the
    request that queues it then does no more than insert this row.
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
    failed_dt: Mapped[datetime | None]
