from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from petition.core.time import utcnow
from petition.database import BigId
from petition.extensions import db


class LogEvent(db.Model):
    """One event of the count's history: a signature started or stopped counting.

    Written unsealed (`seq`, `prev_hash`, `hash` empty) in the transaction that changed the
    count; the sealer (`service.seal`) later numbers it and chains it. `signature_id` is never
    published: it finds the receipt of a signature's earlier events, and is cut when its owner
    erases their data.
    """

    __tablename__ = "transparency_events"
    __table_args__ = (
        Index("ix_transparency_events_unsealed", "seq", "id"),
        Index("ix_transparency_events_receipt_hash", "receipt_hash"),
        Index("ix_transparency_events_signature_id", "signature_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    seq: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    petition: Mapped[str] = mapped_column(String(80))
    event: Mapped[str] = mapped_column(String(16))
    receipt_hash: Mapped[str] = mapped_column(String(64))
    country: Mapped[str] = mapped_column(String(2))
    day: Mapped[date]
    reason: Mapped[str | None] = mapped_column(String(200))
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))
    signature_id: Mapped[int | None] = mapped_column(ForeignKey("signatures.id", ondelete="SET NULL"))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    def published(self) -> dict[str, Any]:
        """The public line of a sealed entry (chain.ENTRY_FIELDS, then "prev" and "hash")."""
        return {
            "seq": self.seq,
            "petition": self.petition,
            "event": self.event,
            "receipt": self.receipt_hash,
            "country": self.country,
            "day": self.day.isoformat(),
            "reason": self.reason,
            "prev": self.prev_hash,
            "hash": self.hash,
        }


class SealState(db.Model):
    """One row: the sealed log's length, head hash and counts per petition. The sealer locks it,
    so that one sealer runs at a time on every database and machine."""

    __tablename__ = "transparency_state"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    length: Mapped[int] = mapped_column(BigInteger, default=0)
    head: Mapped[str] = mapped_column(String(64))
    counts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)


class Checkpoint(db.Model):
    """A signed statement of the log: its length, head hash and counts, at a time."""

    __tablename__ = "transparency_checkpoints"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    length: Mapped[int] = mapped_column(BigInteger)
    head: Mapped[str] = mapped_column(String(64))
    counts: Mapped[dict[str, int]] = mapped_column(JSON)
    count: Mapped[int] = mapped_column(BigInteger)
    created_dt: Mapped[datetime]
    time: Mapped[str] = mapped_column(String(32))
    public_key: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(Text)

    def published(self) -> dict[str, Any]:
        return {
            "length": self.length,
            "head": self.head,
            "counts": self.counts,
            "count": self.count,
            "time": self.time,
            "key": self.public_key,
            "signature": self.signature,
        }
