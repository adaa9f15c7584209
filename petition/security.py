"""Security headers for every response; a route may relax framing with allow_framing(), and
pages that hold a personal token are kept out of search engines and caches (private_page)."""

from functools import wraps

from flask import current_app, g, request

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; "
    "frame-ancestors {ancestors}"
)


def allow_framing() -> None:
    """Let other sites frame the current response (the embeddable widget only)."""
    g.allow_framing = True


def private_page(view):
    """Wrap a view whose address holds a personal token (confirm, withdraw, referral count…).

    Its answers, error pages included, are `X-Robots-Tag: noindex` and `Cache-Control: no-store`,
    and the page declares no canonical address or language alternates (base.html), so that the
    token reaches neither a search engine nor a shared cache.
    """

    @wraps(view)
    def wrapper(*args, **kwargs):
        g.private_page = True
        return view(*args, **kwargs)

    return wrapper


def noindex() -> None:
    """Keep the current page out of search engines (error pages)."""
    g.noindex = True


def _headers(framable: bool, https: bool) -> tuple[tuple[str, str], ...]:
    headers = [("Content-Security-Policy", CSP.format(ancestors="*" if framable else "'none'"))]
    if not framable:
        headers.append(("X-Frame-Options", "DENY"))
    headers += [
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ]
    if https:
        headers.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    return tuple(headers)


# Every response gets them: written once, added without parsing anything.
_HEADERS = {
    (framable, https): _headers(framable, https) for framable in (False, True) for https in (False, True)
}


# Headers that only a document obeys: our own stylesheets, scripts and icons (static/, no script
# in them) go without them, which keeps a first visit's many small answers small.
_DOCUMENT_ONLY = {"content-security-policy", "x-frame-options", "permissions-policy"}
_SUBRESOURCES = {"text/css", "text/javascript", "application/javascript", "image/svg+xml"}


def add_headers(response):
    """The security headers, but those a view has set itself."""
    if g.get("private_page") or g.get("noindex"):
        response.headers["X-Robots-Tag"] = "noindex"
    if g.get("private_page"):
        response.cache_control.no_store = True
        response.cache_control.public = False
        response.cache_control.max_age = None
    https = current_app.config["BASE_URL"].startswith("https://")
    present = {name.lower() for name, _value in response.headers.items()}
    if request.endpoint == "static" and response.mimetype in _SUBRESOURCES:
        present |= _DOCUMENT_ONLY
    for name, value in _HEADERS[g.get("allow_framing", False), https]:
        if name.lower() not in present:
            response.headers.add(name, value)
    return response
