from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from petition.core.time import utcnow
from petition.database import BigId
from petition.extensions import db


class Update(db.Model):
    """A piece of news of the case (the cut, the hearing, the ruling), public once published.

    Its text lives in `UpdateText`, one row per language; the French row is always there (the
    site's source language) and stands in for a missing translation.
    """

    __tablename__ = "updates"
    __table_args__ = (Index("ix_updates_published", "is_published", "published_dt"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    # None: news of the whole case, shown with every petition.
    petition_id: Mapped[int | None] = mapped_column(ForeignKey("petitions.id", ondelete="SET NULL"))
    is_published: Mapped[bool] = mapped_column(default=False)
    # The date shown to readers; set when first published unless the admin chose one.
    published_dt: Mapped[datetime | None]
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    updated_dt: Mapped[datetime] = mapped_column(default=utcnow)

    texts: Mapped[list["UpdateText"]] = relationship(
        back_populates="update", cascade="all, delete-orphan", order_by="UpdateText.locale"
    )

    def text(self, locale: str) -> "UpdateText | None":
        return next((text for text in self.texts if text.locale == locale), None)

    def __repr__(self) -> str:
        return f"<Update {self.slug}>"


class UpdateText(db.Model):
    """An update's title, optional summary and body (Markdown) in one language."""

    __tablename__ = "update_texts"

    update_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("updates.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    locale: Mapped[str] = mapped_column(String(8), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    updated_dt: Mapped[datetime] = mapped_column(default=utcnow)

    update: Mapped[Update] = relationship(back_populates="texts")
