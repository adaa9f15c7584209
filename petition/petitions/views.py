import secrets

from flask import Blueprint, abort, render_template, request
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf

from petition import i18n
from petition.comments import views as comments
from petition.core import microcache
from petition.petitions import service
from petition.signing import service as signing
from petition.signing.forms import SignatureForm

bp = Blueprint("petitions", __name__)

# Stands for the visitor's own CSRF token in the page kept by the micro-cache.
_CSRF_SLOT = f"csrf-slot-{secrets.token_hex(8)}"


def render_petition(
    petition, form: SignatureForm | None = None, status: int = 200, notice: str | None = None
):
    """The petition page; the signing view re-renders it with the visitor's input on error."""
    return (
        render_template(
            "petitions/show.html",
            petition=service.localized(petition),
            progress=service.progress(petition),
            recent=signing.recent_public(petition.id),
            form=form or SignatureForm(),
            notice=notice,
            **comments.preview(petition),
        ),
        status,
    )


def _public_page(name: str, find_petition):
    """The page as a new visitor sees it, rendered at most once a second per process (microcache).

    A crowd arriving from a shared link has no cookie yet (but perhaps the language one); a
    visitor with any other cookie (who may have just signed, confirmed or commented) always gets
    a fresh page, with the count as it is now and what is theirs. Only the CSRF token belongs to
    a new visitor, so it is put in after the cache. The form's start time is
    shared by the visitors of that second: the minimum fill time is at most MICROCACHE_SECONDS
    more lenient, which a signed time that never expires did not guard against anyway.
    """
    if any(cookie != i18n.COOKIE for cookie in request.cookies):
        return render_petition(find_petition() or abort(404))

    def render_with_slot():
        petition = find_petition()
        if petition is None:
            return None
        return render_petition(petition)[0].replace(generate_csrf(), _CSRF_SLOT)

    key = ("petition-page", name, str(get_locale()), request.query_string)
    page = microcache.cached(key, render_with_slot)
    if page is None:
        abort(404)
    return page.replace(_CSRF_SLOT, generate_csrf())


@bp.get("/")
def home():
    return _public_page("", service.featured)


@bp.get("/petitions/<slug>")
def show(slug: str):
    return _public_page(slug, lambda: service.by_slug(slug))


@bp.get("/privacy")
def privacy():
    return render_template("pages/privacy.html")
