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


def parse_milestones(text: str | None) -> tuple[int, ...]:
    """The milestones as stored (one number per line, already checked by the editor's form)."""
    return tuple(int(line) for line in (text or "").split() if line.isdigit())


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
    # Shown on the page of a closed petition, in French (translations in petition_translations).
    closing_message: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Signature counts announced on the way, one per line, increasing; empty: the goal, then
    # twice the goal, and so on (`petitions.service.next_target`).
    milestones: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Raised each time a French text changes, so that the editor tells which translations were
    # made from an older French text.
    text_version: Mapped[int] = mapped_column(default=1, server_default="1")
    text_changed_dt: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def demand_list(self) -> list[str]:
        return split_demands(self.demands)

    @property
    def milestone_list(self) -> tuple[int, ...]:
        return parse_milestones(self.milestones)

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
    closing_message: Mapped[str | None] = mapped_column(Text)
    # The petition's `text_version` this translation was made from; older: out of date.
    source_version: Mapped[int | None]
    updated_dt: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<PetitionTranslation {self.petition_id} {self.locale}>"


class PetitionSlug(db.Model):
    """An address a petition had before it was renamed: it redirects to the petition's own."""

    __tablename__ = "petition_slugs"

    slug: Mapped[str] = mapped_column(String(80), primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id", ondelete="CASCADE"), index=True)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<PetitionSlug {self.slug} -> {self.petition_id}>"
