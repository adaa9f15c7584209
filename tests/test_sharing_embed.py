"""What other sites and paper get: the framed widget, the badge, the count JSON, QR code and flyer."""

import io
import xml.etree.ElementTree as ET  # our own output, not untrusted input

from PIL import Image
from sqlalchemy import select

from petition.counting import service as counting
from petition.extensions import db
from petition.petitions.models import Petition
from tests.sharing_helpers import add_petition

SVG = "{http://www.w3.org/2000/svg}"


def _add_signatures(app, amount: int) -> None:
    with app.app_context():
        petition_id = db.session.scalar(select(Petition.id).where(Petition.slug == "kleema"))
        counting.add(petition_id, "FR", amount)
        db.session.commit()
        db.session.remove()


def test_only_the_widget_may_be_framed(client):
    embed = client.get("/embed/kleema")
    assert embed.status_code == 200
    assert "frame-ancestors *" in embed.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in embed.headers
    for path in ("/", "/petitions/kleema", "/petitions/kleema/share", "/petitions/kleema/flyer", "/privacy"):
        response = client.get(path)
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], path
        assert response.headers["X-Frame-Options"] == "DENY", path


def test_widget_shows_title_live_count_and_a_sign_button_opening_a_new_tab(app, client):
    _add_signatures(app, 1234)
    html = client.get("/embed/kleema").get_data(as_text=True)
    assert "Wana, rétablissez les appels" in html
    assert '<strong class="count-number" data-count>1\u202f234</strong>' in html
    assert 'data-count-url="/api/petitions/kleema"' in html and "js/count.js" in html
    assert '<progress class="progress" max="50000" value="1234"' in html
    assert (
        'href="http://localhost/petitions/kleema?utm_source=embed#signer" target="_blank" rel="noopener">Signer</a>'
        in html
    )
    assert "<script>" not in html and "style=" not in html


def test_badge_is_an_svg_with_the_count(app, client):
    _add_signatures(app, 3)
    response = client.get("/badge/kleema.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    root = ET.fromstring(response.data)  # noqa: S314
    assert root.tag == f"{SVG}svg" and int(root.get("width")) > 100 and root.get("height") == "28"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "3 signatures" in texts
    assert root.find(f"{SVG}title").text.endswith("3 signatures")
    assert client.get("/badge/nope.svg").status_code == 404


def test_badge_escapes_what_it_shows(app, client):
    add_petition(app, "x", 'Titre <b>"gras"</b> & co')
    ET.fromstring(client.get("/badge/x.svg").data)  # noqa: S314  (well-formed whatever the title)


def test_count_json_answers_other_sites(client):
    response = client.get("/api/petitions/kleema", headers={"Origin": "https://ami.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    cached = client.get("/api/petitions/kleema", headers={"If-None-Match": response.headers["ETag"]})
    assert cached.status_code == 304 and cached.headers["Access-Control-Allow-Origin"] == "*"
    # Pages of the site itself are not opened to other origins.
    assert "Access-Control-Allow-Origin" not in client.get("/petitions/kleema").headers


def test_qr_codes_in_svg_and_png(client):
    svg = client.get("/petitions/kleema/qr.svg")
    assert svg.mimetype == "image/svg+xml"
    root = ET.fromstring(svg.data)  # noqa: S314
    assert root.tag == f"{SVG}svg" and root.find(f"{SVG}path") is not None
    png = client.get("/petitions/kleema/qr.png")
    image = Image.open(io.BytesIO(png.data))
    assert image.format == "PNG" and image.width == image.height >= 300


def test_flyer_has_title_reasons_count_qr_and_short_address(client):
    html = client.get("/petitions/kleema/flyer").get_data(as_text=True)
    assert '<article class="flyer flyer-a5">' in html
    assert "<h1>Wana, rétablissez les appels des abonnés de KLEEMA</h1>" in html
    assert html.count("<li>") >= 3 and "Nous demandons à la direction de Wana" in html
    assert 'src="/petitions/kleema/qr.svg"' in html
    # The address may break after "/" only, never inside a word.
    assert '<bdi dir="ltr">localhost/<wbr>p/<wbr>kleema<wbr></bdi>' in html
    assert "personne a déjà signé" in html and "Signez vous aussi\u00a0!" in html
    assert '<article class="flyer flyer-a4">' in client.get("/petitions/kleema/flyer?format=a4").get_data(
        as_text=True
    )
    assert 'flyer-a5">' in client.get("/petitions/kleema/flyer?format=<x>").get_data(as_text=True)


def test_short_address_leads_to_the_petition(client):
    response = client.get("/p/kleema")
    assert response.status_code == 302
    assert response.headers["Location"] == "http://localhost/petitions/kleema?utm_source=flyer"
    assert client.get("/p/nope").status_code == 404


def test_share_page_gives_snippets_to_copy_escaped(app, client):
    add_petition(app, "x", 'Titre "cité" <b>')
    html = client.get("/petitions/x/share").get_data(as_text=True)
    assert "&lt;iframe src=&#34;http://localhost/embed/x&#34;" in html
    assert "Titre &amp;#34;cité&amp;#34; &amp;lt;b&amp;gt;" in html  # escaped in the snippet, then as text
    assert "&lt;img src=&#34;http://localhost/badge/x.svg&#34;" in html
    assert "fetch(&#34;http://localhost/api/petitions/x&#34;)" in html
    assert "<b>" not in html
