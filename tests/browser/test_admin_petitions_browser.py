"""An admin creates a second petition in the browser, translates its title, and a visitor on a
phone signs it: its count moves, the first petition's does not."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    axe_violations,
    fill_signature_form,
    mailed_link,
    no_horizontal_scroll,
    screenshot,
    sticking_out,
)
from tests.browser.words import WORDS
from tests.commenting import log_in

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
TITLE = "Plus jamais de coupure pendant le Ramadan"
ARABIC_TITLE = "لا قطع للخطوط بعد اليوم في رمضان"


def test_an_admin_creates_a_second_petition_and_a_visitor_signs_it(
    app, browser, live_server, staff, smtp_sink, new_page
):
    context, page = log_in(browser, live_server, staff, role="admin", **PHONE)
    page.get_by_role("link", name="Pétitions", exact=True).first.click()
    page.get_by_role("link", name="Créer une pétition").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Créer une pétition")

    page.get_by_label("Adresse", exact=True).fill("Ramadan sans coupure")
    page.get_by_label("Titre", exact=True).fill(TITLE)
    page.get_by_label("Résumé", exact=True).fill("Aucune ligne coupée pendant le mois sacré.")
    page.get_by_label("Destinataire", exact=True).fill("Aux opérateurs marocains")
    page.get_by_label("Lettre", exact=True).fill(
        "Madame, Monsieur,\n\nNos familles doivent pouvoir se parler."
    )
    page.get_by_label("Demandes", exact=True).fill("Aucune coupure pendant le Ramadan.")
    page.get_by_label("Objectif (signatures)").fill("1000")
    page.get_by_role("button", name="Créer la pétition").click()
    # A bad address comes back with what was typed and says how to write one.
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.get_by_label("Titre", exact=True)).to_have_value(TITLE)
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page) and sticking_out(page) == []
    page.get_by_label("Adresse", exact=True).fill("ramadan-sans-coupure")
    page.get_by_role("button", name="Créer la pétition").click()
    expect(page.locator(".flash")).to_contain_text("La pétition est créée.")
    expect(page.locator(".language-states")).to_contain_text("à traduire")
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page) and sticking_out(page) == []
    screenshot(page, "admin-petition-edit-360")

    page.get_by_role("link", name="Modifier la version arabe").click()
    page.get_by_label("Titre", exact=True).fill(ARABIC_TITLE)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Enregistrer la traduction").click()
    expect(page.locator(".language-states")).to_contain_text("incomplet, en français")
    # The same editor in Arabic: mirrored, nothing sticking out, the French text still left to right.
    page.goto(page.url.split("?")[0] + "?lang=ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_label("العنوان", exact=True)).to_have_attribute("dir", "ltr")
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page) and sticking_out(page) == []
    screenshot(page, "ar-admin-petition-edit-360")
    context.close()

    visitor = new_page("ar", **PHONE)
    visitor.goto("/petitions/ramadan-sans-coupure")
    expect(visitor.locator("html")).to_have_attribute("dir", "rtl")
    expect(visitor.get_by_role("heading", level=1)).to_have_text(ARABIC_TITLE)
    expect(visitor.locator(".summary")).to_have_attribute("lang", "fr")  # not translated yet
    fill_signature_form(
        visitor, "ar", {"first_name": "سلمى", "last_name": "العلوي", "email": "salma@example.org"}
    )
    visitor.get_by_role("button", name=WORDS["ar"]["sign"]).click()
    expect(visitor.get_by_role("heading", level=1)).to_contain_text(WORDS["ar"]["thanks"])
    visitor.goto(mailed_link(app, smtp_sink, "salma@example.org", "confirm"))
    visitor.get_by_role("button", name=WORDS["ar"]["confirm"]).click()
    expect(visitor.locator("[data-count]")).to_have_text("1")
    visitor.goto("/petitions/ramadan-sans-coupure")
    expect(visitor.locator("[data-count]")).to_have_text("1")
    assert no_horizontal_scroll(visitor) and sticking_out(visitor) == []
    screenshot(visitor, "ar-second-petition-360")
    visitor.goto("/petitions/kleema")
    expect(visitor.locator("[data-count]")).to_have_text("0")
