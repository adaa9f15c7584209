from flask import Blueprint, abort, render_template

from petition.comments import views as comments
from petition.core.pages import shared_page
from petition.petitions import service
from petition.signing import service as signing
from petition.signing.forms import SignatureForm

bp = Blueprint("petitions", __name__)


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
    return shared_page(("petition-page", name), lambda: render_petition(find_petition() or abort(404))[0])


@bp.get("/")
def home():
    return _public_page("", service.featured)


@bp.get("/petitions/<slug>")
def show(slug: str):
    return _public_page(slug, lambda: service.by_slug(slug))


@bp.get("/privacy")
def privacy():
    return render_template("pages/privacy.html")
