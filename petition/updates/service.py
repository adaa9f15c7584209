"""Updates: the committee's news of the case, written by admins in French, Arabic and English.

An update is a draft until an admin publishes it; only published updates reach `/updates`, their
pages, the Atom feeds and the petition page. Each language has its own title, optional summary
and body in Markdown (rendered by `petition.core.markup.markdown_html`, the one path for it); a
language without its text shows the French one, marked `lang="fr"`.

Readers' pages come from one cached list of the published updates (`updates/published`) and
one cached feed per language (`updates/feed/<locale>`), both cleared after the commit of every
write here (petition/caching.py).
"""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from petition import i18n
from petition.audit.service import record
from petition.caching import TEXT_SECONDS, cached, clear_after_commit
from petition.core.markup import markdown_html, markdown_text
from petition.core.time import utcnow
from petition.core.transactions import write_transaction
from petition.core.urls import absolute_url
from petition.extensions import cache, db
from petition.petitions.models import Petition
from petition.sharing import card
from petition.sharing import service as sharing
from petition.updates.models import Update, UpdateText

PER_PAGE = 10
TITLE_MAX = 200
SUMMARY_MAX = 300
BODY_MAX = 20_000
SLUG_MAX = 80
# Lowercase ASCII words joined by single hyphens, with at least one letter (an all-digit path
# is read as an update's id).
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
PUBLISHED_KEY = "updates/published"


def feed_key(locale: str) -> str:
    return f"updates/feed/{locale}"


class SlugTaken(ValueError):
    """Another update already has this address."""


class SlugLocked(ValueError):
    """The update is or was published: its address is out there and stays."""


class FutureDate(ValueError):
    """A publication date after today."""


@dataclass(frozen=True)
class TextInput:
    """What an admin typed for one language: title (≤ 200 characters), summary (≤ 300, may be
    empty) and body (Markdown, ≤ 20,000)."""

    title: str
    summary: str | None
    body: str


def valid_slug(slug: str) -> bool:
    return len(slug) <= SLUG_MAX and bool(SLUG.fullmatch(slug)) and not slug.isdigit()


def slug_from(title: str) -> str:
    """An address made of the title's words in plain ASCII ("Audience du 14 septembre" gives
    "audience-du-14-septembre"), or "actualite" when nothing is left (an Arabic title)."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower()))[:SLUG_MAX].strip("-")
    return slug if slug and not slug.isdigit() else "actualite"


def _free_slug(wanted: str, update_id: int | None = None) -> str:
    """`wanted`, or `wanted-2`, `wanted-3`… when another update has it."""
    taken = set(
        db.session.scalars(
            select(Update.slug).where(
                Update.slug.like(f"{wanted[: SLUG_MAX - 4]}%"), Update.id != (update_id or 0)
            )
        )
    )
    slug, number = wanted, 1
    while slug in taken:
        number += 1
        suffix = f"-{number}"
        slug = wanted[: SLUG_MAX - len(suffix)] + suffix
    return slug


def _publication_dt(chosen: date | None, current: datetime | None) -> datetime | None:
    """The stored time of a publication date chosen by an admin: the current one if the day is the
    same, noon UTC of that day otherwise. FutureDate for a day after today (UTC)."""
    if chosen is None:
        return current
    if chosen > utcnow().date():
        raise FutureDate(chosen)
    if current is not None and current.date() == chosen:
        return current
    return datetime.combine(chosen, time(12))


def _state(update: Update) -> dict:
    return {
        "slug": update.slug,
        "petition_id": update.petition_id,
        "is_published": update.is_published,
        "published_dt": update.published_dt,
    }


def _forget() -> None:
    """Clear the readers' copies once the write commits (petition/caching.py)."""

    def clear() -> None:
        cache.delete_many(PUBLISHED_KEY, *(feed_key(locale) for locale in i18n.LANGUAGES))

    clear_after_commit(clear)


def create(
    french: TextInput, petition_id: int | None = None, slug: str | None = None, published_on=None
) -> Update:
    """A new draft with its French text (a write transaction; audit "update.create").

    `slug` empty: made from the French title (`slug_from`), numbered if taken; given: SlugTaken
    if another update has it. FutureDate for a `published_on` after today.
    """
    with write_transaction():
        if slug:
            if db.session.scalar(select(Update.id).where(Update.slug == slug)) is not None:
                raise SlugTaken(slug)
        else:
            slug = _free_slug(slug_from(french.title))
        update = Update(
            slug=slug,
            petition_id=petition_id,
            published_dt=_publication_dt(published_on, None),
            updated_dt=utcnow(),
        )
        update.texts.append(_text_row("fr", french))
        db.session.add(update)
        _flush_address(slug)
        record("update.create", "update", update.id, after={**_state(update), "title": french.title})
    return update


def _flush_address(slug: str) -> None:
    """Write the pending row now: another admin who took the same address a moment ago makes
    the unique index refuse it (SlugTaken), rather than an error page."""
    try:
        db.session.flush()
    except IntegrityError:
        raise SlugTaken(slug) from None


def _text_row(locale: str, text: TextInput) -> UpdateText:
    return UpdateText(
        locale=locale, title=text.title, summary=text.summary or None, body=text.body, updated_dt=utcnow()
    )


def save_settings(update: Update, petition_id: int | None, slug: str, published_on: date | None) -> bool:
    """Change the petition an update belongs to, its address and its publication date (a write
    transaction; audit "update.settings"). Returns whether anything changed.

    SlugLocked when the address of a published update would change (readers may have shared it);
    SlugTaken when another update has it; FutureDate for a date after today. A published update
    keeps its date when the field is left empty.
    """
    with write_transaction():
        before = _state(update)
        if slug != update.slug:
            if update.is_published:
                raise SlugLocked(update.slug)
            if db.session.scalar(select(Update.id).where(Update.slug == slug, Update.id != update.id)):
                raise SlugTaken(slug)
        published_dt = _publication_dt(published_on, update.published_dt)
        if published_on is None and not update.is_published:
            published_dt = None
        update.slug, update.petition_id, update.published_dt = slug, petition_id, published_dt
        _flush_address(slug)
        after = _state(update)
        if after == before:
            return False
        update.updated_dt = utcnow()
        record("update.settings", "update", update.id, before=before, after=after)
        _forget()
    return True


def save_text(update: Update, locale: str, text: TextInput | None) -> bool:
    """Write, replace or (with None, not for French) remove the update's text in `locale` (a write
    transaction; audit "update.text" with the language as note). Returns whether it changed."""
    if locale not in i18n.LANGUAGES:
        raise ValueError(f"not a language of the site: {locale}")
    if text is None and locale == current_app.config["BABEL_DEFAULT_LOCALE"]:
        raise ValueError("the French text cannot be removed")
    with write_transaction():
        row = update.text(locale)
        before = None if row is None else {"title": row.title, "summary": row.summary, "body": row.body}
        after = (
            None
            if text is None
            else {"title": text.title, "summary": text.summary or None, "body": text.body}
        )
        if before == after:
            return False
        if text is None:
            update.texts.remove(row)
        elif row is None:
            update.texts.append(_text_row(locale, text))
        else:
            row.title, row.summary, row.body, row.updated_dt = (
                text.title,
                text.summary or None,
                text.body,
                utcnow(),
            )
        update.updated_dt = utcnow()
        record("update.text", "update", update.id, before=before, after=after, note=locale)
        _forget()
    return True


def publish(update: Update) -> bool:
    """Make the update public (a write transaction; audit "update.publish"), dated now unless a
    date was chosen. Returns False if it already was."""
    with write_transaction():
        if update.is_published:
            return False
        before = _state(update)
        update.is_published = True
        update.published_dt = update.published_dt or utcnow()
        update.updated_dt = utcnow()
        record("update.publish", "update", update.id, before=before, after=_state(update))
        _forget()
    return True


def unpublish(update: Update) -> bool:
    """Take the update back to a draft (a write transaction; audit "update.unpublish"); its date and
    address are kept for when it is published again. Returns False if it was a draft."""
    with write_transaction():
        if not update.is_published:
            return False
        before = _state(update)
        update.is_published = False
        update.updated_dt = utcnow()
        record("update.unpublish", "update", update.id, before=before, after=_state(update))
        _forget()
    return True


# --- Reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UpdateRow:
    """An update as readers' pages use it, texts already rendered: {locale: {"title", "summary",
    "body_html", "excerpt"}}. `is_published` is False only for an admin's preview."""

    id: int
    slug: str
    petition_id: int | None
    is_published: bool
    published_dt: datetime | None
    created_dt: datetime
    updated_dt: datetime
    texts: dict[str, dict] = field(default_factory=dict)


def row_of(update: Update) -> UpdateRow:
    texts = {}
    for text in update.texts:
        excerpt = markdown_text(text.body)
        texts[text.locale] = {
            "title": text.title,
            "summary": text.summary,
            "body_html": markdown_html(text.body),
            "excerpt": excerpt if len(excerpt) <= 280 else excerpt[:279].rsplit(" ", 1)[0] + "…",
        }
    changed = max([update.updated_dt, *(text.updated_dt for text in update.texts)])
    return UpdateRow(
        id=update.id,
        slug=update.slug,
        petition_id=update.petition_id,
        is_published=update.is_published,
        published_dt=update.published_dt,
        created_dt=update.created_dt,
        updated_dt=changed,
        texts=texts,
    )


def published() -> list[UpdateRow]:
    """Every published update, newest first; cached, cleared by every write (petition/caching.py).

    A committee posts a few updates a month: the whole list is one cached value, from which
    pages, petition lists and the latest update are cut.
    """
    return cached(PUBLISHED_KEY, TEXT_SECONDS, _published)


def _published() -> list[UpdateRow]:
    query = (
        select(Update)
        .where(Update.is_published.is_(True))
        .order_by(Update.published_dt.desc(), Update.id.desc())
    )
    return [row_of(update) for update in db.session.scalars(query.options(selectinload(Update.texts)))]


def for_petition(petition_id: int) -> list[UpdateRow]:
    """The published updates about this petition and those about the whole case (no petition)."""
    return [row for row in published() if row.petition_id in (None, petition_id)]


def latest_for(petition_id: int) -> UpdateRow | None:
    return next(iter(for_petition(petition_id)), None)


def petition_of(row: UpdateRow) -> Petition | None:
    """The petition the update is about, None for news of the whole case."""
    return db.session.get(Petition, row.petition_id) if row.petition_id else None


def public(slug: str) -> UpdateRow | None:
    return next((row for row in published() if row.slug == slug), None)


def public_slug_of(update_id: int) -> str | None:
    return next((row.slug for row in published() if row.id == update_id), None)


@dataclass(frozen=True)
class Page:
    items: list
    number: int
    pages: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def page_of(rows: list, number: int) -> Page | None:
    """Page `number` (from 1) of `rows`, PER_PAGE a page; None past the last page (a 404)."""
    pages = max(1, -(-len(rows) // PER_PAGE))
    if number > pages:
        return None
    return Page(rows[(number - 1) * PER_PAGE : number * PER_PAGE], number, pages)


class LocalizedUpdate:
    """An update read in one language: its own text there, or the French one (with `lang_attrs`
    saying so). A translation is whole (title and body), so title, summary and body never mix
    languages."""

    def __init__(self, row: UpdateRow, locale: str):
        self.row = row
        self.text_locale = locale if locale in row.texts else current_app.config["BABEL_DEFAULT_LOCALE"]
        self._text = row.texts[self.text_locale]
        self.locale = locale

    def __getattr__(self, name: str):
        if name == "row":
            raise AttributeError(name)
        return getattr(self.row, name)

    @property
    def title(self) -> str:
        return self._text["title"]

    @property
    def summary(self) -> str | None:
        return self._text["summary"]

    @property
    def body_html(self) -> Markup:
        return self._text["body_html"]

    @property
    def description(self) -> str:
        """The summary, or the beginning of the body: for lists, feeds and preview cards."""
        return self._text["summary"] or self._text["excerpt"]

    @property
    def lang_attrs(self) -> Markup:
        """`lang`/`dir` attributes when the text is in another language than the page."""
        return i18n.language_attrs(self.text_locale)


def localized(row: UpdateRow, locale: str) -> LocalizedUpdate:
    return LocalizedUpdate(row, locale)


# --- Feed and card --------------------------------------------------------------------------------


def atom_time(moment: datetime) -> str:
    """RFC 3339 in UTC, as Atom wants it (stored times are naive UTC)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def entry_id(row: UpdateRow) -> str:
    """A permanent id (RFC 4151 tag URI): the same whatever the update's title or address."""
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    return f"tag:{host},{row.created_dt:%Y-%m-%d}:updates/{row.id}"


def feed_xml(locale: str) -> str:
    """The Atom 1.0 feed of the published updates in `locale` (text in French where there is no
    translation, marked `xml:lang="fr"`); cached per language, cleared by every write."""
    return cached(feed_key(locale), TEXT_SECONDS, lambda: _feed_xml(locale))


def _feed_xml(locale: str) -> str:
    rows = published()[:50]
    with force_locale(locale):
        updated = max((row.updated_dt for row in rows), default=None)
        return render_template(
            "updates/feed.xml",
            locale=locale,
            entries=[localized(row, locale) for row in rows],
            updated=atom_time(updated or utcnow()),
            feed_id=absolute_url("updates.feed_in", lang=locale),
            self_url=absolute_url("updates.feed_in", lang=locale),
            list_url=absolute_url("updates.index", lang=locale),
            atom_time=atom_time,
            entry_id=entry_id,
        )


def card_png(row: UpdateRow, locale: str) -> bytes:
    """The update's 1200×630 preview card in `locale`, drawn like the petition's (petition/sharing)."""
    update = localized(row, locale)

    def draw(host: str) -> card.CardText:
        kicker = _("Actualité · %(organiser)s", organiser=i18n.organiser_name())
        when = format_date(row.published_dt, "long") if row.published_dt else ""
        return card.CardText(
            kicker=kicker,
            title=update.title,
            subtitle=" · ".join(part for part in (when, update.description) if part),
            call=_("À lire sur %(host)s", host=host),
        )

    version = f"{update.title}|{update.description}|{row.published_dt}"
    return sharing.page_card(f"update:{row.id}:{locale}", version, draw, locale).png


def meta(row: UpdateRow, locale: str, canonical: str | None) -> sharing.PageMeta:
    """Open Graph and Twitter card values of the update's page in `locale`."""
    update = localized(row, locale)
    image = absolute_url("updates.card", slug=row.slug, locale=locale, v=f"{row.updated_dt:%Y%m%d%H%M%S}")
    description = update.description
    return sharing.PageMeta(
        title=update.title,
        description=description if len(description) <= 300 else description[:299] + "…",
        canonical=canonical,
        url=canonical or absolute_url("updates.show", key=row.slug, lang=locale),
        image=image,
        image_alt=update.title,
        locale=sharing.OG_LOCALES.get(locale, sharing.OG_LOCALES["fr"]),
        alternate_locales=tuple(og for code, og in sharing.OG_LOCALES.items() if code != locale),
    )


# --- Back office --------------------------------------------------------------------------------


def all_updates() -> list[Update]:
    """Every update, drafts first, then newest first."""
    return list(
        db.session.scalars(
            select(Update)
            .options(selectinload(Update.texts))
            .order_by(Update.is_published, Update.published_dt.desc().nulls_first(), Update.id.desc())
        )
    )


def get(update_id: int) -> Update | None:
    return db.session.get(Update, update_id)


@dataclass(frozen=True)
class Counts:
    published: int
    drafts: int


def counts() -> Counts:
    rows = dict(
        db.session.execute(select(Update.is_published, func.count()).group_by(Update.is_published)).all()
    )
    return Counts(published=rows.get(True, 0), drafts=rows.get(False, 0))
