"""Flask's signed-cookie session, with its signing serializer built once instead of per request,
and no `Vary: Cookie` on answers declared public.

Building an itsdangerous serializer is not free (it tries its JSON serializer on an empty dict
to learn whether it speaks text), and Flask builds one for every request that has a session
cookie and again for every session it saves. The keys (SECRET_KEY and its fallbacks) are read
at each request, so a change of key still takes effect at once.

Flask adds `Vary: Cookie` to every answer whose request looked at the session, and Flask-Login
looks at it on every request: the public count would then be kept once per visitor by any
shared cache (and by core/edge.py). An answer marked `Cache-Control: public` says it is the
same for everyone; unless the session changed during it, it does not vary by cookie.
"""

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class SessionInterface(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._serializers: dict[tuple, URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = super().get_signing_serializer(app)
            if len(self._serializers) > 8:
                self._serializers.clear()
            self._serializers[keys] = serializer
        return serializer

    def save_session(self, app: Flask, session, response) -> None:
        if session.accessed and not session.modified and _is_public(response):
            session.accessed = False
        super().save_session(app, session, response)


def _is_public(response) -> bool:
    return any(name == "Cache-Control" and "public" in value for name, value in response.headers.items())
