from dataclasses import dataclass, fields
from datetime import datetime

from flask import current_app
from flask_babel import get_locale
from flask_caching import make_template_fragment_key
from markupsafe import Markup
from sqlalchemy import event, select
from sqlalchemy.orm import object_session

from petition import i18n
from petition.caching import TEXT_SECONDS, cached, clear_after_commit
from petition.counting import service as counting
from petition.extensions import cache, db
from petition.petitions.models import CommentModeration, Petition, PetitionTranslation, split_demands

TEXT_FIELDS = ("title", "summary", "addressee", "letter", "background", "demands")


def featured() -> Petition | None:
    return db.session.scalar(
        select(Petition).order_by(Petition.is_featured.desc(), Petition.is_open.desc(), Petition.id).limit(1)
    )


def all_petitions() -> list[Petition]:
    return list(
        db.session.scalars(
            select(Petition).order_by(Petition.is_featured.desc(), Petition.is_open.desc(), Petition.id)
        )
    )


def by_slug(slug: str) -> Petition | None:
    return db.session.scalar(select(Petition).where(Petition.slug == slug))


@dataclass(frozen=True)
class PetitionKey:
    """What the signature POST and the count JSON need of a petition, kept in the cache."""

    id: int
    slug: str
    is_open: bool
    goal: int
    title: str  # in French; `title_in` gives it in another language


def key_of(slug: str) -> PetitionKey | None:
    """The petition's id and state; cached, cleared when the petition changes (petition/caching.py)."""
    return cached(f"petition/{slug}", TEXT_SECONDS, lambda: _key_of(slug))


def _key_of(slug: str) -> PetitionKey | None:
    row = db.session.execute(
        select(Petition.id, Petition.slug, Petition.is_open, Petition.goal, Petition.title).where(
            Petition.slug == slug
        )
    ).first()
    return PetitionKey(*row) if row else None


@dataclass(frozen=True)
class PetitionRow:
    """A petition as pages read it: every column of its row, kept in the cache. Read-only: a
    write loads the `Petition` itself."""

    id: int
    slug: str
    title: str
    summary: str
    addressee: str
    letter: str
    background: str
    demands: str
    goal: int
    is_open: bool
    is_featured: bool
    created_dt: datetime
    closed_dt: datetime | None
    comment_moderation: CommentModeration

    @property
    def demand_list(self) -> list[str]:
        return split_demands(self.demands)


def row_of(slug: str) -> PetitionRow | None:
    """The petition's row for the pages that show it, without a query per page; cached, cleared
    when the petition changes (petition/caching.py)."""
    return cached(f"petition-row/{slug}", TEXT_SECONDS, lambda: _row_of(slug))


def _row_of(slug: str) -> PetitionRow | None:
    petition = by_slug(slug)
    if petition is None:
        return None
    return PetitionRow(**{field.name: getattr(petition, field.name) for field in fields(PetitionRow)})


def texts(petition_id: int, locale: str) -> dict[str, str]:
    """{field: text} of the petition's translation into `locale`, without the empty fields;
    cached, cleared when the translation changes (petition/caching.py)."""
    return cached(f"text/{petition_id}/{locale}", TEXT_SECONDS, lambda: _texts(petition_id, locale))


def _texts(petition_id: int, locale: str) -> dict[str, str]:
    translation = db.session.get(PetitionTranslation, (petition_id, locale))
    if translation is None:
        return {}
    return {
        field: value
        for field in TEXT_FIELDS
        if (value := getattr(translation, field)) is not None and value.strip()
    }


def title_in(petition: PetitionKey, locale: str) -> str:
    """The petition's title in `locale`, or in French where it is not translated."""
    return texts(petition.id, locale).get("title", petition.title)


# Fragments of templates/petitions/show.html that show the petition's text, per language.
FRAGMENTS = ("petition-header", "petition-text", "petition-share")


def _forget_fragments(petition_id: int, locales) -> None:
    cache.delete_many(
        *(
            make_template_fragment_key(name, vary_on=[str(petition_id), locale])
            for name in FRAGMENTS
            for locale in locales
        )
    )


@event.listens_for(Petition, "after_insert")
@event.listens_for(Petition, "after_update")
@event.listens_for(Petition, "after_delete")
def _petition_changed(mapper, connection, petition: Petition) -> None:
    slug, petition_id = petition.slug, petition.id

    def forget() -> None:
        cache.delete_many(f"petition/{slug}", f"petition-row/{slug}")
        _forget_fragments(petition_id, i18n.LANGUAGES)  # French is every language's fallback

    clear_after_commit(forget, object_session(petition))


@event.listens_for(PetitionTranslation, "after_insert")
@event.listens_for(PetitionTranslation, "after_update")
@event.listens_for(PetitionTranslation, "after_delete")
def _translation_changed(mapper, connection, translation: PetitionTranslation) -> None:
    petition_id, locale = translation.petition_id, translation.locale

    def forget() -> None:
        cache.delete(f"text/{petition_id}/{locale}")
        _forget_fragments(petition_id, [locale])

    clear_after_commit(forget, object_session(translation))


@dataclass(frozen=True)
class Progress:
    count: int
    goal: int
    target: int

    @property
    def percent(self) -> int:
        return min(100, self.count * 100 // self.target) if self.target else 100

    @property
    def goal_reached(self) -> bool:
        return self.count >= self.goal


def next_target(count: int, goal: int) -> int:
    """The goal, then twice the goal, and so on: the next milestone above the count."""
    target = max(goal, 1)
    while count >= target:
        target *= 2
    return target


def progress(petition: Petition | PetitionKey) -> Progress:
    count = counting.total(petition.id)
    return Progress(count=count, goal=petition.goal, target=next_target(count, petition.goal))


class LocalizedPetition:
    """A petition read in one language: each text translated, or in French where it is not.

    Without an explicit locale the language is the one in force when a text is read, so the same
    object serves a page and, under `force_locale`, a mail in the signer's language. Everything
    that is not text (slug, goal, is_open...) is the petition's own.
    """

    def __init__(self, petition: Petition | PetitionRow, locale: str | None = None):
        self.petition = petition
        self._locale = locale
        self._texts: dict[str, dict[str, str]] = {}

    def __getattr__(self, name: str):
        if name == "petition":  # not set yet (copy, pickle): never recurse
            raise AttributeError(name)
        if name in TEXT_FIELDS:
            return self._text(name)[0]
        return getattr(self.petition, name)

    @property
    def demand_list(self) -> list[str]:
        return split_demands(self.demands)

    def language_attrs(self, field: str) -> Markup:
        """`lang`/`dir` attributes when this text falls back to another language than the page."""
        return i18n.language_attrs(self._text(field)[1])

    def _text(self, field: str) -> tuple[str, str]:
        locale = self._locale or str(get_locale())
        if locale not in self._texts:
            self._texts[locale] = texts(self.petition.id, locale)
        value = self._texts[locale].get(field)
        if value is not None:
            return value, locale
        return getattr(self.petition, field), current_app.config["BABEL_DEFAULT_LOCALE"]


def localized(
    petition: Petition | PetitionRow | LocalizedPetition, locale: str | None = None
) -> LocalizedPetition:
    if isinstance(petition, LocalizedPetition):
        petition = petition.petition
    return LocalizedPetition(petition, locale)


def save_translation(petition: Petition, locale: str, **texts: str | None) -> PetitionTranslation:
    """Add or replace the petition's text in `locale` (the caller commits)."""
    unknown = set(texts) - set(TEXT_FIELDS)
    if unknown:
        raise ValueError(f"not a text of a petition: {sorted(unknown)}")
    if locale not in i18n.LANGUAGES or locale == current_app.config["BABEL_DEFAULT_LOCALE"]:
        raise ValueError(f"not a language to translate into: {locale}")
    translation = db.session.get(PetitionTranslation, (petition.id, locale))
    if translation is None:
        translation = PetitionTranslation(petition_id=petition.id, locale=locale)
        db.session.add(translation)
    for field, value in texts.items():
        setattr(translation, field, value)
    return translation
