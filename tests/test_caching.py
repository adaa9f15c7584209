"""What visitors notice of the cache (petition/caching.py): what everyone sees is shared and fresh
after the write that changes it; the form, its token and what is theirs never are."""

import re

from petition.extensions import db
from petition.petitions import service as petitions
from petition.petitions.models import Petition
from tests.commenting import Moderator, Reader, latest_comment
from tests.helpers import CSRF, GOOD, form_tokens

COUNT = re.compile(r"data-count>([^<]*)<")


def shown_count(client) -> str:
    return COUNT.search(client.get("/petitions/kleema").get_data(as_text=True)).group(1)


def test_a_confirmation_shows_at_once_in_the_count_everyone_reads(signer, client):
    assert shown_count(client) == "0" and signer.count() == 0  # both now cached
    signer.sign_and_confirm(email="first@example.org")
    assert shown_count(client) == "1"
    assert signer.count() == 1
    signer.sign_and_confirm(email="second@example.org")
    assert signer.count() == 2


def test_a_withdrawal_shows_at_once_in_the_count_and_the_signers(signer, client):
    signer.sign_and_confirm(email="fatima@example.org", first_name="Fatima", show_name="y")
    page = client.get("/petitions/kleema").get_data(as_text=True)
    assert "Fatima B." in page and shown_count(client) == "1"
    signer.press_button(signer.withdraw_link("fatima@example.org"))
    page = client.get("/petitions/kleema").get_data(as_text=True)
    assert "Fatima B." not in page
    assert signer.count() == 0


def test_every_visitor_gets_their_own_token_even_with_cookies(app, signer):
    first, second = app.test_client(), app.test_client()
    for visitor in (first, second):
        visitor.set_cookie("lang", "fr")
        visitor.get("/petitions/kleema")  # now they have a session, like a returning visitor
    tokens = [
        CSRF.search(v.get("/petitions/kleema").get_data(as_text=True)).group(1) for v in (first, second)
    ]
    assert tokens[0] != tokens[1]
    # Each token is the visitor's own: sent from the other browser, it is refused.
    page = first.get("/petitions/kleema").get_data(as_text=True)
    stolen = {**GOOD, **form_tokens(page), "email": "second@example.org"}
    assert second.post("/petitions/kleema/sign", data=stolen).status_code == 400
    own = {**GOOD, **form_tokens(second.get("/petitions/kleema").get_data(as_text=True))}
    assert (
        second.post("/petitions/kleema/sign", data={**own, "email": "second@example.org"}).status_code == 303
    )


def test_what_a_visitor_typed_never_reaches_the_next_visitor(app):
    first, second = app.test_client(), app.test_client()
    page = first.get("/petitions/kleema").get_data(as_text=True)
    refused = {**GOOD, **form_tokens(page), "email": "not an address", "country": "MA", "city": "Tanger"}
    again = first.post("/petitions/kleema/sign", data=refused).get_data(as_text=True)
    assert 'value="MA" selected' in again and "Tanger" in again
    page = second.get("/petitions/kleema").get_data(as_text=True)
    assert "selected>" not in page and "Tanger" not in page and "not an address" not in page


def test_countries_are_named_in_each_visitors_language(client):
    assert ">Maroc<" in client.get("/petitions/kleema?lang=fr").get_data(as_text=True)
    assert ">Morocco<" in client.get("/petitions/kleema?lang=en").get_data(as_text=True)
    assert ">المغرب<" in client.get("/petitions/kleema?lang=ar").get_data(as_text=True)


def test_a_waiting_comment_is_seen_by_its_author_only(app):
    author, other = Reader(app, "192.0.2.1"), Reader(app, "192.0.2.2")
    assert other.html("/petitions/kleema")  # the shared preview is now cached
    assert author.comment(text="Mon histoire, en attente.").status_code == 303
    assert "Mon histoire, en attente." in author.html("/petitions/kleema")
    assert "Mon histoire, en attente." not in other.html("/petitions/kleema")


def test_an_approved_or_deleted_comment_shows_at_once_on_the_petition_page(app, staff):
    author, reader = Reader(app, "192.0.2.1"), Reader(app, "192.0.2.2")
    author.comment(text="Publié après relecture.")
    assert "Publié après relecture." not in reader.html("/petitions/kleema")
    Moderator(app, staff).act("approve", latest_comment(app).id)
    assert "Publié après relecture." in reader.html("/petitions/kleema")
    # Deleted by its author: gone at once for everyone.
    assert author.press(f"/comments/{latest_comment(app).id}/delete").status_code == 303
    assert "Publié après relecture." not in reader.html("/petitions/kleema")


def test_an_edited_translation_shows_at_once(app, client):
    page = client.get("/petitions/kleema?lang=en").get_data(as_text=True)  # now cached
    assert "Bring KLEEMA back" not in page and "Dear Wana, a new letter." not in page
    with app.app_context():
        petition = db.session.query(Petition).filter_by(slug="kleema").one()
        petitions.save_translation(
            petition, "en", title="Bring KLEEMA back", letter="Dear Wana, a new letter."
        )
        db.session.commit()
    page = client.get("/petitions/kleema?lang=en").get_data(as_text=True)
    assert "Bring KLEEMA back" in page and "Dear Wana, a new letter." in page
    assert client.get("/api/petitions/kleema?lang=en").get_json()["title"] == "Bring KLEEMA back"


def test_a_closed_petition_refuses_signatures_at_once(app, signer, client):
    assert signer.sign(email="before@example.org").status_code == 303
    assert client.get("/api/petitions/kleema").get_json()["open"] is True
    # A visitor who opened the page before the petition closed sends the form after.
    page = client.get("/petitions/kleema").get_data(as_text=True)
    with app.app_context():
        db.session.query(Petition).filter_by(slug="kleema").one().is_open = False
        db.session.commit()
    assert client.get("/api/petitions/kleema").get_json()["open"] is False
    late = {**GOOD, **form_tokens(page), "email": "after@example.org"}
    assert client.post("/petitions/kleema/sign", data=late).status_code == 409


def test_a_proxy_may_keep_the_count_for_everyone(client):
    # A returning visitor: a session, a language cookie, and a language asked for the title.
    client.set_cookie("lang", "ar")
    client.get("/petitions/kleema")
    response = client.get("/api/petitions/kleema?lang=en")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=10"
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")


def test_pages_still_vary_by_cookie(client):
    response = client.get("/petitions/kleema")
    assert "Cookie" in response.headers["Vary"]
    assert "public" not in response.headers.get("Cache-Control", "")
