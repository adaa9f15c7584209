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


# Code points that draw nothing: Default_Ignorable_Code_Point of Unicode's DerivedCoreProperties.txt
# (soft hyphen, joiners, variation selectors, the Hangul fillers U+115F, U+1160, U+3164, U+FFA0, tags...)
# and blank symbols that fonts draw as empty space (U+2800 BRAILLE PATTERN BLANK).
_DRAW_NOTHING = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x2800, 0x2800),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)


def is_visible(char: str) -> bool:
    """Whether a character leaves a mark: not a space of any kind, a control, a format character
    (category Cf), nor a code point that draws nothing."""
    if char.isspace() or unicodedata.category(char) in ("Zs", "Zl", "Zp", "Cc", "Cf"):
        return False
    code = ord(char)
    return not any(low <= code <= high for low, high in _DRAW_NOTHING)


def has_visible(value: str) -> bool:
    """Whether a person would see anything of the text ("ㅤ", U+3164 alone, is a blank name)."""
    return any(is_visible(char) for char in value)


def has_letter(value: str) -> bool:
    """Whether the text holds a letter a person can see (a Hangul filler is a letter that is not)."""
    return any(unicodedata.category(char).startswith("L") and is_visible(char) for char in value)


def normalise_line_ends(value: str | None) -> str | None:
    """CRLF and CR as LF: a browser counts a line break as one character against `maxlength`,
    then sends it as CRLF (HTML, "textarea wrapping transformation")."""
    if value is None:
        return None
    return value.replace("\r\n", "\n").replace("\r", "\n")


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
