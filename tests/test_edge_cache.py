"""The one-second cache in front of the application: public answers only, Vary honoured."""

import pytest
from flask import Flask, make_response, request

from petition.core import edge


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(edge.time, "monotonic", lambda: now[0])
    return now


@pytest.fixture
def site(clock):
    app = Flask(__name__)
    app.config["MICROCACHE_SECONDS"] = 1
    calls = {"n": 0}

    def answer(body: str, **headers):
        calls["n"] += 1
        response = make_response(f"{body} {calls['n']}")
        response.headers.update(headers)
        return response

    @app.get("/api/public")
    def public():
        return answer("public", **{"Cache-Control": "public, max-age=10", "ETag": '"v1"'})

    @app.get("/api/private")
    def private():
        return answer("private", **{"Cache-Control": "private"})

    @app.get("/api/cookie")
    def cookie():
        response = answer("cookie", **{"Cache-Control": "public"})
        response.set_cookie("seen", "1")
        return response

    @app.get("/api/by-language")
    def by_language():
        return answer(
            request.headers.get("Accept-Language", "none"),
            **{"Cache-Control": "public", "Vary": "Accept-Language"},
        )

    @app.get("/page")
    def page():
        return answer("page", **{"Cache-Control": "public"})

    app.wsgi_app = edge.EdgeCache(app, app.wsgi_app)
    return app


def text(app, path, **headers):
    return app.test_client().get(path, headers=headers).get_data(as_text=True)


def test_a_public_answer_is_served_again_for_a_second(site, clock):
    assert text(site, "/api/public") == "public 1"
    assert text(site, "/api/public") == "public 1"
    clock[0] += 1.01
    assert text(site, "/api/public") == "public 2"


def test_the_query_string_is_part_of_the_key(site):
    assert text(site, "/api/public?a=1") == "public 1"
    assert text(site, "/api/public?a=2") == "public 2"


def test_private_answers_answers_with_cookies_and_other_paths_are_never_kept(site):
    for path, first in (("/api/private", "private"), ("/api/cookie", "cookie"), ("/page", "page")):
        assert text(site, path).startswith(first)
    assert text(site, "/api/private") == "private 4"
    assert text(site, "/api/cookie") == "cookie 5"
    assert text(site, "/page") == "page 6"


def test_vary_keeps_one_answer_per_value_of_the_named_header(site):
    assert text(site, "/api/by-language", **{"Accept-Language": "ar"}) == "ar 1"
    assert text(site, "/api/by-language", **{"Accept-Language": "fr"}) == "fr 2"
    assert text(site, "/api/by-language", **{"Accept-Language": "ar"}) == "ar 1"
    assert text(site, "/api/by-language") == "none 3"


def test_if_none_match_gets_a_304_from_the_kept_answer(site):
    client = site.test_client()
    client.get("/api/public")
    response = client.get("/api/public", headers={"If-None-Match": '"v1"'})
    assert response.status_code == 304 and response.data == b"" and response.headers["ETag"] == '"v1"'
    assert client.get("/api/public", headers={"If-None-Match": '"old"'}).get_data(as_text=True) == "public 1"


def test_head_is_left_to_the_application(site):
    site.test_client().get("/api/public")
    response = site.test_client().head("/api/public")
    assert response.status_code == 200 and response.data == b""
    assert int(response.headers["Content-Length"]) == len("public 2")


def test_turned_off_with_zero_seconds(site):
    site.config["MICROCACHE_SECONDS"] = 0
    assert text(site, "/api/public") == "public 1"
    assert text(site, "/api/public") == "public 2"


def test_the_count_json_from_the_cache_keeps_its_headers(app, signer, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(edge.time, "monotonic", lambda: now[0])
    app.config["MICROCACHE_SECONDS"] = 1
    client = app.test_client()
    first = client.get("/api/petitions/kleema")
    again = client.get("/api/petitions/kleema", headers={"Origin": "https://friend.example"})
    assert again.data == first.data and again.headers["Access-Control-Allow-Origin"] == "*"
    assert again.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    cached = client.get("/api/petitions/kleema", headers={"If-None-Match": first.headers["ETag"]})
    assert cached.status_code == 304 and cached.headers["Access-Control-Allow-Origin"] == "*"
    assert client.get("/api/petitions/nope").status_code == 404
    assert client.get("/api/petitions/nope").status_code == 404


def test_the_public_count_does_not_vary_by_cookie_but_pages_do(app, client):
    client.get("/petitions/kleema")  # now with a session cookie
    count = client.get("/api/petitions/kleema")
    assert "Cookie" not in count.headers.get("Vary", "")
    assert "Cookie" in client.get("/petitions/kleema").headers["Vary"]


def test_a_visitor_with_a_session_gets_the_count_kept_for_everyone(app, client, signer, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(edge.time, "monotonic", lambda: now[0])
    app.config["MICROCACHE_SECONDS"] = 1
    assert app.test_client().get("/api/petitions/kleema").get_json()["count"] == 0  # kept
    signer.sign_and_confirm()
    client.get("/petitions/kleema")
    assert client.get("/api/petitions/kleema").get_json()["count"] == 0  # the same kept answer
    now[0] += 1.01
    assert client.get("/api/petitions/kleema").get_json()["count"] == 1
