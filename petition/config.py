"""Settings read from the environment, with an embedded default that runs on one machine."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"

_TRUE = {"1", "true", "yes", "on"}


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in _TRUE


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def _dev_secret(instance: Path) -> str:
    """A random secret kept under instance/ so sessions survive a restart of the dev server."""
    path = instance / "dev-secret-key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    path.write_text(secret)
    return secret


def from_environment(instance: Path = INSTANCE) -> dict:
    secret = os.environ.get("SECRET_KEY")
    production = _flag("PRODUCTION", bool(secret))
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'kleema.db'}"
    redis_url = os.environ.get("REDIS_URL") or None
    return {
        "PRODUCTION": production,
        "SECRET_KEY": secret or _dev_secret(instance),
        "DEV_SECRET": not secret,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "AUTO_SETUP": _flag("AUTO_SETUP", not os.environ.get("DATABASE_URL")),
        "MAIL_URL": os.environ.get("MAIL_URL") or f"file://{instance / 'mail'}",
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Comité de soutien à KLEEMA <petition@localhost>"),
        "MAIL_BACKGROUND_SENDER": _flag("MAIL_BACKGROUND_SENDER", True),
        # Unset, mails link to the development server where `python app.py` serves it.
        "BASE_URL": os.environ.get("BASE_URL", f"http://127.0.0.1:{os.environ.get('PORT', '5000')}").rstrip(
            "/"
        ),
        "REDIS_URL": redis_url,
        # Flask-Caching: one copy per process, or one shared by every process through Redis.
        # What is kept, for how long and who clears it: petition/caching.py.
        "CACHE_TYPE": os.environ.get("CACHE_TYPE") or ("RedisCache" if redis_url else "SimpleCache"),
        "CACHE_REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "kleema:"),
        "CACHE_THRESHOLD": 2000,
        "RATELIMIT_ENABLED": _flag("RATELIMIT_ENABLED", True),
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", "kleema"),
        "RATELIMIT_SIGN": os.environ.get("RATELIMIT_SIGN", "10 per minute;60 per hour"),
        "RATELIMIT_LOGIN_IP": os.environ.get("RATELIMIT_LOGIN_IP", "10 per minute;50 per hour"),
        "RATELIMIT_LOGIN_ACCOUNT": os.environ.get("RATELIMIT_LOGIN_ACCOUNT", "5 per 15 minutes"),
        "STAFF_SESSION_LIFETIME": timedelta(hours=_int("STAFF_SESSION_HOURS", 8)),
        "TRUSTED_PROXIES": _int("TRUSTED_PROXIES", 0),
        "SIGN_MIN_SECONDS": _int("SIGN_MIN_SECONDS", 3),
        "MAILS_PER_ADDRESS_PER_DAY": _int("MAILS_PER_ADDRESS_PER_DAY", 3),
        "MAIL_RETRY_SECONDS": _int("MAIL_RETRY_SECONDS", 30),
        "CONFIRM_TOKEN_DAYS": _int("CONFIRM_TOKEN_DAYS", 30),
        "WITHDRAW_TOKEN_DAYS": _int("WITHDRAW_TOKEN_DAYS", 730),
        "PETITION_GOAL": _int("PETITION_GOAL", 50000),
        "SHARE_CARD_REFRESH_SECONDS": _int("SHARE_CARD_REFRESH_SECONDS", 300),
        "COMMENTS_PER_PAGE": _int("COMMENTS_PER_PAGE", 20),
        "COMMENT_MAX_DEPTH": _int("COMMENT_MAX_DEPTH", 2),
        "COMMENT_MAX_LENGTH": _int("COMMENT_MAX_LENGTH", 2000),
        "COMMENT_MIN_SECONDS": _int("COMMENT_MIN_SECONDS", 3),
        "COMMENT_EDIT_MINUTES": _int("COMMENT_EDIT_MINUTES", 15),
        "COMMENT_REPORTS_TO_HIDE": _int("COMMENT_REPORTS_TO_HIDE", 3),
        "RATELIMIT_COMMENT": os.environ.get("RATELIMIT_COMMENT", "5 per minute;30 per hour"),
        "RATELIMIT_REPORT": os.environ.get("RATELIMIT_REPORT", "10 per minute;50 per hour"),
        "MODERATION_DIGEST_MINUTES": _int("MODERATION_DIGEST_MINUTES", 60),
        "ORGANISER_NAME": os.environ.get("ORGANISER_NAME", "Comité de soutien à KLEEMA"),
        "SESSION_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", production),
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
        "MAX_CONTENT_LENGTH": 256 * 1024,
        "WTF_CSRF_TIME_LIMIT": 12 * 3600,
    }


class InsecureConfiguration(RuntimeError):
    """Raised at start-up in production when a setting would put signers at risk."""


def check_production(config: dict) -> None:
    """Refuse to serve production traffic with a development secret or an insecure setting."""
    if not config.get("PRODUCTION"):
        return
    problems = []
    secret = config.get("SECRET_KEY") or ""
    if config.get("DEV_SECRET"):
        problems.append("SECRET_KEY is not set: the development secret cannot be used in production")
    elif len(secret) < 32:
        problems.append("SECRET_KEY is shorter than 32 characters")
    if not str(config.get("BASE_URL", "")).startswith("https://"):
        problems.append("BASE_URL must start with https:// in production")
    if not config.get("SESSION_COOKIE_SECURE"):
        problems.append("SESSION_COOKIE_SECURE must not be turned off in production")
    if str(config.get("MAIL_URL", "")).startswith("file://"):
        problems.append(
            "MAIL_URL must name an SMTP server in production (mail would only be written to files)"
        )
    if not config.get("RATELIMIT_ENABLED"):
        problems.append("RATELIMIT_ENABLED=false is not allowed in production")
    if problems:
        raise InsecureConfiguration("Refusing to start in production:\n  - " + "\n  - ".join(problems))
