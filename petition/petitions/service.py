from dataclasses import dataclass

from flask import current_app
from flask_babel import get_locale
from markupsafe import Markup
from sqlalchemy import select

from petition import i18n
from petition.core import microcache
from petition.counting import service as counting
from petition.extensions import db
from petition.petitions.models import Petition, PetitionTranslation, split_demands

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
    """What a signature needs to know of its petition, cheap to keep between requests."""

    id: int
    slug: str
    is_open: bool


def key_of(slug: str) -> PetitionKey | None:
    """The petition's id and state, read at most MICROCACHE_SECONDS ago (closing takes effect
    within that time, as the public pages do)."""

    def read() -> PetitionKey | None:
        row = db.session.execute(
            select(Petition.id, Petition.slug, Petition.is_open).where(Petition.slug == slug)
        ).first()
        return PetitionKey(*row) if row else None

    return microcache.cached(("petition-key", slug), read)


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


def progress(petition: Petition) -> Progress:
    count = counting.total(petition.id)
    return Progress(count=count, goal=petition.goal, target=next_target(count, petition.goal))


class LocalizedPetition:
    """A petition read in one language: each text translated, or in French where it is not.

    Without an explicit locale the language is the one in force when a text is read, so the same
    object serves a page and, under `force_locale`, a mail in the signer's language. Everything
    that is not text (slug, goal, is_open...) is the petition's own.
    """

    def __init__(self, petition: Petition, locale: str | None = None):
        self.petition = petition
        self._locale = locale
        self._translations: dict[str, PetitionTranslation | None] = {}

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
        if locale not in self._translations:
            self._translations[locale] = db.session.get(PetitionTranslation, (self.petition.id, locale))
        translation = self._translations[locale]
        value = getattr(translation, field) if translation is not None else None
        if value and value.strip():
            return value, locale
        return getattr(self.petition, field), current_app.config["BABEL_DEFAULT_LOCALE"]


def localized(petition: Petition | LocalizedPetition, locale: str | None = None) -> LocalizedPetition:
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
