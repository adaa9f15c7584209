import enum
import re
from dataclasses import dataclass, fields
from datetime import datetime

from flask import current_app
from flask_babel import get_locale
from flask_caching import make_template_fragment_key
from markupsafe import Markup
from sqlalchemy import delete, event, exists, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import object_session

from petition import i18n
from petition.audit import service as audit
from petition.caching import TEXT_SECONDS, cached, clear_after_commit
from petition.core.time import utcnow
from petition.core.transactions import write_transaction
from petition.counting import service as counting
from petition.extensions import cache, db
from petition.petitions.models import (
    CommentModeration,
    Petition,
    PetitionSlug,
    PetitionTranslation,
    parse_milestones,
    split_demands,
)
from petition.signing.models import Signature

# The petition's text, written in French and translated; the editor tracks these per language.
TEXT_FIELDS = ("title", "summary", "addressee", "letter", "background", "demands")
# Everything read per language: the text, and the message shown once the petition is closed.
TRANSLATED_FIELDS = (*TEXT_FIELDS, "closing_message")


def featured() -> Petition | None:
    return db.session.scalar(
        select(Petition).order_by(Petition.is_featured.desc(), Petition.is_open.desc(), Petition.id).limit(1)
    )


def all_titled(locale: str) -> list[tuple[Petition, str]]:
    """Every petition, in `all_petitions`' order, with its title in `locale` (French where it is
    not translated): what a menu of petitions shows in the back office."""
    return [(petition, title_in(petition, locale)) for petition in all_petitions()]


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
    milestone_list: tuple[int, ...] = ()


def key_of(slug: str) -> PetitionKey | None:
    """The petition's id and state; cached, cleared when the petition changes (petition/caching.py)."""
    return cached(f"petition/{slug}", TEXT_SECONDS, lambda: _key_of(slug))


def _key_of(slug: str) -> PetitionKey | None:
    row = db.session.execute(
        select(
            Petition.id, Petition.slug, Petition.is_open, Petition.goal, Petition.title, Petition.milestones
        ).where(Petition.slug == slug)
    ).first()
    return PetitionKey(*row[:5], milestone_list=parse_milestones(row[5])) if row else None


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
    closing_message: str
    milestones: str

    @property
    def demand_list(self) -> list[str]:
        return split_demands(self.demands)

    @property
    def milestone_list(self) -> tuple[int, ...]:
        return parse_milestones(self.milestones)


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
        for field in TRANSLATED_FIELDS
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
    petition_id = petition.id
    # A renamed petition: its old address must stop serving the cached petition at once.
    slugs = {petition.slug, *inspect(petition).attrs.slug.history.deleted}

    def forget() -> None:
        cache.delete_many(*(f"{prefix}/{slug}" for slug in slugs for prefix in ("petition", "petition-row")))
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


def next_target(count: int, goal: int, milestones: tuple[int, ...] = ()) -> int:
    """The next milestone above the count: the petition's own milestones (set by an admin) and
    its goal, in order; past them all (or without milestones), twice the last, and so on."""
    steps = sorted({*milestones, max(goal, 1)})
    for step in steps:
        if count < step:
            return step
    target = steps[-1]
    while count >= target:
        target *= 2
    return target


def progress(petition) -> Progress:
    """Count, goal and next milestone of a petition (any object with id, goal and milestone_list)."""
    count = counting.total(petition.id)
    return Progress(
        count=count, goal=petition.goal, target=next_target(count, petition.goal, petition.milestone_list)
    )


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
        if name in TRANSLATED_FIELDS:
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
    """Add or replace the petition's text in `locale` (the caller commits). The translation
    counts as made from the current French text."""
    unknown = set(texts) - set(TRANSLATED_FIELDS)
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
    if set(texts) & set(TEXT_FIELDS):
        translation.source_version = petition.text_version
    return translation


# --- The back office: petitions written and run by the admins ----------------------------------

# Lowercase ASCII letters and digits in words joined by single hyphens: an address that reads the
# same in every language, survives being typed on a phone and needs no percent-encoding.
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SLUG_MAX = 80


class SlugLocked(Exception):
    """The petition has signatures: its address is printed, shared and mailed, it stays."""


class SlugTaken(Exception):
    """Another petition has, or had, this address."""


def by_id(petition_id: int) -> Petition | None:
    return db.session.get(Petition, petition_id)


def has_signatures(petition_id: int) -> bool:
    """Whether anyone signed, confirmed or not: from then on the address never changes."""
    return bool(db.session.scalar(select(exists().where(Signature.petition_id == petition_id))))


def slug_taken(slug: str, petition_id: int | None = None) -> bool:
    """Whether `slug` is the address, or an old address, of another petition than `petition_id`."""
    live = select(exists().where(Petition.slug == slug, Petition.id != (petition_id or 0)))
    old = select(exists().where(PetitionSlug.slug == slug, PetitionSlug.petition_id != (petition_id or 0)))
    return bool(db.session.scalar(live)) or bool(db.session.scalar(old))


def renamed_to(slug: str) -> str | None:
    """The current address of a petition renamed away from `slug`, or None. Anything that could
    not be an address (a NUL byte, which PostgreSQL refuses in text, capitals, 300 characters…)
    is None without a query: it is asked for every page that gave a 404."""
    if len(slug) > SLUG_MAX or not SLUG.fullmatch(slug):
        return None
    return db.session.scalar(
        select(Petition.slug)
        .join(PetitionSlug, PetitionSlug.petition_id == Petition.id)
        .where(PetitionSlug.slug == slug)
    )


@dataclass
class Draft:
    """What the editor sends for a petition's French version: the text (TEXT_FIELDS), its address,
    its goal (a positive number of signatures) and its milestones (increasing, the form checks)."""

    slug: str
    title: str
    summary: str
    addressee: str
    letter: str
    background: str
    demands: str
    goal: int
    milestones: tuple[int, ...] = ()

    def columns(self) -> dict:
        return {
            **{field: getattr(self, field) for field in ("slug", *TEXT_FIELDS, "goal")},
            "milestones": "\n".join(str(m) for m in self.milestones),
        }


def create(draft: Draft) -> Petition:
    """A new petition, open, not featured, pre-moderated; its French text is version 1.
    Raises SlugTaken. Writes (its own transaction) and records `petition.create`."""
    with write_transaction():
        if slug_taken(draft.slug):
            raise SlugTaken(draft.slug)
        petition = Petition(**draft.columns(), is_open=True, is_featured=False, text_changed_dt=utcnow())
        db.session.add(petition)
        _flush_or_taken(draft.slug)
        audit.record("petition.create", "petition", petition.id, after=_audited(petition))
    return petition


def save_french(petition: Petition, draft: Draft) -> set[str]:
    """Write the French text, address, goal and milestones; the names of the fields changed.

    A change of any French text raises `text_version` (the translations made from the previous
    one are then out of date) and stamps `text_changed_dt`. A new address is refused once the
    petition has a signature (SlugLocked) and when another petition has or had it (SlugTaken);
    the old one is kept in `petition_slugs` and redirects. Signatures, counts and comments are
    tied to the petition's id and never touched. Writes; records `petition.update`.
    """
    with write_transaction():
        wanted = draft.columns()
        changed = {field for field, value in wanted.items() if getattr(petition, field) != value}
        if not changed:
            return changed
        if "slug" in changed:
            if has_signatures(petition.id):
                raise SlugLocked(petition.slug)
            if slug_taken(draft.slug, petition.id):
                raise SlugTaken(draft.slug)
            db.session.execute(delete(PetitionSlug).where(PetitionSlug.slug == draft.slug))
            db.session.add(PetitionSlug(slug=petition.slug, petition_id=petition.id))
        before = {field: getattr(petition, field) for field in changed}
        for field in changed:
            setattr(petition, field, wanted[field])
        if changed & set(TEXT_FIELDS):
            petition.text_version += 1
            petition.text_changed_dt = utcnow()
        _flush_or_taken(draft.slug)
        audit.record(
            "petition.update",
            "petition",
            petition.id,
            before=before,
            after={field: wanted[field] for field in changed},
        )
    return changed


def save_translated(petition: Petition, locale: str, values: dict[str, str]) -> None:
    """Write the petition's text in `locale` (TEXT_FIELDS; an empty field is read in French),
    marked as made from the current French text. Writes; records `petition.translation`."""
    with write_transaction():
        current = texts(petition.id, locale)
        cleaned = {field: (values.get(field) or "").strip() or None for field in TEXT_FIELDS}
        save_translation(petition, locale, **cleaned)
        audit.record(
            "petition.translation",
            "petition",
            petition.id,
            before={
                field: current.get(field) for field in TEXT_FIELDS if current.get(field) != cleaned[field]
            },
            after={field: value for field, value in cleaned.items() if current.get(field) != value},
            note=locale,
        )


def set_state(petition: Petition, is_open: bool, closing_messages: dict[str, str]) -> None:
    """Open or close the petition, with the message its page shows once closed, per language
    (`closing_messages`: {locale: text}; French in the petition, the others in its translations).
    Closing stamps `closed_dt` (from which anonymisation delays run); opening again clears it.
    Writes; records `petition.open` or `petition.close`, or `petition.closing_message`."""
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    with write_transaction():
        before = {"is_open": petition.is_open, "closing_message": petition.closing_message}
        if petition.is_open != is_open:
            petition.is_open = is_open
            petition.closed_dt = None if is_open else utcnow()
        petition.closing_message = (closing_messages.get(default) or "").strip()
        for locale, text in closing_messages.items():
            if locale != default and locale in i18n.LANGUAGES:
                translation = db.session.get(PetitionTranslation, (petition.id, locale))
                if translation is not None or text.strip():
                    save_translation(petition, locale, closing_message=text.strip() or None)
        action = "petition.closing_message"
        if before["is_open"] != is_open:
            action = "petition.open" if is_open else "petition.close"
        audit.record(
            action,
            "petition",
            petition.id,
            before=before,
            after={"is_open": petition.is_open, "closing_message": petition.closing_message},
        )


def set_featured(petition: Petition) -> None:
    """Make `petition` the one shown on `/` (the only featured one). Writes; records
    `petition.feature` with the one featured before."""
    with write_transaction():
        previous = db.session.scalar(
            select(Petition.slug).where(Petition.is_featured, Petition.id != petition.id)
        )
        if petition.is_featured and previous is None:
            return
        for other in db.session.scalars(
            select(Petition).where(Petition.is_featured, Petition.id != petition.id)
        ):
            other.is_featured = False
        petition.is_featured = True
        audit.record(
            "petition.feature",
            "petition",
            petition.id,
            before={"featured": previous},
            after={"featured": petition.slug},
        )


def _flush_or_taken(slug: str) -> None:
    """Write now, so that an address taken meanwhile by another admin's save (the unique index
    decides) is a SlugTaken, not an error page."""
    try:
        db.session.flush()
    except IntegrityError:
        raise SlugTaken(slug) from None


def _audited(petition: Petition) -> dict:
    return {field: getattr(petition, field) for field in ("slug", "title", "goal", "milestones", "is_open")}


class LanguageState(enum.StrEnum):
    """Where a translation stands against the French text."""

    MISSING = "missing"  # no text at all in this language
    INCOMPLETE = "incomplete"  # some field written in French is empty in this language
    OUTDATED = "outdated"  # made from an older French text
    CURRENT = "current"


@dataclass(frozen=True)
class LanguageStatus:
    locale: str
    state: LanguageState
    missing_fields: tuple[str, ...]
    updated_dt: datetime | None


def language_statuses(petition: Petition) -> list[LanguageStatus]:
    """For each language but French, whether the petition's text is there and up to date."""
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    rows = {
        row.locale: row
        for row in db.session.scalars(
            select(PetitionTranslation).where(PetitionTranslation.petition_id == petition.id)
        )
    }
    statuses = []
    for locale in i18n.LANGUAGES:
        if locale == default:
            continue
        row = rows.get(locale)
        filled = {field for field in TEXT_FIELDS if row is not None and (getattr(row, field) or "").strip()}
        missing = tuple(
            field for field in TEXT_FIELDS if field not in filled and getattr(petition, field).strip()
        )
        if not filled:
            state = LanguageState.MISSING
        elif missing:
            state = LanguageState.INCOMPLETE
        elif (row.source_version or 0) < petition.text_version:
            state = LanguageState.OUTDATED
        else:
            state = LanguageState.CURRENT
        statuses.append(LanguageStatus(locale, state, missing, row.updated_dt if row else None))
    return statuses


def overview() -> list[tuple[Petition, int]]:
    """Every petition with its count, the featured one first (the admins' list)."""
    return [(petition, counting.total(petition.id)) for petition in all_petitions()]
