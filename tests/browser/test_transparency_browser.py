"""A signer on a 360 px phone, in each language: confirms, keeps the receipt, asks for a
checkpoint and finds the signature in the public log. axe finds nothing serious, nothing sticks
out sideways, and screenshots are kept."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    ACCEPT,
    axe_violations,
    mailed_link,
    no_horizontal_scroll,
    screenshot,
    sticking_out,
)

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
CONFIRMED = {"fr": "signature confirmée", "ar": "توقيع مؤكَّد", "en": "signature confirmed"}
SOON = {"fr": "bientôt", "ar": "قريبًا", "en": "soon"}
RECEIPT = re.compile(r"[A-Z2-7]{4}(?:-[A-Z2-7]{4}){5}")


def _looks_right(page) -> None:
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page) and sticking_out(page) == []


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_a_signer_finds_their_receipt_in_the_log_on_a_phone(
    app, browser, live_server, signer, smtp_sink, lang
):
    address = f"nadia.{lang}@example.org"
    signer.sign(first_name="Nadia", last_name="Amrani", email=address)
    context = browser.new_context(base_url=live_server, locale=ACCEPT[lang], **PHONE)
    page = context.new_page()
    page.goto(mailed_link(app, smtp_sink, address, "confirm") + f"?lang={lang}")
    page.locator("form button[type=submit]").click()
    receipt = page.locator("code.receipt")
    expect(receipt).to_have_text(RECEIPT)
    kept = receipt.inner_text()
    _looks_right(page)
    screenshot(page, f"{lang}-transparency-confirmed-360")

    page.locator("a[href*='/transparency/receipt']").click()
    expect(page.locator(".receipt-entries")).to_contain_text(CONFIRMED[lang])
    expect(page.locator(".receipt-entries")).to_contain_text(SOON[lang])

    page.goto(f"/transparency?lang={lang}")
    page.locator("form[action$='/transparency/checkpoint'] button").click()
    expect(page.locator("#checkpoint + p[role=status]")).to_be_visible()
    expect(page.locator(".summary-list").first).to_contain_text("1")
    _looks_right(page)
    screenshot(page, f"{lang}-transparency-360")

    page.locator("#receipt-field").fill(kept.lower())
    page.locator(".receipt-form button").click()
    entries = page.locator(".receipt-entries li")
    expect(entries).to_have_count(1)
    expect(entries.first).to_contain_text(CONFIRMED[lang])
    expect(entries.first).not_to_contain_text(SOON[lang])
    _looks_right(page)
    screenshot(page, f"{lang}-transparency-receipt-360")
    context.close()
