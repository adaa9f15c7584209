"""Whether this process can serve: the parts it needs, each tried for real with a short timeout."""

from collections.abc import Callable

import redis
from flask import current_app
from sqlalchemy import text

from petition.extensions import db
from petition.mail.transport import SMTPTransport

# A health check must answer before the load balancer's own timeout (usually a few seconds).
TIMEOUT_SECONDS = 2.0


def _database() -> None:
    try:
        db.session.execute(text("SELECT 1"))
    finally:
        db.session.rollback()


def _redis() -> None:
    client = redis.Redis.from_url(
        current_app.config["REDIS_URL"],
        socket_timeout=TIMEOUT_SECONDS,
        socket_connect_timeout=TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    finally:
        client.close()


def _smtp() -> None:
    # Connecting, STARTTLS and login are what sending needs first; NOOP proves commands are answered.
    with SMTPTransport(current_app.config["MAIL_URL"], timeout=TIMEOUT_SECONDS) as transport:
        transport.connection.noop()


def _checks() -> dict[str, Callable[[], None]]:
    checks = {"database": _database}
    if current_app.config.get("REDIS_URL"):
        checks["redis"] = _redis
    if str(current_app.config.get("MAIL_URL", "")).startswith(("smtp://", "smtps://", "smtp+starttls://")):
        checks["smtp"] = _smtp
    return checks


def readiness() -> dict[str, str]:
    """Try each configured part: {"database": "ok", "redis": "ok", "smtp": "ConnectionRefusedError"}.

    The database is always checked; Redis when REDIS_URL is set; SMTP when MAIL_URL names an SMTP
    server (mail written to files needs nothing). A failed part is given by its error's class name
    only, so that a public answer never shows a host name or a password. Raises nothing.
    """
    results = {}
    for name, check in _checks().items():
        try:
            check()
        except Exception as error:
            results[name] = type(error).__name__
        else:
            results[name] = "ok"
    return results
