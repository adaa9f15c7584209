"""What the site keeps in its cache (Flask-Caching, `petition.extensions.cache`), and who clears it.

One cache layer: Flask-Caching's SimpleCache in each process by default, RedisCache shared by
every process and machine when `REDIS_URL` is set (keys prefixed with `CACHE_KEY_PREFIX`).
Only data and fragments that are the same for every visitor are kept; the form, the CSRF
token and everything personal (a reader's own comments, what a signer typed) are rendered for
each request. HTTP caching of whole answers is the proxy's job, driven by `Cache-Control`.

| what | key (memoized function and arguments, or fragment) | lifetime | cleared by |
|---|---|---|---|
| count of a petition | `counting.service.total(petition_id)` | `COUNT_SECONDS` (2 s) | `counting.service.add` (confirm, withdraw, a flag lifted or set), after commit |
| count by country (count JSON) | `counting.service.by_country(petition_id)` | `COUNT_SECONDS` | the same |
| recent public signers | `signing.service.recent_public(petition_id)` | `COUNT_SECONDS` | the same (a confirmation or withdrawal changes both) |
| a petition's id, slug, state, goal | `petitions.service.summary(slug)` | `TEXT_SECONDS` (300 s) | `petitions.service.changed` (closing, moderation mode, seed), after commit |
| a petition's text in one language | `petitions.service.texts(petition_id, locale)` | `TEXT_SECONDS` | `petitions.service.save_translation` and `changed`, after commit |
| comment preview of the petition page, for readers who wrote none of it | fragment `comment-preview/<petition_id>/<locale>` | `TEXT_SECONDS` | `comments.service` on every change that may alter what the public sees (`_refresh`, featuring), after commit |
| moderated words (suspect, banned) | `comments.words.listed(kind)` | `TEXT_SECONDS` | `comments.words.replace` (an admin's edit, the defaults), after commit |
| country options of the signature form, nothing selected | `options/countries/<locale>` (`core.forms.GroupedSelectField`) | `OPTIONS_SECONDS` (a day) | nobody: Babel's names change only with a deploy |

With SimpleCache a write clears the copy of its own process only: the others see it after the
lifetime above (the count after two seconds at most). With Redis every process sees it at once.
A command run from the shell (`flask ...`) has its own SimpleCache: with it too, the web
processes see its writes after the lifetime.

A copy is cleared once the transaction that changed the data commits (`clear_after_commit`):
cleared earlier, a reader in between would put the old value back for a whole lifetime.
"""

from collections.abc import Callable

from flask import session
from sqlalchemy import event
from sqlalchemy.orm import Session

from petition.extensions import db

# Lifetimes in seconds. The count is exact once cleared, but another SimpleCache process may show
# a copy this old; texts and fragments change when someone edits them, and are cleared then.
COUNT_SECONDS = 2
TEXT_SECONDS = 300
OPTIONS_SECONDS = 86400

_PENDING = "clear_after_commit"


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
    if response.cache_control.public and not session.modified:
        session.accessed = False
    return response
