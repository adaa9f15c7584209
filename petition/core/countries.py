"""Countries of residence, named in the visitor's language, the diaspora's usual ones first."""

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
    locale = locale or get_locale() or Locale("fr")
    return {
        code: name
        for code, name in locale.territories.items()
        if len(code) == 2 and code.isalpha() and code not in _EXCLUDED
    }


def name(code: str) -> str:
    return names().get(code, code)


def choices() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(the usual countries, all the others in alphabetical order)."""
    all_names = names()
    common = [(code, all_names[code]) for code in COMMON]
    others = sorted(
        ((code, label) for code, label in all_names.items() if code not in COMMON),
        key=lambda item: item[1].casefold(),
    )
    return common, others


def is_known(code: str) -> bool:
    return code in names(Locale("en"))
