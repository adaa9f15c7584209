"""A one-second HTTP cache in front of the application, per process, for public answers.

What a reverse proxy's microcache does (nginx `proxy_cache_valid 1s`), without one: a GET under
one of `PATHS` whose answer is a 200 marked `Cache-Control: public`, without `Set-Cookie`, is kept
for MICROCACHE_SECONDS (0 turns it off) and served again without entering Flask. The answer's
`Vary` is honoured: the request headers it names are part of the key. `If-None-Match` is answered
with a 304 from the kept ETag. Each process keeps its own copy; nothing is shared between workers.

The count JSON is what a crowd polls: a live counter on every open page, and friendly sites.
"""

import time
import weakref
from dataclasses import dataclass

from flask import Flask

# Only these answers are candidates; each still has to say it is public.
PATHS = ("/api/",)
MAX_ENTRIES = 512
_SKIPPED = {"date", "content-length"}
_instances: "weakref.WeakSet[EdgeCache]" = weakref.WeakSet()


def clear() -> None:
    """Forget every kept answer (of every app in the process)."""
    for cache in list(_instances):
        cache.vary.clear()
        cache.answers.clear()


@dataclass(frozen=True)
class _Answer:
    expires: float
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    etag: str | None


class EdgeCache:
    def __init__(self, app: Flask, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app
        self.vary: dict[tuple, tuple[str, ...]] = {}
        self.answers: dict[tuple, _Answer] = {}
        _instances.add(self)

    def __call__(self, environ, start_response):
        lifetime = self.app.config.get("MICROCACHE_SECONDS", 0)
        method = environ.get("REQUEST_METHOD")
        path = environ.get("PATH_INFO", "")
        if lifetime <= 0 or method != "GET" or not path.startswith(PATHS):
            return self.wsgi_app(environ, start_response)
        resource = (method, path, environ.get("QUERY_STRING", ""))
        now = time.monotonic()
        vary = self.vary.get(resource)
        if vary is not None:
            answer = self.answers.get((resource, tuple(environ.get(name) for name in vary)))
            if answer is not None and answer.expires > now:
                return self._serve(answer, environ, start_response)
        return self._fetch(resource, now + lifetime, environ, start_response)

    def _fetch(self, resource, expires, environ, start_response):
        caught = []

        def catch(status, headers, exc_info=None):
            caught.append((status, headers))
            return start_response(status, headers, exc_info)

        chunks = self.wsgi_app(environ, catch)
        try:
            body = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        status, headers = caught[-1]
        self._keep(resource, expires, environ, status, headers, body)
        return [body]

    def _keep(self, resource, expires, environ, status, headers, body) -> None:
        if not status.startswith("200"):
            return
        named = {name.lower(): value for name, value in headers}
        if "set-cookie" in named or "public" not in named.get("cache-control", ""):
            return
        vary = tuple(
            "HTTP_" + name.strip().upper().replace("-", "_")
            for name in named.get("vary", "").split(",")
            if name.strip()
        )
        if "HTTP_*" in vary:
            return
        if len(self.answers) >= MAX_ENTRIES:
            self.answers.clear()
            self.vary.clear()
        self.vary[resource] = vary
        kept = [(name, value) for name, value in headers if name.lower() not in _SKIPPED]
        self.answers[(resource, tuple(environ.get(name) for name in vary))] = _Answer(
            expires, status, kept, body, named.get("etag")
        )

    @staticmethod
    def _serve(answer: _Answer, environ, start_response):
        asked = environ.get("HTTP_IF_NONE_MATCH", "")
        if answer.etag is not None and asked and (asked.strip() == "*" or answer.etag in asked):
            start_response("304 NOT MODIFIED", [h for h in answer.headers if h[0].lower() != "content-type"])
            return [b""]
        start_response(answer.status, [*answer.headers, ("Content-Length", str(len(answer.body)))])
        return [answer.body]
