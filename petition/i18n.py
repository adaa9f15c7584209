"""Which language a page is in: an explicit choice (?lang= or the cookie), then the browser."""

from flask import current_app, request

LANGUAGES = {"fr": "Français", "ar": "العربية", "en": "English"}
RTL = {"ar"}
COOKIE = "lang"


def select_locale() -> str:
    chosen = request.args.get("lang") or request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES, default=current_app.config["BABEL_DEFAULT_LOCALE"])


def remember_choice(response):
    """A ?lang= choice is kept in a cookie so that the next pages stay in that language."""
    chosen = request.args.get("lang")
    if chosen in LANGUAGES and request.cookies.get(COOKIE) != chosen:
        response.set_cookie(COOKIE, chosen, max_age=365 * 86400, samesite="Lax", httponly=True)
    return response
