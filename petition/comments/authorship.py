"""Which comments this browser wrote: a signed cookie holds, for each, a secret whose hash the
comment keeps. It lets the author see their comment while it waits for moderation, and edit or
delete it for a while, without an account.

Readers get another signed cookie, a random key, so that each of them reports a comment once.
"""

import hashlib
import hmac
import secrets

from flask import current_app, g, request

from petition.comments.models import Comment
from petition.core.tokens import BadToken, make_token, read_token

AUTHOR_COOKIE = "comments_mine"
READER_COOKIE = "reader"
KEEP = 30  # comments remembered per browser, newest first
COOKIE_DAYS = 60


def new_token() -> tuple[str, str]:
    """(the secret for the browser, its hash for the database)."""
    token = secrets.token_urlsafe(18)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def tokens() -> dict[int, str]:
    """comment id → secret, as this browser's cookie holds them."""
    if "comment_tokens" not in g:
        try:
            pairs = read_token(request.cookies.get(AUTHOR_COOKIE, ""), AUTHOR_COOKIE)
            g.comment_tokens = {int(comment_id): str(token) for comment_id, token in pairs}
        except (BadToken, ValueError, TypeError):
            g.comment_tokens = {}
    return g.comment_tokens


def owned_ids() -> set[int]:
    return set(tokens())


def owns(comment: Comment) -> bool:
    token = tokens().get(comment.id)
    return bool(token and comment.edit_token_hash) and hmac.compare_digest(
        token_hash(token), comment.edit_token_hash
    )


def _set(response, name: str, value: str) -> None:
    response.set_cookie(
        name,
        value,
        max_age=COOKIE_DAYS * 86400,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )


def remember(response, comment_id: int, token: str) -> None:
    kept = [(comment_id, token)] + [(cid, t) for cid, t in tokens().items() if cid != comment_id]
    _set(response, AUTHOR_COOKIE, make_token(kept[:KEEP], AUTHOR_COOKIE))


def reader_key() -> tuple[str, bool]:
    """(this reader's key, whether it is new and must be set with set_reader_key)."""
    try:
        return str(read_token(request.cookies.get(READER_COOKIE, ""), READER_COOKIE)), False
    except (BadToken, ValueError, TypeError):
        return secrets.token_urlsafe(18), True


def set_reader_key(response, key: str) -> None:
    _set(response, READER_COOKIE, make_token(key, READER_COOKIE))
