"""What the petition page shows of the comments: the newest threads, as one HTML fragment.

The fragment is the same for every reader who wrote none of its comments, so it is kept in the
cache per petition and language (petition/caching.py) and cleared by the comment service on
every change the public may see. A reader with comments of their own (the signed cookie of
comments/authorship.py) gets it rendered for them: it may show their comment waiting for
moderation, or the links to edit it. The comment form is never part of it.
"""

from flask import render_template
from flask_babel import get_locale
from markupsafe import Markup

from petition.caching import TEXT_SECONDS
from petition.comments import authorship, service, threads
from petition.extensions import cache


def preview(petition) -> Markup:
    """The newest threads of `petition` (a localized petition), their count and the featured ones."""
    owned = authorship.owned_ids()
    if owned:
        return _render(petition, owned)
    key = service.preview_key(petition.id, str(get_locale()))
    html = cache.get(key)
    if html is None:
        html = _render(petition, owned)
        cache.set(key, html, timeout=TEXT_SECONDS)
    return html


def _render(petition, owned: set[int]) -> Markup:
    counts = threads.counts(petition.id)
    # An autoescaping template's output: safe to insert as it is.
    return Markup(  # noqa: S704
        render_template(
            "comments/_preview.html",
            petition=petition,
            comment_threads=threads.latest(petition.id, owned, authorship.owns),
            comment_counts=counts,
            comment_featured=threads.featured(petition.id),
        )
    )
