import hashlib
from datetime import datetime

from flask_login import AnonymousUserMixin, UserMixin
from sqlalchemy import ForeignKey, String, true
from sqlalchemy.orm import Mapped, mapped_column

from petition.core.time import utcnow
from petition.extensions import db

MODERATOR = "moderator"
ADMIN = "admin"
# Each role may do everything the roles ranked below it may do.
ROLE_RANKS = {MODERATOR: 1, ADMIN: 2}


class User(UserMixin, db.Model):
    """A committee member who works in the back office."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_dt: Mapped[datetime | None]
    # Moderators get the digest of waiting comments until they stop it from one of its mails.
    gets_digest: Mapped[bool] = mapped_column(default=True, server_default=true())
    # Moved on by every change that must end the account's open sessions (logout, deactivation).
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # Second factor (TOTP, RFC 6238). Secrets are stored encrypted (accounts.second_factor);
    # `totp_pending_secret` is the one shown while enrolling, until a first code proves the phone
    # holds it. `totp_last_step` is the time step of the last code accepted: a code is good once.
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    totp_pending_secret: Mapped[str | None] = mapped_column(String(255))
    totp_enabled_dt: Mapped[datetime | None]
    totp_last_step: Mapped[int | None]

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def has_second_factor(self) -> bool:
        return self.totp_secret is not None

    @property
    def must_enrol_second_factor(self) -> bool:
        """Admins may not work without a second factor; moderators may choose."""
        return self.is_admin and not self.has_second_factor

    @property
    def can_moderate(self) -> bool:
        return self.has_role(MODERATOR)

    @property
    def name(self) -> str:
        return self.display_name or self.email

    def has_role(self, role: str) -> bool:
        return ROLE_RANKS.get(self.role, 0) >= ROLE_RANKS[role]

    def get_id(self) -> str:
        # The session names the state of the account it was opened with: a new password, a new
        # role or a new session version (logout, deactivation) ends every session opened before.
        return f"{self.id}:{self.session_fingerprint}"

    @property
    def session_fingerprint(self) -> str:
        state = f"{self.session_version}|{self.role}|{self.password_hash}"
        return hashlib.sha256(state.encode()).hexdigest()[:16]

    def end_sessions(self) -> None:
        """Every session opened so far ends at its next request (the caller commits)."""
        self.session_version = (self.session_version or 0) + 1


class RecoveryCode(db.Model):
    """A one-time code that stands in for the phone once; only its hash is kept."""

    __tablename__ = "staff_recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    used_dt: Mapped[datetime | None]


class AnonymousVisitor(AnonymousUserMixin):
    """Templates and views can ask any visitor the same questions as a staff member."""

    is_admin = False
    can_moderate = False
    has_second_factor = False
    must_enrol_second_factor = False

    def has_role(self, role: str) -> bool:
        return False
