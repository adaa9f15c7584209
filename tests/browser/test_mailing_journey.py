"""An admin writes to the signers in a browser: composes in two languages, previews the Arabic,
sends a test to an address and reads it from the SMTP server, then sends to the signers."""

import pytest
from playwright.sync_api import expect

from petition.extensions import db
from petition.mail.service import deliver_due
from tests.browser.conftest import axe_violations, no_horizontal_scroll, screenshot, sticking_out
from tests.commenting import log_in
from tests.helpers import text_of

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
SUBJECT_FR = "Audience du 14 septembre"
SUBJECT_AR = "جلسة 14 سبتمبر"


def deliver(app) -> None:
    with app.app_context():
        while any(deliver_due()):
            pass
        db.session.remove()


def checked(page) -> None:
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page) and sticking_out(page) == []


def test_an_admin_sends_a_mailing_to_a_test_address_then_to_the_signers(
    app, browser, live_server, staff, signer, smtp_sink
):
    signer.client.get("/?lang=ar")
    signer.sign_and_confirm(email="karim@example.org", first_name="Karim", wants_updates="y")
    smtp_sink.clear()
    context, page = log_in(browser, live_server, staff, role="admin", **PHONE)
    page.get_by_role("link", name="Messages aux signataires").click()
    page.get_by_role("link", name="Écrire un message").click()
    checked(page)
    page.get_by_label("Objet en français").fill(SUBJECT_FR)
    page.get_by_label("Texte en français").fill("Le juge rendra sa décision vendredi.")
    page.get_by_label("Objet en arabe").fill(SUBJECT_AR)
    page.get_by_label("Texte en arabe").fill("سيصدر القاضي قراره يوم الجمعة.")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_role("status")).to_contain_text("Brouillon enregistré")
    expect(page.get_by_role("cell", name="1", exact=True)).to_have_count(2)  # Arabic row and total
    checked(page)

    page.get_by_role("link", name="arabe", exact=True).click()
    preview = page.locator('.mail-preview [lang="ar"]')
    expect(preview).to_contain_text(SUBJECT_AR)
    expect(preview).to_have_attribute("dir", "rtl")
    screenshot(page, "fr-admin-mailing-preview-ar-360")

    page.get_by_label("Adresse e-mail").fill("essai@comite.example.org")
    page.get_by_label("Langue", exact=True).select_option("ar")
    page.get_by_role("button", name="Envoyer l'essai").click()
    expect(page.get_by_role("status")).to_contain_text("Essai envoyé à essai@comite.example.org")
    deliver(app)
    test_mail = smtp_sink.last_to("essai@comite.example.org")
    assert test_mail["Subject"] == f"[تجربة] {SUBJECT_AR}"
    assert "سيصدر القاضي قراره يوم الجمعة." in text_of(test_mail)
    assert smtp_sink.to("karim@example.org") == []

    page.get_by_role("button", name="Envoyer à 1 signataire").click()
    expect(page.get_by_role("status")).to_contain_text("Envoi commencé")
    deliver(app)
    [mailed] = smtp_sink.to("karim@example.org")
    assert mailed["Subject"] == SUBJECT_AR and mailed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    page.reload()
    expect(page.locator(".admin-stats div", has_text="Envoyés").locator("dd")).to_have_text("1")
    expect(page.get_by_text("État\u00a0: envoyé")).to_be_visible()
    expect(page.get_by_role("button", name="Envoyer à 1 signataire")).to_have_count(0)
    checked(page)
    screenshot(page, "fr-admin-mailing-sent-360")
    context.close()
