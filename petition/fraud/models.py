from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from petition.core.time import utcnow
from petition.database import BigId
from petition.extensions import db


class Ban(db.Model):
    """An address, a domain or a network kept from signing and/or commenting, for a time or for good.

    `kind` is "email" (a canonical mailbox), "domain", "network" (a CIDR typed by a moderator) or
    "network-hash" (the /24 or /48 of a comment, known only by its keyed hash: core.network.hash_ip).
    """

    __tablename__ = "fraud_bans"
    __table_args__ = (Index("ix_fraud_bans_kind_value", "kind", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(254))
    from_signing: Mapped[bool] = mapped_column(default=True)
    from_commenting: Mapped[bool] = mapped_column(default=True)
    reason: Mapped[str] = mapped_column(String(200), default="")
    until_dt: Mapped[datetime | None]
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    lifted_dt: Mapped[datetime | None]

    def active(self, now: datetime) -> bool:
        return self.lifted_dt is None and (self.until_dt is None or self.until_dt > now)


class DomainRule(db.Model):
    """An admin's change to the list of blocked mail domains: added (`blocked` true) or taken off
    the list the `disposable-email-domains` package ships (`blocked` false)."""

    __tablename__ = "fraud_domain_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    domain: Mapped[str] = mapped_column(String(254), unique=True)
    blocked: Mapped[bool] = mapped_column(default=True)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)


class BlockedNetwork(db.Model):
    """A network (CIDR) whose signatures are kept flagged."""

    __tablename__ = "fraud_blocked_networks"

    id: Mapped[int] = mapped_column(primary_key=True)
    network: Mapped[str] = mapped_column(String(64), unique=True)
    note: Mapped[str] = mapped_column(String(200), default="")
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)


class BulkInvalidation(db.Model):
    """One bulk invalidation: what it matched, why, and whether it was undone."""

    __tablename__ = "fraud_bulk_invalidations"

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id"))
    criteria: Mapped[dict] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(String(200))
    signatures: Mapped[int] = mapped_column(default=0)
    uncounted: Mapped[int] = mapped_column(default=0)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    undone_dt: Mapped[datetime | None]
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class BulkInvalidationItem(db.Model):
    """A signature a bulk invalidation touched, with the flag it had before, so that undo restores it."""

    __tablename__ = "fraud_bulk_invalidation_items"

    bulk_id: Mapped[int] = mapped_column(
        ForeignKey("fraud_bulk_invalidations.id", ondelete="CASCADE"), primary_key=True
    )
    signature_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("signatures.id", ondelete="CASCADE"), primary_key=True
    )
    previous_flag: Mapped[str | None] = mapped_column(String(40))


class TrendAlert(db.Model):
    """A network or a domain that signed faster than the threshold; one per source per hour."""

    __tablename__ = "fraud_trend_alerts"
    __table_args__ = (UniqueConstraint("source_kind", "source", "hour"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_kind: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(254))
    hour: Mapped[str] = mapped_column(String(13))
    signatures: Mapped[int]
    minutes: Mapped[int]
    created_dt: Mapped[datetime] = mapped_column(default=utcnow, index=True)
