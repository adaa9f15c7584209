from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from petition.accounts.models import User
from petition.core.time import utcnow
from petition.extensions import db
from petition.petitions.models import Petition


class Dossier(db.Model):
    """A delivery dossier asked for by an admin, built as a PDF (by the request when the
    petition is small, else by `flask exports build`) and kept for a few days to be downloaded."""

    __tablename__ = "dossiers"
    __table_args__ = (Index("ix_dossiers_waiting", "done_dt", "requested_dt"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(Text)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_dt: Mapped[datetime] = mapped_column(default=utcnow)
    # Set by the builder that took it; a build that never finished is taken again after a while.
    started_dt: Mapped[datetime | None]
    done_dt: Mapped[datetime | None]
    signatures: Mapped[int | None]
    pages: Mapped[int | None]
    failure: Mapped[str | None] = mapped_column(String(200))
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))

    petition: Mapped[Petition] = relationship()
    requested_by: Mapped[User | None] = relationship()

    @property
    def ready(self) -> bool:
        return self.done_dt is not None and self.failure is None
