"""Pages as a new visitor sees them, rendered at most once a second per process (microcache).

A crowd arriving from a shared link has no cookie yet (but perhaps the language one): they all
get the same page, but for their CSRF token, which is put in after the cache. A visitor with any
other cookie (who may have just signed, confirmed or commented, or a moderator) always gets a
fresh page, with the count as it is now and what is theirs. The form's start time is shared by
the visitors of that second: the minimum fill time is at most MICROCACHE_SECONDS more lenient,
which a signed time that never expires did not guard against anyway.
"""

from collections.abc import Callable, Hashable

from flask import request
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf

from petition import i18n
from petition.core import microcache


def is_new_visitor() -> bool:
    return all(cookie == i18n.COOKIE for cookie in request.cookies)


def shared_page(key: Hashable, render: Callable[[], str]) -> str | bytes:
    """The page `render` writes (it may abort, which is never cached), shared by new visitors."""
    if not is_new_visitor():
        return render()

    def render_around_token() -> list[bytes]:
        # Kept encoded and cut where the token goes (once per form): a hit only joins bytes.
        return [piece.encode() for piece in render().split(generate_csrf())]

    pieces = microcache.cached((key, str(get_locale()), request.query_string), render_around_token)
    return generate_csrf().encode().join(pieces)
