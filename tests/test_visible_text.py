"""Text a person can see: no blank names or comments, line breaks counted as the browser counts
them, one comment for a double click, and forms that survive an expired session."""

import html
import re

import pytest

from petition.comments.models import Comment
from tests.commenting import Reader, approved, comment_count_of, plain_tokens
from tests.helpers import form_tokens

INVISIBLE = "Ce champ ne contient que des espaces ou des caractères invisibles."
BLANKS = [
    "\u3164",  # HANGUL FILLER, the example: a "letter" that draws nothing
    "\u3164\u3164\u3164",
    "\u115f\u1160",  # HANGUL CHOSEONG and JUNGSEONG FILLER
    "\uffa0",  # HALFWIDTH HANGUL FILLER
    "\u2800\u2800",  # BRAILLE PATTERN BLANK
    "\u3000\u00a0\u2007",  # ideographic, no-break and figure spaces
    "\ufe0f\u034f",  # a variation selector and the combining grapheme joiner
    "\u180e\u2060\U000e0020",  # Mongolian vowel separator, word joiner, tag space
]


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize("blank", BLANKS)
def test_a_comment_or_a_name_with_nothing_visible_is_refused_and_kept(app, blank):
    reader = Reader(app)
    # Spaces that Python strips are taken off first, and the field is then said to be empty.
    said = INVISIBLE if blank.strip() else "Écrivez votre commentaire."
    as_text = reader.comment(text=blank)
    assert as_text.status_code == 422
    assert said in page_text(as_text)
    as_name = reader.comment(name=blank, text="Je signe pour ma famille à Oujda.")
    assert as_name.status_code == 422
    assert (INVISIBLE if blank.strip() else "Indiquez un nom ou un pseudonyme.") in page_text(as_name)
    assert "Je signe pour ma famille à Oujda." in page_text(as_name)
    assert comment_count_of(app) == 0


@pytest.mark.parametrize("field", ["first_name", "last_name", "city", "reason"])
def test_a_signature_with_an_invisible_field_is_refused_in_the_signer_language(signer, field):
    response = signer.client.get("/petitions/kleema?lang=en")
    assert response.status_code == 200
    refused = signer.sign(**{field: "\u3164"})
    assert refused.status_code == 422
    assert "This field holds only spaces or invisible characters." in page_text(refused)
    assert 'value="fatima@example.org"' in refused.get_data(as_text=True)


def test_a_name_with_a_visible_letter_between_fillers_is_accepted(app):
    reader = Reader(app)
    assert reader.comment(name="\u3164Amal\u3164", text="Bonjour\u3164!").status_code == 303


def test_the_official_reply_must_be_visible_too(app, staff):
    reader = Reader(app)
    answered = approved(app, reader)
    moderator = app.test_client()
    staff.login(moderator)
    path = f"/admin/moderation/comments/{answered}/reply"
    page = moderator.get(path).get_data(as_text=True)
    refused = moderator.post(path, data={"text": "\u3164\u2800", **plain_tokens(page)})
    assert refused.status_code == 422
    assert INVISIBLE in page_text(refused)
    assert comment_count_of(app) == 1


def test_a_report_note_of_blanks_is_refused(app):
    reader = Reader(app)
    target = approved(app, Reader(app, ip="198.51.100.40"))
    refused = reader.press(f"/comments/{target}/report", reason="spam", note="\u2800\u2800\u2800")
    assert refused.status_code == 422
    assert INVISIBLE in page_text(refused)


# --- Line ends ---------------------------------------------------------------------------------


def test_a_reason_that_the_browser_lets_through_is_accepted(signer):
    """494 characters and 6 line breaks fit maxlength=500; the browser sends each break as CRLF."""
    page = signer.client.get("/petitions/kleema").get_data(as_text=True)
    assert re.search(r'<textarea(?=[^>]*name="reason")(?=[^>]*maxlength="500")', page)
    reason = "\r\n".join(["x" * 70] * 6 + ["y" * 74])
    assert len(reason.replace("\r\n", "\n")) == 500
    assert signer.sign(reason=reason).status_code == 303


def test_a_comment_at_the_limit_with_line_breaks_is_accepted_and_one_more_is_not(app):
    app.config["COMMENT_MAX_LENGTH"] = 100
    reader = Reader(app)
    page = reader.get("/petitions/kleema/comments").get_data(as_text=True)
    assert re.search(r'<textarea(?=[^>]*name="comment-text")(?=[^>]*maxlength="100")', page)
    text = "\r".join(["Ligne de vingt signe"] * 4) + "\r\n" + "z" * 16
    assert len(text.replace("\r\n", "\n")) == 100
    assert reader.comment(text=text).status_code == 303
    assert reader.comment(text=text + "z").status_code == 422


@pytest.mark.parametrize(
    "path", ["/petitions/kleema", "/petitions/kleema/comments", "/admin/login", "/comments/{id}/report"]
)
def test_every_text_field_tells_the_browser_its_limit(app, path):
    comment = approved(app, Reader(app, ip="198.51.100.50"))
    page = app.test_client().get(path.format(id=comment)).get_data(as_text=True)
    fields = re.findall(r"<(?:textarea|input)\b[^>]*>", page)
    typed = [
        f for f in fields if f.startswith("<textarea") or re.search(r'type="(?:text|email|password)"', f)
    ]
    assert typed
    # The honeypot is for robots, and a read-only box (the link to copy) takes no typing.
    without = [f for f in typed if "maxlength=" not in f and "website" not in f and "readonly" not in f]
    assert not without, without


def test_the_back_office_text_areas_tell_the_browser_their_limit(app, staff):
    comment = approved(app, Reader(app))
    admin = app.test_client()
    staff.login(admin, "admin")
    for path in (f"/admin/moderation/comments/{comment}/reply", "/admin/moderation/settings"):
        areas = re.findall(r"<textarea\b[^>]*>", admin.get(path).get_data(as_text=True))
        assert areas and all("maxlength=" in area for area in areas), (path, areas)


# --- Double submission -------------------------------------------------------------------------


def test_the_same_comment_sent_twice_is_kept_once(app):
    reader = Reader(app)
    first = reader.comment(text="Envoyé deux fois sur un réseau lent.")
    again = reader.comment(text="Envoyé deux fois sur un réseau lent.")
    assert first.status_code == again.status_code == 303
    assert comment_count_of(app) == 1
    shown = reader.html(again.headers["Location"])
    assert "Ce commentaire était déjà reçu" in shown
    assert shown.count("Envoyé deux fois sur un réseau lent.") == 1


def test_a_double_click_whose_first_answer_was_lost_still_leaves_the_author_their_comment(app):
    """The second request comes from the same network without the cookie of the first answer."""
    first, second = Reader(app, ip="192.0.2.10"), Reader(app, ip="192.0.2.11")
    first.comment(text="Premier clic, réponse perdue.", name="Nadia")
    assert second.comment(text="Premier clic, réponse perdue.", name="Nadia").status_code == 303
    assert comment_count_of(app) == 1
    with app.app_context():
        from petition.extensions import db

        comment_id = db.session.query(Comment.id).scalar()
    assert second.get(f"/comments/{comment_id}/edit").status_code == 200


def test_the_same_words_from_someone_else_or_as_a_reply_are_new_comments(app):
    amal, yanis = Reader(app, ip="192.0.2.10"), Reader(app, ip="203.0.113.9")
    target = approved(app, Reader(app, ip="198.51.100.60"), text="Une question ?")
    amal.comment(text="Moi aussi.", name="Amal")
    yanis.comment(text="Moi aussi.", name="Amal")
    amal.comment(text="Moi aussi.", name="Amal", reply_to=target)
    assert comment_count_of(app) == 4


# --- Forms after an expired session -----------------------------------------------------------


def test_a_report_with_an_expired_token_shows_the_form_again_with_the_note(app):
    target = approved(app, Reader(app, ip="198.51.100.70"))
    reader = Reader(app)
    reader.get(f"/comments/{target}/report")
    response = reader.post(
        f"/comments/{target}/report",
        {"csrf_token": "expired", "reason": "abuse", "note": "Insulte à la ligne 2"},
    )
    assert response.status_code == 400
    text = page_text(response)
    assert "Votre session a expiré" in text
    assert "Insulte à la ligne 2" in text
    assert reader.press(f"/comments/{target}/report", reason="abuse", note="Insulte").status_code == 303


def test_staff_forms_with_an_expired_token_keep_what_was_typed(app, staff):
    comment = approved(app, Reader(app))
    admin = app.test_client()
    staff.login(admin, "admin")
    reply = admin.post(
        f"/admin/moderation/comments/{comment}/reply", data={"csrf_token": "old", "text": "Audience jeudi."}
    )
    assert reply.status_code == 400
    assert "Votre session a expiré" in page_text(reply) and "Audience jeudi." in page_text(reply)
    words = admin.post(
        "/admin/moderation/settings/words", data={"csrf_token": "old", "banned": "motinterdit"}
    )
    assert words.status_code == 400
    assert "Votre session a expiré" in page_text(words) and "motinterdit" in page_text(words)

    login = app.test_client().post("/admin/login", data={"csrf_token": "old", "email": "nadia@example.org"})
    assert login.status_code == 400
    assert "Votre session a expiré" in page_text(login) and "nadia@example.org" in page_text(login)
    assert form_tokens(login.get_data(as_text=True))["csrf_token"]
