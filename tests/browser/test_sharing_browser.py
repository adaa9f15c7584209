"""The share bar in a real browser: copying the link, and a phone-sized screen."""

import pytest

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide"


def test_copy_button_puts_the_link_on_the_clipboard_and_says_so(browser, live_server):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"], locale="fr-FR")
    page = context.new_page()
    page.goto(f"{live_server}/petitions/kleema")
    status = page.locator("#share-status")
    assert status.text_content() == ""
    page.get_by_role("button", name="Copier le lien").click()
    expect(status).to_have_text("Lien copié")
    assert status.get_attribute("role") == "status"
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator("#share-url").input_value()
    assert copied.endswith("/petitions/kleema?utm_source=copy")
    context.close()


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_share_bar_fits_a_360px_phone(browser, live_server, lang):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server}/petitions/kleema?lang={lang}")
    share = page.locator("section.share")
    share.scroll_into_view_if_needed()
    assert share.locator("a.share-link").count() == 6
    whatsapp = share.locator("a.share-whatsapp").bounding_box()
    facebook = share.locator("a.share-facebook").bounding_box()
    assert whatsapp["y"] < facebook["y"] and whatsapp["width"] > facebook["width"]  # first and widest
    for box in (whatsapp, facebook):
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    _no_sideways_scroll(page)

    # Signing leads to the thank-you page with the personal link: it fits as well.
    page.fill("#first_name", "Samira")
    page.fill("#last_name", "El Idrissi")
    page.fill("#email", f"samira-{lang}@example.org")
    page.select_option("#country", "FR")
    page.locator(".sign-form button[type=submit]").click()
    page.wait_for_url("**/thanks*")
    assert "?ref=" in page.locator("#share-url").input_value()
    _no_sideways_scroll(page)
    for path in ("/petitions/kleema/share", "/petitions/kleema/flyer", "/embed/kleema"):
        page.goto(live_server + path)
        _no_sideways_scroll(page)
    context.close()
