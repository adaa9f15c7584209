"""An admin writes an update, adds its Arabic text and publishes it, working in Arabic; a visitor
on a 360 px phone reads it in Arabic from the petition page. Screenshots are kept."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    ACCEPT,
    ARTIFACTS,
    axe_violations,
    no_horizontal_scroll,
    screenshot,
    sticking_out,
)
from tests.commenting import log_in

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
TITLE_FR = "L'audience du 14 septembre"
TITLE_AR = "جلسة 14 سبتمبر: القاضي يستمع إلى KLEEMA و Wana"
BODY_AR = (
    "## ما قيل في الجلسة\n\nقرأ **القاضي** رسالة اللجنة، ووعد بقرار قبل نهاية الأسبوع.\n\n- الانقطاع\n- العقد"
)


def test_an_admin_publishes_an_update_in_arabic_and_a_visitor_reads_it_on_a_phone(
    app, browser, live_server, staff
):
    context, admin = log_in(browser, live_server, staff, role="admin")
    admin.goto("/admin/?lang=ar")
    admin.get_by_role("link", name="الأخبار", exact=True).first.click()
    admin.get_by_role("link", name="خبر جديد").click()
    # Nothing typed: the form says what is missing, in Arabic.
    admin.get_by_role("button", name="حفظ المسودّة").click()
    expect(admin.locator("#error-summary")).to_be_focused()
    expect(admin.locator("#error-summary")).to_contain_text("اكتب عنوانًا.")
    admin.get_by_label("العنوان", exact=True).fill(TITLE_FR)
    admin.get_by_label("النص", exact=True).fill("Le **juge** a lu la lettre du comité.")
    admin.get_by_role("button", name="حفظ المسودّة").click()
    expect(admin.locator(".flash")).to_contain_text("حُفظ الخبر مسودّةً.")

    admin.locator(".update-texts li").nth(1).get_by_role("link", name="كتابة").click()
    title = admin.get_by_label("العنوان", exact=True)
    expect(title).to_have_attribute("dir", "rtl")
    title.fill(TITLE_AR)
    admin.get_by_label("النص", exact=True).fill(BODY_AR)
    admin.get_by_role("button", name="معاينة").click()
    expect(admin.locator(".update-preview strong").first).to_have_text(TITLE_AR)
    expect(admin.locator(".update-preview .update-body strong")).to_have_text("القاضي")
    admin.get_by_role("button", name="حفظ النص").click()
    expect(admin.locator(".flash")).to_contain_text("حُفظ النص.")
    admin.get_by_role("button", name="نشر", exact=True).click()
    expect(admin.locator(".flash")).to_contain_text("نُشر الخبر.")
    assert axe_violations(admin) == []
    screenshot(admin, "ar-admin-update")
    context.close()

    visitor = browser.new_context(base_url=live_server, locale=ACCEPT["ar"], **PHONE)
    page = visitor.new_page()
    page.goto("/petitions/kleema")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    latest = page.locator(".latest-update")
    expect(latest.get_by_role("heading", level=2)).to_have_text("آخر خبر")
    ARTIFACTS.mkdir(exist_ok=True)
    latest.screenshot(path=str(ARTIFACTS / "ar-petition-latest-update-360.png"))
    latest.get_by_role("link", name=TITLE_AR).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE_AR)
    expect(page.locator(".update-body h2")).to_have_text("ما قيل في الجلسة")
    expect(page.locator(".update-body strong")).to_have_text("القاضي")
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page) and sticking_out(page) == []
    screenshot(page, "ar-update-360")

    page.get_by_role("link", name="كل الأخبار").click()
    expect(page.locator(".update-item")).to_have_count(1)
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page) and sticking_out(page) == []
    screenshot(page, "ar-updates-360")
    # Without JavaScript too: the page is server-made.
    plain = browser.new_context(base_url=live_server, locale=ACCEPT["en"], java_script_enabled=False, **PHONE)
    english = plain.new_page()
    english.goto("/updates?lang=en")
    english.get_by_role("link", name=TITLE_FR).click()
    expect(english.get_by_role("heading", level=1)).to_have_attribute("lang", "fr")
    plain.close()
    visitor.close()


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_the_admins_list_of_updates_fits_a_360px_phone(browser, live_server, staff, lang):
    context, admin = log_in(browser, live_server, staff, role="admin")
    admin.set_viewport_size(PHONE["viewport"])
    admin.goto("/admin/updates/new")
    admin.get_by_label("Titre", exact=True).fill(TITLE_FR)
    admin.get_by_label("Texte", exact=True).fill("Le **juge** a lu la lettre du comité.")
    admin.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(admin.locator(".flash")).to_be_visible()
    admin.goto(f"/admin/updates?lang={lang}")
    expect(admin.locator(".update-table")).to_be_visible()
    assert no_horizontal_scroll(admin), admin.evaluate("document.documentElement.scrollWidth")
    screenshot(admin, f"{lang}-admin-updates-360")
    context.close()
