"""Every public page in each language: axe-core finds nothing serious, the layout follows the
reading direction and reflows at 320 px and at 200 % zoom, and a screenshot of each is kept."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from petition.counting import service as counting
from petition.extensions import db
from petition.petitions.models import Petition
from tests.browser.conftest import (
    axe_violations,
    fill_signature_form,
    mailed_link,
    no_horizontal_scroll,
    screenshot,
    sticking_out,
)
from tests.browser.words import SIGNERS, TEAM, WORDS

LANGS = ["fr", "ar", "en"]


def add_signatures(app, number: int) -> None:
    with app.app_context():
        petition_id = db.session.scalar(select(Petition.id))
        counting.add(petition_id, "FR", number)
        db.session.commit()
        db.session.remove()


@pytest.mark.parametrize("lang", LANGS)
def test_every_public_page_passes_axe_and_is_photographed(app, smtp_sink, new_page, lang):
    words, signer = WORDS[lang], SIGNERS[lang]
    add_signatures(app, 12_345)  # so that the progress bar shows which way it fills
    page = new_page(lang)
    violations = {}

    def check(name: str) -> None:
        expect(page.locator("html")).to_have_attribute("lang", lang)
        violations[name] = axe_violations(page)
        screenshot(page, f"{lang}-{name}")

    page.goto("/")
    check("petition")
    page.get_by_role("button", name=words["sign"]).click()
    check("petition-with-errors")
    fill_signature_form(page, lang, signer)
    page.get_by_role("button", name=words["sign"]).click()
    check("thanks")
    confirm_url = mailed_link(app, smtp_sink, signer["email"], "confirm")
    withdraw_url = mailed_link(app, smtp_sink, signer["email"], "withdraw")
    page.goto(confirm_url)
    check("confirm")
    page.get_by_role("button", name=words["confirm"]).click()
    check("confirmed")
    page.goto(mailed_link(app, smtp_sink, signer["email"], "referral"))
    check("referral")
    page.goto("/petitions/kleema/share")
    check("share")
    page.goto("/petitions/kleema/flyer")
    check("flyer")
    page.goto("/embed/kleema")
    check("embed")
    page.goto(withdraw_url)
    check("withdraw")
    page.get_by_role("button", name=words["withdraw"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["withdrawn"])
    check("withdrawn")
    page.goto(confirm_url)
    check("confirm-after-withdrawal")
    page.goto("/confirm/not-a-link-we-sent")
    check("bad-link")
    page.goto("/privacy")
    check("privacy")
    page.goto("/no-such-page")
    check("not-found")

    found = {name: problems for name, problems in violations.items() if problems}
    assert not found, "\n".join(
        f"{name}: {problem}" for name, problems in found.items() for problem in problems
    )


@pytest.mark.parametrize("lang", LANGS)
def test_team_pages_pass_axe_and_are_photographed(staff, new_page, lang):
    words = TEAM[lang]
    email, password = staff.create("admin")
    page = new_page(lang)
    violations = {}

    def check(name: str) -> None:
        expect(page.locator("html")).to_have_attribute("lang", lang)
        violations[name] = axe_violations(page)
        screenshot(page, f"{lang}-team-{name}")

    page.goto("/admin/login")
    check("login")
    page.get_by_role("button", name=words["log_in"], exact=True).click()
    expect(page.locator("#error-summary")).to_be_focused()
    check("login-with-errors")
    page.get_by_label(words["email"], exact=True).fill(email)
    page.get_by_label(words["password"], exact=True).fill(password)
    page.get_by_role("button", name=words["log_in"], exact=True).click()
    check("second-factor")
    page.get_by_label(words["code"], exact=True).fill(staff.code(email))
    page.get_by_role("button", name=words["check_code"], exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["dashboard"])
    check("dashboard")
    page.get_by_role("link", name=words["log"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["log"])
    check("audit-log")

    found = {name: problems for name, problems in violations.items() if problems}
    assert not found, "\n".join(
        f"{name}: {problem}" for name, problems in found.items() for problem in problems
    )


@pytest.mark.parametrize("lang", LANGS)
def test_layout_follows_the_reading_direction(new_page, lang):
    page = new_page(lang)
    page.goto("/")
    layout = page.evaluate(
        """() => {
            const box = (selector) => document.querySelector(selector).getBoundingClientRect();
            const text = document.createRange();  // the words themselves, not the block around them
            text.selectNodeContents(document.querySelector("#sign-title"));
            const checkbox = box("#show_name"), label = box("label[for=show_name]");
            const panel = box(".sign"), heading = text.getBoundingClientRect();
            return {
                checkboxOnTheLeft: checkbox.left < label.left,
                headingOnTheLeft: heading.left - panel.left < panel.right - heading.right,
                siteNameOnTheLeft: box(".site-name").left < box(".languages").left,
                progress: getComputedStyle(document.querySelector("progress")).direction,
                numberedList: getComputedStyle(document.querySelector(".demands ol")).direction,
            };
        }"""
    )
    ltr = lang != "ar"
    assert layout == {
        "checkboxOnTheLeft": ltr,
        "headingOnTheLeft": ltr,
        "siteNameOnTheLeft": ltr,
        "progress": "ltr" if ltr else "rtl",
        "numberedList": "ltr" if ltr else "rtl",
    }

    page.keyboard.press("Tab")  # the skip link shows up at the start of the line
    skip = page.locator(".skip-link").bounding_box()
    assert (skip["x"] < 640) == ltr


@pytest.mark.parametrize("width", [320, 640])  # 640: a 1280 px screen zoomed to 200 %
@pytest.mark.parametrize("lang", LANGS)
def test_pages_reflow_without_sideways_scrolling(new_page, lang, width):
    words = WORDS[lang]
    page = new_page(lang, viewport={"width": width, "height": 700})
    page.goto("/")
    assert no_horizontal_scroll(page) and sticking_out(page) == []
    # The longest messages: every field wrong, with the example of a valid address.
    page.get_by_label(words["email"], exact=True).fill("not-an-address")
    page.get_by_role("button", name=words["sign"]).click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert no_horizontal_scroll(page) and sticking_out(page) == []
    page.goto("/privacy")
    assert no_horizontal_scroll(page) and sticking_out(page) == []


def test_live_count_updates_number_and_plural_in_arabic(app, new_page):
    page = new_page("ar")
    page.goto("/")
    expect(page.locator("[data-count]")).to_have_text("0")
    add_signatures(app, 11)
    page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")
    expect(page.locator("[data-count]")).to_have_text("11")
    expect(page.locator("[data-count-label]")).to_have_text("توقيعًا")  # the form for 11 to 99
    add_signatures(app, 1_989)
    page.reload()
    expect(page.locator("[data-count]")).to_have_text("2,000")
    expect(page.locator("[data-count-label]")).to_have_text("توقيع")
