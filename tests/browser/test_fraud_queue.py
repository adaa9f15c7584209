"""A moderator on a phone reviews the signatures set aside: validates a real one, invalidates a
flood from one network after a preview, and undoes it; the public count follows each step."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, no_horizontal_scroll, screenshot, sticking_out
from tests.commenting import log_in
from tests.fraud_helpers import flood

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
WORDS = {
    "fr": (
        "Signatures mises de côté",
        "Valider",
        "Tout invalider…",
        "Raison de l'invalidation",
        "Voir ce qui serait invalidé",
        "Annuler",
    ),
    "ar": ("التواقيع الموضوعة جانباً", "قبول", "إبطال الكل…", "سبب الإبطال", "عرض ما سيُبطَل", "تراجع"),
}


def _count(page) -> int:
    return page.request.get("/api/petitions/kleema").json()["count"]


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_a_moderator_clears_the_queue_on_a_phone(app, browser, live_server, staff, lang):
    title, validate, invalidate_all, reason, preview, undo = WORDS[lang]
    flood(app, 1, network="192.0.2.", country="FR", flag="rate-limit")  # a real person, held back
    flood(app, 40, network="203.0.113.", flag="rate-limit")
    context, page = log_in(browser, live_server, staff, **PHONE)
    page.goto(f"/admin/fraud?lang={lang}")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page) and sticking_out(page) == []
    screenshot(page, f"{lang}-fraud-queue-360")
    assert _count(page) == 0

    page.locator("#groups-network ~ table th a").last.click()  # the single signature
    expect(page.locator(".fraud-list tbody tr")).to_have_count(1)
    page.locator(".fraud-list").get_by_role("button", name=validate, exact=True).click()
    expect(page.locator(".flash")).to_be_visible()
    assert _count(page) == 1

    page.goto(f"/admin/fraud?lang={lang}")
    page.get_by_role("link", name=invalidate_all).first.click()
    page.get_by_label(reason).fill("afflux d'un même réseau")
    page.get_by_role("button", name=preview).click()
    expect(page.locator("#preview-title")).to_contain_text("40")
    assert _count(page) == 1  # nothing done before the confirmation
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page) and sticking_out(page) == []
    screenshot(page, f"{lang}-fraud-bulk-preview-360")
    page.locator("button[name=apply][value=yes]").click()
    expect(page.locator(".flash")).to_be_visible()
    assert _count(page) == 1  # the flood never counted; it is now out for good

    page.get_by_role("button", name=undo, exact=True).click()
    expect(page.locator(".flash")).to_be_visible()
    page.goto(f"/admin/fraud?lang={lang}")
    expect(page.locator(".fraud-list tbody tr")).to_have_count(40)  # back in the queue, as before
    context.close()
