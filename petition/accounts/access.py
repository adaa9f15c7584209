"""Who may open a back-office page: checked on the server for every request."""

from functools import wraps
from urllib.parse import urlsplit

from flask import abort, redirect, request, url_for
from flask_login import current_user

from petition.accounts.models import ROLE_RANKS, AnonymousVisitor
from petition.accounts.service import user_for_session
from petition.extensions import login_manager


def safe_next(target: str | None) -> str | None:
    """A path on this site to go back to after login, or None for anything that could leave it."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if any(ord(char) < 32 or char == "\\" for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def redirect_to_login():
    """Send a visitor to the login page, coming back here afterwards (only for pages, not POSTs)."""
    back = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("accounts.login", next=safe_next(back)))


# The one back-office page an admin without a second factor may open: where to enrol one.
ENROLMENT_ENDPOINT = "accounts.two_factor"


def role_required(role: str):
    """Let through staff with this role or a higher one; others log in first or get a 403.
    An admin who has not enrolled a second factor is sent to enrol first, whatever the page."""
    if role not in ROLE_RANKS:
        raise ValueError(f"unknown role {role!r}")

    def decorator(view):
        @wraps(view)
        def checked(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect_to_login()
            if not current_user.has_role(role):
                abort(403)
            if current_user.must_enrol_second_factor and request.endpoint != ENROLMENT_ENDPOINT:
                if request.method != "GET":
                    abort(403)
                return redirect(url_for(ENROLMENT_ENDPOINT))
            return view(*args, **kwargs)

        return checked

    return decorator


def keep_back_office_private(response):
    """Back-office pages hold personal data: no cache keeps them, no search engine lists them."""
    if request.path == "/admin" or request.path.startswith("/admin/"):
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def setup_login(app) -> None:
    login_manager.init_app(app)
    # Done for staff sessions by user_for_session, which also empties a session copied elsewhere.
    login_manager.session_protection = None
    login_manager.anonymous_user = AnonymousVisitor
    login_manager.user_loader(user_for_session)
    login_manager.unauthorized_handler(redirect_to_login)
    app.after_request(keep_back_office_private)
