"""An admin downloads the delivery dossier from a phone, in Arabic: the page passes axe and fits
360 px, a missing reason is explained, and the PDF holds the count and an Arabic name. Its first
two pages are drawn to PNG under test-artifacts/ for people to look at."""

import io
import shutil
import subprocess

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import ARTIFACTS, axe_violations, no_horizontal_scroll, screenshot, sticking_out
from tests.commenting import log_in
from tests.exports_helpers import add_signatures

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


def test_an_admin_downloads_the_dossier_in_arabic_on_a_phone(app, browser, live_server, staff):
    add_signatures(
        app,
        [{"first_name": "فاطمة", "last_name": "الزهراء", "country": "MA", "city": "فاس"}]
        + [{"first_name": "Jean", "last_name": f"Martin {n}", "country": "BE"} for n in range(120)],
    )
    context, page = log_in(browser, live_server, staff, role="admin", accept_downloads=True, **PHONE)
    page.goto("/admin/?lang=ar")
    page.get_by_role("link", name="تصدير التوقيعات (CSV) أو تنزيل ملف التسليم (PDF)").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", level=1)).to_have_text("تسليم التوقيعات")
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page) and sticking_out(page) == []
    screenshot(page, "ar-exports-360")

    dossier = page.locator("form", has=page.get_by_role("button", name="تنزيل الملف"))
    dossier.get_by_label("لغة الملف").select_option("ar")
    dossier.get_by_role("button", name="تنزيل الملف").click()
    expect(page.locator(".error-summary")).to_contain_text("اذكر سبب تصدير التوقيعات.")
    assert axe_violations(page) == []

    dossier = page.locator("form", has=page.get_by_role("button", name="تنزيل الملف"))
    expect(dossier.get_by_label("لغة الملف")).to_have_value("ar")
    dossier.get_by_label("لماذا هذا التصدير؟").fill("تسليم التوقيعات إلى وانا")
    with page.expect_download() as download_info:
        dossier.get_by_role("button", name="تنزيل الملف").click()
    download = download_info.value
    assert download.suggested_filename.startswith("dossier-kleema-ar-")
    ARTIFACTS.mkdir(exist_ok=True)
    pdf_path = ARTIFACTS / "ar-dossier-journey.pdf"
    download.save_as(pdf_path)
    page.goto("/admin/exports?lang=ar")
    kept = page.locator(".dossiers li")
    expect(kept).to_have_count(1)
    expect(kept).to_contain_text("تسليم التوقيعات إلى وانا")
    expect(kept).to_contain_text("إدارة وانا، أعيدوا مكالمات مشتركي KLEEMA")
    expect(kept.get_by_role("link", name="تنزيل")).to_be_visible()
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page) and sticking_out(page) == []
    screenshot(page, "ar-exports-kept-360")
    context.close()

    reader = PdfReader(io.BytesIO(pdf_path.read_bytes()))
    first = reader.pages[0].extract_text()
    assert "121" in first
    assert "فاطمة الزهراء" in "\n".join(page.extract_text() for page in reader.pages)
    if shutil.which("pdftoppm"):
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-f",
                "1",
                "-l",
                "2",
                str(pdf_path),
                str(ARTIFACTS / "ar-dossier"),
            ],
            check=True,
        )
        assert sorted(p.name for p in ARTIFACTS.glob("ar-dossier-*.png"))[:2] == [
            "ar-dossier-1.png",
            "ar-dossier-2.png",
        ]
