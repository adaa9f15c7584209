"""A signer sees and erases their data from a mailed link, on a 360 px phone, in French and
Arabic: axe finds nothing serious, nothing sticks out sideways, the count drops by one."""

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
from tests.commenting import Reader, decide, latest_comment

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
WORDS = {
    "fr": {
        "link": "Mes données",
        "email": "Votre adresse e-mail",
        "send": "Recevoir le lien",
        "sent": "Vérifiez votre boîte de réception",
        "delete": "Les supprimer (les réponses des autres restent)",
        "sure": "J'ai compris",
        "erase": "Effacer mes données",
        "erased": "Vos données sont effacées",
    },
    "ar": {
        "link": "بياناتي",
        "email": "عنوان بريدك الإلكتروني",
        "send": "استلام الرابط",
        "sent": "تحقق من بريدك الوارد",
        "delete": "حذفها (تبقى ردود الآخرين)",
        "sure": "فهمت",
        "erase": "محو بياناتي",
        "erased": "مُحيت بياناتك",
    },
}


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_a_signer_sees_and_erases_their_data_on_a_phone(app, browser, live_server, signer, lang):
    address = f"salma.{lang}@example.org"
    signer.client.get(f"/?lang={lang}")
    signer.sign_and_confirm(email=address, first_name="Salma", last_name="Idrissi", city="Nador")
    reader = Reader(app)
    assert (
        reader.comment(email=address, name="Salma de Nador", text="Mon père attend nos appels.").status_code
        == 303
    )
    decide(app, latest_comment(app).id)
    before = signer.count()
    words = WORDS[lang]

    context = browser.new_context(base_url=live_server, locale=ACCEPT[lang], **PHONE)
    page = context.new_page()
    page.goto(f"/privacy?lang={lang}")
    page.locator("main").get_by_role("link", name=words["link"], exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["link"])
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page) and sticking_out(page) == []
    page.get_by_label(words["email"], exact=True).fill(address)
    page.get_by_role("button", name=words["send"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["sent"])
    assert axe_violations(page) == []

    page.goto(mailed_link(app, signer.mailbox, address, "my-data"))
    expect(page.locator("main")).to_contain_text("Idrissi")
    expect(page.locator("main")).to_contain_text("Salma de Nador")
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page) and sticking_out(page) == []
    screenshot(page, f"{lang}-my-data-360")
    page.get_by_label(words["delete"]).check()
    page.get_by_label(words["sure"]).check()
    page.get_by_role("button", name=words["erase"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["erased"])
    assert axe_violations(page) == []
    screenshot(page, f"{lang}-my-data-erased-360")
    context.close()
    assert signer.count() == before - 1
    assert "Salma de Nador" not in reader.html()
