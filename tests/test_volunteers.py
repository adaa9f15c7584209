"""Joining the committee from /volunteer: double opt-in by mail, the same answer for a known
address, robot traps and limits, and the admins' list with its filters, marks and CSV export."""

import csv
import io
from html import unescape

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from petition.audit.models import AuditEntry
from petition.extensions import db, limiter
from petition.volunteers.models import Volunteer, VolunteerStatus
from tests.helpers import form_tokens, links, path_of, text_of

LANGS = ["fr", "ar", "en"]
ANSWERS = {
    "name": "Samira Alaoui",
    "email": "samira@example.org",
    "country": "FR",
    "city": "Lyon",
    "helps": ["flyers", "translate"],
    "availability": "Le samedi matin.",
    "consent": "y",
}


def said(app, lang: str, msgid: str, **params) -> str:
    with app.test_request_context(), force_locale(lang):
        return gettext(msgid, **params)


def page(client, path: str = "/volunteer", lang: str = "fr") -> str:
    response = client.get(path, query_string={"lang": lang})
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def offer(client, lang="fr", **fields):
    data = {**ANSWERS, **fields, **form_tokens(page(client, lang=lang))}
    return client.post("/volunteer", data={k: v for k, v in data.items() if v is not None})


def deliver(app):
    from petition.mail.service import deliver_due

    with app.app_context():
        deliver_due()
        db.session.remove()


def volunteers(app) -> list[Volunteer]:
    with app.app_context():
        found = db.session.scalars(select(Volunteer).order_by(Volunteer.id)).all()
        db.session.expunge_all()
        return found


def confirm_path(app, mailbox, address="samira@example.org") -> str:
    deliver(app)
    return path_of(next(u for u in links(mailbox.last_to(address)) if "/volunteer/confirm/" in u))


def press(client, path):
    form = client.get(path)
    assert form.status_code == 200
    return client.post(path, data=form_tokens(form.get_data(as_text=True)), follow_redirects=True)


def audit(app, action: str) -> list[AuditEntry]:
    with app.app_context():
        found = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        ).all()
        db.session.expunge_all()
        return found


@pytest.mark.parametrize("lang", LANGS)
def test_an_offer_counts_only_once_confirmed_from_the_mail_in_the_visitors_language(
    app, client, smtp_sink, staff, lang
):
    home = page(client, "/petitions/kleema", lang)
    footer = unescape(home[home.index('<footer class="site-footer">') :])
    assert 'href="/volunteer"' in footer and said(app, lang, "Rejoindre le comité") in footer

    response = offer(client, lang)
    assert response.status_code == 303 and response.headers["Location"] == "/volunteer/sent"
    assert said(app, lang, "Merci ! Vérifiez votre boîte mail") in unescape(
        page(client, "/volunteer/sent", lang)
    )
    [kept] = volunteers(app)
    assert kept.status == VolunteerStatus.PENDING and kept.locale == lang
    assert kept.helps == "flyers translate" and kept.city == "Lyon"
    consent = (
        "J'accepte que le comité garde ces informations pour me recontacter au sujet de mon aide. "
        "Je peux demander leur effacement à tout moment."
    )
    assert kept.consent_wording == said(app, lang, consent)
    assert kept.consent_dt is not None

    path = confirm_path(app, smtp_sink)
    mail = smtp_sink.last_to("samira@example.org")
    assert mail["Subject"] == said(app, lang, "Confirmez votre proposition d'aide au comité")
    assert f"lang={lang}" in next(u for u in links(mail) if "/volunteer/confirm/" in u)

    # Opening the link (as a mail scanner does) confirms nothing.
    form = client.get(path)
    assert form.headers["Cache-Control"] == "no-store" and "noindex" in form.headers["X-Robots-Tag"]
    assert "Samira Alaoui" in form.get_data(as_text=True)
    assert volunteers(app)[0].status == VolunteerStatus.PENDING
    tokens = form_tokens(form.get_data(as_text=True))
    done = client.post(path, data=tokens, follow_redirects=True)
    assert said(app, lang, "Merci, votre proposition est transmise au comité !") in unescape(
        done.get_data(as_text=True)
    )
    [confirmed] = volunteers(app)
    assert confirmed.status == VolunteerStatus.CONFIRMED
    # A double click or a replay changes nothing.
    assert client.post(path, data=tokens, follow_redirects=True).status_code == 200
    assert volunteers(app)[0].confirmed_dt == confirmed.confirmed_dt
    # The consent is on record once, with the words the volunteer read.
    with app.app_context():
        from petition.privacy import consents

        [record] = consents.of("samira@example.org")
        assert record.purpose == "volunteer.contact" and record.wording == said(app, lang, consent)
        assert record.locale == lang and record.withdrawn_dt is None
        db.session.remove()

    admin = app.test_client()
    staff.login(admin, "admin")
    listing = admin.get("/admin/volunteers").get_data(as_text=True)
    assert "Samira Alaoui" in listing and "samira@example.org" in listing


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_confirmation_mail_names_the_help_offered_in_the_visitors_language(app, client, smtp_sink, lang):
    offer(client, lang)
    confirm_path(app, smtp_sink)
    text = text_of(smtp_sink.last_to("samira@example.org"))
    for label in ("Distribuer des tracts", "Traduire"):
        assert said(app, lang, label) in text
        assert label not in text


def test_a_known_address_gets_the_same_answer_and_its_first_answers_are_kept(app, client, smtp_sink):
    first = offer(client)
    again = offer(client, name="Quelqu'un d'autre", helps=["press"])
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    [kept] = volunteers(app)
    assert kept.name == "Samira Alaoui" and kept.helps == "flyers translate"
    deliver(app)
    assert len(smtp_sink.to("samira@example.org")) == 2  # the link again, for a lost mail

    press(client, confirm_path(app, smtp_sink))
    smtp_sink.clear()
    assert offer(client, email="Samira@Example.org").status_code == 303
    deliver(app)
    mail = smtp_sink.last_to("samira@example.org")
    assert mail["Subject"] == "Votre proposition d'aide est déjà enregistrée"
    assert not [u for u in links(mail) if "/volunteer/confirm/" in u]
    assert len(volunteers(app)) == 1


def test_no_more_than_the_daily_mails_reach_one_address(app, client, smtp_sink):
    app.config["MAILS_PER_ADDRESS_PER_DAY"] = 2
    for _ in range(4):
        assert offer(client).status_code == 303
    deliver(app)
    assert len(smtp_sink.to("samira@example.org")) == 2


def test_a_robot_is_answered_alike_but_nobody_is_mailed_and_a_person_may_still_offer(app, client, smtp_sink):
    assert offer(client, website="http://spam.example").status_code == 303
    deliver(app)
    assert smtp_sink.to("samira@example.org") == []
    [kept] = volunteers(app)
    assert kept.robot_signal == "honeypot"
    assert offer(client, name="Samira A.").status_code == 303
    [kept] = volunteers(app)
    assert kept.robot_signal is None and kept.name == "Samira A."
    press(client, confirm_path(app, smtp_sink))
    assert volunteers(app)[0].status == VolunteerStatus.CONFIRMED


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"helps": None}, "helps", "Cochez au moins une façon d'aider."),
        ({"helps": ["other"]}, "help_other", "Dites en quelques mots quelle autre aide vous proposez."),
        ({"helps": ["sing"]}, "helps", None),
        ({"email": "samira@"}, "email", None),
        ({"country": "XX"}, "country", "Choisissez votre pays dans la liste."),
        (
            {"consent": None},
            "consent",
            "Cochez cette case pour que le comité puisse garder vos informations.",
        ),
        ({"name": "\u3164"}, "name", "Ce champ ne contient que des espaces ou des caractères invisibles."),
        ({"availability": "x" * 501}, "availability", None),
    ],
)
@pytest.mark.parametrize("lang", ["ar", "en"])
def test_bad_answers_come_back_with_a_message_in_the_visitors_language_and_the_values_kept(
    app, client, fields, field, message, lang
):
    response = offer(client, lang, **fields)
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    assert f'id="{field}-error"' in html
    if message:
        assert said(app, lang, message) in html
    assert 'value="Lyon"' in html and {**ANSWERS, **fields}["availability"] in html
    assert volunteers(app) == []


def test_a_form_sent_too_fast_or_with_an_expired_session_comes_back_with_its_values(app, client):
    app.config["VOLUNTEER_MIN_SECONDS"] = 60
    response = offer(client)
    assert response.status_code == 422 and 'value="Samira Alaoui"' in response.get_data(as_text=True)
    app.config["VOLUNTEER_MIN_SECONDS"] = 0
    data = {**ANSWERS, **form_tokens(page(client)), "csrf_token": "expired"}
    response = client.post("/volunteer", data=data)
    assert response.status_code == 400 and 'value="Samira Alaoui"' in response.get_data(as_text=True)
    assert volunteers(app) == []


def test_past_the_rate_limit_the_form_comes_back_with_what_was_typed(app, client):
    app.config["RATELIMIT_VOLUNTEER"] = "2 per minute"
    limiter.enabled = True
    # A form sent back for correction does not count against the limit.
    assert offer(client, helps=None).status_code == 422
    for n in range(2):
        assert offer(client, email=f"person{n}@example.org").status_code == 303
    response = offer(client, lang="en", email="third@example.org", city="Marseille")
    assert response.status_code == 429
    assert said(
        app,
        "en",
        "Plusieurs propositions sont parties d'ici en peu de temps. Patientez quelques minutes, puis envoyez à nouveau : vos réponses sont gardées ci-dessous.",
    ) in unescape(response.get_data(as_text=True))
    assert 'value="Marseille"' in response.get_data(as_text=True)
    assert len(volunteers(app)) == 2


def test_a_forged_or_expired_link_confirms_nothing(app, client, smtp_sink):
    offer(client)
    path = confirm_path(app, smtp_sink)
    assert client.get(path[:-3] + "abc").status_code == 404
    app.config["CONFIRM_TOKEN_DAYS"] = -1
    assert client.get(path).status_code == 410
    assert volunteers(app)[0].status == VolunteerStatus.PENDING


def _confirmed(app, client, smtp_sink, **fields):
    email = fields.get("email", ANSWERS["email"])
    assert offer(client, **fields).status_code == 303
    press(client, confirm_path(app, smtp_sink, email))


def test_admins_filter_the_list_by_help_and_country_and_mark_people_contacted(app, client, smtp_sink, staff):
    _confirmed(app, client, smtp_sink)
    _confirmed(
        app, client, smtp_sink, name="Karim Idrissi", email="karim@example.org", country="BE", helps=["legal"]
    )
    offer(client, name="Pending Person", email="pending@example.org")
    admin = app.test_client()
    staff.login(admin, "admin")

    def names(**query):
        html = admin.get("/admin/volunteers", query_string=query).get_data(as_text=True)
        return {n for n in ("Samira Alaoui", "Karim Idrissi", "Pending Person") if n in html}

    assert names() == {"Samira Alaoui", "Karim Idrissi"}
    assert names(help="legal") == {"Karim Idrissi"}
    assert names(country="FR") == {"Samira Alaoui"}
    assert names(country="BE", help="flyers") == set()
    assert names(help="<script>", country="ZZZ") == {"Samira Alaoui", "Karim Idrissi"}

    karim = next(v for v in volunteers(app) if v.name == "Karim Idrissi")
    listing = admin.get("/admin/volunteers").get_data(as_text=True)
    # Without its CSRF token the button does nothing.
    assert admin.post(f"/admin/volunteers/{karim.id}/contacted", data={"contacted": "1"}).status_code == 400
    marked = admin.post(
        f"/admin/volunteers/{karim.id}/contacted",
        data={"contacted": "1", "help": "legal", **form_tokens(listing)},
    )
    assert marked.status_code == 303 and "help=legal" in marked.headers["Location"]
    assert next(v for v in volunteers(app) if v.id == karim.id).contacted_dt is not None
    [entry] = audit(app, "volunteer.contacted")
    assert entry.target_id == str(karim.id) and entry.actor_id is not None
    admin.post(f"/admin/volunteers/{karim.id}/contacted", data={"contacted": "0", **form_tokens(listing)})
    assert next(v for v in volunteers(app) if v.id == karim.id).contacted_dt is None
    assert len(audit(app, "volunteer.not_contacted")) == 1
    assert (
        admin.post(
            "/admin/volunteers/999999/contacted", data={"contacted": "1", **form_tokens(listing)}
        ).status_code
        == 404
    )


def test_the_csv_export_needs_a_reason_is_logged_and_never_runs_a_formula(app, client, smtp_sink, staff):
    _confirmed(
        app,
        client,
        smtp_sink,
        name='=HYPERLINK("http://evil.example")',
        city="+33 Lyon",
        availability="@SUM(A1)\n-2+3",
    )
    _confirmed(
        app, client, smtp_sink, name="Karim Idrissi", email="karim@example.org", country="BE", helps=["legal"]
    )
    admin = app.test_client()
    staff.login(admin, "admin")
    form = admin.get("/admin/volunteers/export?help=flyers").get_data(as_text=True)
    refused = admin.post("/admin/volunteers/export", data={"help": "flyers", **form_tokens(form)})
    assert refused.status_code == 422 and "Indiquez pourquoi vous exportez la liste." in unescape(
        refused.get_data(as_text=True)
    )
    assert audit(app, "volunteer.export") == []

    response = admin.post(
        "/admin/volunteers/export",
        data={"help": "flyers", "reason": "Tractage du marché de Lyon", **form_tokens(form)},
    )
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Prénom et nom", "Adresse e-mail", "Pays"]
    assert len(rows) == 2  # Karim offered legal help only
    name, email, country, city, helps, _other, availability = rows[1][:7]
    assert name == '\'=HYPERLINK("http://evil.example")' and city == "'+33 Lyon"
    assert availability == "'@SUM(A1)\n-2+3"
    assert email == "samira@example.org" and country == "France"
    assert helps == "Distribuer des tracts, Traduire"
    [entry] = audit(app, "volunteer.export")
    assert (
        entry.note == "Tractage du marché de Lyon"
        and entry.after["rows"] == 1
        and entry.after["help"] == "flyers"
    )
    log = unescape(admin.get("/admin/audit?lang=en").get_data(as_text=True))
    assert (
        "Volunteer list exported" in log and "Tractage du marché de Lyon" in log and "Hand out flyers" in log
    )


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_csv_names_its_first_column_as_the_form_does_the_whole_name(app, client, smtp_sink, staff, lang):
    _confirmed(app, client, smtp_sink)
    admin = app.test_client()
    staff.login(admin, "admin")
    form = admin.get("/admin/volunteers/export", query_string={"lang": lang}).get_data(as_text=True)
    response = admin.post("/admin/volunteers/export", data={"reason": "Réunion", **form_tokens(form)})
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0][0] == said(app, lang, "Prénom et nom") != said(app, lang, "Nom")
    assert rows[1][0] == "Samira Alaoui"


def test_volunteers_are_for_admins_only(app, client, staff):
    assert client.get("/admin/volunteers").status_code == 302
    moderator = app.test_client()
    staff.login(moderator, "moderator")
    for path in ("/admin/volunteers", "/admin/volunteers/export"):
        assert moderator.get(path).status_code == 403
    page_ = moderator.get("/admin/volunteers").get_data(as_text=True)
    assert "samira" not in page_


def test_a_persons_data_can_be_read_and_erased_through_its_holder(app, client, smtp_sink):
    from petition.core.personal_data import Erasure, holders

    _confirmed(app, client, smtp_sink, email="Samira.Alaoui+kleema@gmail.com")
    [holder] = [h for h in holders() if h.name == "volunteers"]
    with app.app_context():
        from petition.core.email import canonical_email

        key = canonical_email("samiraalaoui@gmail.com")
        [record] = holder.export(key)
        assert record["name"] == "Samira Alaoui" and record["consent"] and record["confirmed"]
        assert holder.erase(key, Erasure()) == 1
        db.session.commit()
    assert volunteers(app) == []
