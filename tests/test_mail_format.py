"""What every mail looks like to mail programs and readers: text and HTML with the same links in the
reader's language, headers every program reads whole, and one-click unsubscribe on list mail."""

import base64
import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from petition.comments.models import Comment
from petition.extensions import db
from petition.mail.models import OutboxMail
from tests.commenting import Reader, approved, latest_comment
from tests.helpers import links, path_of, text_of
from tests.mail_kinds import AUTHOR, every_kind_of_mail

LIST_MAIL = {"comments/reply", "moderation/digest", "mailings/mailing"}
ENCODED_WORD = re.compile(rb"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=")


class _Html(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        if any(tag == "body" for tag, _ in self.tags):
            self.text.append(data)


def parsed(html: str) -> _Html:
    parser = _Html()
    parser.feed(html)
    return parser


def header_block(message) -> bytes:
    return message.wire.split(b"\r\n\r\n", 1)[0]


@pytest.mark.parametrize(("lang", "direction"), [("fr", "ltr"), ("ar", "rtl"), ("en", "ltr")])
def test_every_mail_has_text_and_html_with_the_same_links_in_the_readers_language(
    app, signer, staff, smtp_sink, lang, direction
):
    for kind, mail in every_kind_of_mail(app, signer, staff, smtp_sink, lang).items():
        assert mail.get_content_type() == "multipart/alternative", kind
        assert [part.get_content_type() for part in mail.iter_parts()] == ["text/plain", "text/html"], kind
        assert mail["Content-Language"] == lang, kind
        html = mail.get_body(("html",)).get_content()
        page = parsed(html)
        tags = page.tags
        assert ("html", {"lang": lang, "dir": direction}) in tags, kind
        assert ("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}) in tags, kind
        # Nothing loaded from elsewhere, nothing run: no image, script, frame, external style.
        assert not [tag for tag, attrs in tags if tag in {"img", "script", "link", "style", "iframe"}], kind
        assert not [attrs for _, attrs in tags if "src" in attrs or any(a.startswith("on") for a in attrs)], (
            kind
        )
        hrefs = [attrs["href"] for tag, attrs in tags if tag == "a"]
        assert hrefs == links(mail), kind
        for url in links(mail):
            # The personal link is for the people the signer shares it with, in their own language.
            if "?ref=" not in url:
                assert re.search(rf"[?&]lang={lang}(&|$)", url), (kind, url)
        # The same words as the plain text, its "-- " signature line aside.
        assert " ".join(page.text).split() == [w for w in text_of(mail).split() if w != "--"], kind


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_headers_are_read_whole_by_every_mail_program(app, signer, staff, smtp_sink, lang):
    mails = every_kind_of_mail(app, signer, staff, smtp_sink, lang)
    with app.app_context():
        subjects = dict(db.session.execute(select(OutboxMail.message_id, OutboxMail.subject)).all())
    for kind, mail in mails.items():
        head = header_block(mail)
        for word in ENCODED_WORD.findall(head):
            assert len(word) <= 75, (kind, word)  # RFC 2047 section 2
        for line in head.split(b"\r\n"):
            assert len(line) <= 998, kind
            # A header's value starts on its own line, never after a bare "Name:".
            assert not re.fullmatch(rb"[A-Za-z-]+:\s*", line), (kind, line)
        # Decoded, the subject is the one written, every space kept.
        assert mail["Subject"] == subjects[mail["Message-ID"]], kind
        assert mail["Date"].datetime.utcoffset() is not None and mail["Date"].endswith("+0000"), kind
        assert mail["Message-ID"].endswith("@localhost>"), kind
        assert mail["Auto-Submitted"] == "auto-generated", kind
        if kind in LIST_MAIL:
            [unsubscribe] = [url for url in links(mail) if "/mail/unsubscribe/" in url]
            assert mail["List-Unsubscribe"] == f"<{unsubscribe}>", kind
            assert f"List-Unsubscribe: <{unsubscribe}>".encode() in head, kind  # one line, no encoded-word
            assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click", kind
        else:
            assert mail["List-Unsubscribe"] is None, kind


def held(app, reader: Reader, **kwargs) -> int:
    assert reader.comment(**kwargs).status_code == 303
    return latest_comment(app).id


def unsubscribe_link(mail) -> str:
    return mail["List-Unsubscribe"].strip("<>")


def answer_the_author(app, ip: str) -> None:
    with app.app_context():
        asked = db.session.scalar(select(Comment.id).where(Comment.email == AUTHOR).order_by(Comment.id))
    approved(app, Reader(app, ip=ip), text="Une autre réponse", name="Yassine", reply_to=asked)


def test_one_click_unsubscribe_works_without_cookie_or_form_token(app, signer, staff, smtp_sink):
    mails = every_kind_of_mail(app, signer, staff, smtp_sink, "fr")
    for kind in LIST_MAIL:
        url = unsubscribe_link(mails[kind])
        token = path_of(url).rsplit("/", 1)[-1]
        payload = base64.urlsafe_b64decode(token.split(".")[0] + "==").decode()
        assert "@" not in payload, payload  # the token names an id, never an address

        # A mail program's one-click POST (RFC 8058): no cookie, no CSRF token.
        response = app.test_client().post(
            url.removeprefix("http://localhost"), data={"List-Unsubscribe": "One-Click"}
        )
        assert response.status_code in (200, 202, 303), (kind, response.status_code)

        page = app.test_client().get(url.removeprefix("http://localhost"))
        assert page.status_code == 200
        assert "C'est fait" in page.get_data(as_text=True)
        assert page.headers["X-Robots-Tag"] == "noindex" and page.headers["Cache-Control"] == "no-store"

    # Neither list sends any more.
    smtp_sink.clear()
    answer_the_author(app, "198.51.100.77")
    held(app, Reader(app, ip="198.51.100.78"), text="Encore un commentaire en attente")
    with app.app_context():
        from petition.moderation.models import DigestState

        db.session.get(DigestState, 1).last_sent_dt = None
        db.session.commit()
    held(app, Reader(app, ip="198.51.100.79"), text="Et un autre")
    signer.deliver()
    # Neither the author nor the moderator who stopped the digest gets any; other staff still do.
    stopped = {AUTHOR, str(mails["moderation/digest"]["To"])}
    assert [m for m in smtp_sink.messages if str(m["To"]) in stopped] == []
    assert smtp_sink.messages, "the admin who did not stop the digest still gets it"


def test_unsubscribe_page_asks_before_stopping_and_its_button_works(app, signer, staff, smtp_sink):
    mails = every_kind_of_mail(app, signer, staff, smtp_sink, "ar")
    path = unsubscribe_link(mails["comments/reply"]).removeprefix("http://localhost")
    reader = app.test_client()
    page = reader.get(path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'lang="ar"' in html
    assert page.headers["X-Robots-Tag"] == "noindex" and page.headers["Cache-Control"] == "no-store"
    assert '<form method="post">' in html and "<button" in html
    # A link scanner's GET changed nothing: the reply notifications are still on.
    assert "C'est fait" not in reader.get(path).get_data(as_text=True)
    done = reader.post(path, follow_redirects=True)
    assert done.status_code == 200 and "تمّ" in done.get_data(as_text=True)

    forged = reader.get("/mail/unsubscribe/WyJjb21tZW50cy9yZXBsaWVzIiwxXQ.forged")
    assert forged.status_code == 404 and forged.headers["X-Robots-Tag"] == "noindex"


def test_a_reply_mail_is_not_sent_to_someone_who_stopped_them_before_it_left(app, signer, staff, smtp_sink):
    every_kind_of_mail(app, signer, staff, smtp_sink, "en")
    first = smtp_sink.last_to(AUTHOR)
    smtp_sink.clear()
    answer_the_author(app, "198.51.100.90")
    app.test_client().post(unsubscribe_link(first).removeprefix("http://localhost"))
    signer.deliver()
    assert smtp_sink.to(AUTHOR) == []
