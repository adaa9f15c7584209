"""What a phone, another site's frame and a printer show: the first screen at 360 px, the widget
inside its snippet's height, the flyer on one sheet, and the petition printed without its form."""

import html
import re

import pytest
from sqlalchemy import select

from petition.counting import service as counting
from petition.extensions import db
from petition.petitions.models import Petition
from tests.browser.conftest import ARTIFACTS, screenshot

LANGS = ["fr", "ar", "en"]
ADDRESSEE = {"fr": "direction de Wana", "ar": "إدارة وانا", "en": "Wana's management"}
DEMAND = {
    "fr": "Nous demandons à la direction de Wana",
    "ar": "نطالب إدارة وانا",
    "en": "We ask Wana's management",
}


def add_signatures(app, number: int) -> None:
    with app.app_context():
        counting.add(db.session.scalar(select(Petition.id)), "FR", number)
        db.session.commit()
        db.session.remove()


def box(page_or_frame, selector: str) -> dict:
    return page_or_frame.locator(selector).first.evaluate(
        "(el) => { const r = el.getBoundingClientRect(); return {top: r.top, bottom: r.bottom}; }"
    )


@pytest.mark.parametrize("lang", LANGS)
def test_the_first_screen_of_a_phone_says_to_whom_and_what_before_the_form(new_page, lang):
    page = new_page(lang, viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page.goto("/")
    addressee = page.locator(".petition-header .addressee")
    summary = page.locator(".petition-header .summary")
    assert ADDRESSEE[lang] in addressee.inner_text()
    assert summary.inner_text().startswith(DEMAND[lang])
    form_top = box(page, ".sign-form")["top"]
    assert box(page, ".petition-header .addressee")["bottom"] <= 740  # on the first screen
    assert box(page, ".petition-header .summary")["bottom"] < form_top
    # The title asks Wana, never KLEEMA.
    assert page.locator("h1").inner_text().startswith({"fr": "Wana", "ar": "إدارة وانا", "en": "Wana"}[lang])
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{lang}-first-screen-360.png"))


def _snippet(new_page) -> str:
    page = new_page("fr")
    page.goto("/petitions/kleema/share")
    return html.unescape(page.locator("#embed-iframe").input_value())


@pytest.mark.parametrize("width", [320, 400])
@pytest.mark.parametrize("lang", LANGS)
def test_the_widget_shows_its_sign_button_inside_the_snippets_height(app, live_server, new_page, lang, width):
    add_signatures(app, 123_456)  # past the goal: the longest goal line
    snippet = _snippet(new_page)
    height = int(re.search(r'height="(\d+)"', snippet).group(1))
    snippet = snippet.replace("/embed/kleema", f"/embed/kleema?lang={lang}")
    page = new_page(lang, viewport={"width": width, "height": 800})
    page.goto("/privacy")  # any page of the site, to frame the widget the way another site does
    page.evaluate(
        "(markup) => { document.body.innerHTML = `<div style='width:${innerWidth}px'>${markup}</div>`; }",
        snippet,
    )
    frame = page.frame_locator("iframe")
    frame.locator(".embed-sign").wait_for()
    inside = frame.locator("body").evaluate(
        """() => ({
            bottom: document.querySelector('.embed-sign').getBoundingClientRect().bottom,
            width: document.documentElement.scrollWidth,
            view: innerWidth,
        })"""
    )
    assert inside["bottom"] <= height, inside
    assert inside["width"] <= inside["view"], inside
    if width == 320:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{lang}-embed-320.png"))


@pytest.mark.parametrize("viewport", [360, 1280])
def test_the_share_pages_preview_shows_the_whole_widget(new_page, viewport):
    page = new_page("ar", viewport={"width": viewport, "height": 900})
    page.goto("/petitions/kleema/share")
    preview = page.locator(".embed-preview")
    preview.scroll_into_view_if_needed()
    frame_height = preview.evaluate("(el) => el.clientHeight")
    frame = page.frame_locator(".embed-preview")
    frame.locator(".embed-sign").wait_for()
    bottom = frame.locator(".embed-sign").evaluate("(el) => el.getBoundingClientRect().bottom")
    assert bottom <= frame_height


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


# A line of the printed address may end only after a "/" or a "." (never inside a word).
LINE_ENDS = """(el) => {
    const text = el.textContent, ends = [];
    const node = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const chars = [];
    while (node.nextNode()) {
        for (let i = 0; i < node.currentNode.length; i++) {
            const range = document.createRange();
            range.setStart(node.currentNode, i);
            range.setEnd(node.currentNode, i + 1);
            chars.push([node.currentNode.data[i], range.getBoundingClientRect().top]);
        }
    }
    for (let i = 1; i < chars.length; i++) {
        if (chars[i][1] > chars[i - 1][1] + 2) ends.push(chars[i - 1][0]);
    }
    return {text, ends};
}"""


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("paper", "points"), [("a5", (420, 595)), ("a4", (595, 842))])
def test_the_flyer_fills_one_sheet_with_the_count_and_a_call_to_sign(app, new_page, lang, paper, points):
    add_signatures(app, 12_345)
    page = new_page(lang)
    page.goto(f"/petitions/kleema/flyer?format={paper}")
    page.emulate_media(media="print")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"{lang}-flyer-{paper}.pdf").write_bytes(pdf)
    assert _pdf_pages(pdf) == 1
    media_box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert (round(float(media_box.group(1))), round(float(media_box.group(2)))) == points

    count = page.locator(".flyer-count strong").inner_text()
    assert re.sub(r"\D", "", count) == "12345"
    call_size = page.locator(".flyer-call-big").evaluate("(el) => parseFloat(getComputedStyle(el).fontSize)")
    title_size = page.locator(".flyer h1").evaluate("(el) => parseFloat(getComputedStyle(el).fontSize)")
    assert call_size >= 0.9 * title_size  # as large as the title
    # The flyer's content runs from the top of the sheet to its bottom (less the page margins).
    sheet_mm = {"a5": 210 - 24, "a4": 297 - 30}[paper]
    flyer = page.locator(".flyer").evaluate("(el) => el.getBoundingClientRect().height")
    last = box(page, ".flyer-sign")["bottom"] - box(page, ".flyer-top")["top"]
    assert flyer >= 0.95 * sheet_mm * 96 / 25.4 and last >= 0.9 * flyer
    address = page.locator(".flyer-url bdi").evaluate(LINE_ENDS)
    assert address["text"].endswith("/p/kleema")
    assert all(end in "/." for end in address["ends"]), address
    screenshot(page, f"{lang}-flyer-{paper}-print")


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_a_printed_petition_has_its_text_and_qr_code_but_no_form(new_page, lang):
    page = new_page(lang)
    page.goto("/")
    assert not page.locator(".print-sign").is_visible()  # screens never show it
    page.emulate_media(media="print")
    for visible in (".petition-header h1", ".letter", ".demands", ".print-sign img"):
        assert page.locator(visible).first.is_visible(), visible
    page.wait_for_function("() => document.querySelector('.print-sign img').naturalWidth > 0")
    for hidden in (".sign-form", ".share", ".comment-form", ".site-header"):
        assert not page.locator(hidden).first.is_visible(), hidden
    pdf = page.pdf(format="A4")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"{lang}-petition-print.pdf").write_bytes(pdf)


def test_the_first_french_page_weighs_under_20_kb_with_its_css_and_scripts(new_page):
    page = new_page("fr", viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    responses = []
    page.on("requestfinished", lambda request: responses.append(request))
    page.goto("/", wait_until="networkidle")
    sizes = {request.url: request.sizes() for request in responses}
    body = sum(size["responseBodySize"] for size in sizes.values())
    headers = sum(size["responseHeadersSize"] for size in sizes.values())
    assert not [url for url in sizes if "/qr." in url]  # the QR code is for paper only
    assert body + headers < 20_000, {url: size["responseBodySize"] for url, size in sizes.items()}
    print(f"first French page: {body + headers} bytes over {len(sizes)} answers")
