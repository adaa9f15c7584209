from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from petition.core.time import utcnow
from petition.database import BigId
from petition.extensions import db


class ConsentRecord(db.Model):
    """One consent a person gave: to what (`purpose`), in which words (`wording`, and `version`,
    the first 16 hex digits of its SHA-256, so that records of the same text group together),
    when, and when it was taken back. `subject` is the canonical mailbox
    (core.email.canonical_email); `source` names the record it came with ("signature:12")."""

    __tablename__ = "consent_records"
    __table_args__ = (Index("ix_consent_records_subject", "subject", "purpose"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    subject: Mapped[str] = mapped_column(String(254))
    purpose: Mapped[str] = mapped_column(String(40))
    version: Mapped[str] = mapped_column(String(16))
    wording: Mapped[str] = mapped_column(Text)
    locale: Mapped[str] = mapped_column(String(8))
    source: Mapped[str | None] = mapped_column(String(40))
    given_dt: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_dt: Mapped[datetime | None]


class DataRequest(db.Model):
    """A person asked for the link to their data (`/my-data`). The mailed link is a signed token
    naming this row's id, valid MY_DATA_LINK_HOURS; rows are purged once their link has expired."""

    __tablename__ = "data_requests"
    __table_args__ = (Index("ix_data_requests_created", "created_dt"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    subject: Mapped[str] = mapped_column(String(254))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)


class RetentionTally(db.Model):
    """What a retention rule has done so far (rows changed in all), and when it last ran: the
    dashboard's "done". One row per rule; erasures asked from /my-data are a rule too."""

    __tablename__ = "retention_tallies"

    rule: Mapped[str] = mapped_column(String(40), primary_key=True)
    total: Mapped[int] = mapped_column(default=0)
    last_run_dt: Mapped[datetime | None]
    last_changed: Mapped[int] = mapped_column(default=0)
