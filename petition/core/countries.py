"""Countries of residence, named in the visitor's language, the diaspora's usual ones first."""

from functools import cache

from babel import Locale
from flask_babel import get_locale

COMMON = ("FR", "BE", "ES", "IT", "NL", "DE", "CA", "US", "GB", "CH", "MA")
# Babel also names regions and historic codes; only current ISO 3166-1 alpha-2 countries are offered.
_EXCLUDED = {
    "EU",
    "EZ",
    "UN",
    "QO",
    "XA",
    "XB",
    "XK",
    "ZZ",
    "AN",
    "BU",
    "CS",
    "DD",
    "FX",
    "NT",
    "SU",
    "TP",
    "YD",
    "YU",
    "ZR",
}


def names(locale: Locale | None = None) -> dict[str, str]:
    return _names(str(locale or get_locale() or "fr"))


@cache
def _names(locale: str) -> dict[str, str]:
    return {
        code: name
        for code, name in Locale.parse(locale).territories.items()
        if len(code) == 2 and code.isalpha() and code not in _EXCLUDED
    }


def name(code: str) -> str:
    return names().get(code, code)


def choices() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(the usual countries, all the others in alphabetical order)."""
    return _choices(str(get_locale() or "fr"))


@cache
def _choices(locale: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    all_names = _names(locale)
    common = [(code, all_names[code]) for code in COMMON]
    others = sorted(
        ((code, label) for code, label in all_names.items() if code not in COMMON),
        key=lambda item: item[1].casefold(),
    )
    return common, others


def is_known(code: str) -> bool:
    return code in _names("en")
