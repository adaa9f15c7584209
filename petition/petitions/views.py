from flask import Blueprint, abort, render_template

from petition.comments import views as comments
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


@bp.get("/")
def home():
    petition = service.featured()
    if petition is None:
        abort(404)
    return render_petition(petition)


@bp.get("/petitions/<slug>")
def show(slug: str):
    petition = service.by_slug(slug) or abort(404)
    return render_petition(petition)


@bp.get("/privacy")
def privacy():
    return render_template("pages/privacy.html")
