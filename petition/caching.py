"""What the site keeps in its cache (Flask-Caching, `petition.extensions.cache`), and who clears it.

One cache layer: Flask-Caching's SimpleCache in each process by default, RedisCache shared by
every process and machine when `REDIS_URL` is set (keys prefixed with `CACHE_KEY_PREFIX`).
Only data and fragments that are the same for every visitor are kept; the form, the CSRF
token and everything personal (a reader's own comments, what a signer typed) are rendered for
each request. HTTP caching of whole answers is the proxy's job, driven by `Cache-Control`.

| what | key | lifetime | cleared by (after the commit of the write) |
|---|---|---|---|
| counts by country of a petition, and so its count and progress (`counting.service.by_country`, `total`) | `count/<petition_id>` | `COUNT_SECONDS` (2 s) | `counting.service.add` (a confirmation, a withdrawal), `reconcile --repair` |
| a petition page's preview tags (Open Graph, Twitter card) in one language (`sharing.service.page_meta`) | `meta/<petition_id>/<locale>/<count>/<canonical address>` | `COUNT_SECONDS` | nobody: a new count is a new key; an edited text shows within the lifetime |
| recent public signers (`signing.service.recent_public`) | `signers/<petition_id>` | `COUNT_SECONDS` | `signing.service` when a signature starts or stops counting |
| a petition's id, slug, state, goal, milestones and French title (`petitions.service.key_of`) | `petition/<slug>` | `TEXT_SECONDS` (300 s) | any ORM write of the `Petition` row (an event in `petitions.service`; a rename clears the old slug's keys too) |
| a petition's row as the petition page and the comment thread read it (`petitions.service.row_of`) | `petition-row/<slug>` | `TEXT_SECONDS` | any ORM write of the `Petition` row (the same event) |
| a petition's text in one language, closing message included (`petitions.service.texts`) | `text/<petition_id>/<locale>` | `TEXT_SECONDS` | any ORM write of the `PetitionTranslation` row (`save_translation`: the back office's editor, the seed) |
| the petition page's header (title, summary, open or closed), share bar and text (`{% cache %}` in templates/petitions/show.html) | fragments `petition-header`, `petition-share`, `petition-text` per `<petition_id>`, `<locale>` | 300 s (`TEXT_SECONDS`) | the same ORM writes as the petition's text (`petitions.service._forget_fragments`) |
| the petition page's counter (the count, its plural forms, the goal) | fragment `petition-counter` per `<petition_id>`, `<locale>`, count, goal, next milestone | 60 s | nobody: a new count, goal or milestone is a new key |
| text of every page, or of a form, the same for everyone: the footer (templates/base.html), the end of the signature form (templates/petitions/show.html), the comment form's help (templates/comments/_macros.html) | fragments `site-footer` per `<locale>`; `sign-form-end` per `<locale>`; `comment-form-help` per `<locale>`, moderation setting, `COMMENT_EDIT_MINUTES` | 300 s | nobody: they change only with a deploy (catalogs, settings); another moderation setting is another key |
| the petition page's comment fragment, for readers who wrote none of it (`comments.preview`) | `comment-preview/<petition_id>/<locale>` | `TEXT_SECONDS` | `comments.service` on every change the public may see (`_refresh`, featuring) |
| moderated words (`comments.words.listed`) | `words/<suspect or banned>` | `TEXT_SECONDS` | `comments.words.replace` (an admin's edit, the defaults) |
| published updates, newest first, with each language's text rendered from Markdown (`updates.service.published`): the lists, update pages and the petition page's latest update are cut from it | `updates/published` | `TEXT_SECONDS` | every write of `updates.service` (create excepted: a draft is not public): text, settings, publish, unpublish |
| the Atom feed of updates in one language (`updates.service.feed_xml`) | `updates/feed/<locale>` | `TEXT_SECONDS` | the same writes |
| an update's preview card in one language (`updates.service.card_png`, stored in `share_images` as `page:update:<id>:<locale>`) | database row, like the petition's card | until its title, summary or date changes (a new version) | nobody: another text is another version |
| a full page of the public log of the count (`transparency.service.log_page`): sealed entries never change | `transparency-log/<page>` | a day (`FULL_PAGE_SECONDS`) | nobody: a full page is final; the last, growing page is never cached |
| blocked networks and network bans in force (`fraud.service._network_rules`), read at every signature and comment | `fraud/networks` | `TEXT_SECONDS` | `fraud.service` on every ban, lift and block-list change of a network |
| the last trending check (`fraud.service.watch_trends_now_and_then`): a marker, not data | `fraud/trend-check` | 60 s | nobody: it lets one check a minute through |
| the committee's numbers for a petition, table and SVG chart, in one language (`stats.service.table`) | `stats/<petition_id>/<name>/<locale>/<fingerprint>`: the newest signature id (any petition), the petition's count and the UTC hour; for comments the newest comment id, the public comment count and the hour | `STATS_SECONDS` (300 s) | nobody: a new signature, a confirmation or withdrawal, a new comment, a published or hidden one, or a new hour is a new key; what none of them names (a pending signature confirmed while another is withdrawn) shows within the lifetime |
| public counts of a petition per country and per day of confirmation, no names (`exports.service.public_counts`, `/api/petitions/<slug>/counts.json`) | `public-counts/<petition_id>` | `exports.service.COUNTS_SECONDS` (60 s) | nobody: one snapshot, at most a minute old (the per-day figures cost a query over the signatures) |
| country options of the signature and volunteer forms, nothing selected (`core.forms.GroupedSelectField`) | `options/countries/<locale>` | `OPTIONS_SECONDS` (a day) | nobody: Babel's names change only with a deploy |

Every key is prefixed with `CACHE_KEY_PREFIX`. HTTP: the count JSON says `Cache-Control: public,
max-age=10` (`api.views.MAX_AGE`), the counts per country and day `max-age=60`
(`COUNTS_MAX_AGE`), both without a cookie, for the proxy in front; the updates' Atom feeds and
cards say `public, max-age=300` (`updates.views.FEED_MAX_AGE`) with no cookie. The public log's
full pages say `public, max-age=31536000, immutable`, its last page and the latest checkpoint
`public, max-age=10` (`transparency.views`).

With SimpleCache a write clears the copy of its own process only: the others see it after the
lifetime above (the count after two seconds at most). With Redis every process sees it at once.
A command run from the shell (`flask ...`) has its own SimpleCache: with it too, the web
processes see its writes after the lifetime.

A copy is cleared once the transaction that changed the data commits (`clear_after_commit`):
cleared earlier, a reader in between would put the old value back for a whole lifetime.
"""

from collections.abc import Callable
from typing import TypeVar

from flask import session
from sqlalchemy import event
from sqlalchemy.orm import Session

from petition.extensions import cache, db

T = TypeVar("T")

# Lifetimes in seconds. The count is exact once cleared, but another SimpleCache process may show
# a copy this old; texts and fragments change when someone edits them, and are cleared then.
COUNT_SECONDS = 2
TEXT_SECONDS = 300
OPTIONS_SECONDS = 86400

_PENDING = "clear_after_commit"


def cached(key: str, timeout: int, compute: Callable[[], T]) -> T:
    """The value kept under `key`, or else `compute()`'s, then kept for `timeout` seconds.

    None is never kept (it reads as "not cached"). Plain keys rather than `cache.memoize`: the
    keys are the ones in the table above, and memoize inspects the function's signature at
    every call, which cost a third of the count JSON's time.
    """
    value = cache.get(key)
    if value is None:
        value = compute()
        if value is not None:
            cache.set(key, value, timeout=timeout)
    return value


def clear_after_commit(clear: Callable[[], None], session: Session | None = None) -> None:
    """Run `clear` (which deletes cached copies) once the transaction of `session` (the
    request's by default) commits. Nothing runs if it rolls back: the data did not change.
    """
    (session or db.session).info.setdefault(_PENDING, []).append(clear)


@event.listens_for(Session, "after_commit")
def _run_pending(session: Session) -> None:
    for clear in session.info.pop(_PENDING, ()):
        clear()


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)


def public_answers_do_not_vary(response):
    """An answer its view marked `Cache-Control: public` is the same for every visitor: unless the
    session changed during the request, it gets no `Vary: Cookie`, so that a proxy keeps one copy.

    Flask adds that header when `session.accessed` (its documented flag) is true, and Flask-Login
    reads the session after every request. Registered before the extensions' hooks, this runs
    after them (Flask calls `after_request` functions in reverse order of registration).
    """
    if "public" in response.headers.get("Cache-Control", "") and not session.modified:
        session.accessed = False
    return response
