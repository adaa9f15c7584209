"""Absolute URLs, in a request or outside one (the mail sender, a command, a moderator's action)."""

from contextlib import nullcontext

from flask import current_app, has_request_context, url_for


def absolute_url(endpoint: str, **values) -> str:
    """BASE_URL + the path of `endpoint` (url_for's arguments, `_anchor` included).

    Links in mails and share cards always name the configured site, never the Host a request
    came with. Outside a request, the path is built as in a request to "/".
    """
    with nullcontext() if has_request_context() else current_app.test_request_context("/"):
        return current_app.config["BASE_URL"] + url_for(endpoint, **values)
