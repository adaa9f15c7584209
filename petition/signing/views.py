"""After the form: the thanks page, and the mailed links to confirm or withdraw a signature.
The form itself is part of the petition page (petition/pages/views.py)."""

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm

from petition.extensions import csrf
from petition.petitions import service as petitions
from petition.security import private_page
from petition.signing import service
from petition.signing.models import SignatureStatus

bp = Blueprint("signing", __name__)


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
