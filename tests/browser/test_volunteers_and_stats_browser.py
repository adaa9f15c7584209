"""A volunteer offers their help from a 360 px phone in Arabic and confirms it from the mail; an
admin reads the numbers, whose charts load as images beside their tables. Screenshots are kept."""

import pytest
from flask_babel import force_locale, gettext
from playwright.sync_api import expect
from sqlalchemy import select

from petition.extensions import db
from petition.volunteers.models import Volunteer, VolunteerStatus
from tests.browser.conftest import (
    ACCEPT,
    axe_violations,
    mailed_link,
    no_horizontal_scroll,
    screenshot,
    sticking_out,
)
from tests.commenting import Reader, log_in

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


def said(app, lang: str, msgid: str) -> str:
    with app.test_request_context(), force_locale(lang):
        return gettext(msgid)


def test_a_volunteer_offers_help_on_a_phone_in_arabic(app, browser, live_server, smtp_sink):
    lang = "ar"
    app.config["VOLUNTEER_MIN_SECONDS"] = 0
    context = browser.new_context(base_url=live_server, locale=ACCEPT[lang], **PHONE)
    page = context.new_page()
    page.goto(f"/privacy?lang={lang}")
    title = said(app, lang, "Rejoindre le comité")
    page.locator("footer").get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page) and sticking_out(page) == []
    send = said(app, lang, "Proposer mon aide")
    page.get_by_role("button", name=send).click()
    expect(page.locator("#error-summary")).to_be_focused()
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page) and sticking_out(page) == []
    screenshot(page, f"{lang}-volunteer-360-errors")

    page.get_by_label(said(app, lang, "Prénom et nom"), exact=True).fill("سعاد العلمي")
    page.get_by_label(said(app, lang, "Adresse e-mail"), exact=True).fill("souad@example.org")
    page.get_by_label(said(app, lang, "Pays de résidence"), exact=True).select_option("MA")
    page.get_by_label(said(app, lang, "Traduire"), exact=True).check()
    page.get_by_label(said(app, lang, "Autre chose"), exact=True).check()
    page.get_by_label(said(app, lang, "Autre aide\u00a0: laquelle\u00a0?"), exact=True).fill("تصميم الملصقات")
    page.get_by_label(said(app, lang, "Vos disponibilités (facultatif)")).fill("مساء الأحد")
    page.locator("#consent").check()
    screenshot(page, f"{lang}-volunteer-360")
    page.get_by_role("button", name=send).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        said(app, lang, "Merci\u00a0! Vérifiez votre boîte mail")
    )

    page.goto(mailed_link(app, smtp_sink, "souad@example.org", "confirm"))
    expect(page.get_by_text("سعاد العلمي")).to_be_visible()
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page) and sticking_out(page) == []
    screenshot(page, f"{lang}-volunteer-confirm-360")
    page.get_by_role("button", name=said(app, lang, "Je confirme ma proposition")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        said(app, lang, "Merci, votre proposition est transmise au comité\u00a0!")
    )
    with app.app_context():
        kept = db.session.scalars(select(Volunteer)).one()
        assert (kept.status, kept.locale, kept.helps, kept.help_other) == (
            VolunteerStatus.CONFIRMED,
            lang,
            "translate other",
            "تصميم الملصقات",
        )
        db.session.remove()
    context.close()


@pytest.mark.parametrize(("lang", "options"), [("fr", {}), ("ar", PHONE)], ids=["fr-desktop", "ar-360"])
def test_an_admin_reads_the_numbers_with_charts_beside_their_tables(
    app, browser, live_server, staff, signer, lang, options
):
    for n, (country, subscriber) in enumerate(
        [("FR", "y"), ("MA", None), ("MA", "y"), ("BE", None), ("ES", "y")]
    ):
        signer.client.set_cookie("first_touch", ".whatsapp" if n % 2 else ".qr")
        signer.sign_and_confirm(email=f"person{n}@example.org", country=country, is_subscriber=subscriber)
    signer.sign(email="pending@example.org", country="FR")
    Reader(app).comment(text="Courage au comité, on ne lâche rien.", name="Amina")

    context, page = log_in(browser, live_server, staff, role="admin", **options)
    page.goto(f"/admin/stats?lang={lang}")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    charts = page.locator(".stats-chart img")
    expect(charts).to_have_count(7)
    for index in range(7):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        expect(chart).to_have_js_property("complete", True)
        assert chart.evaluate("img => img.naturalWidth") > 0, chart.get_attribute("src")
    expect(page.locator("table")).to_have_count(7)  # no personal link brought anyone yet
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page)
    screenshot(page, f"{lang}-stats" + ("-360" if options else ""))
    context.close()
