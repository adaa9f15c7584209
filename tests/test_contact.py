"""Writing to the committee from /contact, the admins' inbox, and the privacy page that names who
answers for the data."""

import re
from html import unescape

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from petition.contact.models import ContactMessage
from petition.extensions import db, limiter
from tests.helpers import form_tokens, links, path_of, text_of

LANGS = ["fr", "ar", "en"]
XSS = '<script>alert("x")</script>'


@pytest.fixture(autouse=True)
def _no_timer(app):
    """The form's minimum fill time is tested on its own; the other tests send at once."""
    app.config["CONTACT_MIN_SECONDS"] = 0


def said(app, lang: str, msgid: str, **params) -> str:
    """The text a visitor reads in that language (compare it with unescape(html))."""
    with app.test_request_context(), force_locale(lang):
        return gettext(msgid, **params)


def page(client, lang: str, path: str = "/contact") -> str:
    response = client.get(path, query_string={"lang": lang})
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def send(client, lang="fr", **fields):
    data = {
        "name": "Samira Alaoui",
        "email": "samira@example.org",
        "message": "Ma mère à Oujda attend.",
        **fields,
    }
    data = {**data, **form_tokens(page(client, lang))}
    return client.post("/contact", data={k: v for k, v in data.items() if v is not None})


def kept(app) -> list[ContactMessage]:
    with app.app_context():
        found = db.session.scalars(select(ContactMessage).order_by(ContactMessage.id)).all()
        db.session.expunge_all()
        return found


def deliver(app):
    from petition.mail.service import deliver_due

    with app.app_context():
        deliver_due()
        db.session.remove()


@pytest.mark.parametrize("lang", LANGS)
def test_the_footer_leads_to_a_contact_form_with_its_robot_traps(app, client, lang):
    home = page(client, lang, "/petitions/kleema")
    footer = home[home.index('<footer class="site-footer">') :]
    assert 'href="/contact"' in unescape(footer) and said(app, lang, "Écrire au comité") in unescape(footer)
    html = page(client, lang)
    assert f'<html lang="{lang}"' in html
    assert f"<h1>{said(app, lang, 'Écrire au comité')}</h1>" in unescape(html)
    for name in ("csrf_token", "started", "website", "name", "email", "message"):
        assert f'name="{name}"' in html, name


@pytest.mark.parametrize("lang", LANGS)
def test_a_message_is_kept_and_mailed_to_every_admin_only(app, client, staff, smtp_sink, lang):
    admin, _password = staff.create("admin")
    moderator, _password = staff.create("moderator")
    response = send(client, lang, message=f"Depuis lundi je ne peux plus appeler Wana.\n\n{XSS}")
    assert response.status_code == 303 and response.headers["Location"].startswith("/contact")
    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    assert said(
        app, lang, "Merci, votre message est envoyé au comité. Il vous répondra à l'adresse indiquée."
    ) in unescape(thanks)

    [message] = kept(app)
    assert (message.name, message.email, message.locale, message.robot_signal) == (
        "Samira Alaoui",
        "samira@example.org",
        lang,
        None,
    )
    deliver(app)
    mail = smtp_sink.last_to(admin)
    assert "Samira Alaoui" in mail["Subject"]
    body = text_of(mail)
    assert "Depuis lundi je ne peux plus appeler Wana." in body and "samira@example.org" in body
    assert any(path_of(url) == f"/admin/contact/{message.id}" for url in links(mail))
    assert smtp_sink.to(moderator) == []


def test_robots_are_kept_apart_and_never_mailed(app, client, staff, smtp_sink):
    admin, _password = staff.create("admin")
    assert send(client, website="http://spam.example").status_code == 303
    [message] = kept(app)
    assert message.robot_signal == "honeypot"
    deliver(app)
    assert smtp_sink.to(admin) == []


@pytest.mark.parametrize("lang", LANGS)
def test_bad_input_says_what_to_fix_and_keeps_what_was_typed(app, client, lang):
    response = send(client, lang, name="", email="samira@", message="Un message gardé\nsur deux lignes")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert said(app, lang, "Indiquez votre nom et votre prénom.") in unescape(html)
    assert said(
        app, lang, "Cette adresse e-mail n'est pas valide. Exemple\u00a0: prenom.nom@exemple.fr"
    ) in unescape(html)
    assert "Un message gardé\nsur deux lignes</textarea>" in html and 'value="samira@"' in html
    assert kept(app) == []


@pytest.mark.parametrize("lang", LANGS)
def test_too_fast_or_expired_shows_the_form_again_with_the_message(app, client, lang):
    app.config["CONTACT_MIN_SECONDS"] = 60
    response = send(client, lang, message="Écrit trop vite")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert said(
        app, lang, "Prenez un instant pour relire votre message, puis envoyez-le à nouveau."
    ) in unescape(html)
    assert "Écrit trop vite</textarea>" in html

    app.config["CONTACT_MIN_SECONDS"] = 0
    client.get("/contact", query_string={"lang": lang})
    expired = client.post("/contact", data={"name": "Samira", "email": "s@example.org", "message": "Gardé"})
    assert expired.status_code == 400
    html = expired.get_data(as_text=True)
    assert said(
        app, lang, "Votre session a expiré. Vérifiez votre message et envoyez-le à nouveau."
    ) in unescape(html)
    assert "Gardé</textarea>" in html
    assert kept(app) == []


def test_over_the_rate_limit_the_message_comes_back(app, client):
    app.config["RATELIMIT_CONTACT"] = "2 per minute"
    limiter.enabled = True
    assert send(client).status_code == 303
    assert send(client).status_code == 303
    third = send(client, message="Le troisième message")
    assert third.status_code == 429
    assert "Le troisième message</textarea>" in third.get_data(as_text=True)
    assert len(kept(app)) == 2


@pytest.mark.parametrize("lang", LANGS)
def test_admins_read_messages_and_moderators_may_not(app, client, staff, lang):
    send(client, name=XSS, message=f"Premier paragraphe.\n\n{XSS}")
    [message] = kept(app)

    anonymous = app.test_client()
    assert "/admin/login" in anonymous.get("/admin/contact").headers["Location"]
    moderator = app.test_client()
    staff.login(moderator, role="moderator")
    assert moderator.get("/admin/contact").status_code == 403
    assert moderator.get(f"/admin/contact/{message.id}").status_code == 403

    admin = app.test_client()
    staff.login(admin, role="admin")
    dashboard = page(admin, lang, "/admin/")
    assert re.search(rf"<dt>{re.escape(said(app, lang, 'Non lus'))}</dt><dd>1</dd>", dashboard)
    inbox = page(admin, lang, "/admin/contact")
    assert f'href="/admin/contact/{message.id}"' in inbox
    assert said(app, lang, "non lu") in unescape(inbox)
    detail = page(admin, lang, f"/admin/contact/{message.id}")
    assert "<script>alert" not in detail and "&lt;script&gt;" in detail
    assert "<p>Premier paragraphe.</p>" in detail and "samira@example.org" in detail
    assert said(app, lang, "lu") in page(admin, lang, "/admin/contact")
    assert re.search(r"<dd>0</dd>", page(admin, lang, "/admin/"))
    assert admin.get("/admin/contact/999999").status_code == 404
    assert admin.get("/admin/contact/99999999999999999999").status_code == 404


@pytest.mark.parametrize("lang", LANGS)
def test_privacy_page_names_who_answers_for_the_data_and_the_authorities(app, client, lang):
    html = page(client, lang, "/privacy")
    committee = said(app, lang, "Comité de soutien à KLEEMA")
    assert f"<bdi>{committee}</bdi>" in html
    assert 'href="/contact"' in html
    assert 'href="https://www.cnil.fr/"' in html and 'href="https://www.cndp.ma/"' in html
    assert "CNIL" in html and "CNDP" in html

    app.config["DATA_CONTROLLER_NAME"] = "Association des abonnés de KLEEMA"
    app.config["DATA_CONTROLLER_EMAIL"] = "donnees@comite-kleema.example"
    html = page(client, lang, "/privacy")
    assert "<bdi>Association des abonnés de KLEEMA</bdi>" in html
    assert 'href="mailto:donnees@comite-kleema.example"' in html


def test_forms_sent_back_for_correction_do_not_use_up_the_limit(app, client):
    app.config["RATELIMIT_CONTACT"] = "2 per minute"
    limiter.enabled = True
    for typo in ("bob@", "bob at example.org", "Ana <ana@example.org>"):
        assert send(client, email=typo).status_code == 422
    assert send(client, message="Enfin la bonne adresse").status_code == 303
    assert send(client).status_code == 303
    assert send(client).status_code == 429  # what was sent still counts
    assert len(kept(app)) == 2
