"""The petition page, composed here from the features it shows, and the signature form's POST.

A refused signature shows the same page again, with what was typed and what to fix. The POST
is handled here, next to the page it re-renders, rather than in `signing`: the signing feature
keeps the rules (`signing.service`), the form (`signing.forms`), the thanks page and the mailed
links, and never needs to know how the page is made. No feature imports this package, so there
is no cycle and no hook to register.

The blueprint keeps the name `petitions`, so the pages' endpoints (`petitions.home`,
`petitions.show`, `petitions.sign`, `petitions.privacy`) read as what they show.

What the page shows for everyone comes from the cache (petition/caching.py); the form, its
CSRF token and what belongs to the visitor (their own comments) are rendered for each request.
"""

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from petition.comments.forms import CommentForm
from petition.comments.preview import preview
from petition.core.network import form_taken
from petition.extensions import csrf, limiter
from petition.petitions import service as petitions
from petition.sharing import referrals
from petition.signing import service as signing
from petition.signing.forms import SignatureForm

bp = Blueprint("petitions", __name__)


def petition_page(petition, form: SignatureForm | None = None, status: int = 200, notice: str | None = None):
    """The petition page (status 200), or again after a refused signature, with `form` as sent."""
    localized = petitions.localized(petition)
    return (
        render_template(
            "petitions/show.html",
            petition=localized,
            progress=petitions.progress(petition),
            recent=signing.recent_public(petition.id),
            form=form or SignatureForm(),
            notice=notice,
            comment_preview=preview(localized),
            comment_form=CommentForm(),
        ),
        status,
    )


@bp.get("/")
def home():
    return petition_page(petitions.featured() or abort(404))


@bp.get("/petitions/<slug>")
def show(slug: str):
    return petition_page(petitions.row_of(slug) or abort(404))


@bp.get("/privacy")
def privacy():
    return render_template("pages/privacy.html")


def _sign_limit() -> str:
    return current_app.config["RATELIMIT_SIGN"]


# The form checks its own CSRF token, so that an expired token shows the form again (with what
# was typed) instead of an error page.
@bp.post("/petitions/<slug>/sign")
@csrf.exempt
@limiter.limit(_sign_limit, deduct_when=form_taken)
def sign(slug: str):
    petition = petitions.key_of(slug) or abort(404)
    form = SignatureForm()
    if not petition.is_open:
        return _form_again(
            slug, form, 409, notice=_("Cette pétition est close : elle n'accepte plus de signatures.")
        )
    if not form.validate():
        if form.csrf_token.errors:
            form.csrf_token.errors = []
            notice = _(
                "Votre session a expiré. Vérifiez vos informations et envoyez à nouveau le formulaire."
            )
            return _form_again(slug, form, 400, notice=notice)
        return _form_again(slug, form, 422)
    if form.sent_too_fast(current_app.config["SIGN_MIN_SECONDS"]):
        form.restart_timer()
        notice = _("Prenez un instant pour relire vos informations, puis envoyez à nouveau le formulaire.")
        return _form_again(slug, form, 422, notice=notice)
    code = signing.sign(
        petition.id,
        signing.SignatureInput(
            first_name=form.first_name.data,
            last_name=form.last_name.data,
            email=form.email.data,
            country=form.country.data,
            city=form.city.data,
            reason=form.reason.data,
            is_subscriber=form.is_subscriber.data,
            show_name=form.show_name.data,
            wants_updates=form.wants_updates.data,
            consent_wording=form.consent_wording(),
        ),
        locale=str(get_locale()),
        ip=request.remote_addr,
        flag_reason=form.robot_signal(),
        source=referrals.first_touch(),
        remembered_code=referrals.remembered_code(petition),
    )
    referrals.remember_code(petition, code)
    session["signed_email"] = form.email.data
    return redirect(url_for("signing.thanks", slug=petition.slug), code=303)


def _form_again(slug: str, form: SignatureForm, status: int, notice: str | None = None):
    """The petition page again, with what was typed and what to fix."""
    return petition_page(petitions.row_of(slug) or abort(404), form, status, notice=notice)
