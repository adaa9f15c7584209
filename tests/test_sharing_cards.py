"""Preview cards: the tags link-preview robots read, and the image they fetch."""

import io
from urllib.parse import urlsplit

import pytest
from PIL import Image, ImageChops
from sqlalchemy import select

from petition import create_app
from petition.counting import service as counting
from petition.extensions import db
from petition.petitions.models import Petition
from petition.sharing import card, service
from petition.sharing.models import ShareImage
from tests.helpers import text_of
from tests.sharing_helpers import add_petition, meta_tags

REQUIRED = (
    "og:title",
    "og:description",
    "og:url",
    "og:image",
    "og:image:alt",
    "og:locale",
    "og:site_name",
    "twitter:card",
    "twitter:image",
)


def _check_meta(page_html: str) -> dict[str, list[str]]:
    tags = meta_tags(page_html)
    for name in REQUIRED:
        assert tags.get(name) and tags[name][0].strip(), f"missing {name}"
    for name in ("og:url", "og:image", "twitter:image"):
        assert tags[name][0].startswith("http://localhost/"), (name, tags[name])
    assert tags["twitter:card"] == ["summary_large_image"]
    assert tags["og:image:width"] == ["1200"] and tags["og:image:height"] == ["630"]
    return tags


def _png(response) -> Image.Image:
    assert response.status_code == 200 and response.mimetype == "image/png"
    image = Image.open(io.BytesIO(response.data))
    image.load()
    return image


def _public_pages(signer, client):
    signer.sign_and_confirm()
    confirm = signer.confirm_link("fatima@example.org")
    stats = next(
        u for u in text_of(signer.mailbox.last_to("fatima@example.org")).split() if "/referral/" in u
    )
    return [
        "/",
        "/petitions/kleema",
        "/privacy",
        "/petitions/kleema/thanks",
        "/petitions/kleema/share",
        "/petitions/kleema/flyer",
        "/petitions/kleema/flyer?format=a4",
        confirm,
        urlsplit(stats).path,
        "/petitions/no-such-petition",
    ]


def test_every_public_page_has_absolute_preview_tags(app, signer, client):
    pages = _public_pages(signer, client)
    with app.test_request_context():
        # Pages without parameters that appear later are checked too.
        pages += [
            rule.rule
            for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static"
        ]
    for path in pages:
        response = client.get(path)
        if response.mimetype != "text/html" or 300 <= response.status_code < 400:
            continue
        tags = _check_meta(response.get_data(as_text=True))
        assert tags["og:locale"] == ["fr_FR"], path


def test_a_page_about_the_petition_is_shared_as_the_petition(signer, client):
    # The confirmation page's own address holds a private token: the preview points at the petition.
    signer.sign()
    for path in ("/", signer.confirm_link("fatima@example.org")):
        tags = _check_meta(client.get(path).get_data(as_text=True))
        assert tags["og:url"] == ["http://localhost/petitions/kleema?lang=fr"]
        assert tags["og:title"] == ["Wana, rétablissez les appels des abonnés de KLEEMA"]
        assert urlsplit(tags["og:image"][0]).path == "/petitions/kleema/card/fr.png"


@pytest.mark.parametrize(("lang", "og_locale"), [("fr", "fr_FR"), ("ar", "ar_AR"), ("en", "en_GB")])
def test_preview_follows_the_language(client, lang, og_locale):
    tags = _check_meta(client.get(f"/petitions/kleema?lang={lang}").get_data(as_text=True))
    assert tags["og:locale"] == [og_locale]
    assert og_locale not in tags["og:locale:alternate"] and len(tags["og:locale:alternate"]) == 2
    assert urlsplit(tags["og:image"][0]).path == f"/petitions/kleema/card/{lang}.png"


def test_the_preview_images_are_1200_by_630_png(client):
    for path in ("/petitions/kleema", "/privacy"):
        image_url = meta_tags(client.get(path).get_data(as_text=True))["og:image"][0]
        image = _png(client.get(urlsplit(image_url).path + "?" + urlsplit(image_url).query))
        assert image.size == (1200, 630) and image.format == "PNG"


def test_unknown_language_or_petition_has_no_card(client):
    assert client.get("/petitions/kleema/card/xx.png").status_code == 404
    assert client.get("/petitions/nope/card/fr.png").status_code == 404


def _stored(app) -> ShareImage:
    with app.app_context():
        row = db.session.scalar(select(ShareImage).where(ShareImage.key.like("petition:%:fr")))
        db.session.expunge(row)
        db.session.remove()
        return row


def _add_signatures(app, amount: int) -> None:
    with app.app_context():
        petition_id = db.session.scalar(select(Petition.id).where(Petition.slug == "kleema"))
        counting.add(petition_id, "FR", amount)
        db.session.commit()
        db.session.remove()


def _image_url(client) -> str:
    return meta_tags(client.get("/petitions/kleema").get_data(as_text=True))["og:image"][0]


def test_card_is_drawn_again_when_the_count_crosses_a_milestone(app, client):
    first_url = _image_url(client)
    client.get("/petitions/kleema/card/fr.png")
    assert _stored(app).count_shown == 0

    _add_signatures(app, 1)  # 0 -> 1: a milestone
    png = client.get("/petitions/kleema/card/fr.png").data
    assert _stored(app).count_shown == 1
    assert _image_url(client) != first_url  # robots that cache by address fetch the new card

    _add_signatures(app, 2)  # 3: crosses 2
    assert client.get("/petitions/kleema/card/fr.png").data != png
    assert _stored(app).count_shown == 3

    _add_signatures(app, 1)  # 4: same milestone, drawn minutes ago: the stored card is served
    unchanged = client.get("/petitions/kleema/card/fr.png").data
    assert _stored(app).count_shown == 3
    assert unchanged == client.get("/petitions/kleema/card/fr.png").data

    app.config["SHARE_CARD_REFRESH_SECONDS"] = 0  # as if the minutes had passed
    client.get("/petitions/kleema/card/fr.png")
    assert _stored(app).count_shown == 4


def test_card_is_shared_by_every_app_process(app, client, monkeypatch, tmp_path):
    drawn = []
    real_render = card.render
    monkeypatch.setattr(
        card, "render", lambda text, *a, **k: drawn.append(text) or real_render(text, *a, **k)
    )
    other_process = create_app({**app.config, "AUTO_SETUP": False})
    first = client.get("/petitions/kleema/card/fr.png")
    second = other_process.test_client().get("/petitions/kleema/card/fr.png")
    assert len(drawn) == 1
    assert first.data == second.data and first.headers["ETag"] == second.headers["ETag"]
    assert (
        client.get(
            "/petitions/kleema/card/fr.png", headers={"If-None-Match": first.headers["ETag"]}
        ).status_code
        == 304
    )


def test_milestones():
    assert [service.milestone(n, 100) for n in (0, 1, 3, 7, 19, 99, 100, 150, 250, 1999)] == [
        0,
        1,
        2,
        5,
        10,
        50,
        100,
        100,
        200,
        1600,  # the goal doubled four times, like the next target on the page
    ]
    assert service.milestone(49_999, 50_000) == 20_000
    assert service.milestone(50_000, 50_000) == 50_000
    assert service.milestone(60_000, 50_000) == 50_000
    assert service.milestone(100_000, 50_000) == 100_000


ARABIC_TITLE = "أعيدوا لنا خط KLEEMA نحو Wana من أجل عائلاتنا في المغرب"


def _ink_columns(image: Image.Image, top: int, bottom: int) -> tuple[int, int]:
    """Leftmost and rightmost columns holding dark title ink between two heights."""
    region = image.convert("L").crop((0, top, image.width, bottom)).point(lambda v: 255 if v < 90 else 0)
    left, _top, right, _bottom = region.getbbox()
    return left, right


def test_an_arabic_title_is_written_right_to_left(app, client):
    add_petition(app, "arabe", ARABIC_TITLE)
    image = _png(client.get("/petitions/arabe/card/fr.png"))
    left, right = _ink_columns(image, 130, 400)
    assert right > 1100  # starts at the right margin
    latin = _png(client.get("/petitions/kleema/card/fr.png"))
    assert _ink_columns(latin, 130, 400)[0] < 100  # a French title starts at the left margin
    assert left > 60


def test_without_raqm_arabic_is_still_shaped_and_ordered(app, monkeypatch):
    text = card.CardText(
        kicker="عريضة", title=ARABIC_TITLE, call="kleema.example", subtitle="لجنة الدعم", rtl=True
    )
    with_raqm = Image.open(io.BytesIO(card.render(text, card.RAQM))).convert("L")
    fallback = Image.open(io.BytesIO(card.render(text, card.BASIC))).convert("L")
    monkeypatch.setattr(card.arabic_reshaper, "reshape", lambda s: s)
    monkeypatch.setattr(card, "get_display", lambda s, **k: s)
    unshaped = Image.open(io.BytesIO(card.render(text, card.BASIC))).convert("L")

    def differing(a, b) -> float:
        diff = ImageChops.difference(a, b).point(lambda v: 255 if v > 64 else 0)
        return sum(1 for v in diff.get_flattened_data() if v) / (a.width * a.height)

    # Isolated letters in logical order would look nothing like the shaped text.
    assert differing(with_raqm, fallback) < differing(with_raqm, unshaped) / 4
