"""Share links: every channel opens with the right text and address, in every language."""

import re

import pytest

from petition.petitions.seed import TITLE
from petition.petitions.seed_translations import TRANSLATIONS
from petition.sharing.links import LINK_CHANNELS
from tests.sharing_helpers import add_petition, decode, share_links

TITLES = {"fr": TITLE, **{lang: texts["title"] for lang, texts in TRANSLATIONS.items()}}
URL = "http://localhost/petitions/kleema"


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
@pytest.mark.parametrize("channel", LINK_CHANNELS)
def test_each_share_link_opens_with_the_petition_text_and_address(client, channel, lang):
    page = client.get(f"/petitions/kleema?lang={lang}").get_data(as_text=True)
    assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">' in page
    href = share_links(page)[channel]

    assert href.isascii() and " " not in href and "#" not in href
    text, url = decode(channel, href)
    assert url == f"{URL}?utm_source={channel}"
    if text is not None:
        assert TITLES[lang] in text  # the petition's title in the visitor's language
    if channel in ("email", "sms"):
        assert "+" not in href  # a plus sign would show up as such in the message


def test_share_bar_lists_whatsapp_first_and_every_channel(client):
    page = client.get("/").get_data(as_text=True)
    assert list(share_links(page)) == list(LINK_CHANNELS)
    assert 'data-channel="whatsapp"' in page and 'target="_blank" rel="noopener noreferrer"' in page
    # Copy and the native share sheet are shown by the script only; the address is there without it.
    assert re.search(r'<button type="button" class="button" hidden data-copy-from="share-url"', page)
    assert 'data-share-native data-title="Wana, rétablissez les appels' in page
    assert f'value="{URL}?utm_source=copy"' in page
    assert f'data-url="{URL}?utm_source=native"' in page


def test_email_link_has_a_subject_and_the_address_in_its_body(client):
    href = share_links(client.get("/").get_data(as_text=True))["email"]
    assert href.startswith("mailto:?subject=")
    text, url = decode("email", href)
    assert TITLE in text and url == f"{URL}?utm_source=email"


def test_sms_fits_in_one_message(client):
    href = share_links(client.get("/").get_data(as_text=True))["sms"]
    assert href.startswith("sms:?&body=")
    text, url = decode("sms", href)
    assert len(f"{text} {url}") <= 160


def test_accents_arabic_ampersand_and_hash_survive_the_round_trip(app, client):
    title = "Ça & ça #1 : لا لقطع الخط ?x=1"
    add_petition(app, "accents", title)
    links = share_links(client.get("/petitions/accents").get_data(as_text=True))
    for channel, href in links.items():
        assert href.isascii() and "#" not in href, channel
        text, url = decode(channel, href)
        assert url == f"http://localhost/petitions/accents?utm_source={channel}"
        if text is not None:
            assert title in text, channel


def test_a_long_title_is_cut_so_the_sms_stays_short(app, client):
    add_petition(app, "long", "Une très longue pétition " * 8)
    text, url = decode("sms", share_links(client.get("/petitions/long").get_data(as_text=True))["sms"])
    assert "…" in text
    assert len(f"{text} {url}") <= 160
