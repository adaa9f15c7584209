from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from petition.accounts import service
from petition.accounts.access import role_required, safe_next
from petition.accounts.forms import LoginForm
from petition.core.forms import session_expired
from petition.core.network import network_of
from petition.extensions import csrf, limiter
from petition.mail.service import outbox_counts
from petition.signing.service import canonical_email, status_counts

bp = Blueprint("accounts", __name__, url_prefix="/admin")


def _login_limit_per_ip() -> str:
    return current_app.config["RATELIMIT_LOGIN_IP"]


def _login_limit_per_account() -> str:
    return current_app.config["RATELIMIT_LOGIN_ACCOUNT"]


def _account_typed() -> str:
    # Keyed on the address typed, whether or not it has an account, so that throttling
    # behaves the same for both and tells nothing about who has one.
    return "login:" + canonical_email(request.form.get("email", ""))


def _login_failed(response) -> bool:
    return response.status_code != 303


@bp.route("/login", methods=["GET", "POST"])
@csrf.exempt  # the form checks its token: an expired one shows the form again, address kept
@limiter.limit(_login_limit_per_ip, methods=["POST"])
@limiter.limit(_login_limit_per_account, key_func=_account_typed, methods=["POST"], deduct_when=_login_failed)
def login():
    next_path = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_path or url_for(".dashboard"))
    form = LoginForm()
    refused = False
    if form.validate_on_submit():
        if service.log_in(form.email.data, form.password.data, network_of(request.remote_addr)):
            return redirect(next_path or url_for(".dashboard"), code=303)
        refused = True
    status = 400 if session_expired(form) else 422 if request.method == "POST" else 200
    return render_template("accounts/login.html", form=form, refused=refused, next_path=next_path), status


@bp.post("/logout")
def logout():
    service.log_out()
    flash(_("Vous êtes déconnecté(e)."))
    return redirect(url_for(".login"), code=303)


@bp.get("/")
@role_required("moderator")
def dashboard():
    return render_template("accounts/dashboard.html", signatures=status_counts(), outbox=outbox_counts())
