from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from petition.accounts import second_factor, service
from petition.accounts.access import role_required, safe_next
from petition.accounts.forms import CodeForm, LoginForm
from petition.contact import service as contact
from petition.core.email import canonical_email
from petition.core.forms import session_expired
from petition.core.network import network_of, rate_limit_key
from petition.extensions import csrf, limiter
from petition.fraud import service as fraud
from petition.mail.service import given_up, outbox_counts
from petition.mailings import service as mailings
from petition.moderation import queue
from petition.petitions import service as petitions
from petition.privacy import service as privacy
from petition.signing.service import status_counts
from petition.updates import service as updates
from petition.volunteers import service as volunteers

bp = Blueprint("accounts", __name__, url_prefix="/admin")


def _typed_account() -> str:
    # The address typed, whether or not it has an account, so that throttling behaves the same
    # for both and tells nothing about who has one.
    return canonical_email(request.form.get("email", ""))


def _account_and_network() -> str:
    return f"login:{_typed_account()}|{rate_limit_key()}"


def _account_from_new_networks() -> str:
    return f"login-new:{_typed_account()}"


def _known_network() -> bool:
    return service.logged_in_before_from(request.form.get("email", ""), network_of(request.remote_addr))


def _login_failed(response) -> bool:
    # 422: the address and password did not open an account. An expired form (400) is no guess.
    return response.status_code == 422


def _setting(name: str):
    return lambda: current_app.config[name]


@bp.route("/login", methods=["GET", "POST"])
@csrf.exempt  # the form checks its token: an expired one shows the form again, address kept
@limiter.limit(_setting("RATELIMIT_LOGIN_IP"), key_func=rate_limit_key, methods=["POST"])
@limiter.limit(
    _setting("RATELIMIT_LOGIN_ACCOUNT"),
    key_func=_account_and_network,
    methods=["POST"],
    deduct_when=_login_failed,
)
@limiter.limit(
    _setting("RATELIMIT_LOGIN_NEW_NETWORKS"),
    key_func=_account_from_new_networks,
    methods=["POST"],
    deduct_when=_login_failed,
    exempt_when=_known_network,
)
def login():
    """The login form, throttled so that guessing slows down without locking the real person out
    (OWASP Authentication Cheat Sheet, "Login Throttling"; NIST SP 800-63B §5.2.2, "Rate Limiting
    (Throttling)"). Each limit answers 429 with Retry-After until its window moves on:

    - RATELIMIT_LOGIN_IP: every attempt from one network (rate_limit_key);
    - RATELIMIT_LOGIN_ACCOUNT: failed attempts on one account from one network. The network
      that guesses waits; the account still logs in from any other network, its owner's included;
    - RATELIMIT_LOGIN_NEW_NETWORKS: failed attempts on one account from all the networks it never
      logged in from, the bound 800-63B sets on one account's failures (100) whatever the number
      of networks guessing. The networks it logged in from before are exempt, as 800-63B
      suggests, so that its owner is not locked out either.
    """
    next_path = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_path or url_for(".dashboard"))
    form = LoginForm()
    refused = False
    if form.validate_on_submit():
        user = service.log_in(form.email.data, form.password.data, network_of(request.remote_addr))
        if user is not None and user.has_second_factor:
            service.await_second_factor(user)
            return redirect(url_for(".second_factor_login", next=next_path), code=303)
        if user is not None:
            return redirect(next_path or _after_login(user), code=303)
        refused = True
    status = 400 if session_expired(form) else 422 if request.method == "POST" else 200
    return render_template("accounts/login.html", form=form, refused=refused, next_path=next_path), status


def _after_login(user) -> str:
    return url_for(".two_factor") if user.must_enrol_second_factor else url_for(".dashboard")


def _second_factor_account() -> str:
    # One budget per account for every code typed, at login or when changing the second factor.
    user = current_user if current_user.is_authenticated else service.pending_user()
    return f"second-factor:{user.id if user else '-'}"


def _code_refused(response) -> bool:
    return response.status_code == 422


@bp.route("/login/code", methods=["GET", "POST"])
@csrf.exempt  # the form checks its token: an expired one shows the form again
@limiter.limit(_setting("RATELIMIT_LOGIN_IP"), key_func=rate_limit_key, methods=["POST"])
@limiter.limit(
    _setting("RATELIMIT_SECOND_FACTOR"),
    key_func=_second_factor_account,
    methods=["POST"],
    deduct_when=_code_refused,
)
def second_factor_login():
    """The login's second step: the code from the phone, or a recovery code. Wrong codes are
    throttled per account like passwords (RATELIMIT_SECOND_FACTOR; NIST SP 800-63B §5.2.2)."""
    next_path = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_path or url_for(".dashboard"))
    user = service.pending_user()
    if user is None:
        flash(_("Le délai pour saisir le code est dépassé : reconnectez-vous."))
        return redirect(url_for(".login", next=next_path), code=303)
    form = CodeForm()
    refused = False
    if form.validate_on_submit():
        network = network_of(request.remote_addr)
        used = second_factor.check(user, form.code.data)
        if used is not None:
            service.start_session(user, network, used)
            if used == second_factor.RECOVERY:
                flash(
                    _(
                        "Code de secours accepté. Il vous en reste %(left)d : si vous avez perdu votre "
                        "téléphone, enregistrez-en un nouveau ci-dessous.",
                        left=second_factor.recovery_codes_left(user),
                    )
                )
                return redirect(url_for(".two_factor"), code=303)
            return redirect(next_path or url_for(".dashboard"), code=303)
        service.second_factor_failed(user, network)
        refused = True
        form.code.data = ""
    status = 400 if session_expired(form) else 422 if request.method == "POST" else 200
    return render_template(
        "accounts/second_factor.html", form=form, refused=refused, next_path=next_path
    ), status


@bp.route("/account/two-factor", methods=["GET", "POST"])
@role_required("moderator")
@limiter.limit(
    _setting("RATELIMIT_SECOND_FACTOR"),
    key_func=_second_factor_account,
    methods=["POST"],
    deduct_when=_code_refused,
)
def two_factor():
    """Enrol a phone (admins must, before any other page), see the recovery codes left, make new
    ones, or (moderators only) stop using a second factor. Every change asks for a current code."""
    form = CodeForm()
    action = request.form.get("action", "enrol")
    codes = None
    refused = False
    if form.validate_on_submit():
        if not current_user.has_second_factor:
            codes = second_factor.finish_enrolment(current_user, form.code.data)
        elif action == "recovery-codes":
            codes = second_factor.regenerate_recovery_codes(current_user, form.code.data)
        elif (
            action == "turn-off"
            and not current_user.is_admin
            and second_factor.turn_off(current_user, form.code.data)
        ):
            flash(_("La double authentification est désactivée pour votre compte."))
            return redirect(url_for(".two_factor"), code=303)
        if codes is not None:
            return render_template("accounts/recovery_codes.html", codes=codes)
        refused = True
        form.code.data = ""
    status = 400 if session_expired(form) else 422 if request.method == "POST" else 200
    enrolment = None if current_user.has_second_factor else second_factor.enrolment(current_user)
    return render_template(
        "accounts/two_factor.html",
        form=form,
        refused=refused,
        enrolment=enrolment,
        codes_left=second_factor.recovery_codes_left(current_user)
        if current_user.has_second_factor
        else None,
    ), status


@bp.post("/logout")
def logout():
    service.log_out()
    flash(_("Vous êtes déconnecté(e)."))
    return redirect(url_for(".login"), code=303)


@bp.get("/")
@role_required("moderator")
def dashboard():
    return render_template(
        "accounts/dashboard.html",
        signatures=status_counts(),
        outbox=outbox_counts(),
        given_up=given_up(),
        comments=queue.counts(),
        unread_messages=contact.unread() if current_user.is_admin else None,
        update_counts=updates.counts() if current_user.is_admin else None,
        fraud_alerts=fraud.recent_alerts(),
        petitions=petitions.overview() if current_user.is_admin else None,
        volunteers=volunteers.counts() if current_user.is_admin else None,
        mailing=mailings.latest_progress() if current_user.is_admin else None,
        retention=privacy.status() if current_user.is_admin else None,
        erasures=privacy.erasures() if current_user.is_admin else None,
    )
