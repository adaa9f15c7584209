"""Whatever readers type, in the name or the text, reaches every page as inert text."""

import pytest

from petition.comments.models import CommentStatus
from tests.commenting import (
    CORPUS,
    NAMES,
    Reader,
    approved,
    assert_inert,
    comment_count_of,
    decide,
    latest_comment,
)
from tests.helpers import links, path_of, text_of


@pytest.mark.parametrize("payload", CORPUS)
def test_payload_in_the_text_is_inert_everywhere(app, payload):
    author = Reader(app)
    comment_id = approved(app, author, text=f"Avant {payload} après")
    reader = Reader(app, ip="198.51.100.61")
    pages = [
        reader.html(),
        reader.html("/"),
        reader.html(f"/comments/{comment_id}"),
        reader.html(f"/comments/{comment_id}/report"),
        reader.html(f"/comments/{comment_id}/reply"),
        author.html(f"/comments/{comment_id}/edit"),
    ]
    for html in pages:
        assert_inert(html)
        if "<" in payload:
            assert payload not in html
    assert "Avant" in pages[0] and "après" in pages[0]


@pytest.mark.parametrize("payload", NAMES)
def test_payload_in_the_name_is_inert_everywhere(app, payload):
    author = Reader(app)
    comment_id = approved(app, author, name=payload, text="Je soutiens la pétition.")
    reply_id = approved(app, Reader(app, ip="198.51.100.62"), text="Merci !", reply_to=comment_id)
    reader = Reader(app, ip="198.51.100.63")
    pages = [
        reader.html(),
        reader.html("/"),
        reader.html(f"/comments/{comment_id}/reply"),
        reader.html(f"/comments/{reply_id}/report"),
    ]
    for html in pages:
        assert_inert(html)
        if "<" in payload or '"' in payload:
            assert payload not in html


def test_payload_kept_in_a_form_after_an_error_is_inert(app):
    payload = '</textarea><script>alert(1)</script>"><img src=x onerror=alert(1)>'
    response = Reader(app).comment(name='Karim "><script>alert(1)</script>', text=payload + "\x07")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert_inert(html)
    assert payload not in html


@pytest.mark.parametrize("override", ["\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u200f", "\u061c"])
def test_direction_overrides_never_reach_the_page(app, override):
    reader = Reader(app)
    for fields in ({"name": f"Karim{override}gnp.exe"}, {"text": f"Voir le fichier {override}fdp.exe"}):
        response = reader.comment(**fields)
        assert response.status_code == 422
        assert "caractères invisibles ou de contrôle" in response.get_data(as_text=True)
    assert comment_count_of(app) == 0


def test_reply_mail_shows_markup_as_text_in_both_parts(app, signer, smtp_sink):
    author = Reader(app)
    author.comment(text="Prévenez-moi", email="amina@example.org")
    target = latest_comment(app).id
    decide(app, target, CommentStatus.APPROVED)
    signer.deliver()
    author.press(path_of(next(u for u in links(smtp_sink.last_to("amina@example.org")) if "/confirm/" in u)))
    approved(
        app,
        Reader(app, ip="198.51.100.64"),
        name="<b>Moi</b>",
        text="<script>alert(1)</script>",
        reply_to=target,
    )
    signer.deliver()
    mail = smtp_sink.last_to("amina@example.org")
    assert mail.get_content_type() == "multipart/alternative"
    assert "\u2068<b>Moi</b>\u2069 a répondu" in text_of(mail)
    html = mail.get_body(("html",)).get_content()
    assert "\u2068&lt;b&gt;Moi&lt;/b&gt;\u2069 a répondu" in html
    assert "<script" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
