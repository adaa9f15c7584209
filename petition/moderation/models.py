from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from petition.extensions import db


class DigestState(db.Model):
    """One row: when moderators were last told that comments wait. Kept in the database so that
    every app process, on every machine, respects the same interval."""

    __tablename__ = "moderation_digest"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_sent_dt: Mapped[datetime | None]
