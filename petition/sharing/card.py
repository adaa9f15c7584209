"""Drawing of the preview card (1200×630 PNG) that chat apps and social sites show with a link.

Text goes through HarfBuzz and FriBiDi (Pillow's raqm layout) so that Arabic is shaped and laid
out right to left, Latin words inside it included. Where Pillow was built without raqm, the text
is shaped with arabic-reshaper and put in visual order with python-bidi instead.
"""

import io
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import arabic_reshaper
from bidi import get_display
from PIL import Image, ImageDraw, ImageFont, features

WIDTH, HEIGHT = 1200, 630
MARGIN = 64
FONTS = Path(__file__).resolve().parent / "fonts"

PAPER = (244, 241, 234)
BRAND = (11, 107, 58)
BRAND_DARK = (8, 79, 43)
INK = (29, 29, 31)
MUTED = (74, 74, 79)
TRACK = (216, 211, 199)
WHITE = (255, 255, 255)

RAQM = ImageFont.Layout.RAQM
BASIC = ImageFont.Layout.BASIC


def best_layout() -> ImageFont.Layout:
    return RAQM if features.check("raqm") else BASIC


@dataclass(frozen=True)
class CardText:
    """Everything written on a card, already translated and formatted."""

    kicker: str
    title: str
    call: str
    count: str | None = None
    count_label: str | None = None
    goal: str | None = None
    progress: float | None = None
    subtitle: str | None = None
    rtl: bool = False


def is_rtl(text: str) -> bool:
    """The direction of a paragraph is that of its first strong letter (Unicode rule P2)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return False
        if kind in ("R", "AL"):
            return True
    return False


@cache
def _font(weight: str, size: int, layout: ImageFont.Layout) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / f"NotoSansLatinArabic-{weight}.ttf"), size, layout_engine=layout)


def text_width(text: str, size: int, weight: str = "Regular") -> float:
    """The width of a line of text at this size, for layouts drawn by others (the SVG badge)."""
    return _Writer(Image.new("RGB", (1, 1)), best_layout()).width(
        text, _font(weight, size, best_layout()), is_rtl(text)
    )


class _Writer:
    """Measures and draws a line in the right direction with whichever layout engine is there."""

    def __init__(self, image: Image.Image, layout: ImageFont.Layout):
        self.draw = ImageDraw.Draw(image)
        self.layout = layout

    def font(self, weight: str, size: int) -> ImageFont.FreeTypeFont:
        return _font(weight, size, self.layout)

    def _prepare(self, text: str, rtl: bool) -> tuple[str, dict]:
        if self.layout == RAQM:
            return text, {"direction": "rtl" if rtl else "ltr"}
        return get_display(arabic_reshaper.reshape(text), base_dir="R" if rtl else "L"), {}

    def width(self, text: str, font: ImageFont.FreeTypeFont, rtl: bool = False) -> float:
        text, options = self._prepare(text, rtl)
        return font.getlength(text, **options)

    def text(self, xy, text: str, font, fill, anchor: str, rtl: bool = False) -> None:
        text, options = self._prepare(text, rtl)
        self.draw.text(xy, text, font=font, fill=fill, anchor=anchor, **options)


def _wrap(writer: _Writer, text: str, font, width: int, rtl: bool) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and writer.width(candidate, font, rtl) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def _fit_title(writer: _Writer, title: str, rtl: bool, box_width: int, box_height: int):
    """The largest size at which the title fits the box, cut with an ellipsis at the smallest."""
    for size in range(72, 39, -4):
        font = writer.font("Bold", size)
        # Arabic letters reach higher and lower than Latin ones: give their lines more room.
        line_height = round(size * (1.4 if rtl else 1.22))
        lines = _wrap(writer, title, font, box_width, rtl)
        if len(lines) * line_height <= box_height:
            return font, line_height, lines
    max_lines = box_height // line_height
    lines = lines[:max_lines]
    while writer.width(lines[-1] + "…", font, rtl) > box_width and " " in lines[-1]:
        lines[-1] = lines[-1].rsplit(" ", 1)[0]
    lines[-1] += "…"
    return font, line_height, lines


def render(card: CardText, layout: ImageFont.Layout | None = None) -> bytes:
    layout = best_layout() if layout is None else layout
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    writer = _Writer(image, layout)
    start, end = (WIDTH - MARGIN, MARGIN) if card.rtl else (MARGIN, WIDTH - MARGIN)
    start_anchor, end_anchor = ("r", "l") if card.rtl else ("l", "r")

    writer.draw.rectangle((0, 0, WIDTH, 100), fill=BRAND)
    writer.text((start, 50), card.kicker, writer.font("Regular", 32), WHITE, start_anchor + "m", card.rtl)

    title_rtl = is_rtl(card.title) if card.title else card.rtl
    title_x = WIDTH - MARGIN if title_rtl else MARGIN
    title_bottom = 400 if card.count is not None else 430
    font, line_height, lines = _fit_title(
        writer, card.title, title_rtl, WIDTH - 2 * MARGIN, title_bottom - 140
    )
    for number, line in enumerate(lines):
        y = 140 + number * line_height
        writer.text((title_x, y), line, font, INK, ("r" if title_rtl else "l") + "t", title_rtl)

    if card.count is not None:
        number_font = writer.font("Bold", 96)
        # Digits read left to right in every language; only their place follows the page.
        writer.text((start, 500), card.count, number_font, BRAND_DARK, start_anchor + "s")
        gap = writer.width(card.count, number_font) + 20
        label_x = start - gap if card.rtl else start + gap
        writer.text(
            (label_x, 500),
            card.count_label or "",
            writer.font("Regular", 40),
            INK,
            start_anchor + "s",
            card.rtl,
        )
        bar = (MARGIN, 526, WIDTH - MARGIN, 552)
        writer.draw.rounded_rectangle(bar, radius=13, fill=TRACK)
        filled = round((bar[2] - bar[0]) * max(0.0, min(1.0, card.progress or 0.0)))
        if filled >= 26:
            left = bar[2] - filled if card.rtl else bar[0]
            writer.draw.rounded_rectangle((left, bar[1], left + filled, bar[3]), radius=13, fill=BRAND)
        if card.goal:
            writer.text(
                (start, 590), card.goal, writer.font("Regular", 30), MUTED, start_anchor + "m", card.rtl
            )
    elif card.subtitle:
        subtitle_font = writer.font("Regular", 34)
        for number, line in enumerate(
            _wrap(writer, card.subtitle, subtitle_font, WIDTH - 2 * MARGIN, card.rtl)[:2]
        ):
            writer.text((start, 470 + number * 46), line, subtitle_font, MUTED, start_anchor + "t", card.rtl)
    writer.text((end, 590), card.call, writer.font("Bold", 30), BRAND_DARK, end_anchor + "m", card.rtl)

    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
