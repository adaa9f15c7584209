import hashlib
from datetime import datetime

from flask_login import AnonymousUserMixin, UserMixin
from sqlalchemy import String, true
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

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def can_moderate(self) -> bool:
        return self.has_role(MODERATOR)

    @property
    def name(self) -> str:
        return self.display_name or self.email

    def has_role(self, role: str) -> bool:
        return ROLE_RANKS.get(self.role, 0) >= ROLE_RANKS[role]

    def get_id(self) -> str:
        # The session names the password it was opened with: changing the password ends every
        # session opened with the old one.
        return f"{self.id}:{self.password_fingerprint}"

    @property
    def password_fingerprint(self) -> str:
        return hashlib.sha256(self.password_hash.encode()).hexdigest()[:16]


class AnonymousVisitor(AnonymousUserMixin):
    """Templates and views can ask any visitor the same questions as a staff member."""

    is_admin = False
    can_moderate = False

    def has_role(self, role: str) -> bool:
        return False
