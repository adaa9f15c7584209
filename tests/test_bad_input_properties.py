"""Whatever arrives, the site answers with a page, never a 500: properties checked with hypothesis.

Every POST route of the app is found from its URL map (so a new form is covered the day it is
added) and sent arbitrary Unicode, huge bodies, missing and duplicated fields and wrong content
types; every GET page gets arbitrary query parameters, languages and cookies. The examples are
derandomized and bounded, so a run is reproducible and short.
"""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import GOOD, form_tokens

BOUNDED = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

FIELDS = [*GOOD, "csrf_token", "started", "website", "is_subscriber", "wants_updates", "body", "author"]
CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=latin-1",
    "multipart/form-data",
    "application/json",
    "text/plain",
    "application/octet-stream",
    "application/xml",
    "",
]

# Any Unicode a keyboard, a paste or a robot can produce, surrogates and NUL included.
any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=300)
field_value = st.one_of(
    any_text, st.sampled_from(["", " ", "FR", "y", "fatima@example.org", "\x00", "🇲🇦" * 50])
)


@st.composite
def form_fields(draw, tokens):
    """A form as a browser, a robot or a broken client could send it: fields missing, doubled or odd."""
    fields = []
    for name in draw(st.lists(st.sampled_from(FIELDS) | any_text, max_size=14)):
        for _ in range(draw(st.integers(1, 3))):  # a field may come two or three times
            fields.append((name, draw(field_value)))
    if draw(st.booleans()):
        # With the visitor's real tokens, the input reaches the validators and the service.
        fields = [(k, v) for k, v in fields if k not in tokens] + list(tokens.items())
    return fields


def post_paths(app, links, known_id):
    """Every POST route, with its arguments filled with a real petition and real or forged tokens and ids."""
    from flask import url_for

    paths = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        for token, number in (
            (links.get(rule.endpoint, "forged"), known_id),
            ("%00%ff", 0),
            ("x" * 400, 2**62),
        ):
            values = {arg: "kleema" if arg == "slug" else token for arg in rule.arguments}
            with app.test_request_context():
                try:
                    paths.append(url_for(rule.endpoint, **values))
                except ValueError:  # a numeric argument (a comment's id)
                    values = {arg: "kleema" if arg == "slug" else number for arg in rule.arguments}
                    paths.append(url_for(rule.endpoint, **values))
    assert paths, "the app has POST routes"
    return sorted(set(paths))


@pytest.fixture
def targets(app, client, signer):
    signer.sign(email="owner@example.org")
    links = {
        "signing.confirm": signer.confirm_link("owner@example.org").rsplit("/", 1)[1],
        "signing.withdraw": signer.withdraw_link("owner@example.org").rsplit("/", 1)[1],
    }
    tokens = form_tokens(client.get("/petitions/kleema").get_data(as_text=True))
    return post_paths(app, links, a_comment_id(app, client)), tokens


def a_comment_id(app, client) -> int:
    """A comment that exists (posted as a reader would), so that its routes reach their rules."""
    from sqlalchemy import func, select

    from petition.comments.models import Comment
    from petition.extensions import db

    page = client.get("/petitions/kleema/comments").get_data(as_text=True)
    fields = {
        name: value
        for name, value in re.findall(
            r'name="(comment-(?:csrf_token|started))" type="hidden" value="([^"]+)"', page
        )
    }
    client.post(
        "/petitions/kleema/comments",
        data={**fields, "comment-author_name": "Karim", "comment-text": "Ma famille est à Oujda."},
    )
    with app.app_context():
        found = db.session.scalar(select(func.max(Comment.id)))
        db.session.remove()
    assert found, "a comment was stored"
    return found


def _encode(fields):
    from urllib.parse import quote

    return "&".join(
        f"{quote(k.encode('utf-8', 'surrogatepass'))}={quote(v.encode('utf-8', 'surrogatepass'))}"
        for k, v in fields
    ).encode()


@BOUNDED
@given(data=st.data())
def test_no_post_route_answers_500_to_any_form(client, targets, data):
    paths, tokens = targets
    path = data.draw(st.sampled_from(paths))
    fields = data.draw(form_fields(tokens))
    response = client.post(path, data=_encode(fields), content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500, (path, fields)


@BOUNDED
@given(data=st.data())
def test_no_post_route_answers_500_to_any_body_or_content_type(client, targets, data):
    paths, _ = targets
    path = data.draw(st.sampled_from(paths))
    content_type = data.draw(
        st.sampled_from(CONTENT_TYPES) | any_text.map(lambda t: t.replace("\n", " ")[:80])
    )
    body = data.draw(
        st.one_of(
            st.binary(max_size=2000),
            any_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
            st.integers(200_000, 600_000).map(lambda n: b"reason=" + b"x" * n),
        )
    )
    try:
        response = client.post(path, data=body, headers={"Content-Type": content_type})
    except ValueError:
        # werkzeug's test client refuses to build some headers (newlines); a real server rejects them first.
        return
    assert response.status_code < 500, (path, content_type, body[:100])
    if len(body) > 256 * 1024 and path.endswith("/sign"):
        assert response.status_code == 413


GET_PATHS = ["/", "/petitions/kleema", "/api/petitions/kleema", "/privacy", "/petitions/kleema/thanks"]


@BOUNDED
@given(
    path=st.sampled_from(GET_PATHS),
    query=st.lists(st.tuples(st.sampled_from(["lang", "page", "ref", "q"]) | any_text, any_text), max_size=6),
    language=any_text.map(lambda t: t.encode("latin-1", "replace").decode("latin-1").replace("\n", " ")),
    cookie=any_text,
)
def test_no_page_answers_500_to_any_query_language_or_cookie(app, path, query, language, cookie):
    from urllib.parse import quote

    client = app.test_client()
    client.set_cookie("lang", cookie.encode("utf-8", "surrogatepass").decode("utf-8", "replace"))
    query_string = "&".join(
        f"{quote(k.encode('utf-8', 'surrogatepass'))}={quote(v.encode('utf-8', 'surrogatepass'))}"
        for k, v in query
    )
    response = client.get(f"{path}?{query_string}", headers={"Accept-Language": language})
    assert response.status_code < 500, (path, query_string, language)


@BOUNDED
@given(segment=any_text.filter(lambda t: t not in ("", ".", "..")))
def test_no_page_answers_500_to_any_slug_or_token(client, segment):
    from urllib.parse import quote

    encoded = quote(segment.encode("utf-8", "surrogatepass"), safe="")
    for path in (
        f"/petitions/{encoded}",
        f"/api/petitions/{encoded}",
        f"/confirm/{encoded}",
        f"/withdraw/{encoded}",
    ):
        assert client.get(path).status_code < 500, path


@pytest.mark.parametrize("path", ["/petitions/%00", "/api/petitions/%00", "/petitions/k%00leema/comments"])
def test_a_nul_byte_in_a_slug_is_not_found(client, path):
    # PostgreSQL refuses NUL in text: found by the property above, once a 500.
    assert client.get(path).status_code == 404


# The back office, logged in as an admin: the same properties, with the staff's own fields.
STAFF_FIELDS = ["action", "bulk", "ids", "queue", "bulk_reason", "text", "banned", "suspect", "mode", "email"]
# Whole numbers around every power of two: past the 32-bit keys of PostgreSQL, past 64 bits, and
# the offsets a page number makes.
number = st.one_of(
    st.integers().map(str),
    st.integers(0, 70).flatmap(lambda n: st.sampled_from([2**n - 1, 2**n, -(2**n), 2**n // 10])).map(str),
)
staff_value = st.one_of(
    field_value,
    number,
    number,
    st.sampled_from(["approve", "reject", "spam", "delete", "feature", "unfeature", "pending", "decided"]),
    st.tuples(
        st.sampled_from(["approve", "reject", "spam", "delete", "feature", "x", ""]),
        st.integers() | any_text,
    ).map(lambda pair: f"{pair[0]}:{pair[1]}"),
)


def staff_paths(app, method: str, comment_id: int) -> list[str]:
    """Every back-office route for `method`, with its arguments: a real comment and a huge id."""
    from flask import url_for

    paths = set()
    for rule in app.url_map.iter_rules():
        if (
            method not in rule.methods
            or not rule.rule.startswith("/admin")
            or rule.endpoint == "accounts.logout"
        ):
            continue
        for number in (comment_id, 2**63 - 1):
            values = {arg: "kleema" if arg == "slug" else number for arg in rule.arguments}
            with app.test_request_context():
                paths.add(url_for(rule.endpoint, **values))
    assert paths, f"the back office has {method} routes"
    return sorted(paths)


@pytest.fixture
def admin(app, client, staff):
    """A logged-in admin's browser, the back-office paths and the CSRF token of its session."""
    comment_id = a_comment_id(app, client)
    admin_client = app.test_client()
    staff.login(admin_client, role="admin")
    page = admin_client.get("/admin/moderation")
    assert page.status_code == 200
    return (
        admin_client,
        staff_paths(app, "GET", comment_id),
        staff_paths(app, "POST", comment_id),
        form_tokens(page.get_data(as_text=True)),
    )


def _query(pairs) -> str:
    from urllib.parse import quote

    return "&".join(
        f"{quote(k.encode('utf-8', 'surrogatepass'))}={quote(v.encode('utf-8', 'surrogatepass'))}"
        for k, v in pairs
    )


@settings(BOUNDED, max_examples=400)
@given(data=st.data())
def test_no_staff_page_answers_500_to_any_query(admin, data):
    admin_client, get_paths, _, _ = admin
    path = data.draw(st.sampled_from(get_paths))
    query = [
        (key, data.draw(number | staff_value))
        for key in ("page", "actor", "action", "queue", "reply", "next", "lang")
        if data.draw(st.booleans())
    ]
    query += data.draw(st.lists(st.tuples(any_text, staff_value), max_size=3))
    response = admin_client.get(f"{path}?{_query(query)}")
    assert response.status_code < 500, (path, query)
    assert response.status_code != 302 or "/admin/login" not in response.headers["Location"], (
        "still logged in"
    )


@BOUNDED
@given(data=st.data())
def test_no_staff_form_answers_500_to_any_fields_with_a_valid_token(admin, data):
    admin_client, _, post_paths, tokens = admin
    path = data.draw(st.sampled_from(post_paths))
    fields = []
    for name in data.draw(st.lists(st.sampled_from(STAFF_FIELDS) | any_text, max_size=10)):
        for _ in range(data.draw(st.integers(1, 3))):
            fields.append((name, data.draw(staff_value)))
    fields = [(k, v) for k, v in fields if k != "csrf_token"] + list(tokens.items())
    response = admin_client.post(
        path, data=_query(fields).encode(), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code < 500, (path, fields)
