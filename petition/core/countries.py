"""Countries of residence, named in the visitor's language, the diaspora's usual ones first."""

from functools import cache

from babel import Locale
from flask_babel import get_locale
from pyuca import Collator

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
    """(the usual countries, all the others in the alphabetical order of the page's language)."""
    return _choices(str(get_locale() or "fr"))


@cache
def _choices(locale: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    all_names = _names(locale)
    common = [(code, all_names[code]) for code in COMMON]
    others = sorted(
        ((code, label) for code, label in all_names.items() if code not in COMMON),
        key=lambda item: collation_key(item[1]),
    )
    return common, others


@cache
def _collator() -> Collator:
    # The Unicode Collation Algorithm with its default table (DUCET, as CLDR's root order): accents
    # count after letters (Bénin before Burundi, Côte d'Ivoire before Cuba), Arabic letters come in
    # the alphabet's order. Neither French nor Arabic tailors that order for names like these.
    return Collator()


def collation_key(text: str) -> tuple[int, ...]:
    """Sort key of `text` in the Unicode Collation Algorithm's order, for French, Arabic and English."""
    return _collator().sort_key(text)


def is_known(code: str) -> bool:
    return code in _names("en")
