"""Signed tokens: links in mails and values kept in cookies, each signed for one purpose.

A token made for one purpose (the salt) never opens anything made for another, and every token
is signed with SECRET_KEY, so changing the key voids them all.
"""

from datetime import timedelta
from functools import lru_cache

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class BadToken(Exception):
    """The token was altered, made for another purpose, or (`expired`) genuine but too old."""

    def __init__(self, expired: bool = False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


@lru_cache(maxsize=32)
def _serializer(secret: str, purpose: str) -> URLSafeTimedSerializer:
    # Building a serializer is not free (it probes its JSON dumper); one per key and purpose.
    return URLSafeTimedSerializer(secret, salt=purpose)


def make_token(value, purpose: str) -> str:
    """A URL-safe token holding `value` (anything JSON can hold), signed for `purpose`."""
    return _serializer(current_app.config["SECRET_KEY"], purpose).dumps(value)


def read_token(token: str, purpose: str, max_age: timedelta | None = None):
    """The value of a token made for `purpose`; raises BadToken (expired=True when older than max_age)."""
    seconds = None if max_age is None else int(max_age.total_seconds())
    try:
        return _serializer(current_app.config["SECRET_KEY"], purpose).loads(token, max_age=seconds)
    except SignatureExpired:
        raise BadToken(expired=True) from None
    except BadSignature:
        raise BadToken from None
