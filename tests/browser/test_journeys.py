"""Signing as people do it, in a real browser: in each language, without JavaScript, on a phone,
with the keyboard alone."""

import pytest
from playwright.sync_api import expect

from petition.i18n import LANGUAGES
from tests.browser.conftest import (
    fill_signature_form,
    mailed_link,
    no_horizontal_scroll,
    screenshot,
    sticking_out,
)
from tests.browser.words import SIGNERS, WORDS
from tests.helpers import text_of


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_sign_read_the_mail_confirm_and_see_the_count(app, smtp_sink, new_page, lang):
    words, signer = WORDS[lang], SIGNERS[lang]
    page = new_page("fr")  # a French browser: the visitor picks the language in the header
    page.goto("/")
    page.locator("nav.languages").get_by_role("link", name=LANGUAGES[lang], exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if lang == "ar" else "ltr")
    expect(page.get_by_role("heading", level=1)).to_contain_text(words["title"])

    fill_signature_form(page, lang, signer)
    page.get_by_role("button", name=words["sign"]).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(words["thanks"])
    expect(page.locator("main")).to_contain_text(signer["email"])
    screenshot(page, f"journey-{lang}-1-thanks")

    confirm_url = mailed_link(app, smtp_sink, signer["email"], "confirm")
    mail = smtp_sink.last_to(signer["email"])
    assert mail["Subject"].startswith(words["subject"])
    assert words["title"] in mail["Subject"]
    assert signer["first_name"] in text_of(mail)

    # The mail is often read elsewhere (a phone's mail app): its link opens in the signer's language.
    elsewhere = new_page("fr")
    elsewhere.goto(confirm_url)
    expect(elsewhere.locator("html")).to_have_attribute("lang", lang)
    expect(elsewhere.get_by_role("heading", level=1)).to_have_text(words["confirm_title"])
    elsewhere.get_by_role("button", name=words["confirm"]).click()
    expect(elsewhere.get_by_role("heading", level=1)).to_contain_text(words["confirmed"])
    expect(elsewhere.locator("[data-count]")).to_have_text("1")
    screenshot(elsewhere, f"journey-{lang}-2-confirmed")

    page.goto("/")
    expect(page.locator("[data-count]")).to_have_text("1")
    expect(page.locator(".signers")).to_contain_text(f"{signer['first_name']} {signer['last_name'][0]}.")
    screenshot(page, f"journey-{lang}-3-petition-signed")


def test_sign_and_confirm_with_javascript_off(app, smtp_sink, new_page):
    words, signer = WORDS["fr"], SIGNERS["fr"]
    page = new_page("fr", java_script_enabled=False)
    page.goto("/")
    fill_signature_form(page, "fr", {**signer, "email": "elodie@"})
    page.get_by_label(words["first_name"], exact=True).fill("")
    page.get_by_role("button", name=words["sign"]).click()

    # The list of errors takes the focus by itself (autofocus), and what was typed is still there.
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(words["errors"])
    expect(page.get_by_label(words["last_name"], exact=True)).to_have_value(signer["last_name"])
    expect(page.get_by_label(words["email"], exact=True)).to_have_value("elodie@")
    screenshot(page, "journey-nojs-1-errors")

    page.get_by_label(words["first_name"], exact=True).fill(signer["first_name"])
    page.get_by_label(words["email"], exact=True).fill(signer["email"])
    page.get_by_role("button", name=words["sign"]).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(words["thanks"])

    page.goto(mailed_link(app, smtp_sink, signer["email"], "confirm"))
    page.get_by_role("button", name=words["confirm"]).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(words["confirmed"])
    expect(page.locator("[data-count]")).to_have_text("1")
    screenshot(page, "journey-nojs-2-confirmed")


def test_sign_on_a_small_touch_phone_in_arabic(app, smtp_sink, new_page):
    words, signer = WORDS["ar"], SIGNERS["ar"]
    page = new_page(
        "ar", viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True, device_scale_factor=2
    )
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert no_horizontal_scroll(page) and sticking_out(page) == []
    for field in ("first_name", "last_name", "email"):
        page.get_by_label(words[field], exact=True).tap()
        page.keyboard.type(signer[field])
    page.get_by_label(words["country"], exact=True).select_option("BE")
    page.get_by_label(words["show_name"]).tap()
    expect(page.get_by_label(words["show_name"])).to_be_checked()
    screenshot(page, "journey-phone-ar-1-form")
    page.get_by_role("button", name=words["sign"]).tap()
    expect(page.get_by_role("heading", level=1)).to_contain_text(words["thanks"])
    assert no_horizontal_scroll(page)

    page.goto(mailed_link(app, smtp_sink, signer["email"], "confirm"))
    page.get_by_role("button", name=words["confirm"]).tap()
    expect(page.locator("[data-count]")).to_have_text("1")
    assert no_horizontal_scroll(page)
    screenshot(page, "journey-phone-ar-2-confirmed")


def focused(page) -> dict:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            return {id: el.id, name: el.getAttribute("name"), tag: el.tagName.toLowerCase(),
                    outline: style.outlineStyle, top: el.getBoundingClientRect().top};
        }"""
    )


def tab_to(page, name: str, limit: int = 40) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if now["name"] == name:
            return now
    raise AssertionError(f"Tab never reached the field {name!r}")


def test_sign_with_the_keyboard_alone(app, smtp_sink, new_page):
    words, signer = WORDS["en"], SIGNERS["en"]
    page = new_page("en")
    page.goto("/")

    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip["tag"] == "a" and skip["top"] >= 0 and skip["outline"] != "none"
    expect(page.locator(":focus")).to_have_text("Skip to content")
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"

    for field in ("first_name", "last_name", "email"):
        assert tab_to(page, field)["outline"] != "none", f"no visible focus on {field}"
        page.keyboard.type(signer[field])
    tab_to(page, "country")
    page.keyboard.press("ArrowDown")  # the first of the usual countries
    expect(page.get_by_label(words["country"], exact=True)).to_have_value("FR")
    tab_to(page, "show_name")
    page.keyboard.press("Space")
    expect(page.get_by_label(words["show_name"])).to_be_checked()
    tab_to(page, "wants_updates")
    page.keyboard.press("Tab")
    assert focused(page)["tag"] == "button", "the honeypot field must not take the focus"
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text(words["thanks"])

    page.goto(mailed_link(app, smtp_sink, signer["email"], "confirm"))
    for _ in range(20):
        page.keyboard.press("Tab")
        if focused(page)["tag"] == "button":
            break
    expect(page.get_by_role("button", name=words["confirm"])).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("[data-count]")).to_have_text("1")


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_errors_are_announced_focused_and_linked_to_their_fields(new_page, lang):
    words = WORDS[lang]
    page = new_page(lang)
    page.goto("/")
    page.get_by_role("button", name=words["sign"]).click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary.get_by_role("heading")).to_contain_text(words["errors"])

    first_name = page.get_by_label(words["first_name"], exact=True)
    expect(first_name).to_have_attribute("aria-invalid", "true")
    described_by = first_name.get_attribute("aria-describedby")
    expect(page.locator(f"#{described_by}")).to_have_text(words["first_name_missing"])
    expect(first_name).to_have_accessible_description(words["first_name_missing"])

    summary.get_by_role("link").first.click()
    expect(first_name).to_be_focused()
    screenshot(page, f"{lang}-errors")
