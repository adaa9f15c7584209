"""Every page speaks the reader's language, whichever language the process served first.

One process renders every public and back-office page in French, Arabic and English, one language
after the other, then again in another order with a fresh app. A word translated once and kept
(at import, in a default, in a cache without the language) shows up on a page of another language.
"""

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from sqlalchemy import select

from petition import create_app
from petition.comments import service as comments
from petition.comments.models import Comment
from petition.contact import service as contact
from petition.extensions import db
from petition.mailings import service as mailings
from petition.petitions import service as petitions
from petition.petitions.models import Petition
from petition.updates import service as updates
from tests.commenting import Reader, approved, decide, latest_comment
from tests.helpers import Staff, form_tokens, links, path_of
from tests.pages_helpers import my_data_page

CATALOGS = Path(__file__).resolve().parent.parent / "petition" / "translations"
LANGUAGES = ("fr", "ar", "en")
PLACEHOLDER = re.compile(r"%\([^)]*\)[a-z]|%[a-z]|\n")
# Shorter pieces ("X", "SMS", "Spam", "OK", "رد") are the same in several languages or occur
# inside names and addresses; five characters keep "Reply", "Delete", "Signaler", "Modifier".
SHORTEST = 5

# Pages that are not text for people to read, with the reason.
NOT_TEXT = {
    "static": "files of the site",
    "api.petition_count": "numbers in JSON",
    "api.petition_counts": "numbers per country and per day in JSON",
    "exports.download_dossier": "a PDF file, its text checked in test_exports",
    "sharing.site_card": "PNG image, drawn text checked in test_sharing_cards",
    "sharing.petition_card": "PNG image, drawn text checked in test_sharing_cards",
    "sharing.qr_png": "QR code image",
    "sharing.qr_svg": "QR code image",
    "updates.card": "PNG image, drawn like the petition's card",
    "updates.feed_in": "Atom XML, parsed per language in test_updates",
    "privacy.download": "one's data in JSON",
}


def _texts(lang: str) -> set[str]:
    """The sentences of the site in one language: French is the source (the msgids)."""
    if lang == "fr":
        with open(CATALOGS / "fr" / "LC_MESSAGES" / "messages.po", "rb") as source:
            catalog = read_po(source)
    else:
        with open(CATALOGS / lang / "LC_MESSAGES" / "messages.mo", "rb") as compiled:
            catalog = read_mo(compiled)
    found: set[str] = set()
    for message in catalog:
        if not message.id:
            continue
        if lang == "fr":
            ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
            found.update(ids)
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        found.update(s for s in strings if s)
    return found


def _pieces(text: str) -> set[str]:
    """The literal parts of a sentence between its placeholders, trimmed of spaces and punctuation."""
    pieces = (piece.strip(" \t:;,.!?«»\"'()…\u00a0\u202f") for piece in PLACEHOLDER.split(text))
    return {piece for piece in pieces if len(piece) >= SHORTEST}


def _foreign_words() -> dict[str, re.Pattern]:
    """For each language, one expression matching the other languages' pieces that it never uses.

    A piece that also occurs, as whole words, in a sentence of the page's own language ("WhatsApp",
    "KLEEMA", "E-mail") is the same in both languages and is left out.
    """
    texts = {lang: _texts(lang) for lang in LANGUAGES}
    own_text = {lang: "\n".join(texts[lang]) for lang in LANGUAGES}
    patterns = {}
    for lang in LANGUAGES:
        others = set().union(*(_pieces(t) for other in LANGUAGES if other != lang for t in texts[other]))
        foreign = {
            piece for piece in others if not re.search(rf"(?<!\w){re.escape(piece)}(?!\w)", own_text[lang])
        }
        alternatives = "|".join(re.escape(p) for p in sorted(foreign, key=len, reverse=True))
        patterns[lang] = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
    return patterns


FOREIGN = _foreign_words()


class _ReadableText(HTMLParser):
    """What a person reads or hears of a page: its text and the attributes that hold words.

    Text inside an element marked with another language than the page's (a petition's French
    text shown for translators, a text typed in Arabic on an English page) is that language's on
    purpose, and left out.
    """

    WORDED = {"title", "alt", "aria-label", "placeholder", "content", "label"}
    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.page_lang: str | None = None
        self.other: tuple[str, int] | None = None  # (tag of the element in another language, depth)

    def handle_starttag(self, tag, attrs):
        lang = dict(attrs).get("lang")
        if tag == "html":
            self.page_lang = lang
        if self.other is not None:
            if tag == self.other[0]:
                self.other = (tag, self.other[1] + 1)
            return
        if lang and self.page_lang and lang != self.page_lang and tag not in self.VOID:
            self.other = (tag, 1)
            return
        self.parts += [
            value
            for name, value in attrs
            if (name in self.WORDED or name.startswith("data-"))
            and value
            and not value.startswith(("http", "/"))
        ]

    def handle_endtag(self, tag):
        if self.other is not None and tag == self.other[0]:
            depth = self.other[1] - 1
            self.other = (tag, depth) if depth else None

    def handle_data(self, data):
        if self.other is None:
            self.parts.append(data)


def foreign_words_in(page: str, lang: str) -> list[str]:
    reader = _ReadableText()
    reader.feed(page)
    reader.close()
    return sorted(set(FOREIGN[lang].findall("\n".join(reader.parts))))


@pytest.fixture
def site(app, signer, smtp_sink):
    """A petition with a confirmed signature, comments (one with reply mails), an official reply,
    and every link that mails carry; returns what the pages need."""
    address = "amina@example.org"
    signer.sign(email=address)
    signer.deliver()
    confirm = signer.confirm_link(address)
    signer.press_button(confirm)
    signer.deliver()

    author = Reader(app)
    first = approved(app, author, text="Xyzzy 1234", name="Amina")
    posted = author.comment(text="Xyzzy 5678", name="Amina", email="amina.c@example.org")
    assert posted.status_code == 303, posted.get_data(as_text=True)
    own = latest_comment(app).id
    signer.deliver()
    asked = next(
        path_of(url) for url in links(smtp_sink.last_to("amina.c@example.org")) if "/notifications/" in url
    )
    author.press(asked)
    decide(app, own)
    with app.app_context():
        comments.official_reply(db.session.get(Comment, own), "Xyzzy 42")
        db.session.commit()
        db.session.remove()
    signer.deliver()
    mailed = [path_of(url) for message in smtp_sink.messages for url in links(message)]
    with app.app_context():
        message = contact.receive(contact.Draft("Karim", "karim@example.org", "Xyzzy 99"), "fr")
        message_id = message.id
        mailing = mailings.save_draft(
            [mailings.Text("fr", "Xyzzy 7", "Xyzzy 8")], petition_id=petitions.featured().id
        ).id
        db.session.remove()

    volunteer = signer.client.get("/volunteer").get_data(as_text=True)
    offered = signer.client.post(
        "/volunteer",
        data={
            "name": "Youssef Xyzzy",
            "email": "youssef@example.org",
            "country": "MA",
            "helps": ["press", "other"],
            "help_other": "Xyzzy 7",
            "consent": "y",
            **form_tokens(volunteer),
        },
    )
    assert offered.status_code == 303, offered.status_code
    signer.deliver()
    volunteer_link = next(
        path_of(url) for url in links(smtp_sink.last_to("youssef@example.org")) if "/volunteer/" in url
    )
    signer.press_button(volunteer_link)

    def mailed_path(part: str) -> str:
        return next(p for p in mailed if part in p)

    # An address that only asked: what a signer typed or was sent is shown in its own language.
    my_data = my_data_page(signer, "demande@example.org")
    with app.app_context():
        official = db.session.scalar(select(Comment.id).where(Comment.is_official.is_(True)))
        kleema = db.session.scalar(select(Petition.id).where(Petition.slug == "kleema"))
    with app.test_request_context():
        update = updates.create(updates.TextInput("Xyzzy audience", "Xyzzy 7", "Xyzzy **8**"))
        updates.publish(update)
        update_id, update_slug = update.id, update.slug
        db.session.remove()
    return {
        "author": author,
        "paths": {
            "petitions.show": ["/petitions/kleema"],
            "comments.thread": ["/petitions/kleema/comments"],
            "comments.permalink": [f"/comments/{first}", f"/comments/{official}"],
            "comments.reply": [f"/comments/{first}/reply"],
            "comments.report": [f"/comments/{first}/report"],
            "comments.edit": [f"/comments/{own}/edit"],
            "comments.delete": [f"/comments/{own}/delete"],
            "comments.confirm_notifications": [mailed_path("/comments/notifications/confirm/")],
            "mail.unsubscribe": [mailed_path("/mail/unsubscribe/")],
            "signing.confirm": [confirm],
            "signing.withdraw": [mailed_path("/withdraw/")],
            "signing.thanks": ["/petitions/kleema/thanks"],
            "sharing.referral_stats": [mailed_path("/referral/")],
            "sharing.embed": ["/embed/kleema"],
            "sharing.flyer": ["/petitions/kleema/flyer"],
            "sharing.share_page": ["/petitions/kleema/share"],
            "sharing.short": ["/p/kleema"],
            "sharing.badge": ["/badge/kleema.svg"],
            "moderation.reply": [f"/admin/moderation/comments/{first}/reply"],
            "contact.admin_message": [f"/admin/contact/{message_id}"],
            "updates.show": [f"/updates/{update_slug}"],
            "updates.for_petition": ["/petitions/kleema/updates"],
            "updates.admin_edit": [f"/admin/updates/{update_id}"],
            "updates.admin_text": [
                f"/admin/updates/{update_id}/text/fr",
                f"/admin/updates/{update_id}/text/ar",
            ],
            "updates.admin_preview": [f"/admin/updates/{update_id}/preview"],
            "petitions_admin.edit": [f"/admin/petitions/{kleema}"],
            "petitions_admin.translation": [f"/admin/petitions/{kleema}/ar", f"/admin/petitions/{kleema}/en"],
            "volunteers.confirm": [volunteer_link],
            "stats.chart": [
                f"/admin/stats/kleema/{name}.svg"
                for name in ("per-day", "countries", "subscribers", "channels")
            ],
            "mailings.show": [f"/admin/mailings/{mailing}"],
            "mailings.edit": [f"/admin/mailings/{mailing}/edit"],
            "privacy.my_data": [my_data],
        },
    }


def _fresh_app(app):
    """Another app in the same process, as a restarted worker would be, on the same database."""
    keep = ("SQLALCHEMY_DATABASE_URI", "MAIL_URL", "BASE_URL", "SECRET_KEY", "TESTING")
    return create_app(
        {**{key: app.config[key] for key in keep}, "AUTO_SETUP": False, "RATELIMIT_ENABLED": False}
    )


def _with_lang(path: str, lang: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}lang={lang}"


def _pages(fresh, site) -> list[tuple[str, object, str]]:
    """(what, client, path) for every page a person can open, with the client allowed to see it."""
    public = fresh.test_client()
    for name in ("comments_mine", "reader"):
        cookie = site["author"].client.get_cookie(name)
        if cookie is not None:
            public.set_cookie(name, cookie.value)
    staff = Staff(fresh)
    moderator, admin = fresh.test_client(), fresh.test_client()
    staff.login(moderator, "moderator")
    staff.login(admin, "admin")

    pages, missing = [], []
    for rule in fresh.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in NOT_TEXT:
            continue
        if rule.arguments:
            if rule.endpoint not in site["paths"]:
                missing.append(rule.endpoint)
            paths = site["paths"].get(rule.endpoint, [])
        else:
            paths = [rule.rule]
        for path in paths:
            if path.startswith("/admin/login"):
                pages.append((rule.endpoint, public, path))
            elif path.startswith("/admin"):
                pages += [(rule.endpoint, moderator, path), (rule.endpoint + " (admin)", admin, path)]
            else:
                pages.append((rule.endpoint, public, path))
    assert not missing, f"pages to add to the language test, with a real address: {missing}"
    pages.append(("error 404", public, "/no-such-page"))
    pages.append(("error 403", public, "/admin/audit"))
    return pages


def _error_pages(moderator) -> list:
    """Pages that only a refused POST shows: the expired-form page."""
    return [moderator.post("/admin/moderation/act", data={"action": "approve:1"})]


@pytest.mark.parametrize("order", [("fr", "ar", "en"), ("ar", "en", "fr")], ids="-".join)
def test_every_page_stays_in_its_language_whatever_came_first(app, site, order):
    fresh = _fresh_app(app)
    pages = _pages(fresh, site)
    moderator = next(client for what, client, _path in pages if what == "moderation.pending")
    wrong = []
    for lang in order:
        for what, client, path in pages:
            response = client.get(_with_lang(path, lang), follow_redirects=True)
            assert response.status_code < 500, (what, path, response.status_code)
            if response.mimetype not in ("text/html", "image/svg+xml"):
                continue
            found = foreign_words_in(response.get_data(as_text=True), lang)
            if found:
                wrong.append((lang, what, path, found))
        client = moderator
        client.set_cookie("lang", lang)
        for response in _error_pages(moderator):
            found = foreign_words_in(response.get_data(as_text=True), lang)
            if found:
                wrong.append((lang, "refused form", response.request.path, found))
    assert not wrong, "\n".join(map(str, wrong))


@pytest.mark.parametrize(
    ("lang", "name"),
    [("fr", "Comité de soutien à KLEEMA"), ("ar", "لجنة دعم KLEEMA"), ("en", "KLEEMA Support Committee")],
)
def test_the_committee_is_named_in_the_reader_language(app, site, lang, name):
    reader = app.test_client()
    for path in ("/petitions/kleema/comments", "/petitions/kleema/flyer", "/embed/kleema", "/privacy"):
        page = html.unescape(reader.get(_with_lang(path, lang)).get_data(as_text=True))
        assert name in page, path
    thread = html.unescape(reader.get(_with_lang("/petitions/kleema/comments", lang)).get_data(as_text=True))
    assert re.search(rf'class="comment-author">{re.escape(name)}<', thread), "official reply's author"


def test_each_language_can_name_the_committee_its_own_way(app, site):
    app.config.update(ORGANISER_NAME="Comité KLEEMA 2026", ORGANISER_NAME_EN="KLEEMA Committee 2026")
    reader = app.test_client()
    pages = {lang: reader.get(_with_lang("/privacy", lang)).get_data(as_text=True) for lang in LANGUAGES}
    assert "Comité KLEEMA 2026" in pages["fr"]
    assert "KLEEMA Committee 2026" in pages["en"]
    assert "لجنة دعم KLEEMA" in pages["ar"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_preview_cards_name_the_committee_in_their_language(app, lang):
    from petition.sharing import service as sharing

    name = {"fr": "Comité de soutien à KLEEMA", "ar": "لجنة دعم KLEEMA", "en": "KLEEMA Support Committee"}[
        lang
    ]
    with app.test_request_context(f"/?lang={lang}"):
        petition = sharing.petitions.by_slug("kleema")
        assert sharing._site_card_text().title == name
        assert name in sharing._petition_card_text(petition, 12).kicker
