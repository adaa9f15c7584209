"""Which language a page is in: an explicit choice (?lang= or the cookie), then the browser."""

from functools import cache, lru_cache
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from babel import Locale
from flask import current_app, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

LANGUAGES = {"fr": "Français", "ar": "العربية", "en": "English"}
RTL = {"ar"}
COOKIE = "lang"


# Parsed once: Flask-Babel takes a Locale as it is, where it would parse a name on every request.
_LOCALES = {code: Locale.parse(code) for code in LANGUAGES}


def select_locale() -> Locale:
    chosen = request.args.get("lang") or request.cookies.get(COOKIE)
    if chosen not in LANGUAGES:
        chosen = _negotiate(
            request.headers.get("Accept-Language", ""), current_app.config["BABEL_DEFAULT_LOCALE"]
        )
    return _LOCALES.get(chosen) or Locale.parse(chosen)


@lru_cache(maxsize=512)
def _negotiate(header: str, default: str) -> str:
    """The best of our languages for a browser's Accept-Language (a few hundred headers are common)."""
    if not header:
        return default
    return parse_accept_header(header, LanguageAccept).best_match(LANGUAGES, default=default)


def remember_choice(response):
    """A ?lang= choice on a page is kept in a cookie so that the next pages stay in that language."""
    if response.mimetype != "text/html":
        # The count JSON's ?lang= only names the language of its title; it stays cookie-free.
        return response
    chosen = request.args.get("lang")
    if chosen in LANGUAGES and request.cookies.get(COOKIE) != chosen:
        response.set_cookie(COOKIE, chosen, max_age=365 * 86400, samesite="Lax", httponly=True)
    # A page's language depends on these headers: a shared cache must not mix them up.
    response.vary.update(("Accept-Language", "Cookie"))
    return response


def organiser_name() -> str:
    """The committee's name in the current language.

    ORGANISER_NAME names it in the default language, ORGANISER_NAME_AR and ORGANISER_NAME_EN in
    the others; a language without its setting gets the catalog's translation of the name.
    """
    locale = str(get_locale())
    setting = (
        "ORGANISER_NAME"
        if locale == current_app.config["BABEL_DEFAULT_LOCALE"]
        else f"ORGANISER_NAME_{locale.upper()}"
    )
    return current_app.config.get(setting) or _("Comité de soutien à KLEEMA")


def direction(locale: str) -> str:
    return "rtl" if locale in RTL else "ltr"


def isolate(value: str) -> str:
    """Plain text (a mail) typed by someone, kept whole in a sentence of either direction.

    The Unicode first-strong isolate is the plain-text <bdi>: "Karim!!" in an Arabic sentence
    stays "Karim!!" instead of reading "!!Karim".
    """
    return f"\u2068{value}\u2069"


def language_attrs(locale: str) -> Markup:
    """`lang` and `dir` for a piece of text in another language than the page (WCAG 3.1.2)."""
    if locale == str(get_locale()):
        return Markup("")
    return Markup(' lang="{0}" dir="{1}"').format(locale, direction(locale))


def _current_page() -> tuple[str, list[tuple[str, str]]]:
    """The address of what the visitor is looking at, that a GET request can show again.

    A form re-shown after a POST (with its errors) has no GET address of its own: the page
    the form was sent from stands for it.
    """
    rule = request.url_rule
    if request.method in ("GET", "HEAD") or (rule is not None and "GET" in rule.methods):
        return request.path, list(request.args.items(multi=True))
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path:
        return referrer.path, parse_qsl(referrer.query)
    return url_for("petitions.home"), []


def _link_path(path: str) -> str:
    """A path as a link that stays on this site whatever the path holds.

    The path is percent-encoded (a backslash, a tab or a space included: browsers read `\\` as
    `/`), and the slashes after the first are encoded too when there are several, since `//host`
    is a link to another site. Werkzeug decodes both back to the same path.
    """
    path = quote(path, safe="/:@!$&'()*+,;=-._~")
    rest = path[1:]
    if rest.startswith("/"):
        rest = rest.replace("/", "%2F", len(rest) - len(rest.lstrip("/")))
    return "/" + rest


def language_url(locale: str | None, external: bool = False) -> str:
    """The current page in `locale`, other query arguments kept; None gives the negotiated page."""
    path, args = _current_page()
    args = [(key, value) for key, value in args if key != "lang"]
    if locale:
        args.append(("lang", locale))
    url = _link_path(path) + ("?" + urlencode(args) if args else "")
    return current_app.config["BASE_URL"] + url if external else url


# Query arguments that change what a page shows. A canonical address keeps only these: where the
# visitor came from (ref, utm_source) and their language choice make no page of their own.
CONTENT_ARGS = frozenset({"page", "format"})


def page_addresses(path: str | None = None) -> dict[str, str]:
    """The current page's canonical address in each language, plus "x-default": {"fr": url, …}.

    Each language version is its own canonical (`…?lang=ar`), and the hreflang alternates list
    exactly these addresses, plus "x-default" without `?lang=` (the browser's language decides),
    as Google's guide to localized versions asks. `path` stands for the page's own path when
    another address shows the same page (the home page shows the featured petition).
    """
    own_path, args = _current_page()
    kept = [(key, value) for key, value in args if key in CONTENT_ARGS]
    base = current_app.config["BASE_URL"] + (path or own_path)
    addresses = {code: base + "?" + urlencode([*kept, ("lang", code)]) for code in LANGUAGES}
    addresses["x-default"] = base + ("?" + urlencode(kept) if kept else "")
    return addresses


def plural_examples() -> list[tuple[str, int]]:
    """One number for each plural category of the page's language (CLDR names: one, few, ...).

    With them a template renders every form of a word, so that a script updating a number can
    pick the right one (`Intl.PluralRules`) without asking the server.
    """
    return _plural_examples(str(get_locale()))


@cache
def _plural_examples(locale: str) -> list[tuple[str, int]]:
    rule = Locale.parse(locale).plural_form
    examples: dict[str, int] = {}
    for number in (*range(0, 200), 1_000_000):
        examples.setdefault(rule(number), number)
    return sorted(examples.items())
