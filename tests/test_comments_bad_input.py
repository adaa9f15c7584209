"""Wrong input in the comment form gets a clear message, keeps what was typed, and never a 500."""

from html import unescape

import pytest
from sqlalchemy import func, select

from petition.comments.models import Comment, CommentStatus
from petition.extensions import db
from petition.petitions.models import Petition
from tests.commenting import Reader, approved, decide, latest_comment


def comment_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Comment))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "Indiquez un nom ou un pseudonyme."),
        ({"name": "   "}, "Indiquez un nom ou un pseudonyme."),
        ({"text": ""}, "Écrivez votre commentaire."),
        ({"text": " \n\n  "}, "Écrivez votre commentaire."),
        ({"name": "K" * 61}, "60 caractères au plus."),
        ({"text": "a" * 2001}, "caractères au plus\u00a0: votre texte en compte"),
        ({"name": "Ka\x00rim"}, "caractères invisibles ou de contrôle"),
        ({"name": "\u202eKarim"}, "caractères invisibles ou de contrôle"),
        ({"name": "Karim\u2066"}, "caractères invisibles ou de contrôle"),
        ({"text": "bonjour\x07 tout le monde"}, "caractères invisibles ou de contrôle"),
        ({"text": "salam \x1b[31m rouge"}, "caractères invisibles ou de contrôle"),
        ({"text": "Wana\u202eanaW"}, "caractères invisibles ou de contrôle"),
        ({"name": "12345"}, "Écrivez un nom avec des lettres."),
        ({"name": "promo-appels.com"}, "Un nom ne peut pas contenir d'adresse de site."),
        ({"text": "👍👍👍"}, "Écrivez votre commentaire avec des mots."),
        ({"email": "karim@"}, "Cette adresse e-mail n'est pas valide"),
        ({"text": "Sale arabe, rentre chez toi"}, "« sale arabe » n'est pas accepté ici"),
        ({"name": "Nique Ta Mere"}, "« nique ta mère » n'est pas accepté ici"),
        ({"reply_to": "999999"}, "Le commentaire auquel vous répondez n'existe pas, ou plus."),
        ({"reply_to": "abc"}, "Le commentaire auquel vous répondez n'existe pas, ou plus."),
        ({"reply_to": "-3"}, "Le commentaire auquel vous répondez n'existe pas, ou plus."),
        ({"reply_to": "²"}, "Le commentaire auquel vous répondez n'existe pas, ou plus."),
        ({"reply_to": "9" * 40}, "Le commentaire auquel vous répondez n'existe pas, ou plus."),
    ],
)
def test_each_bad_input_gets_its_message_and_keeps_the_rest(app, fields, message):
    typed = {
        "name": "Karim",
        "text": "Je soutiens les abonnés de KLEEMA.",
        "email": "karim@example.org",
        **fields,
    }
    response = Reader(app).comment(**typed)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in unescape(html)
    assert 'role="alert"' in html
    if "name" not in fields:
        assert 'value="Karim"' in html
    if "text" not in fields:
        assert "Je soutiens les abonnés de KLEEMA.</textarea>" in html
    assert comment_count(app) == 0


def test_parent_in_another_petition_is_unknown(app):
    with app.app_context():
        other = Petition(
            slug="autre",
            title="Autre pétition",
            summary="…",
            addressee="…",
            letter="…",
            background="…",
            demands="…",
        )
        db.session.add(other)
        db.session.commit()
    elsewhere = approved(app, Reader(app), slug="autre", text="Sur une autre pétition")
    response = Reader(app, ip="198.51.100.3").comment(reply_to=elsewhere)
    assert response.status_code == 422
    assert "Le commentaire auquel vous répondez n'existe pas, ou plus." in response.get_data(as_text=True)
    assert comment_count(app) == 1


@pytest.mark.parametrize("status", [CommentStatus.REJECTED, CommentStatus.SPAM, CommentStatus.PENDING])
def test_reply_to_a_comment_that_is_not_public_is_refused_and_the_text_kept(app, status):
    target = approved(app, Reader(app), text="Un commentaire qui sera retiré")
    decide(app, target, status)
    response = Reader(app, ip="198.51.100.3").comment(text="Ma réponse", reply_to=target)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Ce commentaire n'est pas publié\u00a0: on ne peut pas y répondre." in html
    assert "Ma réponse</textarea>" in html
    # The form now posts a new comment instead of the impossible reply.
    assert 'name="comment-reply_to" type="hidden" value=""' in html
    assert latest_comment(app).id == target
    # An old "reply" link to it opens an ordinary comment form.
    reader = Reader(app, ip="198.51.100.4")
    assert reader.get(f"/comments/{target}/reply").status_code == 404
    page = reader.html(f"/petitions/kleema/comments?reply={target}")
    assert 'name="comment-reply_to" type="hidden" value=""' in page


def test_unknown_petition_and_garbage_bodies(app):
    reader = Reader(app)
    assert reader.comment(slug="nope").status_code == 404
    assert reader.client.post("/petitions/kleema/comments", json={"text": "x"}).status_code == 400
    garbage = reader.client.post(
        "/petitions/kleema/comments",
        data=b"\xff\xfe\x00garbage",
        content_type="application/x-www-form-urlencoded",
    )
    assert garbage.status_code == 400
    huge = reader.comment(text="x" * 400_000)
    assert huge.status_code == 413
    assert reader.get("/comments/abc").status_code == 404
    assert reader.get("/comments/" + "9" * 30).status_code == 404
    assert reader.get("/comments/" + "9" * 30 + "/report").status_code == 404
    assert reader.comment(reply_to="9" * 5000).status_code == 422
    assert reader.get("/petitions/kleema/comments?page=abc").status_code == 200
    assert comment_count(app) == 0


def test_every_error_is_told_at_once(app):
    response = Reader(app).comment(name="Ka\u202erim", text="Ces connards de Wana", email="karim@")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "3 champs sont à corriger" in html
    assert "caractères invisibles ou de contrôle" in html
    assert "« connard » n'est pas accepté ici" in unescape(html)
    assert "Cette adresse e-mail n'est pas valide" in unescape(html)


def test_an_empty_reply_to_a_removed_last_thread_comes_back_with_its_message(app):
    app.config["COMMENTS_PER_PAGE"] = 1
    approved(app, Reader(app), text="Premier fil")
    removed = approved(app, Reader(app, ip="198.51.100.1"), text="Deuxième fil, retiré ensuite")
    decide(app, removed, CommentStatus.REJECTED)
    response = Reader(app, ip="198.51.100.2").comment(text="", reply_to=removed)
    assert response.status_code == 422
    assert "Écrivez votre commentaire." in unescape(response.get_data(as_text=True))
