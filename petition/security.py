"""Security headers for every response; a route may relax framing with allow_framing()."""

from flask import current_app, g

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; "
    "frame-ancestors {ancestors}"
)


def allow_framing() -> None:
    """Let other sites frame the current response (the embeddable widget only)."""
    g.allow_framing = True


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


def add_headers(response):
    """The security headers, but those a view has set itself."""
    https = current_app.config["BASE_URL"].startswith("https://")
    present = {name.lower() for name, _value in response.headers.items()}
    for name, value in _HEADERS[g.get("allow_framing", False), https]:
        if name.lower() not in present:
            response.headers.add(name, value)
    return response
