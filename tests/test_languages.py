"""French, Arabic and English: chosen by the visitor, kept while they browse, used in their mails."""

import re
from datetime import datetime

import pytest
from sqlalchemy import select

from petition.counting import service as counting
from petition.extensions import db
from petition.petitions import service as petitions
from petition.petitions.models import Petition, PetitionTranslation
from petition.signing.models import Signature
from tests.helpers import GOOD, form_tokens, links, text_of


def html_of(response) -> str:
    return response.get_data(as_text=True)


def switcher_links(html: str) -> dict[str, str]:
    nav = re.search(r'<nav class="languages".*?</nav>', html, re.S).group(0)
    return {
        lang: href.replace("&amp;", "&") for href, lang in re.findall(r'href="([^"]+)" hreflang="(\w+)"', nav)
    }


def add_signatures(app, number: int) -> None:
    with app.app_context():
        counting.add(db.session.scalar(select(Petition.id)), "FR", number)
        db.session.commit()


@pytest.mark.parametrize(
    ("query", "headers", "lang", "direction", "title"),
    [
        ("", {}, "fr", "ltr", "Wana, rétablissez les appels"),
        ("?lang=ar", {}, "ar", "rtl", "إدارة وانا، أعيدوا مكالمات"),
        ("?lang=en", {}, "en", "ltr", "Wana, restore the calls"),
        ("", {"Accept-Language": "ar-MA,ar;q=0.9,fr;q=0.5"}, "ar", "rtl", "إدارة وانا، أعيدوا مكالمات"),
        ("", {"Accept-Language": "en-GB,en;q=0.9"}, "en", "ltr", "Wana, restore the calls"),
        ("", {"Accept-Language": "de-DE,de;q=0.9"}, "fr", "ltr", "Wana, rétablissez les appels"),
        ("?lang=xx", {"Accept-Language": "en"}, "en", "ltr", "Wana, restore the calls"),
    ],
)
def test_page_language_direction_and_petition_text(client, query, headers, lang, direction, title):
    html = html_of(client.get(f"/{query}", headers=headers))
    assert f'<html lang="{lang}" dir="{direction}">' in html
    assert title in re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)


def test_the_choice_is_kept_in_a_cookie_over_the_browser_language(client):
    client.get("/?lang=ar", headers={"Accept-Language": "fr"})
    page = client.get("/privacy", headers={"Accept-Language": "fr"})
    assert '<html lang="ar" dir="rtl">' in html_of(page)
    assert "بياناتك الشخصية" in html_of(page)
    assert "Accept-Language" in page.headers["Vary"] and "Cookie" in page.headers["Vary"]


def test_switcher_names_each_language_in_itself_and_keeps_the_page(client):
    html = html_of(client.get("/petitions/kleema?ref=abc&lang=en"))
    assert switcher_links(html) == {
        "fr": "/petitions/kleema?ref=abc&lang=fr",
        "ar": "/petitions/kleema?ref=abc&lang=ar",
        "en": "/petitions/kleema?ref=abc&lang=en",
    }
    nav = re.search(r'<nav class="languages".*?</nav>', html, re.S).group(0)
    assert 'lang="ar" dir="rtl"' in nav and ">العربية<" in nav and ">Français<" in nav
    assert re.search(r'lang="en" dir="ltr" aria-current="true">English<', nav)
    assert nav.count("aria-current") == 1
    # Where the visitor came from is no page of its own: the alternates leave it out.
    alternates = dict(re.findall(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)"', html))
    assert alternates["ar"] == "http://localhost/petitions/kleema?lang=ar"
    assert alternates["x-default"] == "http://localhost/petitions/kleema"


def test_switcher_on_a_form_sent_back_with_errors_leads_to_the_form_page(client):
    page = client.get("/petitions/kleema?lang=en")
    response = client.post(
        "/petitions/kleema/sign",
        data={**GOOD, "first_name": "", **form_tokens(html_of(page))},
        headers={"Referer": "http://localhost/petitions/kleema?lang=en"},
    )
    assert response.status_code == 422
    assert switcher_links(html_of(response))["ar"] == "/petitions/kleema?lang=ar"


@pytest.mark.parametrize(
    ("lang", "message", "summary"),
    [
        ("fr", "Indiquez votre prénom.", "Un champ est à corriger"),
        ("ar", "أدخل اسمك الشخصي.", "حقل واحد بحاجة إلى تصحيح"),
        ("en", "Please enter your first name.", "One field needs correcting"),
    ],
)
def test_form_errors_in_the_visitors_language(client, lang, message, summary):
    page = client.get(f"/?lang={lang}")
    response = client.post(
        "/petitions/kleema/sign", data={**GOOD, "first_name": "", **form_tokens(html_of(page))}
    )
    html = html_of(response)
    assert response.status_code == 422
    assert message in html and summary in html
    assert 'value="Benali"' in html  # what was typed is kept


def test_arabic_plural_summary_for_four_errors(client):
    page = client.get("/?lang=ar")
    data = {**form_tokens(html_of(page)), "first_name": "", "last_name": "", "email": "", "country": ""}
    assert "4 حقول بحاجة إلى تصحيح" in html_of(client.post("/petitions/kleema/sign", data=data))


@pytest.mark.parametrize(
    ("lang", "count", "number", "word"),
    [
        ("fr", 0, "0", "signature"),
        ("fr", 1234, "1\u202f234", "signatures"),
        ("en", 1, "1", "signature"),
        ("en", 1234, "1,234", "signatures"),
        ("ar", 2, "2", "توقيعان"),
        ("ar", 7, "7", "توقيعات"),
        ("ar", 11, "11", "توقيعًا"),
        ("ar", 1200, "1,200", "توقيع"),
    ],
)
def test_count_is_written_the_way_each_language_writes_numbers(app, client, lang, count, number, word):
    add_signatures(app, count)
    html = html_of(client.get(f"/?lang={lang}"))
    assert f'<strong class="count-number" data-count>{number}</strong>' in html
    label = re.search(r"<span class=\"count-label\"([^>]*)>(.*?)</span>", html, re.S)
    assert label.group(2) == word
    # Every plural form is there for the script that refreshes the count.
    forms = dict(re.findall(r'data-plural-(\w+)="([^"]*)"', label.group(1)))
    expected = {
        "fr": {"one", "many", "other"},
        "en": {"one", "other"},
        "ar": {"zero", "one", "two", "few", "many", "other"},
    }[lang]
    assert set(forms) == expected


def test_a_missing_translation_falls_back_to_french_marked_as_french(app, client):
    with app.app_context():
        english = db.session.get(PetitionTranslation, (db.session.scalar(select(Petition.id)), "en"))
        english.title = None
        db.session.commit()
    html = html_of(client.get("/?lang=en"))
    assert '<h1 lang="fr" dir="ltr">Wana, rétablissez les appels' in html
    assert '<p class="summary">We ask Wana' in html  # the rest stays in English
    assert "Sign the petition" in html

    with app.app_context():
        db.session.execute(PetitionTranslation.__table__.delete())
        db.session.commit()
    html = html_of(client.get("/?lang=ar"))
    assert '<h1 lang="fr" dir="ltr">Wana, rétablissez les appels' in html
    assert '<div lang="fr" dir="ltr"><p>Madame, Monsieur,' in html
    assert "وقّع العريضة" in html  # the page itself is still in Arabic


def test_translations_are_seeded_once_and_never_overwritten(app):
    from petition.petitions.seed import ensure_kleema_petition

    with app.app_context():
        petition = ensure_kleema_petition()
        petitions.save_translation(petition, "en", title="Edited by the committee")
        db.session.commit()
        ensure_kleema_petition()
        assert petitions.localized(petition, "en").title == "Edited by the committee"
        assert petitions.localized(petition, "ar").title.startswith("إدارة وانا، أعيدوا مكالمات")
        with pytest.raises(ValueError):
            petitions.save_translation(petition, "fr", title="Le français est le texte de la pétition")
        with pytest.raises(ValueError):
            petitions.save_translation(petition, "en", goal="1")


@pytest.mark.parametrize(
    ("lang", "subject", "greeting", "title"),
    [
        ("fr", "Confirmez votre signature", "Bonjour \u2068Fatima\u2069,", "Wana, rétablissez les appels"),
        ("ar", "أكّد توقيعك", "مرحبًا \u2068Fatima\u2069،", "إدارة وانا، أعيدوا مكالمات"),
        ("en", "Confirm your signature", "Hello \u2068Fatima\u2069,", "Wana, restore the calls"),
    ],
)
def test_mail_is_in_the_signers_language_and_its_links_keep_it(
    app, client, signer, smtp_sink, lang, subject, greeting, title
):
    client.get(f"/?lang={lang}")
    signer.sign()
    signer.deliver()
    mail = smtp_sink.last_to(GOOD["email"])
    body = text_of(mail)
    assert mail["Subject"].startswith(subject) and title in mail["Subject"]
    assert greeting in body and title in body
    for kind in ("confirm", "withdraw", "referral"):
        assert next(url for url in links(mail) if f"/{kind}/" in url).endswith(f"?lang={lang}"), kind
    confirm = next(url for url in links(mail) if "/confirm/" in url)
    with app.app_context():
        assert db.session.scalar(select(Signature.locale)) == lang

    # Opened in a browser set to another language, the link shows the signer's language.
    other = app.test_client()
    page = other.get(confirm.removeprefix("http://localhost"), headers={"Accept-Language": "de"})
    assert f'<html lang="{lang}"' in html_of(page)


def test_already_signed_mail_writes_the_date_the_signers_way(app, client, signer, smtp_sink):
    signer.sign_and_confirm()
    with app.app_context():
        db.session.scalar(select(Signature)).confirmed_dt = datetime(2009, 9, 14, 10, 0)
        db.session.commit()
    client.get("/?lang=ar")
    signer.sign()
    signer.deliver()
    assert "14 سبتمبر 2009" in text_of(smtp_sink.last_to(GOOD["email"]))
    client.get("/?lang=en")
    signer.sign()
    signer.deliver()
    assert "September 14, 2009" in text_of(smtp_sink.last_to(GOOD["email"]))


def test_count_api_gives_the_title_in_the_language_of_its_address_only(client):
    assert client.get("/api/petitions/kleema").get_json()["title"].startswith("Wana, rétablissez les appels")
    assert (
        client.get("/api/petitions/kleema?lang=ar")
        .get_json()["title"]
        .startswith("إدارة وانا، أعيدوا مكالمات")
    )
    english = client.get("/api/petitions/kleema?lang=en", headers={"Accept-Language": "ar"})
    assert english.get_json()["title"].startswith("Wana, restore the calls")
    # A cookie or the browser's language does not change a publicly cached answer.
    client.get("/?lang=en")
    assert (
        client.get("/api/petitions/kleema", headers={"Accept-Language": "en"})
        .get_json()["title"]
        .startswith("Wana, rétablissez les appels")
    )


@pytest.mark.parametrize(
    ("lang", "heading"),
    [("fr", "Page introuvable"), ("ar", "الصفحة غير موجودة"), ("en", "Page not found")],
)
def test_error_pages_in_each_language(client, lang, heading):
    response = client.get(f"/no-such-page?lang={lang}")
    assert response.status_code == 404
    assert f"<h1>{heading}</h1>" in html_of(response)


def test_names_and_addresses_are_isolated_from_the_surrounding_text(client, signer):
    signer.sign_and_confirm(first_name="فاطمة", last_name="Benali", show_name="y")
    html = html_of(client.get("/?lang=ar"))
    assert "<bdi>فاطمة B.</bdi>" in html
    client.get("/?lang=ar")
    response = signer.sign(email="autre@example.org")
    thanks = html_of(client.get(response.headers["Location"]))
    assert '<bdi dir="ltr">autre@example.org</bdi>' in thanks


NASTY_PATHS = [
    "/\\evil.example",  # /%5Cevil.example
    "//evil.example",
    "///evil.example",
    "/\\\\evil.example",
    "/\t/evil.example",
    "/ /evil.example",
    "/\\/evil.example",
    "/%2F%2Fevil.example",  # a literal percent sign
]


@pytest.mark.parametrize("path", NASTY_PATHS)
def test_language_links_of_any_page_stay_on_the_site(client, path):
    from urllib.parse import urljoin, urlsplit

    response = client.get("/", environ_overrides={"PATH_INFO": path})
    assert response.status_code == 404
    html = html_of(response)
    links = list(switcher_links(html).values())
    links += [
        href.replace("&amp;", "&")
        for href in re.findall(r'<link rel="alternate" hreflang="[\w-]+" href="([^"]+)"', html)
    ]
    assert len(links) >= 3
    for link in links:
        # A browser reads a backslash as a slash, drops tabs and newlines, and takes two or more
        # slashes at the start for the name of another site.
        as_browser = re.sub(r"[\t\n\r]", "", link.replace("\\", "/"))
        assert not as_browser.startswith("//"), link
        assert urlsplit(urljoin("http://localhost/somewhere", as_browser)).netloc == "localhost", link
        # And the link leads back to the same page, in the chosen language.
        relative = urlsplit(link)
        assert client.get(relative.path + "?" + relative.query).request.path == response.request.path
