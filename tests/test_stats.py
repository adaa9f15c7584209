"""The committee's numbers at /admin/stats: each chart an accessible SVG drawn on the server,
the same figures in a table beside it, and figures that follow new signatures and comments."""

import re
import xml.etree.ElementTree as ET
from html import unescape

import pytest
from flask_babel import force_locale, gettext

from tests.commenting import Reader

SVG = "{http://www.w3.org/2000/svg}"


def said(app, lang: str, msgid: str, **params) -> str:
    with app.test_request_context(), force_locale(lang):
        return gettext(msgid, **params)


def table_rows(html: str, name: str) -> dict[str, list[str]]:
    """{row label: [cells]} of the data table of the chart `name`, as a reader sees them."""
    section = html[html.index(f'<section class="stats-block" id="{name}"') :]
    section = section[: section.index("</section>")]
    rows = {}
    for row in re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", section, re.S):
        label, *cells = re.split(r"</th>|</td>", row)
        clean = lambda s: unescape(re.sub(r"<[^>]+>", "", s)).strip()  # noqa: E731
        rows[clean(label)] = [clean(c) for c in cells if clean(c) or "<td" in c]
    return rows


@pytest.fixture
def admin(app, staff):
    client = app.test_client()
    staff.login(client, "admin")
    return client


def test_the_numbers_show_where_signatures_come_from(app, signer, admin):
    signer.client.set_cookie("first_touch", ".whatsapp")
    signer.sign_and_confirm(email="a@example.org", country="FR", is_subscriber="y")
    signer.sign_and_confirm(email="b@example.org", country="MA")
    signer.sign_and_confirm(email="c@example.org", country="MA", is_subscriber="y")
    signer.sign(email="pending@example.org", country="BE")

    html = admin.get("/admin/stats").get_data(as_text=True)
    countries = table_rows(html, "countries")
    assert countries == {"Maroc": ["2"], "France": ["1"]}
    assert table_rows(html, "subscribers") == {"Abonnés à KLEEMA": ["2"], "Autres": ["1"]}
    assert table_rows(html, "channels") == {"WhatsApp": ["4", "3"]}
    per_day = table_rows(html, "per-day")
    assert len(per_day) == 30 and list(per_day.values())[-1] == ["3"]
    assert sum(int(cells[0]) for cells in table_rows(html, "per-hour").values()) == 3
    confirmation = table_rows(html, "confirmation")
    assert list(confirmation.values())[-1][:2] == ["4", "3"]
    assert "3 confirmées sur 4 signées, soit 75" in unescape(html)


def test_a_new_confirmation_or_comment_shows_at_the_next_visit(app, signer, admin):
    signer.sign_and_confirm(email="a@example.org", country="FR")
    html = admin.get("/admin/stats").get_data(as_text=True)
    assert table_rows(html, "countries") == {"France": ["1"]}
    assert list(table_rows(html, "comments").values())[-1] == ["0", "0"]

    signer.sign_and_confirm(email="b@example.org", country="FR")
    Reader(app).comment(text="Courage au comité, on ne lâche rien.", name="Amina")
    html = admin.get("/admin/stats").get_data(as_text=True)
    assert table_rows(html, "countries") == {"France": ["2"]}
    assert list(table_rows(html, "comments").values())[-1] == ["1", "0"]


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_each_chart_is_an_accessible_svg_without_script(app, signer, admin, lang):
    signer.sign_and_confirm(email="a@example.org", country="MA", is_subscriber="y")
    html = admin.get("/admin/stats", query_string={"lang": lang}).get_data(as_text=True)
    charts = re.findall(r'<img src="([^"]+\.svg[^"]*)" alt="([^"]+)" aria-describedby="([^"]+)"', html)
    assert len(charts) == 7  # every table but the referrers' has a chart
    for src, alt, described in charts:
        assert f'id="{described}"' in html
        response = admin.get(unescape(src))
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        assert "script-src" not in response.headers["Content-Security-Policy"]
        root = ET.fromstring(response.get_data(as_text=True))  # noqa: S314  (the site's own chart)
        assert root.get("role") == "img"
        assert root.find(f"{SVG}title").text == unescape(alt)
        assert root.find(f"{SVG}desc").text
        assert root.find(f".//{SVG}script") is None
    assert said(app, lang, "Signatures par pays") in unescape(html)


def test_numbers_are_for_admins_only(app, client, staff):
    assert client.get("/admin/stats").status_code == 302
    moderator = app.test_client()
    staff.login(moderator, "moderator")
    assert moderator.get("/admin/stats").status_code == 403
    assert moderator.get("/admin/stats/kleema/countries.svg").status_code == 403


def test_an_unknown_chart_or_petition_is_a_404(admin):
    assert admin.get("/admin/stats/kleema/nothing.svg").status_code == 404
    assert admin.get("/admin/stats/kleema/referrers.svg").status_code == 404
    assert admin.get("/admin/stats?petition=nope").status_code == 404
    assert admin.get("/admin/stats/nope/countries.svg").status_code == 404


def test_the_dashboard_leads_admins_to_the_numbers_and_the_volunteers(app, admin, staff):
    html = admin.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/stats"' in html and 'href="/admin/volunteers"' in html
    moderator = app.test_client()
    staff.login(moderator, "moderator")
    html = moderator.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/stats"' not in html and 'href="/admin/volunteers"' not in html
