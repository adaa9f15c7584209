"""Staff accounts: creation, password rules, logging in and out, sessions that end."""

import hashlib
import hmac
import time
from functools import cache

from email_validator import EmailNotValidError
from flask import current_app, request, session
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from petition.accounts.models import MODERATOR, ROLE_RANKS, User
from petition.audit.models import AuditEntry
from petition.audit.service import record
from petition.core.email import normalized_address, plain_mailbox
from petition.core.text import collapse_spaces, forbidden_characters
from petition.core.time import utcnow
from petition.core.transactions import write_transaction
from petition.extensions import db

MIN_PASSWORD_LENGTH = 12
# Kept in the (signed) session cookie at login: when the staff session began, in seconds since
# the epoch, so that it ends a fixed time after login however busy it has been; and which
# browser at which address opened it, so that a copied cookie is useless elsewhere.
SESSION_STARTED = "staff_since"
SESSION_CLIENT = "staff_client"
# Between a right password and the second factor's code: which account, for how long.
PENDING_LOGIN = "staff_pending_login"
PENDING_LOGIN_SECONDS = 300


class AccountError(ValueError):
    """A request about an account that cannot be done; the message says why."""


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"The password is too short: at least {MIN_PASSWORD_LENGTH} characters "
            f"(got {len(password)}). A few unrelated words make a long password easy to remember."
        )
    if forbidden_characters(password):
        raise AccountError("The password contains control or invisible characters.")


def checked_email(address: str) -> str:
    """The address as stored for a new account; refused if invalid."""
    try:
        plain_mailbox(address)
    except EmailNotValidError as error:
        raise AccountError(f"{address!r} is not a valid email address: {error}") from None
    return normalized_address(address)


def _checked_name(name: str | None) -> str | None:
    name = collapse_spaces(name)
    if not name:
        return None
    if len(name) > 80 or forbidden_characters(name):
        raise AccountError("The name must be at most 80 characters, without control characters.")
    return name


def create_user(email: str, password: str, role: str, display_name: str | None = None) -> User:
    with write_transaction():
        if role not in ROLE_RANKS:
            raise AccountError(f"Unknown role {role!r}: choose one of {', '.join(ROLE_RANKS)}.")
        user = User(
            email=checked_email(email),
            display_name=_checked_name(display_name),
            role=role,
            password_hash=_hashed(password),
        )
        db.session.add(user)
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            raise AccountError(f"An account with the address {user.email} already exists.") from None
        record(
            "user.create",
            "user",
            user.id,
            after={"email": user.email, "display_name": user.display_name, "role": role, "is_active": True},
        )
    return user


def _hashed(password: str) -> str:
    check_password_strength(password)
    return generate_password_hash(password)


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalized_address(email)))


def _existing(email: str) -> User:
    user = find_user(email)
    if user is None:
        raise AccountError(f"No account has the address {email.strip()}.")
    return user


def all_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.role, User.email)))


def deactivate(email: str) -> bool:
    """Close an account (its sessions end at their next request). False if it was already closed."""
    with write_transaction():
        user = _existing(email)
        if not user.is_active:
            return False
        user.is_active = False
        # Reopening the account later must not bring old sessions back.
        user.end_sessions()
        record("user.deactivate", "user", user.id, before={"is_active": True}, after={"is_active": False})
    return True


def set_password(email: str, password: str) -> None:
    """Replace a password; every session opened with the old one ends."""
    with write_transaction():
        user = _existing(email)
        user.password_hash = _hashed(password)
        record("user.password_change", "user", user.id)


def staff_emails(role: str = "moderator") -> list[str]:
    """Addresses of the active accounts that may act in that role (admins may do what moderators do)."""
    allowed = [name for name, rank in ROLE_RANKS.items() if rank >= ROLE_RANKS[role]]
    return list(
        db.session.scalars(
            select(User.email).where(User.is_active.is_(True), User.role.in_(allowed)).order_by(User.email)
        )
    )


def digest_recipients() -> list[tuple[int, str]]:
    """(id, address) of the active moderators and admins who still get the moderation digest."""
    allowed = [name for name, rank in ROLE_RANKS.items() if rank >= ROLE_RANKS[MODERATOR]]
    rows = db.session.execute(
        select(User.id, User.email)
        .where(User.is_active.is_(True), User.role.in_(allowed), User.gets_digest.is_(True))
        .order_by(User.email)
    )
    return [(user_id, address) for user_id, address in rows]


def gets_digest(user_id: int) -> bool | None:
    """Whether this account still gets the moderation digest; None for an unknown account."""
    user = db.session.get(User, user_id)
    return None if user is None else user.gets_digest and user.is_active and user.can_moderate


def stop_digest(user_id: int) -> None:
    """No more moderation digest for this account (asked from one of its mails; a write transaction)."""
    with write_transaction():
        db.session.execute(update(User).where(User.id == user_id).values(gets_digest=False))


@cache
def _unknown_user_hash() -> str:
    return generate_password_hash("a password checked when the address is unknown")


KNOWN_LOGINS = 20


def logged_in_before_from(email: str, network: str | None) -> bool:
    """Whether the account with this address logged in from this network (as the audit log
    keeps it) in one of its last KNOWN_LOGINS logins."""
    user = find_user(email)
    if user is None or network is None:
        return False
    recent = db.session.scalars(
        select(AuditEntry.after)
        .where(AuditEntry.actor_id == user.id, AuditEntry.action == "auth.login")
        .order_by(AuditEntry.created_dt.desc())
        .limit(KNOWN_LOGINS)
    )
    return any((after or {}).get("network") == network for after in recent)


def check_password(email: str, password: str, network: str | None) -> User | None:
    """The active account these credentials open, or None; a refusal is written to the audit
    log. Opens no session: `start_session` does, once any second factor is checked too."""
    user = find_user(email)
    if user is None:
        # Checking a password costs the same whether or not the address exists, so the response
        # time does not tell which addresses have an account.
        check_password_hash(_unknown_user_hash(), password)
        reason = "unknown_address"
    elif not check_password_hash(user.password_hash, password):
        reason = "wrong_password"
    elif not user.is_active:
        reason = "inactive_account"
    else:
        return user
    with write_transaction():
        record(
            "auth.login_failed",
            "user" if user else None,
            user.id if user else None,
            after={"email": email.strip(), "reason": reason, "network": network},
        )
    return None


def start_session(user: User, network: str | None, second_factor: str | None = None) -> None:
    """Log `user` in on this browser; the audit entry names the network and, when one was
    checked, the second factor used ("totp" or "recovery")."""
    session.pop(PENDING_LOGIN, None)
    with write_transaction():
        user.last_login_dt = utcnow()
        after = {"network": network}
        if second_factor:
            after["second_factor"] = second_factor
        record("auth.login", "user", user.id, after=after, actor=user)
    login_user(user, remember=False)
    session[SESSION_STARTED] = int(time.time())
    session[SESSION_CLIENT] = _client_fingerprint()


def log_in(email: str, password: str, network: str | None) -> User | None:
    """The account these credentials open, logged in now, or None. For an account with a second
    factor nothing is opened yet: the login page asks for its code (`await_second_factor`)."""
    user = check_password(email, password, network)
    if user is not None and not user.has_second_factor:
        start_session(user, network)
    return user


def await_second_factor(user: User) -> None:
    """Remember, in this browser's session, that `user` gave the right password and has
    PENDING_LOGIN_SECONDS to give a code."""
    session[PENDING_LOGIN] = {
        "user": user.id,
        "fingerprint": user.session_fingerprint,
        "since": int(time.time()),
        "client": _client_fingerprint(),
    }


def pending_user() -> User | None:
    """The account whose password this browser gave and whose code is awaited; None when there
    is none, it took longer than PENDING_LOGIN_SECONDS, or the account changed since."""
    pending = session.get(PENDING_LOGIN)
    if not isinstance(pending, dict):
        return None
    since = pending.get("since")
    if not isinstance(since, int) or time.time() - since > PENDING_LOGIN_SECONDS:
        return None
    if not hmac.compare_digest(str(pending.get("client", "")), _client_fingerprint()):
        return None
    user_id = pending.get("user")
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.is_active or not user.has_second_factor:
        return None
    if not hmac.compare_digest(str(pending.get("fingerprint", "")), user.session_fingerprint):
        return None
    return user


def second_factor_failed(user: User, network: str | None) -> None:
    with write_transaction():
        record("auth.second_factor_failed", "user", user.id, after={"network": network}, actor=user)


def log_out() -> None:
    """End the session on the server too: a copy of the cookie kept from before no longer opens
    anything. Every session of the account ends with it (the version on the account is all the
    server keeps), so logging out on one computer logs out on all of them."""
    if current_user.is_authenticated:
        with write_transaction():
            current_user.end_sessions()
            record("auth.logout", "user", current_user.id)
    logout_user()
    session.pop(SESSION_STARTED, None)
    session.pop(SESSION_CLIENT, None)
    session.pop(PENDING_LOGIN, None)


def _client_fingerprint() -> str:
    client = f"{request.remote_addr}|{request.headers.get('User-Agent', '')}"
    return hashlib.sha256(client.encode()).hexdigest()[:32]


def user_for_session(session_user_id: str) -> User | None:
    """The staff member a session belongs to, or None (and the session is emptied) when it is
    too old, used from another browser or address, logged out, the account closed, or its
    password or role changed.

    This is Flask-Login's "strong" protection applied to staff sessions only: the built-in one
    runs on every page and would rewrite the session cookie of every visitor who signs.
    """
    user = _session_user(session_user_id)
    if user is None:
        for key in ("_user_id", "_fresh", "_id", SESSION_STARTED, SESSION_CLIENT):
            session.pop(key, None)
    return user


def _session_user(session_user_id: str) -> User | None:
    started = session.get(SESSION_STARTED)
    lifetime = current_app.config["STAFF_SESSION_LIFETIME"].total_seconds()
    if not isinstance(started, int) or time.time() - started > lifetime:
        return None
    if not hmac.compare_digest(session.get(SESSION_CLIENT, ""), _client_fingerprint()):
        return None
    user_id, _, fingerprint = session_user_id.partition(":")
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not user.is_active:
        return None
    if not hmac.compare_digest(fingerprint, user.session_fingerprint):
        return None
    return user
