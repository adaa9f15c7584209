"""The one-second cache of the hot public reads: fast for a crowd, never wrong for long or for a signer."""

import pytest

from petition.core import microcache
from tests.helpers import GOOD, form_tokens


@pytest.fixture
def one_second_cache(app, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(microcache.time, "monotonic", lambda: now[0])
    app.config["MICROCACHE_SECONDS"] = 1
    microcache.clear()
    yield now
    microcache.clear()


def test_new_visitors_share_the_page_but_each_gets_a_token_that_works(app, one_second_cache, signer):
    first, second = app.test_client(), app.test_client()
    tokens = [
        form_tokens(client.get("/petitions/kleema").get_data(as_text=True)) for client in (first, second)
    ]
    assert tokens[0]["csrf_token"] != tokens[1]["csrf_token"]
    for n, (client, token) in enumerate(zip((first, second), tokens, strict=True)):
        data = {**GOOD, "email": f"visitor{n}@example.org", **token}
        assert client.post("/petitions/kleema/sign", data=data).status_code == 303
    # Someone else's token is refused: the cached page never hands out one visitor's token to another.
    stolen = {**GOOD, "email": "thief@example.org", **tokens[0]}
    assert app.test_client().post("/petitions/kleema/sign", data=stolen).status_code == 400


def test_count_is_at_most_a_second_old(app, one_second_cache, signer):
    assert signer.count() == 0
    signer.sign_and_confirm()
    visitor = app.test_client()
    assert visitor.get("/api/petitions/kleema").get_json()["count"] == 0
    one_second_cache[0] += 1.01
    assert visitor.get("/api/petitions/kleema").get_json()["count"] == 1


def test_a_signer_who_comes_back_to_the_page_sees_the_count_with_their_signature(
    app, one_second_cache, signer, client
):
    app.test_client().get("/petitions/kleema")  # a new visitor fills the cache with "0 signatures"
    signer.sign_and_confirm()
    html = client.get("/petitions/kleema").get_data(as_text=True)
    assert "data-count>1</strong>" in html


def test_unknown_petition_is_still_a_404_from_the_cache(app, one_second_cache):
    visitor = app.test_client()
    for _ in range(2):
        assert visitor.get("/api/petitions/nope").status_code == 404
        assert app.test_client().get("/petitions/nope").status_code == 404


def test_a_visitor_with_a_cookie_of_the_site_gets_a_fresh_page(app, one_second_cache, signer):
    app.test_client().get("/petitions/kleema")  # cached: "0 signatures"
    signer.sign_and_confirm()
    newcomer, returning = app.test_client(), app.test_client()
    newcomer.set_cookie("lang", "fr")
    returning.set_cookie("comments_mine", "anything")
    assert "data-count>0</strong>" in newcomer.get("/petitions/kleema").get_data(as_text=True)
    assert "data-count>1</strong>" in returning.get("/petitions/kleema").get_data(as_text=True)


def test_new_visitors_share_the_comment_thread_and_each_can_post(app, one_second_cache):
    from tests.commenting import Reader, latest_comment

    first, second = Reader(app, "192.0.2.21"), Reader(app, "192.0.2.22")
    assert first.comment(name="Karim").status_code == 303
    assert second.comment(name="Nadia").status_code == 303  # each with their own token
    # Each author, now with a cookie, sees their own comment waiting for moderation at once,
    # while a new visitor gets the page of that second, without comments still to moderate.
    assert "Karim" in first.html() and "Nadia" not in first.html()
    assert "Nadia" in second.html()
    newcomer = app.test_client().get("/petitions/kleema/comments").get_data(as_text=True)
    assert "Karim" not in newcomer and "Nadia" not in newcomer
    assert latest_comment(app).author_name == "Nadia"


def test_a_comment_approved_reaches_new_visitors_within_a_second(app, one_second_cache):
    from tests.commenting import Reader, approved

    assert "Samira" not in app.test_client().get("/petitions/kleema/comments").get_data(as_text=True)
    approved(app, Reader(app), name="Samira")
    assert "Samira" not in app.test_client().get("/petitions/kleema/comments").get_data(as_text=True)
    one_second_cache[0] += 1.01
    assert "Samira" in app.test_client().get("/petitions/kleema/comments").get_data(as_text=True)
