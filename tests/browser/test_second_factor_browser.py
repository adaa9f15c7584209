"""A staff member's second factor in a real browser: enrolling a phone, then logging in with a
recovery code when the phone is gone, on a phone-sized screen."""

import re

import pyotp
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot
from tests.browser.words import TEAM

pytestmark = pytest.mark.browser

WORDS = {
    "fr": {
        "enrol": "Activer",
        "title": "Double authentification",
        "codes": "Codes de secours",
        "done": "C'est noté, continuer",
    },
    "ar": {"enrol": "تفعيل", "title": "التحقق بخطوتين", "codes": "رموز الاسترداد", "done": "دوّنتها، متابعة"},
    "en": {
        "enrol": "Turn on",
        "title": "Two-factor authentication",
        "codes": "Recovery codes",
        "done": "Saved, continue",
    },
}


def _log_in(page, words, email, password):
    page.goto("/admin/login")
    page.get_by_label(words["email"], exact=True).fill(email)
    page.get_by_label(words["password"], exact=True).fill(password)
    page.get_by_role("button", name=words["log_in"], exact=True).click()


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_an_admin_enrols_a_phone_then_logs_in_with_a_recovery_code(staff, new_page, lang):
    team, words = TEAM[lang], WORDS[lang]
    email, password = staff.create("admin", second_factor=False)
    page = new_page(lang)
    page.set_viewport_size({"width": 360, "height": 740})

    _log_in(page, team, email, password)
    expect(page.get_by_role("heading", level=1)).to_have_text(words["title"])
    # The QR code is drawn, and the key can be typed by hand.
    expect(page.locator(".qr svg")).to_be_visible()
    secret = page.locator("code.secret").inner_text().replace(" ", "")
    assert not axe_violations(page)
    screenshot(page, f"{lang}-team-two-factor-enrol")
    page.get_by_label(team["code"], exact=True).fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name=words["enrol"], exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["codes"])
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    screenshot(page, f"{lang}-team-recovery-codes")
    page.get_by_role("link", name=words["done"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(team["dashboard"])
    page.context.clear_cookies()

    # The phone is lost: a recovery code opens the account once, and the page says how many remain.
    _log_in(page, team, email, password)
    screenshot(page, f"{lang}-team-second-factor")
    page.get_by_label(team["code"], exact=True).fill(codes[0])
    page.get_by_role("button", name=team["check_code"], exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["title"])
    expect(page.locator("main [role=status]").first).to_contain_text(re.compile(r"\b9\b|٩"))
    page.context.clear_cookies()

    _log_in(page, team, email, password)
    page.get_by_label(team["code"], exact=True).fill(codes[0])
    page.get_by_role("button", name=team["check_code"], exact=True).click()
    expect(page.locator("[role=alert]")).to_be_visible()
    expect(page.get_by_label(team["code"], exact=True)).to_have_value("")
