from datetime import UTC, datetime


def utcnow() -> datetime:
    """Naive UTC, stored the same way by SQLite and PostgreSQL."""
    return datetime.now(UTC).replace(tzinfo=None)
