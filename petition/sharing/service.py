"""Preview cards and page metadata, QR codes, flyer and embed snippets."""

import hashlib
import io
import logging
import re
from dataclasses import dataclass, replace
from datetime import timedelta

import segno
from flask import current_app
from flask_babel import force_locale, format_decimal, ngettext
from flask_babel import gettext as _
from markupsafe import escape
from sqlalchemy.exc import OperationalError

from petition.caching import COUNT_SECONDS, cached
from petition.core.time import utcnow
from petition.core.transactions import write_transaction
from petition.core.urls import absolute_url
from petition.counting import service as counting
from petition.database import upsert
from petition.extensions import db
from petition.i18n import RTL, organiser_name
from petition.petitions import service as petitions
from petition.petitions.models import Petition
from petition.sharing import card, links
from petition.sharing.models import ShareImage

log = logging.getLogger(__name__)

CODE = re.compile(r"[A-Za-z0-9_-]{6,16}")
FIRST_TOUCH_COOKIE = "first_touch"
FIRST_TOUCH_DAYS = 30
REFERRAL_STATS = "referral-stats"
# Bump when the drawing changes, so that every cached card is drawn again.
CARD_DESIGN = "1"


# --- Preview cards ----------------------------------------------------------------------------


def milestone(count: int, goal: int, milestones: tuple[int, ...] = ()) -> int:
    """The last round number (1, 2, 5, 10, 20, 50…), milestone set by an admin, or goal step the
    count has reached."""
    steps = {0, *(m for m in milestones if m <= count)}
    step = 1
    while step <= count:
        steps.update(m for m in (step, 2 * step, 5 * step) if m <= count)
        step *= 10
    target = max(goal, 1)
    while target <= count:
        steps.add(target)
        target *= 2
    return max(steps)


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=4).hexdigest()


def card_version(petition: Petition, count: int) -> str:
    """Changes when the card must be drawn again at once: a milestone, a new title, a new design."""
    return (
        f"{CARD_DESIGN}-{milestone(count, petition.goal, petition.milestone_list)}-{_digest(petition.title)}"
    )


def site_card_version(locale: str) -> str:
    with force_locale(locale):
        return f"{CARD_DESIGN}-{_digest(organiser_name())}"


def _host() -> str:
    return current_app.config["BASE_URL"].split("//", 1)[-1].rstrip("/")


def _petition_card_text(petition: Petition, count: int) -> card.CardText:
    progress = petitions.Progress(
        count=count,
        goal=petition.goal,
        target=petitions.next_target(count, petition.goal, petition.milestone_list),
    )
    return card.CardText(
        kicker=_("Pétition · %(organiser)s", organiser=organiser_name()),
        title=petition.title,
        count=format_decimal(count),
        count_label=ngettext("signature", "signatures", count),
        goal=_("Objectif : %(target)s signatures", target=format_decimal(progress.target)),
        progress=progress.percent / 100,
        call=_("Signez sur %(host)s", host=_host()),
    )


def _site_card_text() -> card.CardText:
    return card.CardText(
        kicker=_host(),
        title=organiser_name(),
        subtitle=_("Pétition des abonnés de KLEEMA pour le rétablissement des appels vers le Maroc."),
        call=_("Signez sur %(host)s", host=_host()),
    )


def _cached(key: str, version: str, count: int, draw, locale: str) -> ShareImage:
    """The stored card if still good, else a freshly drawn one stored for every process.

    A card is good while its version holds and it shows the current count, or was drawn less
    than SHARE_CARD_REFRESH_SECONDS ago: between milestones the count on it lags a few minutes.
    """
    stored = db.session.get(ShareImage, key)
    refresh = timedelta(seconds=current_app.config["SHARE_CARD_REFRESH_SECONDS"])
    if (
        stored is not None
        and stored.version == version
        and (stored.count_shown == count or stored.rendered_dt > utcnow() - refresh)
    ):
        return stored
    with force_locale(locale):
        text = replace(draw(), rtl=locale in RTL)
    fresh = ShareImage(
        key=key, version=version, count_shown=count, png=card.render(text), rendered_dt=utcnow()
    )
    values = {name: getattr(fresh, name) for name in ("version", "count_shown", "png", "rendered_dt")}
    try:
        with write_transaction():
            db.session.execute(upsert(ShareImage.__table__, {"key": key}, values))
    except OperationalError:
        # Busy database: serve the card anyway; the next request stores it.
        log.warning("share card %s not stored", key, exc_info=True)
    return fresh


def petition_card(petition: Petition, locale: str) -> ShareImage:
    petition = petitions.localized(petition, locale)
    count = counting.total(petition.id)
    return _cached(
        f"petition:{petition.id}:{locale}",
        card_version(petition, count),
        count,
        lambda: _petition_card_text(petition, count),
        locale,
    )


def site_card(locale: str) -> ShareImage:
    return _cached(f"site:{locale}", site_card_version(locale), 0, _site_card_text, locale)


def page_card(key: str, version: str, draw, locale: str) -> ShareImage:
    """The card of another kind of page (an update), drawn as the petition's and stored the same way.

    `draw(host)` returns its `card.CardText` in `locale` (it runs under that locale); the card is
    drawn again when `version` changes (a new title, a new design).
    """
    return _cached(f"page:{key}", f"{CARD_DESIGN}-{_digest(version)}", 0, lambda: draw(_host()), locale)


# --- Page metadata ----------------------------------------------------------------------------

OG_LOCALES = {"fr": "fr_FR", "ar": "ar_AR", "en": "en_GB"}


@dataclass(frozen=True)
class PageMeta:
    title: str
    description: str
    canonical: str | None
    url: str
    image: str
    image_alt: str
    locale: str
    alternate_locales: tuple[str, ...]


def page_meta(
    locale: str, canonical: str | None, title: str, description: str, petition: Petition | None, count=None
):
    """Open Graph and Twitter card values; a page about a petition is shared as the petition.

    `canonical` is the page's canonical address in `locale`, None for a page that has none (an
    address holding a token, an error page): such a page is shared as the petition or the site.
    """
    others = tuple(og for code, og in OG_LOCALES.items() if code != locale)
    og_locale = OG_LOCALES.get(locale, OG_LOCALES["fr"])
    if petition is None:
        image = absolute_url("sharing.site_card", locale=locale, v=site_card_version(locale))
        url = canonical or absolute_url("petitions.home", lang=locale)
        return PageMeta(title, description, canonical, url, image, organiser_name(), og_locale, others)
    if count is None:
        count = counting.total(petition.id)
    # The same for every visitor: kept while the count holds (petition/caching.py).
    return cached(
        f"meta/{petition.id}/{locale}/{count}/{canonical}",
        COUNT_SECONDS,
        lambda: _petition_meta(locale, canonical, petition, count, og_locale, others),
    )


def _petition_meta(locale: str, canonical: str | None, petition, count: int, og_locale: str, others):
    petition = petitions.localized(petition, locale)
    image = absolute_url(
        "sharing.petition_card", slug=petition.slug, locale=locale, v=card_version(petition, count)
    )
    alt = ngettext(
        "%(title)s : %(count)s signature",
        "%(title)s : %(count)s signatures",
        count,
        title=petition.title,
        count=format_decimal(count),
    )
    return PageMeta(
        petition.title,
        petition.summary if len(petition.summary) <= 300 else petition.summary[:299].rstrip() + "…",
        canonical,
        f"{links.petition_url(petition)}?lang={locale}",
        image,
        alt,
        og_locale,
        others,
    )


# --- Embedding ---------------------------------------------------------------------------------


# Pixels: the widget's tallest content (Arabic, 320 px wide, a three-line title and a two-line goal)
# with its "Sign" button; tests/browser/test_pages_browser.py measures it.
EMBED_HEIGHT = 300


@dataclass(frozen=True)
class EmbedSnippets:
    iframe: str
    badge: str
    json: str


def embed_snippets(petition: Petition) -> EmbedSnippets:
    """The code a friendly site pastes in its pages, shown as text to copy."""
    title = escape(petition.title)
    embed = absolute_url("sharing.embed", slug=petition.slug)
    badge = absolute_url("sharing.badge", slug=petition.slug)
    api = absolute_url("api.petition_count", slug=petition.slug)
    return EmbedSnippets(
        iframe=(
            f'<iframe src="{embed}" title="{title}" width="100%" height="{EMBED_HEIGHT}" loading="lazy" '
            'style="border:0;max-width:32rem"></iframe>'
        ),
        badge=f'<a href="{escape(links.landing_url(petition, "badge"))}"><img src="{badge}" alt="{title}"></a>',
        json=(
            f'fetch("{api}")\n'
            "  .then(function (r) { return r.json(); })\n"
            "  .then(function (data) { console.log(data.count, data.next_goal); });"
        ),
    )


# --- Print ------------------------------------------------------------------------------------


def qr_code(petition: Petition) -> segno.QRCode:
    return segno.make(links.landing_url(petition, "qr"), error="m")


def qr_svg(petition: Petition) -> bytes:
    out = io.BytesIO()
    qr_code(petition).save(out, kind="svg", scale=10, border=4, xmldecl=False, title=petition.title)
    return out.getvalue()


def qr_png(petition: Petition) -> bytes:
    out = io.BytesIO()
    qr_code(petition).save(out, kind="png", scale=12, border=4)
    return out.getvalue()


def short_url(petition: Petition) -> str:
    """The address printed on the flyer: short enough to type from paper."""
    return absolute_url("sharing.short", slug=petition.slug)


def breakable_address(url: str) -> list[str]:
    """The address without its scheme, cut after each "/" and ".", the only places a printed
    line may break: "kleema.org/p/kleema" → ["kleema.", "org/", "p/", "kleema"]."""
    return [part for part in re.split(r"(?<=[/.])", url.split("//", 1)[-1]) if part]


def flyer_points(petition: Petition, limit: int = 3) -> list[str]:
    """The summary's first sentences: the few lines of why a flyer has room for."""
    sentences = re.split(r"(?<=[.!?؟])\s+", petition.summary.strip())
    return [s for s in sentences if s][:limit]
