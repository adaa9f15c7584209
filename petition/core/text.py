"""Checks and rendering for text typed by visitors: one place, used by every form and template."""

import re
import unicodedata

from markupsafe import Markup, escape

# Bidirectional overrides and isolates can make a name or a link read differently from what it is.
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
# Joiners are needed to write some names correctly (Persian, Urdu, Indic scripts).
_ALLOWED_FORMAT = {"\u200c", "\u200d"}
_URL = re.compile(r"\bhttps?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]", re.IGNORECASE)
# Addresses written without http:// are not linked, but still advertise a site. Lower case only,
# so that a sentence typed without a space after its full stop ("fini.Ca") is not one.
_BARE_ADDRESS = re.compile(
    r"\b[wW]{3}\.|\b[a-z0-9-]+\.(?:com|net|org|info|biz|fr|ma|be|es|it|de|nl|ca|ch|uk|eu|io|co|ly|me|tk|xyz|top|ru|cn)\b"
)


def forbidden_characters(value: str, multiline: bool = False) -> list[str]:
    """The characters a visitor may not type: control, bidi override, private or unassigned ones."""
    bad = []
    for char in value:
        if multiline and char in "\n\r\t":
            continue
        category = unicodedata.category(char)
        if (
            char in _BIDI_CONTROLS
            or category in ("Cc", "Cs", "Co", "Cn")
            or (category == "Cf" and char not in _ALLOWED_FORMAT)
        ):
            bad.append(char)
    return bad


def has_letter(value: str) -> bool:
    return any(unicodedata.category(char).startswith("L") for char in value)


def has_link(value: str) -> bool:
    """Whether the text holds a web address, linked by paragraphs() or written bare."""
    return bool(_URL.search(value) or _BARE_ADDRESS.search(value))


def collapse_spaces(value: str | None) -> str | None:
    if value is None:
        return None
    return re.sub(r"[^\S\n]+", " ", value).strip()


def paragraphs(value: str, autolink: bool = True) -> Markup:
    """Plain text to HTML paragraphs: everything escaped, URLs turned into safe links."""
    blocks = [block.strip() for block in re.split(r"\n\s*\n", value.replace("\r\n", "\n")) if block.strip()]
    html = []
    for block in blocks:
        lines = [_link(line) if autolink else escape(line) for line in block.split("\n")]
        html.append(Markup("<p>") + Markup("<br>").join(lines) + Markup("</p>"))
    return Markup("\n").join(html)


def _link(line: str) -> Markup:
    out = []
    position = 0
    for match in _URL.finditer(line):
        out.append(escape(line[position : match.start()]))
        url = match.group(0)
        out.append(Markup('<a href="{0}" rel="nofollow ugc noopener" dir="ltr">{0}</a>').format(url))
        position = match.end()
    out.append(escape(line[position:]))
    return Markup("").join(out)
