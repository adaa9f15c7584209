"""The staff's second factor: a TOTP app on a phone (RFC 6238), and one-time recovery codes.

Admins must enrol before any back-office page opens; moderators may. Codes are throttled like
passwords (`RATELIMIT_SECOND_FACTOR`, in accounts.views). A code is accepted once: the time step
of the last accepted code is kept, and an older or equal step is refused (RFC 6238 §5.2, "the
verifier MUST NOT accept the second attempt of the same OTP"). One step of clock drift either way
is allowed (§5.2 and §6 recommend at most one). Recovery codes are random, shown once, and only
their SHA-256 is kept (they carry 50 bits of randomness, so a fast hash is enough: unlike a
password, they cannot be guessed from a list).

The secrets are encrypted at rest with a key derived from SECRET_KEY (HKDF-SHA256, then Fernet):
a copy of the database alone does not give an attacker the codes. Changing SECRET_KEY makes the
stored secrets unreadable: staff then enrol again after `flask --app app users reset-2fa EMAIL`.
"""

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from markupsafe import Markup
from sqlalchemy import delete, func, or_, select, update

from petition.accounts.models import RecoveryCode, User
from petition.audit.service import record
from petition.core.time import utcnow
from petition.core.transactions import write_transaction
from petition.extensions import db

RECOVERY_CODES = 10
STEP_SECONDS = 30  # RFC 6238's default, which every authenticator app uses
DRIFT_STEPS = 1
ISSUER = "KLEEMA"
TOTP = "totp"
RECOVERY = "recovery"


class SecondFactorError(ValueError):
    """A second-factor request that cannot be done; the message says why (for the CLI)."""


def _fernet() -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"kleema staff totp secrets").derive(
        current_app.config["SECRET_KEY"].encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def _seal(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def _open(sealed: str | None) -> str | None:
    if not sealed:
        return None
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except InvalidToken:
        # Sealed under another SECRET_KEY: no code can match; `users reset-2fa` starts over.
        return None


@dataclass(frozen=True)
class Enrolment:
    """What the enrolment page shows: the key as text (groups of 4, for typing), its
    otpauth:// address (Key Uri Format of Google Authenticator), and that address as a QR code."""

    secret: str
    uri: str

    @property
    def grouped_secret(self) -> str:
        return " ".join(self.secret[i : i + 4] for i in range(0, len(self.secret), 4))

    def qr_svg(self, title: str) -> Markup:
        """The address as an inline SVG QR code (segno), with `title` for screen readers."""
        svg = segno.make(self.uri, error="m").svg_inline(scale=4, border=4, title=title)
        return Markup(svg)  # noqa: S704  (segno writes the SVG and escapes the title)


def enrolment(user: User) -> Enrolment:
    """The pending secret of `user`, made (and stored encrypted) on first call; the same one on
    reload, so that a phone that scanned it keeps working until the first code is typed."""
    with write_transaction():
        secret = _open(user.totp_pending_secret)
        if secret is None:
            secret = pyotp.random_base32()  # 160 bits, RFC 4226's recommended length
            user.totp_pending_secret = _seal(secret)
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    return Enrolment(secret, uri)


def _digits(code: str) -> str:
    return "".join(code.split()).replace("-", "")


def _matching_step(secret: str, code: str, after_step: int | None, now: float | None = None) -> int | None:
    """The time step whose code is `code`, within DRIFT_STEPS of now and later than
    `after_step`; None if there is none."""
    code = _digits(code)
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = int((time.time() if now is None else now) // STEP_SECONDS)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if after_step is not None and step <= after_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _accept_step(user: User, step: int) -> bool:
    """Move the account's last accepted step to `step`, unless a concurrent request did first."""
    changed = db.session.execute(
        update(User)
        .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed:
        user.totp_last_step = step
    return bool(changed)


def finish_enrolment(user: User, code: str) -> list[str] | None:
    """Turn the second factor on if `code` comes from the pending secret; returns the new
    recovery codes (shown once), or None for a wrong code."""
    with write_transaction():
        secret = _open(user.totp_pending_secret)
        step = _matching_step(secret, code, None) if secret else None
        if step is None:
            record("user.2fa_enrol_failed", "user", user.id)
            return None
        user.totp_secret = _seal(secret)
        user.totp_pending_secret = None
        user.totp_enabled_dt = utcnow()
        user.totp_last_step = step
        codes = _new_recovery_codes(user)
        record("user.2fa_enrol", "user", user.id, after={"second_factor": True})
    return codes


def _hash(code: str) -> str:
    return hashlib.sha256(_digits(code).lower().encode()).hexdigest()


def _new_recovery_codes(user: User) -> list[str]:
    """Replace the account's recovery codes with RECOVERY_CODES new ones, in the caller's
    transaction. Each is 10 characters of base32 shown as two groups of 5 (50 bits)."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = base64.b32encode(secrets.token_bytes(10)).decode()[:10].lower()
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_hash(raw)))
    return codes


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(
        select(func.count()).where(RecoveryCode.user_id == user.id, RecoveryCode.used_dt.is_(None))
    )


def check(user: User, code: str) -> str | None:
    """Check a code typed at login: TOTP if it is 6 digits, else a recovery code (used up).

    Returns TOTP or RECOVERY for the kind that matched, None if nothing did. The caller
    writes the audit entry for the login.
    """
    with write_transaction():
        secret = _open(user.totp_secret)
        if secret is None:
            return None
        step = _matching_step(secret, code, user.totp_last_step)
        if step is not None:
            return TOTP if _accept_step(user, step) else None
        used = db.session.execute(
            update(RecoveryCode)
            .where(
                RecoveryCode.user_id == user.id,
                RecoveryCode.code_hash == _hash(code),
                RecoveryCode.used_dt.is_(None),
            )
            .values(used_dt=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
        if used:
            record("user.2fa_recovery_code_used", "user", user.id, actor=user)
            return RECOVERY
    return None


def check_current(user: User, code: str) -> bool:
    """For a change made while logged in: a TOTP code from the phone (or a recovery code)."""
    return check(user, code) is not None


def regenerate_recovery_codes(user: User, code: str) -> list[str] | None:
    """New recovery codes (the old ones stop working), if `code` is a current one; else None."""
    if not check_current(user, code):
        return None
    with write_transaction():
        codes = _new_recovery_codes(user)
        record("user.2fa_recovery_codes", "user", user.id)
    return codes


def _clear(user: User) -> None:
    user.totp_secret = None
    user.totp_pending_secret = None
    user.totp_enabled_dt = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def turn_off(user: User, code: str) -> bool:
    """A moderator stops using a second factor (admins may not). False for a wrong code."""
    if user.is_admin:
        raise SecondFactorError("Admins must keep a second factor.")
    if not check_current(user, code):
        return False
    with write_transaction():
        _clear(user)
        record(
            "user.2fa_disable",
            "user",
            user.id,
            before={"second_factor": True},
            after={"second_factor": False},
        )
    return True


def reset(user: User) -> bool:
    """For a lost phone (`users reset-2fa`): remove the second factor and end every session, so
    that the next login enrols a new phone. False if the account had none."""
    with write_transaction():
        had = user.has_second_factor or user.totp_pending_secret is not None
        _clear(user)
        user.end_sessions()
        record(
            "user.2fa_reset", "user", user.id, before={"second_factor": had}, after={"second_factor": False}
        )
    return had
