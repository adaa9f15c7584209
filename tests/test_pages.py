"""What search engines, caches and readers of every page get: canonical addresses per language,
private token pages, compressed answers with long-lived static files, French typography, the
country list in each language's order and a public signer list without postcodes."""

import gzip
import hashlib
import html
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from petition.extensions import db
from petition.signing.models import Signature
from petition.signing.places import without_postcode
from tests.pages_helpers import (
    BAD_TOKENS,
    INDEXED,
    LANGS,
    PUBLIC,
    my_data_page,
    token_pages,
    visible_text,
    with_lang,
)
from tests.test_translation_catalogs import extract

ROOT = Path(__file__).resolve().parents[1]
ALTERNATE = re.compile(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)"')
CANONICAL = re.compile(r'<link rel="canonical" href="([^"]+)"')
OG_URL = re.compile(r'<meta property="og:url" content="([^"]+)"')


def page(client, path: str):
    response = client.get(path)
    return response, response.get_data(as_text=True)


def addresses(page_html: str) -> tuple[list[str], dict[str, str], list[str]]:
    """(canonical addresses, hreflang alternates, og:url) of a page, unescaped."""
    canonical = [html.unescape(url) for url in CANONICAL.findall(page_html)]
    alternates = {lang: html.unescape(url) for lang, url in ALTERNATE.findall(page_html)}
    return canonical, alternates, [html.unescape(url) for url in OG_URL.findall(page_html)]


# --- Canonical and hreflang -------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_each_language_version_is_its_own_canonical_and_hreflang_lists_the_same(client, lang):
    for path in INDEXED:
        response, body = page(client, with_lang(path + ("&utm_source=qr" if "?" in path else ""), lang))
        assert response.status_code == 200, path
        canonical, alternates, _og = addresses(body)
        assert len(canonical) == 1, path
        assert set(alternates) == {"fr", "ar", "en", "x-default"}, path
        assert canonical[0] == alternates[lang], path
        for code in LANGS:
            query = dict(part.split("=") for part in urlsplit(alternates[code]).query.split("&"))
            assert query.pop("lang") == code, path
            assert "utm_source" not in query, path
        assert "lang=" not in alternates["x-default"], path
        # The language a version declares is the language it is written in.
        assert (
            client.get(urlsplit(alternates[lang]).path + "?" + urlsplit(alternates[lang]).query)
            .get_data(as_text=True)
            .startswith(f'<!doctype html>\n<html lang="{lang}"')
        ), path


def test_the_home_page_and_the_petition_page_declare_one_canonical(client):
    home = addresses(page(client, "/?lang=ar")[1])
    petition = addresses(page(client, "/petitions/kleema?lang=ar")[1])
    assert home == petition
    assert home[0] == ["http://localhost/petitions/kleema?lang=ar"]
    assert home[2] == ["http://localhost/petitions/kleema?lang=ar"]


def test_pages_of_a_thread_keep_their_page_number(client):
    canonical, alternates, _og = addresses(page(client, "/petitions/kleema/comments?page=1&lang=en")[1])
    assert canonical == ["http://localhost/petitions/kleema/comments?page=1&lang=en"]
    assert alternates["x-default"] == "http://localhost/petitions/kleema/comments?page=1"


# --- Token pages and the 404 page -------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_token_pages_are_private_and_name_no_token(signer, client, lang):
    for path in [*token_pages(signer), my_data_page(signer), *BAD_TOKENS]:
        token = path.rstrip("/").rsplit("/", 1)[-1]
        response, body = page(client, with_lang(path, lang))
        assert response.headers["X-Robots-Tag"] == "noindex", path
        assert response.cache_control.no_store, path
        assert not response.cache_control.public and response.cache_control.max_age is None, path
        assert '<meta name="robots" content="noindex">' in body, path
        canonical, alternates, og_url = addresses(body)
        assert canonical == [] and alternates == {}, path
        assert og_url and all(token not in url for url in og_url), path
        head = body.split("</head>")[0]
        assert token not in head, path


def test_a_confirmed_signature_page_is_private_after_the_button_too(signer, client):
    signer.sign()
    confirm = signer.confirm_link("fatima@example.org")
    done = signer.press_button(confirm)
    assert done.status_code == 200 and done.headers["X-Robots-Tag"] == "noindex"
    assert done.cache_control.no_store


@pytest.mark.parametrize("lang", LANGS)
def test_the_404_page_is_noindex_without_canonical_or_alternates(client, lang):
    response, body = page(client, f"/no-such-page?lang={lang}")
    assert response.status_code == 404
    assert response.headers["X-Robots-Tag"] == "noindex"
    assert '<meta name="robots" content="noindex">' in body
    assert addresses(body)[:2] == ([], {})


def test_public_pages_stay_indexable(client):
    for path in INDEXED:
        response, body = page(client, path)
        assert "X-Robots-Tag" not in response.headers, path
        assert 'name="robots"' not in body, path


# --- Weight -----------------------------------------------------------------------------------


def test_the_first_french_page_is_compressed_under_20_kb(client):
    response = client.get("/", headers={"Accept-Encoding": "gzip", "Accept-Language": "fr"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert len(response.data) < 20_000
    assert gzip.decompress(response.data).decode().startswith('<!doctype html>\n<html lang="fr"')


def test_css_and_js_addresses_carry_the_files_version_and_are_kept_a_year(client):
    body = page(client, "/")[1]
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', body)
    assert any(".css" in url for url in assets) and any(".js" in url for url in assets)
    for url in assets:
        path, query = html.unescape(url).split("?")
        content = (ROOT / path.lstrip("/")).read_bytes()
        assert query == "v=" + hashlib.sha256(content).hexdigest()[:10], url
        response = client.get(html.unescape(url))
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        response.close()
    unversioned = client.get("/static/css/site.css")
    assert "immutable" not in unversioned.headers.get("Cache-Control", "")
    unversioned.close()


def test_static_files_are_compressed_too(client):
    url = re.search(r'href="(/static/css/[^"]+)"', page(client, "/")[1]).group(1)
    response = client.get(html.unescape(url), headers={"Accept-Encoding": "br"})
    assert response.headers["Content-Encoding"] == "br"
    response.close()


# --- French typography ------------------------------------------------------------------------

# A regular space (or a line end) before these signs lets a line start with them.
LOOSE_SIGN = re.compile(r"\S*[ \t\n][:;?!](?=\s|$|[»\")])")


def test_french_pages_put_a_no_break_space_before_colons_and_the_like(signer, client, smtp_sink):
    private = token_pages(signer)
    found = {}
    for path in [*PUBLIC, *private, *BAD_TOKENS, "/no-such-page", "/petitions/kleema/comments?page=9"]:
        body = page(client, with_lang(path, "fr"))[1]
        loose = LOOSE_SIGN.findall(visible_text(body))
        if loose:
            found[path] = loose
    mail = smtp_sink.last_to("fatima@example.org")
    loose = LOOSE_SIGN.findall(str(mail["Subject"]) + "\n" + mail.get_body(("plain",)).get_content())
    if loose:
        found["confirmation mail"] = loose
    assert not found, found


def test_the_french_text_of_the_code_and_catalog_has_no_break_spaces_before_colons_and_the_like():
    with (ROOT / "petition/translations/fr/LC_MESSAGES/messages.po").open("rb") as source:
        french = read_po(source, locale="fr")
    texts = [
        text
        for message in [*extract(), *french]
        for field in (message.id, message.string)
        for text in ([field] if isinstance(field, str) else field or ())
    ]
    assert len(texts) > 400
    loose = [text for text in texts if text and LOOSE_SIGN.search(text)]
    assert not loose, loose


# --- Countries --------------------------------------------------------------------------------


def country_options(client, lang: str) -> list[str]:
    body = page(client, f"/petitions/kleema?lang={lang}")[1]
    select_html = re.search(r'<select id="country".*?</select>', body, re.S).group(0)
    others = select_html.split("</optgroup>")[-2]
    return [html.unescape(name) for name in re.findall(r"<option [^>]*>([^<]+)</option>", others)]


def test_countries_follow_french_collation_not_code_points(client):
    names = country_options(client, "fr")
    for first, second in [("Brésil", "Brunei"), ("Bénin", "Burundi"), ("Côte d’Ivoire", "Cuba")]:
        assert names.index(first) < names.index(second), (first, second)
    assert names.index("Égypte") < names.index("Érythrée") < names.index("Estonie") < names.index("Éthiopie")


def test_countries_follow_arabic_and_english_collation(client):
    arabic = country_options(client, "ar")
    # The alphabet's order (ب ت ج س ل م), where code points would put "Tunisia" (ت) before "Pakistan" (ب)
    # only by luck; names starting with the article ال sort under alif, as in CLDR's Arabic order.
    in_order = ["اليمن", "باكستان", "تونس", "جيبوتي", "سوريا", "ليبيا", "مصر"]
    assert sorted(in_order, key=arabic.index) == in_order
    english = country_options(client, "en")
    assert english.index("Åland Islands") < english.index("Albania")
    assert english.index("Curaçao") < english.index("Cyprus")
    assert english.index("Réunion") < english.index("Romania")


# --- Public signer list -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "town"),
    [
        ("Madrid 28001", "Madrid"),
        ("75011 Paris", "Paris"),
        ("London SW1A 1AA", "London"),
        ("Montréal, H2X 1Y4", "Montréal"),
        ("Bruxelles (1000)", "Bruxelles"),
        ("1012 AB Amsterdam", "Amsterdam"),
        ("الدار البيضاء 20000", "الدار البيضاء"),
        ("Saint-Étienne", "Saint-Étienne"),
        ("28001", None),
        ("", None),
    ],
)
def test_only_the_town_of_a_place_is_kept(typed, town):
    assert without_postcode(typed) == town


@pytest.mark.parametrize("lang", LANGS)
def test_the_public_list_shows_a_first_name_an_initial_and_a_town_or_country(app, signer, client, lang):
    signer.sign_and_confirm(city="Madrid 28001", country="ES")
    signer.sign_and_confirm(email="omar@example.org", first_name="Omar", last_name="Alaoui", city="20000")
    with app.app_context():
        stored = dict(db.session.execute(select(Signature.email, Signature.city)).all())
    assert stored == {"fatima@example.org": "Madrid", "omar@example.org": None}

    body = page(client, f"/petitions/kleema?lang={lang}")[1]
    signers = re.search(r'<ul class="signers">(.*?)</ul>', body, re.S).group(1)
    items = [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)</li>", signers, re.S)]
    france = {"fr": "France", "ar": "فرنسا", "en": "France"}[lang]
    separator = "، " if lang == "ar" else ", "
    assert sorted(items) == sorted([f"Fatima B.{separator}Madrid", f"Omar A.{separator}{france}"])
    assert "28001" not in body and "20000" not in body


def test_a_postcode_stored_before_is_not_shown(app, signer, client):
    signer.sign_and_confirm()
    with app.app_context():
        signature = db.session.scalar(select(Signature))
        signature.city = "Madrid 28001"
        db.session.commit()
    body = page(client, "/petitions/kleema")[1]
    assert "Madrid" in body and "28001" not in body
