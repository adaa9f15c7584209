"""Updates: admins write news of the case in French, Arabic and English, preview and publish it;
readers find it on /updates, its own page (with its preview card), the Atom feed of their
language and the petition page."""

import io
import re
from html import unescape

import feedparser
import pytest
from flask_babel import force_locale, gettext
from PIL import Image
from sqlalchemy import func, select

from petition.audit.models import AuditEntry
from petition.core.markup import markdown_html, markdown_text
from petition.extensions import db
from petition.updates import service
from petition.updates.models import Update
from tests.helpers import form_tokens

LANGS = ["fr", "ar", "en"]
HEARING = {
    "title": "L'audience du 14 septembre",
    "summary": "Le juge des référés a entendu KLEEMA et Wana.",
    "body": "## Ce qui s'est dit\n\nLe **juge** a lu la lettre du comité.\n\n- la coupure\n- le contrat\n\n"
    "[Le communiqué](https://example.org/communique)",
}
HEARING_AR = {
    "title": "جلسة 14 سبتمبر",
    "summary": "استمع قاضي الأمور المستعجلة إلى KLEEMA و Wana.",
    "body": "## ما قيل\n\nقرأ **القاضي** رسالة اللجنة.",
}


def said(app, lang: str, msgid: str, **params) -> str:
    with app.test_request_context(), force_locale(lang):
        return gettext(msgid, **params)


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def post_form(client, path: str, data: dict, page_path: str | None = None):
    """Open the form's page like a browser, then send it with its hidden fields."""
    page = client.get(page_path or path)
    assert page.status_code == 200, (page_path or path, page.status_code)
    return client.post(path, data={**form_tokens(page.get_data(as_text=True)), **data})


def create_draft(client, petition="", lang="fr", **fields):
    data = {**HEARING, "petition": petition, "slug": "", "published_on": "", **fields}
    return post_form(client, f"/admin/updates/new?lang={lang}", data)


def the_update(app) -> Update:
    with app.app_context():
        update = db.session.scalars(select(Update).order_by(Update.id.desc())).first()
        db.session.expunge_all()
        return update


def press(client, update_id: int, action: str):
    return post_form(client, f"/admin/updates/{update_id}/{action}", {}, f"/admin/updates/{update_id}")


def published(app, french=HEARING, arabic=None, petition_id=None, slug=None) -> int:
    """An update published through the service, as an admin's form would."""
    with app.test_request_context():
        update = service.create(service.TextInput(**french), petition_id=petition_id, slug=slug)
        if arabic:
            service.save_text(update, "ar", service.TextInput(**arabic))
        service.publish(update)
        update_id = update.id
        db.session.remove()
    return update_id


@pytest.fixture
def admin(app, staff):
    client = app.test_client()
    staff.login(client, "admin")
    return client


# --- Markdown ---------------------------------------------------------------------------------


def test_markdown_shows_typed_html_as_text_and_keeps_only_safe_links():
    html = markdown_html(
        "# Titre\n\n<script>alert(1)</script> <b onclick=x>gras</b>\n\n"
        "[ok](https://example.org) [js](javascript:alert(1)) [data](data:text/html,x) ![img](https://x/y.png)"
    )
    assert "<script" not in html and "<b " not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;b onclick=x&gt;gras&lt;/b&gt;" in html
    assert '<a href="https://example.org" rel="nofollow noopener">ok</a>' in html
    assert 'href="javascript:' not in html
    assert 'href="data:' not in html and "<img" not in html
    assert "<h2>Titre</h2>" in html and "<h1" not in html


def test_a_description_is_the_text_without_markup_or_headings():
    assert markdown_text(
        "## Ce qui s'est dit\n\nLe **juge** a lu [la lettre](https://x.org).\n\n- a\n- b"
    ) == ("Le juge a lu la lettre. a b")
    assert markdown_text("<b>gras</b> &amp; co") == "<b>gras</b> & co"


# --- Admin: write, translate, preview, publish ------------------------------------------------


def test_an_admin_writes_translates_previews_and_publishes_and_readers_see_it_in_their_language(
    app, admin, client
):
    response = create_draft(admin)
    assert response.status_code == 303, text(response)
    update = the_update(app)
    assert update.slug == "l-audience-du-14-septembre" and not update.is_published
    # A draft is nowhere public.
    assert client.get(f"/updates/{update.slug}").status_code == 404
    assert client.get(f"/updates/{update.id}").status_code == 404
    assert HEARING["title"] not in text(client.get("/updates"))
    assert not feedparser.parse(client.get("/updates.atom").data).entries
    assert HEARING["title"] not in text(client.get("/petitions/kleema"))

    saved = post_form(admin, f"/admin/updates/{update.id}/text/ar", HEARING_AR)
    assert saved.status_code == 303
    preview = admin.get(f"/admin/updates/{update.id}/preview?lang=ar")
    assert preview.status_code == 200 and HEARING_AR["title"] in text(preview)
    assert "<strong>القاضي</strong>" in preview.get_data(as_text=True)
    assert preview.headers["Cache-Control"] == "no-store"

    assert press(admin, update.id, "publish").status_code == 303
    assert the_update(app).is_published and the_update(app).published_dt is not None

    arabic = client.get(f"/updates/{update.slug}?lang=ar")
    page = arabic.get_data(as_text=True)
    assert arabic.status_code == 200 and '<html lang="ar" dir="rtl"' in page
    assert f"<h1>{HEARING_AR['title']}</h1>" in page
    english = client.get(f"/updates/{update.slug}?lang=en").get_data(as_text=True)
    # No English text: the French one, marked as French for screen readers, and said so.
    assert f'<h1 lang="fr" dir="ltr">{HEARING["title"]}</h1>' in unescape(english)
    assert said(
        app, "en", "Cette actualité n'est pas encore traduite : elle s'affiche en français."
    ) in unescape(english)
    assert '<a href="https://example.org/communique" rel="nofollow noopener">' in english
    for lang, title in (("fr", HEARING["title"]), ("ar", HEARING_AR["title"]), ("en", HEARING["title"])):
        assert title in text(client.get(f"/updates?lang={lang}")), lang
        petition_page = text(client.get(f"/petitions/kleema?lang={lang}"))
        assert said(app, lang, "Dernière actualité") in petition_page and title in petition_page, lang
    assert (
        client.get(f"/updates/{update.id}?lang=ar")
        .headers["Location"]
        .endswith(f"/updates/{update.slug}?lang=ar")
    )

    with app.app_context():
        actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert [a for a in actions if a.startswith("update.")] == [
        "update.create",
        "update.text",
        "update.publish",
    ]


def test_unpublishing_takes_it_off_every_public_page_and_feed(app, admin, client):
    update_id = published(app)
    slug = the_update(app).slug
    assert client.get(f"/updates/{slug}").status_code == 200
    assert len(feedparser.parse(client.get("/updates.atom").data).entries) == 1
    assert press(admin, update_id, "unpublish").status_code == 303
    assert client.get(f"/updates/{slug}").status_code == 404
    assert HEARING["title"] not in text(client.get("/updates"))
    assert not feedparser.parse(client.get("/updates.atom").data).entries
    assert HEARING["title"] not in text(client.get("/petitions/kleema"))
    with app.app_context():
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "update.unpublish")).actor_id


def test_an_edit_shows_at_once_on_the_cached_list_page_and_feed(app, admin, client):
    update_id = published(app)
    slug = the_update(app).slug
    for path in ("/updates", f"/updates/{slug}", "/updates.atom", "/petitions/kleema"):
        assert HEARING["title"] in text(client.get(path)), path  # now in the cache
    new_title = "L'audience est renvoyée au 21 septembre"
    response = post_form(admin, f"/admin/updates/{update_id}/text/fr", {**HEARING, "title": new_title})
    assert response.status_code == 303
    for path in ("/updates", f"/updates/{slug}", "/updates.atom", "/petitions/kleema"):
        page = text(client.get(path))
        assert new_title in page and HEARING["title"] not in page, path


@pytest.mark.parametrize("lang", LANGS)
def test_moderators_get_a_403_and_visitors_the_login_page(app, staff, client, lang):
    update_id = published(app)
    moderator = app.test_client()
    staff.login(moderator, "moderator")
    gets = ["/admin/updates", "/admin/updates/new", f"/admin/updates/{update_id}",
            f"/admin/updates/{update_id}/text/ar", f"/admin/updates/{update_id}/preview"]  # fmt: skip
    for path in gets:
        assert moderator.get(f"{path}?lang={lang}").status_code == 403, path
        assert client.get(path).headers["Location"].startswith("/admin/login"), path
    token = form_tokens(moderator.get("/admin/").get_data(as_text=True))
    for path in (
        f"/admin/updates/{update_id}/unpublish",
        "/admin/updates/new",
        f"/admin/updates/{update_id}",
    ):
        assert moderator.post(path, data={**token, "title": "x", "body": "x"}).status_code == 403, path
    assert the_update(app).is_published
    assert "/admin/updates" not in moderator.get("/admin/").get_data(as_text=True)


def test_a_post_without_its_csrf_token_changes_nothing(app, admin):
    update_id = published(app)
    assert admin.post(f"/admin/updates/{update_id}/unpublish").status_code == 400
    refused = admin.post("/admin/updates/new", data={**HEARING, "petition": ""})
    assert refused.status_code == 400
    assert the_update(app).is_published and the_update(app).id == update_id


# --- Admin: bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"title": "  "}, "title", "Écrivez un titre."),
        ({"body": ""}, "body", "Écrivez le texte."),
        ({"title": "x" * 201}, "title", "%(max)d caractères au plus."),
        ({"body": "Le juge\x00 a parlé"}, "body", None),
        ({"title": "L'audience\u202e du juge"}, "title", None),
        ({"slug": "a" * 81}, "slug", None),
        ({"published_on": "2009-02-30"}, "published_on", None),
        ({"slug": "Audience du 14"}, "slug", None),
        ({"slug": "2009"}, "slug", None),
        (
            {"published_on": "2999-01-01"},
            "published_on",
            "La date de publication ne peut pas être dans le futur.",
        ),
        ({"published_on": "14/09/2009"}, "published_on", None),
        ({"petition": "999"}, "petition", None),
    ],
)
def test_bad_input_comes_back_with_a_message_in_the_admins_language_and_what_was_typed(
    app, admin, lang, fields, field, message
):
    response = create_draft(admin, lang=lang, **fields)
    assert response.status_code == 422, response.status_code
    page = text(response)
    assert f'id="{field}"' in page and 'aria-invalid="true"' in page
    if message:
        params = {"max": 200} if "%(max)d" in message else {}
        assert said(app, lang, message, **params) in page
    assert HEARING["summary"] in page  # what was typed stays
    if lang != "en":
        assert "Not a valid" not in page
    with app.app_context():
        assert db.session.scalar(select(Update.id)) is None


def test_an_address_is_unique_and_stays_once_published(app, admin):
    first = published(app, slug="audience")
    taken = create_draft(admin, slug="audience")
    assert taken.status_code == 422 and said(app, "fr", "Une autre actualité a déjà cette adresse.") in text(
        taken
    )
    # Made from the title, a taken address gets a number.
    assert create_draft(admin, title="Audience").status_code == 303
    assert the_update(app).slug == "audience-2"
    settings = {"petition": "", "slug": "nouvelle-adresse", "published_on": ""}
    locked = post_form(admin, f"/admin/updates/{first}", settings)
    assert locked.status_code == 422
    assert said(app, "fr", "L'actualité est publiée : son adresse ne change plus.") in text(locked)
    draft = the_update(app).id
    assert post_form(admin, f"/admin/updates/{draft}", settings).status_code == 303
    assert the_update(app).slug == "nouvelle-adresse"


def test_a_translation_needs_a_title_and_a_text_or_nothing_which_removes_it(app, admin, client):
    update_id = published(app, arabic=HEARING_AR)
    half = post_form(
        admin, f"/admin/updates/{update_id}/text/ar", {"title": "عنوان", "summary": "", "body": ""}
    )
    assert half.status_code == 422 and "عنوان" in text(half)
    assert said(app, "fr", "Écrivez le texte.") in text(half)
    french_only = post_form(
        admin, f"/admin/updates/{update_id}/text/fr", {"title": "", "summary": "", "body": ""}
    )
    assert french_only.status_code == 422
    removed = post_form(
        admin, f"/admin/updates/{update_id}/text/ar", {"title": "", "summary": "", "body": ""}
    )
    assert removed.status_code == 303
    slug = the_update(app).slug
    assert f'<h1 lang="fr" dir="ltr">{HEARING["title"]}</h1>' in text(client.get(f"/updates/{slug}?lang=ar"))


def test_the_editor_previews_markdown_without_saving(app, admin):
    response = create_draft(admin, preview="1", body="Le **juge** a parlé. <img src=x onerror=alert(1)>")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<strong>juge</strong>" in page and "<img src=x" not in page
    with app.app_context():
        assert db.session.scalar(select(Update.id)) is None


def test_publication_date_chosen_by_the_admin_orders_the_list(app, admin, client):
    assert (
        create_draft(admin, title="La coupure du 7 septembre", published_on="2009-09-07").status_code == 303
    )
    older = the_update(app).id
    assert press(admin, older, "publish").status_code == 303
    published(app)
    page = text(client.get("/updates?lang=fr"))
    assert page.index(HEARING["title"]) < page.index("La coupure du 7 septembre")
    assert "7 septembre 2009" in page


# --- Readers ------------------------------------------------------------------------------------


def test_titles_and_texts_reach_pages_and_feed_escaped(app, client):
    xss = '<script>alert("x")</script>'
    published(app, french={"title": f"Titre {xss}", "summary": f"Résumé {xss}", "body": f"Texte {xss}"})
    slug = the_update(app).slug
    for path in ("/updates", f"/updates/{slug}", "/petitions/kleema"):
        assert "<script>alert" not in client.get(path).get_data(as_text=True), path
    feed = feedparser.parse(client.get("/updates.atom").data)
    assert not feed.bozo
    assert feed.entries[0].title == f"Titre {xss}"
    assert "&lt;script&gt;" in feed.entries[0].content[0].value


def test_the_list_is_paged(app, client):
    for number in range(12):
        published(app, french={"title": f"Nouvelle {number}", "summary": "", "body": "Texte."})
    first, second = text(client.get("/updates")), text(client.get("/updates?page=2"))
    assert "Nouvelle 11" in first and "Nouvelle 2" in first and "Nouvelle 1<" not in first
    assert "Nouvelle 1<" in second and "Nouvelle 0" in second
    assert 'rel="next" href="/updates?page=2"' in client.get("/updates").get_data(as_text=True)
    assert client.get("/updates?page=3").status_code == 404
    assert client.get("/updates?page=abc").status_code == 200
    assert client.get("/updates/99999999999999999999999").status_code == 404


def test_a_petitions_list_holds_its_updates_and_those_of_the_whole_case(app, client):
    with app.app_context():
        from petition.petitions.models import Petition

        kleema = db.session.scalar(select(Petition.id).where(Petition.slug == "kleema"))
        db.session.add(Petition(slug="autre", title="Autre", summary="s", addressee="a", letter="l",
                                background="b", demands="d"))  # fmt: skip
        db.session.commit()
        other = db.session.scalar(select(Petition.id).where(Petition.slug == "autre"))
    published(app, french={"title": "Pour KLEEMA", "summary": "", "body": "x"}, petition_id=kleema)
    published(app, french={"title": "Pour l'autre", "summary": "", "body": "x"}, petition_id=other)
    published(app, french={"title": "Toute l'affaire", "summary": "", "body": "x"})
    kleema_list = text(client.get("/petitions/kleema/updates"))
    assert (
        "Pour KLEEMA" in kleema_list
        and "Toute l'affaire" in kleema_list
        and "Pour l'autre" not in kleema_list
    )
    assert "Pour l'autre" in text(client.get("/petitions/autre/updates"))
    assert "Pour l'autre" in text(client.get("/updates")) and "Pour KLEEMA" in text(client.get("/updates"))
    assert client.get("/petitions/nope/updates").status_code == 404
    # The petition page shows the latest of its own and the case's updates.
    assert "Toute l'affaire" in text(client.get("/petitions/autre"))


@pytest.mark.parametrize("lang", LANGS)
def test_an_update_page_has_its_own_preview_card(app, client, lang):
    published(app, arabic=HEARING_AR)
    slug = the_update(app).slug
    page = client.get(f"/updates/{slug}?lang={lang}").get_data(as_text=True)
    tags = dict(re.findall(r'<meta (?:property|name)="((?:og|twitter):[a-z:]+)" content="([^"]*)"', page))
    title = HEARING_AR["title"] if lang == "ar" else HEARING["title"]
    assert unescape(tags["og:title"]) == title and unescape(tags["twitter:title"]) == title
    assert tags["og:url"] == f"http://localhost/updates/{slug}?lang={lang}"
    assert f'<link rel="canonical" href="http://localhost/updates/{slug}?lang={lang}">' in page
    image = unescape(tags["og:image"])
    assert image.startswith(f"http://localhost/updates/{slug}/card/{lang}.png?v=")
    assert tags["twitter:image"] == tags["og:image"] and tags["twitter:card"] == "summary_large_image"
    response = client.get(image.removeprefix("http://localhost"))
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert Image.open(io.BytesIO(response.data)).size == (1200, 630)
    assert "public" in response.headers["Cache-Control"] and "Set-Cookie" not in response.headers
    assert client.get(f"/updates/{slug}/card/de.png").status_code == 404


def test_the_card_is_drawn_again_when_the_title_changes(app, admin, client):
    update_id = published(app)
    slug = the_update(app).slug
    before = client.get(f"/updates/{slug}/card/fr.png").data
    post_form(admin, f"/admin/updates/{update_id}/text/fr", {**HEARING, "title": "Le jugement est rendu"})
    assert client.get(f"/updates/{slug}/card/fr.png").data != before


# --- Atom ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_each_language_has_a_valid_atom_feed(app, client, lang):
    published(app, arabic=HEARING_AR)
    slug = the_update(app).slug
    published(app, french={"title": "La coupure", "summary": "", "body": "Depuis lundi **17 h**."})
    by_query = client.get(f"/updates.atom?lang={lang}")
    by_path = client.get(f"/{lang}/updates.atom")
    assert by_query.data == by_path.data
    assert by_path.mimetype == "application/atom+xml" and "Set-Cookie" not in by_path.headers
    assert "public" in by_path.headers["Cache-Control"]
    feed = feedparser.parse(by_path.data)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    assert feed.feed.id == f"http://localhost/{lang}/updates.atom"
    assert feed.feed.title and feed.feed.updated_parsed and feed.feed.author
    links = {(link.rel, link.type): link.href for link in feed.feed.links}
    assert links[("self", "application/atom+xml")] == f"http://localhost/{lang}/updates.atom"
    assert links[("alternate", "text/html")] == f"http://localhost/updates?lang={lang}"
    assert feed.entries[0].title == "La coupure"
    for entry in feed.entries:
        assert entry.id.startswith("tag:localhost,") and entry.updated_parsed and entry.published_parsed
        assert entry.link.startswith("http://localhost/updates/") and entry.link.endswith(f"?lang={lang}")
    hearing = feed.entries[1]
    assert hearing.link == f"http://localhost/updates/{slug}?lang={lang}"
    if lang == "ar":
        assert hearing.title == HEARING_AR["title"] and "<strong>القاضي</strong>" in hearing.content[0].value
    else:
        assert hearing.title == HEARING["title"] and hearing.title_detail.language == "fr"
    assert client.get("/de/updates.atom").status_code == 404
    # An unknown or missing language gives the French feed.
    assert client.get("/updates.atom?lang=de").data == client.get("/fr/updates.atom").data


def test_an_empty_feed_is_still_valid_atom(client):
    feed = feedparser.parse(client.get("/updates.atom").data)
    assert not feed.bozo and feed.version == "atom10" and feed.entries == [] and feed.feed.updated_parsed


def test_the_dashboard_counts_updates_for_admins(app, admin):
    published(app)
    assert create_draft(admin, title="Brouillon").status_code == 303
    page = text(admin.get("/admin/"))
    section = page[page.index('id="updates-title"') :]
    assert re.search(r"<dt>Publiées</dt><dd>1</dd>", section) and re.search(
        r"<dt>Brouillons</dt><dd>1</dd>", section
    )


def test_the_migration_makes_the_tables_the_models_describe(app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    ours = [d for d in differences if "update" in repr(d)]
    assert ours == []


def test_a_translation_is_marked_for_review_when_the_french_text_changes_after_it(app, admin):
    update_id = published(app, arabic=HEARING_AR)
    review = said(app, "fr", "à revoir\u00a0: le français a changé depuis")
    assert review not in text(admin.get(f"/admin/updates/{update_id}"))
    post_form(admin, f"/admin/updates/{update_id}/text/fr", {**HEARING, "body": "Le jugement est rendu."})
    assert review in text(admin.get(f"/admin/updates/{update_id}"))
    post_form(admin, f"/admin/updates/{update_id}/text/ar", {**HEARING_AR, "body": "صدر الحكم."})
    assert review not in text(admin.get(f"/admin/updates/{update_id}"))


def test_two_admins_taking_one_address_at_once_get_a_message_not_an_error(app, monkeypatch):
    with app.test_request_context():
        service.create(service.TextInput(**HEARING), slug="audience")
        db.session.remove()
    with app.test_request_context():
        # The other admin's row arrives between the check and the insert: the unique index decides.
        monkeypatch.setattr(db.session, "scalar", lambda *args, **kwargs: None)
        with pytest.raises(service.SlugTaken):
            service.create(service.TextInput(**HEARING), slug="audience")
        monkeypatch.undo()
        db.session.remove()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Update)) == 1
