from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from petition.extensions import csrf, limiter
from petition.petitions import service as petitions
from petition.petitions.views import render_petition
from petition.security import private_page
from petition.sharing import referrals
from petition.signing import service
from petition.signing.forms import SignatureForm
from petition.signing.models import SignatureStatus

bp = Blueprint("signing", __name__)


def _sign_limit() -> str:
    return current_app.config["RATELIMIT_SIGN"]


# These forms check their own CSRF token, so that an expired token shows the form again (with
# what was typed) instead of an error page.
@bp.post("/petitions/<slug>/sign")
@csrf.exempt
@limiter.limit(_sign_limit)
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
    code = service.sign(
        petition.id,
        service.SignatureInput(
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
    petition = petitions.by_slug(slug) or abort(404)
    return render_petition(petition, form, status, notice=notice)


@bp.get("/petitions/<slug>/thanks")
def thanks(slug: str):
    petition = petitions.by_slug(slug) or abort(404)
    return render_template(
        "signing/thanks.html", petition=petitions.localized(petition), email=session.get("signed_email")
    )


def _load(token: str, purpose: str):
    try:
        return service.signature_for(token, purpose), None
    except service.ExpiredLink:
        return None, render_template("signing/bad_link.html", expired=True), 410
    except service.InvalidLink:
        return None, render_template("signing/bad_link.html", expired=False), 404


@bp.route("/confirm/<token>", methods=["GET", "POST"])
@csrf.exempt
@private_page
def confirm(token: str):
    signature, *error = _load(token, service.CONFIRM)
    if signature is None:
        return tuple(error)
    form = FlaskForm()
    if form.validate_on_submit():
        service.confirm(signature)
        return redirect(url_for("signing.confirm", token=token), code=303)
    return render_template(
        "signing/confirm.html",
        signature=signature,
        petition=petitions.localized(signature.petition),
        progress=petitions.progress(signature.petition),
        form=form,
        Status=SignatureStatus,
        retry=request.method == "POST",
    )


@bp.route("/withdraw/<token>", methods=["GET", "POST"])
@csrf.exempt
@private_page
def withdraw(token: str):
    signature, *error = _load(token, service.WITHDRAW)
    if signature is None:
        return tuple(error)
    form = FlaskForm()
    if form.validate_on_submit():
        service.withdraw(signature)
        return redirect(url_for("signing.withdraw", token=token), code=303)
    return render_template(
        "signing/withdraw.html",
        signature=signature,
        petition=petitions.localized(signature.petition),
        form=form,
        Status=SignatureStatus,
        retry=request.method == "POST",
    )
