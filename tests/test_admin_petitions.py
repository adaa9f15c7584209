"""Petitions from the back office: admins write them in three languages, run them, and a
second petition lives apart from the first."""

import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from petition.audit.models import AuditEntry
from petition.extensions import db
from petition.petitions.models import Petition, PetitionTranslation
from tests.commenting import Reader, approved
from tests.helpers import GOOD, form_tokens

SECOND = {
    "slug": "ramadan-sans-coupure",
    "title": "Plus jamais de coupure pendant le Ramadan",
    "summary": "Nous demandons aux opérateurs de ne jamais couper une ligne pendant le Ramadan.",
    "addressee": "À l'attention des opérateurs marocains",
    "letter": "Madame, Monsieur,\n\nNos familles doivent pouvoir se parler.",
    "background": "La coupure du 7 septembre 2009 est tombée en plein Ramadan.",
    "demands": "Aucune coupure pendant le Ramadan.\nUn préavis d'un mois avant toute coupure.",
    "goal": "1000",
    "milestones": "",
}


def said(app, lang: str, msgid: str, **params) -> str:
    with app.test_request_context(), force_locale(lang):
        return gettext(msgid, **params)


class Admin:
    """An admin working with the plain forms, as a browser without JavaScript would."""

    def __init__(self, app, staff, lang="fr"):
        self.app = app
        self.client = app.test_client()
        staff.login(self.client, role="admin")
        self.client.get("/admin/", query_string={"lang": lang})

    def send(self, path: str, **fields):
        page = self.client.get(path)
        assert page.status_code == 200, page.status_code
        return self.client.post(path, data={**fields, **form_tokens(page.get_data(as_text=True))})

    def create(self, **fields):
        return self.send("/admin/petitions/new", **{**SECOND, **fields})

    def edit(self, petition_id: int, **fields):
        with self.app.app_context():
            petition = db.session.get(Petition, petition_id)
            current = {name: getattr(petition, name) for name in SECOND if name not in ("goal", "milestones")}
            current.update(goal=str(petition.goal), milestones=petition.milestones)
        return self.send(f"/admin/petitions/{petition_id}", **{**current, **fields})


def petition_id(app, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Petition.id).where(Petition.slug == slug))


def actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_moderators_get_a_403_and_visitors_the_login(app, staff, client):
    assert client.get("/admin/petitions").status_code == 302
    staff.login(client, role="moderator")
    kleema = petition_id(app, "kleema")
    for path in (
        "/admin/petitions",
        "/admin/petitions/new",
        f"/admin/petitions/{kleema}",
        f"/admin/petitions/{kleema}/ar",
    ):
        assert client.get(path).status_code == 403, path
    assert client.post(f"/admin/petitions/{kleema}/feature").status_code in (400, 403)


def test_a_second_petition_is_signed_and_counted_apart_from_the_first(app, staff, signer):
    admin = Admin(app, staff)
    response = admin.create()
    assert response.status_code == 303
    assert "petition.create" in actions(app)
    assert (
        admin.client.get("/admin/petitions").get_data(as_text=True).count("/petitions/ramadan-sans-coupure")
        >= 1
    )

    page = signer.client.get("/petitions/ramadan-sans-coupure")
    assert page.status_code == 200
    assert SECOND["title"] in unescape(page.get_data(as_text=True))

    signer.sign_and_confirm(slug="ramadan-sans-coupure", email="nadia@example.org")
    signer.sign_and_confirm(slug="ramadan-sans-coupure", email="omar@example.org")
    signer.sign_and_confirm(email="samir@example.org")
    assert signer.count("ramadan-sans-coupure") == 2
    assert signer.count("kleema") == 1
    # The same address signs each petition once: one signature per petition, not per site.
    signer.sign_and_confirm(email="nadia@example.org")
    assert signer.count("kleema") == 2
    assert signer.count("ramadan-sans-coupure") == 2

    second_page = unescape(signer.client.get("/petitions/ramadan-sans-coupure").get_data(as_text=True))
    assert re.search(r"data-count>2<", second_page)
    assert "Fatima B." in second_page  # its own recent signers


def test_a_second_petition_has_its_own_comments_and_sharing(app, staff, client):
    Admin(app, staff).create()
    approved(app, Reader(app), slug="ramadan-sans-coupure", text="Ma mère attendait mon appel chaque soir.")
    second = unescape(client.get("/petitions/ramadan-sans-coupure").get_data(as_text=True))
    first = unescape(client.get("/petitions/kleema").get_data(as_text=True))
    assert "Ma mère attendait mon appel chaque soir." in second
    assert "Ma mère attendait mon appel chaque soir." not in first
    for path in (
        "/petitions/ramadan-sans-coupure/share",
        "/petitions/ramadan-sans-coupure/qr.svg",
        "/petitions/ramadan-sans-coupure/qr.png",
        "/petitions/ramadan-sans-coupure/flyer",
        "/petitions/ramadan-sans-coupure/card/ar.png",
        "/petitions/ramadan-sans-coupure/comments",
        "/embed/ramadan-sans-coupure",
        "/badge/ramadan-sans-coupure.svg",
    ):
        assert client.get(path).status_code == 200, path
    short = client.get("/p/ramadan-sans-coupure")
    assert short.status_code in (301, 302)
    assert urlsplit(short.headers["Location"]).path == "/petitions/ramadan-sans-coupure"
    embed = unescape(client.get("/embed/ramadan-sans-coupure").get_data(as_text=True))
    assert SECOND["title"] in embed and "Wana" not in embed
    assert b"<svg" in client.get("/badge/ramadan-sans-coupure.svg").data


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
@pytest.mark.parametrize(
    ("fields", "field", "msgid"),
    [
        ({"title": ""}, "title", "Ce champ est obligatoire."),
        ({"title": "\u3164 "}, "title", "Ce champ ne contient que des espaces ou des caractères invisibles."),
        (
            {"slug": "kleema"},
            "slug",
            "Une autre pétition a, ou a eu, cette adresse. Choisissez-en une autre.",
        ),
        ({"slug": "Pétition été"}, "slug", None),
        ({"slug": "-debut"}, "slug", None),
        ({"goal": "beaucoup"}, "goal", None),
        ({"goal": "0"}, "goal", None),
        ({"goal": "-5"}, "goal", None),
        ({"milestones": "500\n100"}, "milestones", None),
        ({"milestones": "100\n100"}, "milestones", None),
    ],
)
def test_bad_input_comes_back_in_the_admins_language_with_what_was_typed(
    app, staff, lang, fields, field, msgid
):
    admin = Admin(app, staff, lang)
    response = admin.create(**fields)
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert 'role="alert"' in html
    messages = {
        "slug": "Une adresse s'écrit en lettres minuscules sans accent, chiffres et tirets, sans espace ni tiret "
        "au début ou à la fin. Exemple\u00a0: retablir-les-appels",
        "goal": "L'objectif est un nombre entier de signatures, plus grand que zéro. Exemple\u00a0: 50000",
        "milestones": "Écrivez les paliers du plus petit au plus grand, chacun plus grand que le précédent.",
    }
    expected = said(app, lang, msgid or messages[field])
    assert expected in html
    if lang != "fr":
        assert expected != said(app, "fr", msgid or messages[field])
    for name, value in {**SECOND, **fields}.items():
        if value and name not in ("letter", "demands", "milestones"):
            assert value.strip() in html, name
    assert petition_id(app, "ramadan-sans-coupure") is None
    assert actions(app).count("petition.create") == 0


def test_milestone_that_is_not_a_number_is_named(app, staff):
    response = Admin(app, staff).create(milestones="100\ncent")
    assert response.status_code == 422
    assert "«\u00a0cent\u00a0»" in unescape(response.get_data(as_text=True))


def test_renamed_before_the_first_signature_the_old_address_redirects(app, staff, signer, client):
    admin = Admin(app, staff)
    admin.create()
    second = petition_id(app, "ramadan-sans-coupure")
    assert client.get("/petitions/ramadan-sans-coupure").status_code == 200  # cached under the old slug
    assert admin.edit(second, slug="ramadan-en-paix").status_code == 303

    moved = client.get("/petitions/ramadan-sans-coupure?lang=ar")
    assert moved.status_code == 301
    assert moved.headers["Location"].endswith("/petitions/ramadan-en-paix?lang=ar")
    assert client.get("/api/petitions/ramadan-sans-coupure").status_code == 301
    assert client.get("/p/ramadan-sans-coupure").headers["Location"].endswith("/p/ramadan-en-paix")
    assert client.get("/petitions/ramadan-en-paix").status_code == 200
    assert client.post("/petitions/ramadan-sans-coupure/sign").status_code == 404  # a form is never replayed

    # Another petition may not take the old address: it still leads somewhere.
    taken = admin.create(slug="ramadan-sans-coupure")
    assert taken.status_code == 422

    signer.sign(slug="ramadan-en-paix", email="lina@example.org")  # pending: the address is out already
    refused = admin.edit(second, slug="encore-un-nom")
    html = unescape(refused.get_data(as_text=True))
    assert refused.status_code == 422
    assert "Cette pétition a des signatures\u00a0: son adresse ne change plus." in html
    assert petition_id(app, "ramadan-en-paix") == second
    page = unescape(admin.client.get(f"/admin/petitions/{second}").get_data(as_text=True))
    assert re.search(r'name="slug"[^>]*readonly', page)


def test_edits_never_lose_signatures_and_show_at_once(app, staff, signer):
    signer.sign_and_confirm(email="samir@example.org")
    assert "Wana" in signer.client.get("/petitions/kleema").get_data(as_text=True)  # fragments cached
    admin = Admin(app, staff)
    kleema = petition_id(app, "kleema")
    assert admin.edit(kleema, milestones="10\n100\n500").status_code == 303
    page = unescape(signer.client.get("/petitions/kleema").get_data(as_text=True))
    assert "Objectif\u00a0: 10 signatures" in page
    data = signer.client.get("/api/petitions/kleema").get_json()
    assert (data["goal"], data["next_goal"]) == (50000, 10)

    response = admin.edit(kleema, title="Wana, rendez-nous la ligne", goal="2 000")
    assert response.status_code == 303
    page = unescape(signer.client.get("/petitions/kleema").get_data(as_text=True))
    assert "Wana, rendez-nous la ligne" in page
    assert signer.count() == 1
    assert signer.client.get("/api/petitions/kleema").get_json()["goal"] == 2000
    with app.app_context():
        assert db.session.get(Petition, kleema).milestone_list == (10, 100, 500)
    assert actions(app).count("petition.update") == 2


def test_translations_missing_or_out_of_date_since_the_french_text_changed(app, staff, client):
    admin = Admin(app, staff)
    kleema = petition_id(app, "kleema")

    def states() -> str:
        return unescape(admin.client.get(f"/admin/petitions/{kleema}").get_data(as_text=True))

    assert states().count("à jour") == 2  # the seeded Arabic and English texts
    admin.edit(kleema, summary="Un nouveau résumé, plus court.")
    assert states().count("à revoir\u00a0: le texte français a changé depuis cette traduction") == 2

    page = admin.client.get(f"/admin/petitions/{kleema}/en").get_data(as_text=True)
    with app.app_context():
        english = db.session.get(PetitionTranslation, (kleema, "en"))
        fields = {
            name: getattr(english, name) or ""
            for name in SECOND
            if name not in ("slug", "goal", "milestones")
        }
    fields["summary"] = "A new, shorter summary."
    response = admin.client.post(f"/admin/petitions/{kleema}/en", data={**fields, **form_tokens(page)})
    assert response.status_code == 303
    html = states()
    assert "à revoir" in html and html.count("à jour") == 1
    assert "A new, shorter summary." in unescape(
        client.get("/petitions/kleema?lang=en").get_data(as_text=True)
    )
    assert "petition.translation" in actions(app)

    admin.create()
    second = petition_id(app, "ramadan-sans-coupure")
    html = unescape(admin.client.get(f"/admin/petitions/{second}").get_data(as_text=True))
    assert html.count("à traduire\u00a0: rien n'est traduit, la page est en français") == 2
    arabic = unescape(client.get("/petitions/ramadan-sans-coupure?lang=ar").get_data(as_text=True))
    assert f'lang="fr" dir="ltr">{SECOND["title"]}' in arabic

    page = admin.client.get(f"/admin/petitions/{second}/ar").get_data(as_text=True)
    assert f'action="/admin/petitions/{second}/ar"' in page
    response = admin.client.post(
        f"/admin/petitions/{second}/ar", data={"title": "لا قطع بعد اليوم في رمضان", **form_tokens(page)}
    )
    assert response.status_code == 303
    html = unescape(admin.client.get(f"/admin/petitions/{second}").get_data(as_text=True))
    assert (
        "incomplet, en français\u00a0: Résumé, Destinataire, Lettre, Ce qui s'est passé et Demandes" in html
    )


def test_translation_of_an_unknown_language_is_a_404(app, staff):
    admin = Admin(app, staff)
    kleema = petition_id(app, "kleema")
    assert admin.client.get(f"/admin/petitions/{kleema}/fr").status_code == 404
    assert admin.client.get(f"/admin/petitions/{kleema}/de").status_code == 404
    assert admin.client.get("/admin/petitions/99999").status_code == 404
    assert admin.client.get("/admin/petitions/99999999999999").status_code == 404


def test_closed_with_a_message_per_language_then_opened_again(app, staff, signer):
    open_page = signer.client.get("/petitions/kleema").get_data(as_text=True)
    admin = Admin(app, staff)
    kleema = petition_id(app, "kleema")
    page = admin.client.get(f"/admin/petitions/{kleema}").get_data(as_text=True)
    response = admin.client.post(
        f"/admin/petitions/{kleema}/state",
        data={
            "closing_fr": "Les signatures ont été remises à Wana le 20 septembre.",
            "closing_ar": "سُلّمت التوقيعات إلى وانا يوم 20 سبتمبر.",
            "closing_en": "",
            **form_tokens(page),
        },
    )
    assert response.status_code == 303
    french = unescape(signer.client.get("/petitions/kleema").get_data(as_text=True))
    arabic = unescape(signer.client.get("/petitions/kleema?lang=ar").get_data(as_text=True))
    english = unescape(signer.client.get("/petitions/kleema?lang=en").get_data(as_text=True))
    assert "Les signatures ont été remises à Wana le 20 septembre." in french
    assert "سُلّمت التوقيعات إلى وانا يوم 20 سبتمبر." in arabic
    assert 'lang="fr" dir="ltr"><p>Les signatures ont été remises' in english
    late = signer.client.post("/petitions/kleema/sign", data={**GOOD, **form_tokens(open_page)})
    assert late.status_code == 409
    with app.app_context():
        assert db.session.get(Petition, kleema).closed_dt is not None

    page = admin.client.get(f"/admin/petitions/{kleema}").get_data(as_text=True)
    admin.client.post(f"/admin/petitions/{kleema}/state", data={"is_open": "y", **form_tokens(page)})
    assert signer.sign().status_code == 303
    assert actions(app)[-2:] == ["petition.close", "petition.open"]


def test_the_featured_petition_is_the_one_on_the_home_page(app, staff, client):
    admin = Admin(app, staff)
    admin.create()
    assert "Wana, rétablissez" in unescape(client.get("/").get_data(as_text=True))
    second = petition_id(app, "ramadan-sans-coupure")
    page = admin.client.get(f"/admin/petitions/{second}").get_data(as_text=True)
    assert admin.client.post(f"/admin/petitions/{second}/feature", data=form_tokens(page)).status_code == 303
    home = unescape(client.get("/").get_data(as_text=True))
    assert SECOND["title"] in home and "Wana, rétablissez" not in home
    with app.app_context():
        assert db.session.scalars(select(Petition.slug).where(Petition.is_featured)).all() == [
            "ramadan-sans-coupure"
        ]
    assert "petition.feature" in actions(app)
    # Without its token the button changes nothing.
    kleema = petition_id(app, "kleema")
    assert admin.client.post(f"/admin/petitions/{kleema}/feature").status_code == 400
    assert SECOND["title"] in unescape(client.get("/").get_data(as_text=True))


def test_the_editor_links_the_moderation_mode_and_the_dashboard_lists_petitions(app, staff):
    admin = Admin(app, staff)
    kleema = petition_id(app, "kleema")
    page = admin.client.get(f"/admin/petitions/{kleema}").get_data(as_text=True)
    assert "/admin/moderation/settings" in page
    for path in (f"/admin/petitions/{kleema}", f"/admin/petitions/{kleema}/en", "/admin/petitions/new"):
        assert ">None<" not in admin.client.get(path).get_data(as_text=True), path
    dashboard = admin.client.get("/admin/").get_data(as_text=True)
    assert f"/admin/petitions/{kleema}" in dashboard


def test_the_migration_keeps_petitions_and_signatures_both_ways(app):
    """Up from the revision before, with a signed petition and a translation, down, and up again."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    with app.app_context():
        directory = app.extensions["migrate"].directory
        kleema = petition_id(app, "kleema")
        downgrade(directory=directory, revision="0013_signature_towns")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO signatures (petition_id, token, status, first_name, last_name, email,"
                    " email_canonical, country, is_subscriber, show_name, wants_updates, consent_wording,"
                    " locale, created_dt) VALUES (:petition, 't0', 'confirmed', 'Ana', 'B', 'a@example.org',"
                    " 'a@example.org', 'ES', :no, :no, :no, 'oui', 'fr', CURRENT_TIMESTAMP)"
                ),
                {"petition": kleema, "no": False},
            )
        upgrade(directory=directory)
        with db.engine.connect() as connection:
            row = connection.execute(
                text(
                    "SELECT text_version, text_changed_dt, created_dt, milestones FROM petitions WHERE id = :id"
                ),
                {"id": kleema},
            ).one()
            versions = connection.scalars(text("SELECT source_version FROM petition_translations")).all()
            signatures = connection.scalar(text("SELECT count(*) FROM signatures"))
        assert (row.text_version, row.milestones) == (1, "")
        assert row.text_changed_dt == row.created_dt
        assert versions and set(versions) == {1}
        assert signatures == 1
        db.session.remove()


def test_a_renamed_kleema_petition_is_not_seeded_again_at_the_next_start(app, staff, client):
    from petition.petitions.seed import ensure_kleema_petition

    kleema = petition_id(app, "kleema")
    assert Admin(app, staff).edit(kleema, slug="wana-retablissez").status_code == 303
    with app.app_context():
        ensure_kleema_petition()
        assert db.session.scalars(select(Petition.slug)).all() == ["wana-retablissez"]
        db.session.remove()
    assert client.get("/petitions/kleema").status_code == 301


def test_the_editor_and_a_closed_petition_are_valid_html(app, staff, client, tmp_path):
    """The Nu HTML checker (as in test_valid_html) on the back-office pages of this part, with
    errors shown, and on a closed petition's page, in each language."""
    from tests.test_valid_html import vnu_errors

    admin = Admin(app, staff)
    kleema = petition_id(app, "kleema")
    page = admin.client.get(f"/admin/petitions/{kleema}").get_data(as_text=True)
    admin.client.post(
        f"/admin/petitions/{kleema}/state",
        data={"closing_fr": "Merci à tous.\n\nÀ bientôt.", **form_tokens(page)},
    )
    for lang in ("fr", "ar", "en"):
        admin.client.get("/admin/", query_string={"lang": lang})
        pages = {
            "list": admin.client.get("/admin/petitions"),
            "new": admin.client.get("/admin/petitions/new"),
            "errors": admin.create(title="", goal="zéro", milestones="9\n3"),
            "edit": admin.client.get(f"/admin/petitions/{kleema}"),
            "translation": admin.client.get(f"/admin/petitions/{kleema}/ar"),
            "dashboard": admin.client.get("/admin/"),
            "closed": client.get(f"/petitions/kleema?lang={lang}"),
        }
        for name, response in pages.items():
            assert response.mimetype == "text/html", name
            (tmp_path / f"{lang}-{name}.html").write_bytes(response.data)
    errors = vnu_errors(tmp_path)
    assert not errors, "\n".join(errors)


def test_an_address_taken_at_the_same_moment_is_refused_by_the_unique_index(app, monkeypatch):
    """Two admins saving the same address at once: the check before passes for both, the
    database's unique index refuses the second, which gets the form's message, not an error."""
    from petition.petitions import service

    monkeypatch.setattr(service, "slug_taken", lambda slug, petition_id=None: False)
    draft = service.Draft(**{**SECOND, "slug": "kleema", "goal": 1000})
    with app.test_request_context():
        with pytest.raises(service.SlugTaken):
            service.create(draft)
        db.session.remove()
    with app.app_context():
        assert db.session.scalars(select(Petition.slug)).all() == ["kleema"]


def test_the_preview_card_is_drawn_again_at_a_milestone_set_by_an_admin(app):
    from petition.sharing import service as sharing

    with app.test_request_context():
        petition = db.session.scalar(select(Petition).where(Petition.slug == "kleema"))
        before = sharing.card_version(petition, 3)
        petition.milestones = "3\n30"
        assert sharing.card_version(petition, 3) != before
        assert sharing.card_version(petition, 4) == sharing.card_version(petition, 3)
        db.session.rollback()


@pytest.mark.parametrize(
    "path", ["/admin/mailings/new", "/admin/exports", "/admin/updates/new", "/admin/fraud/bulk"]
)
def test_menus_of_petitions_name_them_in_the_admins_language(app, staff, path):
    from html import unescape

    from petition.petitions import service as petitions

    admin = app.test_client()
    staff.login(admin, "admin")
    with app.app_context():
        kleema = petitions.by_slug("kleema")
        arabic, french = petitions.title_in(kleema, "ar"), kleema.title
        db.session.remove()
    assert arabic != french
    page = unescape(admin.get(f"{path}?lang=ar").get_data(as_text=True))
    menu = page[page.index("<select") : page.index("</select>")]
    assert arabic in menu and french not in menu
