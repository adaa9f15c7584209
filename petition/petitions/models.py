import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from petition.core.time import utcnow
from petition.database import text_enum
from petition.extensions import db


class CommentModeration(enum.StrEnum):
    """Pre: a comment shows once a moderator approves it. Post: it shows at once, reviewed after."""

    PRE = "pre"
    POST = "post"


def split_demands(text: str) -> list[str]:
    """The demands are stored one per line."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class Petition(db.Model):
    """A petition; its text here is the French one (the site's source language)."""

    __tablename__ = "petitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    addressee: Mapped[str] = mapped_column(String(200))
    letter: Mapped[str] = mapped_column(Text)
    background: Mapped[str] = mapped_column(Text)
    demands: Mapped[str] = mapped_column(Text)
    goal: Mapped[int] = mapped_column(default=50000)
    is_open: Mapped[bool] = mapped_column(default=True)
    is_featured: Mapped[bool] = mapped_column(default=False)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    closed_dt: Mapped[datetime | None]
    comment_moderation: Mapped[CommentModeration] = mapped_column(
        text_enum(CommentModeration, length=8),
        default=CommentModeration.PRE,
        server_default=CommentModeration.PRE.value,
    )

    @property
    def demand_list(self) -> list[str]:
        return split_demands(self.demands)

    def __repr__(self) -> str:
        return f"<Petition {self.slug}>"


class PetitionTranslation(db.Model):
    """A petition's text in another language; a field left empty is read in French."""

    __tablename__ = "petition_translations"

    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id", ondelete="CASCADE"), primary_key=True)
    locale: Mapped[str] = mapped_column(String(8), primary_key=True)
    title: Mapped[str | None] = mapped_column(String(200))
    summary: Mapped[str | None] = mapped_column(Text)
    addressee: Mapped[str | None] = mapped_column(String(200))
    letter: Mapped[str | None] = mapped_column(Text)
    background: Mapped[str | None] = mapped_column(Text)
    demands: Mapped[str | None] = mapped_column(Text)
    updated_dt: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<PetitionTranslation {self.petition_id} {self.locale}>"
