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


def add_headers(response):
    framable = g.get("allow_framing", False)
    response.headers.setdefault(
        "Content-Security-Policy", CSP.format(ancestors="*" if framable else "'none'")
    )
    if not framable:
        response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config["BASE_URL"].startswith("https://"):
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response
