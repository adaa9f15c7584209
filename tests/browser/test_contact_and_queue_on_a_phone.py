"""The contact page and the moderation queue on a 360 px phone, in each language: axe finds
nothing serious, nothing sticks out sideways, the form works, and screenshots are kept."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from petition.contact.models import ContactMessage
from petition.extensions import db
from tests.browser.conftest import ACCEPT, axe_violations, no_horizontal_scroll, screenshot, sticking_out
from tests.commenting import log_in, seed_queue

pytestmark = pytest.mark.browser

LANGS = ["fr", "ar", "en"]
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
SENT = {
    "fr": "Merci, votre message est envoyé au comité.",
    "ar": "شكرًا، أُرسلت رسالتك إلى اللجنة.",
    "en": "Thank you, your message has been sent to the committee.",
}
LABELS = {
    "fr": ("Votre nom", "Votre adresse e-mail", "Votre message", "Envoyer le message", "Écrire au comité"),
    "ar": ("اسمك", "عنوان بريدك الإلكتروني", "رسالتك", "إرسال الرسالة", "راسل اللجنة"),
    "en": ("Your name", "Your email address", "Your message", "Send the message", "Write to the committee"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_contact_from_the_footer_on_a_phone(app, browser, live_server, lang):
    app.config["CONTACT_MIN_SECONDS"] = 0
    name, email, message, send, title = LABELS[lang]
    context = browser.new_context(base_url=live_server, locale=ACCEPT[lang], **PHONE)
    page = context.new_page()
    page.goto(f"/privacy?lang={lang}")
    page.locator("footer").get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page) and sticking_out(page) == []
    page.get_by_role("button", name=send).click()
    expect(page.locator("#error-summary")).to_be_focused()
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page) and sticking_out(page) == []
    screenshot(page, f"{lang}-contact-360-errors")
    page.get_by_label(name, exact=True).fill("Hassan Berrada")
    page.get_by_label(email, exact=True).fill("hassan@example.org")
    page.get_by_label(message, exact=True).fill("Mon père à Nador ne reçoit plus nos appels.")
    page.get_by_role("button", name=send).click()
    expect(page.locator(".flash")).to_contain_text(SENT[lang])
    screenshot(page, f"{lang}-contact-360")
    with app.app_context():
        kept = db.session.scalars(select(ContactMessage)).one()
        assert (kept.name, kept.locale, kept.robot_signal) == ("Hassan Berrada", lang, None)
        db.session.remove()
    context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_the_queue_and_its_delete_confirmation_on_a_phone(app, browser, live_server, staff, lang):
    ids = seed_queue(app, 3)
    context, page = log_in(browser, live_server, staff, **PHONE)
    page.goto(f"/admin/moderation?lang={lang}")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    page.locator(f"#select-{ids[1]}").check()
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page) and sticking_out(page) == []
    screenshot(page, f"{lang}-queue-360")
    page.locator('[data-bulk][value="delete"]').click()
    expect(page.locator(".confirm-list li")).to_have_count(1)
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page) and sticking_out(page) == []
    screenshot(page, f"{lang}-queue-confirm-delete-360")
    context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_admins_read_the_inbox_on_a_phone(app, browser, live_server, staff, lang):
    with app.app_context():
        db.session.add(
            ContactMessage(name="Leïla", email="leila@example.org", message="Où signer ?", locale="fr")
        )
        db.session.commit()
        db.session.remove()
    context, page = log_in(browser, live_server, staff, role="admin", **PHONE)
    page.goto(f"/admin/contact?lang={lang}")
    expect(page.locator(".contact-item.unread")).to_have_count(1)
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page) and sticking_out(page) == []
    page.get_by_role("link", name="Leïla").click()
    expect(page.locator(".comment-text")).to_have_text("Où signer ?")
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page) and sticking_out(page) == []
    screenshot(page, f"{lang}-contact-message-360")
    context.close()
