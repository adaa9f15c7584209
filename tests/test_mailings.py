"""Writing to the signers from /admin/mailings: each signer who asked for news gets the mailing
once, in their language, at the pace set, with a one-click way out that keeps their signature."""

import base64
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from html import unescape
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from petition.audit.models import AuditEntry
from petition.core.personal_data import Erasure, holders
from petition.core.time import utcnow
from petition.core.transactions import write_transaction
from petition.extensions import db
from petition.mail.service import deliver_due
from petition.mailings import service
from petition.mailings.models import Mailing, MailingDelivery
from petition.signing.models import Signature
from petition.signing.service import INVALIDATED, change_count
from tests.helpers import form_tokens, links, path_of, text_of
from tests.mailing_steps import TEXTS, Admin

ROOT = Path(__file__).resolve().parents[1]
PEOPLE = {
    "fr": ("fatima@example.org", "Fatima"),
    "ar": ("karim@example.org", "كريم"),
    "en": ("john@example.org", "John"),
}


@pytest.fixture(autouse=True)
def _fast(app):
    app.config["MAILING_PER_MINUTE"] = 1000


def said(app, lang: str, msgid: str, **params) -> str:
    with app.test_request_context(), force_locale(lang):
        return gettext(msgid, **params)


def subscribe(signer, email: str, lang: str = "fr", **fields) -> None:
    """A signer who ticked "send me the committee's news" and confirmed, reading `lang`."""
    signer.client.get(f"/?lang={lang}")
    signer.sign_and_confirm(email=email, wants_updates="y", **fields)


def drain(app, minutes: int = 3) -> None:
    """Run the sender for a few minutes of a controlled clock: every mail due goes out."""
    with app.app_context():
        for minute in range(minutes):
            now = utcnow() + timedelta(minutes=minute)
            while any(deliver_due(now=now)):
                pass
        db.session.remove()


def mailing_mails(smtp_sink, subject_langs=("fr", "ar", "en")) -> list:
    subjects = {TEXTS[lang][0] for lang in subject_langs}
    return [m for m in smtp_sink.messages if m["Subject"] in subjects]


def test_a_mailing_in_three_languages_reaches_each_signer_once_in_their_language(
    app, signer, staff, smtp_sink
):
    for lang, (email, name) in PEOPLE.items():
        subscribe(signer, email, lang, first_name=name)
    smtp_sink.clear()
    admin = Admin(app, staff)
    mailing = admin.draft()
    page = unescape(admin.page(f"/admin/mailings/{mailing}"))
    for lang in PEOPLE:
        name = {"fr": "français", "ar": "arabe", "en": "anglais"}[lang]
        assert f'<th scope="row">{name}</th><td>1</td>' in page, lang
    assert "Envoyer à 3 signataires" in page

    assert admin.send(mailing).status_code == 303
    assert admin.send(mailing).status_code == 303  # a second click starts nothing more
    drain(app)
    for lang, (email, name) in PEOPLE.items():
        [received] = smtp_sink.to(email)
        subject, body = TEXTS[lang]
        assert received["Subject"] == subject
        assert received["Content-Language"] == lang
        text = text_of(received)
        assert body.split("\n")[0] in text and name in text
        assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        unsubscribe = received["List-Unsubscribe"].strip("<>")
        assert unsubscribe in links(received) and f"lang={lang}" in unsubscribe
        token = path_of(unsubscribe).rsplit("/", 1)[-1]
        assert "@" not in base64.urlsafe_b64decode(token.split(".")[0] + "==").decode()

    # Later rounds of the sender, and another click, send nothing again.
    assert admin.send(mailing).status_code == 303
    drain(app)
    assert len(mailing_mails(smtp_sink)) == 3
    progress = unescape(admin.page(f"/admin/mailings/{mailing}"))
    assert "<dt>Envoyés</dt><dd>3</dd>" in progress and "<dt>En attente</dt><dd>0</dd>" in progress


def test_a_language_without_its_text_gets_the_french_one(app, signer, staff, smtp_sink):
    subscribe(signer, "john@example.org", "en")
    subscribe(signer, "karim@example.org", "ar")
    admin = Admin(app, staff)
    mailing = admin.draft(languages=("fr", "ar"))
    page = unescape(admin.page(f"/admin/mailings/{mailing}"))
    assert '<th scope="row">anglais</th><td>1</td>\n        <td>le français</td>' in page
    admin.send(mailing)
    drain(app)
    john = smtp_sink.last_to("john@example.org")
    assert john["Subject"] == TEXTS["fr"][0]
    assert smtp_sink.last_to("karim@example.org")["Subject"] == TEXTS["ar"][0]
    # The whole mail is then French, and says so: a screen reader reads it with a French voice.
    assert john["Content-Language"] == "fr"
    assert '<html lang="fr"' in john.get_body(("html",)).get_content()


def test_withdrawn_unconfirmed_flagged_unsubscribed_and_uninterested_signers_get_nothing(
    app, signer, staff, smtp_sink, client
):
    subscribe(signer, "stays@example.org")
    subscribe(signer, "withdrew@example.org")
    signer.press_button(signer.withdraw_link("withdrew@example.org"))
    signer.sign(email="pending@example.org", wants_updates="y")
    subscribe(signer, "flagged@example.org")
    with app.app_context(), write_transaction():
        suspect = db.session.scalar(select(Signature).where(Signature.email == "flagged@example.org"))
        suspect.flag_reason = "network"
        change_count(suspect, -1, event=INVALIDATED, reason="network")
    signer.sign_and_confirm(email="no-news@example.org")
    subscribe(signer, "leaves@example.org")
    admin = Admin(app, staff)
    first = admin.draft(languages=("fr",))
    admin.send(first)
    drain(app)
    leaving = smtp_sink.last_to("leaves@example.org")
    count = signer.count()
    # RFC 8058: the mail program's one-click POST, without cookie or form token.
    one_click = app.test_client().post(
        path_of(leaving["List-Unsubscribe"].strip("<>")), data={"List-Unsubscribe": "One-Click"}
    )
    assert one_click.status_code == 303
    assert signer.count() == count  # the signature stays and counts
    smtp_sink.clear()

    second = admin.draft(languages=("fr",), subject_fr="Deuxième nouvelle")
    page = unescape(admin.page(f"/admin/mailings/{second}"))
    assert '<th scope="row">français</th><td>1</td>' in page
    admin.send(second)
    drain(app)
    assert [str(m["To"]) for m in smtp_sink.messages] == ["stays@example.org"]
    progress = unescape(admin.page(f"/admin/mailings/{first}"))
    assert "<dt>Désinscrits depuis ce message</dt><dd>1</dd>" in progress


def test_a_signer_who_withdraws_while_the_mailing_waits_is_left_out(app, signer, staff, smtp_sink):
    app.config["MAILING_PER_MINUTE"] = 1
    subscribe(signer, "first@example.org")
    subscribe(signer, "second@example.org")
    admin = Admin(app, staff)
    mailing = admin.draft(languages=("fr",))
    admin.send(mailing)
    drain(app, minutes=1)  # one a minute: the first goes, the second waits its turn
    assert len(mailing_mails(smtp_sink)) == 1
    waiting = "second@example.org" if smtp_sink.to("first@example.org") else "first@example.org"
    signer.press_button(signer.withdraw_link(waiting))
    with app.app_context():
        deliver_due(now=utcnow() + timedelta(minutes=2))
        db.session.remove()
    assert smtp_sink.to(waiting) == [] or all(m["Subject"] != TEXTS["fr"][0] for m in smtp_sink.to(waiting))
    progress = unescape(admin.page(f"/admin/mailings/{mailing}"))
    assert "<dt>Écartés (signature retirée ou désinscrite entre-temps)</dt><dd>1</dd>" in progress
    assert "État : envoyé" in progress


def test_the_rate_is_kept_in_every_minute_and_confirmations_never_wait(app, signer, staff, smtp_sink):
    app.config["MAILING_PER_MINUTE"] = 3
    people = [f"signer{n}@example.org" for n in range(10)]
    for email in people:
        subscribe(signer, email)
    admin = Admin(app, staff)
    mailing = admin.draft(languages=("fr",))
    smtp_sink.clear()
    admin.send(mailing)
    start = utcnow()
    sent_at: list[int] = []
    for second in range(0, 301, 5):
        if second == 30:
            signer.sign(email="newcomer@example.org")
        before = len(mailing_mails(smtp_sink))
        with app.app_context():
            deliver_due(now=start + timedelta(seconds=second))
            db.session.remove()
        sent_at += [second] * (len(mailing_mails(smtp_sink)) - before)
        if second == 30:
            # Queued behind seven mailing mails, the confirmation still leaves at once.
            assert len(smtp_sink.to("newcomer@example.org")) == 1
    assert len(sent_at) == 10
    for window_start in range(0, 301, 5):
        in_window = [s for s in sent_at if window_start <= s < window_start + 60]
        assert len(in_window) <= 3, (window_start, sent_at)
    assert Counter(str(m["To"]) for m in mailing_mails(smtp_sink)) == Counter(people)


def test_a_killed_sender_resumes_without_sending_twice_or_losing_any(app, signer, staff, smtp_sink):
    people = [f"resume{n}@example.org" for n in range(6)]
    for email in people:
        subscribe(signer, email)
    admin = Admin(app, staff)
    mailing = admin.draft(languages=("fr",))
    smtp_sink.clear()
    admin.send(mailing)
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": app.config["SECRET_KEY"],
        "PRODUCTION": "false",
        "AUTO_SETUP": "false",
        "MAIL_URL": app.config["MAIL_URL"],
        "BASE_URL": app.config["BASE_URL"],
        "MAILING_PER_MINUTE": "20",  # one every 3 seconds
        "CACHE_TYPE": "SimpleCache",
    }
    command = [sys.executable, "-m", "flask", "--app", "app", "mail", "send", "--watch", "--interval", "0.2"]

    def worker():
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def wait_for(count: int, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while len(mailing_mails(smtp_sink)) < count and time.monotonic() < deadline:
            time.sleep(0.1)

    workers = [worker(), worker()]
    try:
        wait_for(2, 60)
        assert len(mailing_mails(smtp_sink)) >= 2
        time.sleep(1)  # between two sends: the next one is due 3 seconds after the last
        os.kill(workers[0].pid, signal.SIGKILL)
        workers[0].wait(10)
        killed_at = len(mailing_mails(smtp_sink))
        assert killed_at < len(people), "the kill came after the end"
        workers[0] = worker()
        wait_for(len(people), 90)
        time.sleep(4)  # one more turn: anything sent twice would show now
    finally:
        for process in workers:
            process.terminate()
            process.wait(10)
    assert Counter(str(m["To"]) for m in mailing_mails(smtp_sink)) == Counter(people)
    assert len({m["Message-ID"] for m in mailing_mails(smtp_sink)}) == len(people)
    progress = unescape(admin.page(f"/admin/mailings/{mailing}"))
    assert f"<dt>Envoyés</dt><dd>{len(people)}</dd>" in progress


def test_preview_and_test_mail_in_each_language_reach_only_the_address_given(app, signer, staff, smtp_sink):
    subscribe(signer, "fatima@example.org")
    admin = Admin(app, staff)
    mailing = admin.draft()
    for lang in ("fr", "ar", "en"):
        page = admin.page(f"/admin/mailings/{mailing}?preview={lang}")
        assert f'<div lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">' in page
        assert TEXTS[lang][0] in unescape(page)
        assert said(app, lang, "Bonjour,") in unescape(page)
    smtp_sink.clear()
    assert admin.send_test(mailing, "essai@comite.example.org", "ar").status_code == 303
    drain(app)
    [test] = smtp_sink.messages
    assert str(test["To"]) == "essai@comite.example.org"
    assert test["Subject"] == f"{said(app, 'ar', '[Essai]')} {TEXTS['ar'][0]}"
    assert test["Content-Language"] == "ar" and test["List-Unsubscribe"] is None
    # Still a draft: nobody else got anything.
    assert "Modifier le brouillon" in admin.page(f"/admin/mailings/{mailing}")


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_bad_input_comes_back_with_a_message_in_the_admins_language_and_the_text_kept(app, staff, lang):
    admin = Admin(app, staff)
    admin.client.get(f"/admin/?lang={lang}")
    response = admin.compose(languages=("ar",), subject_fr="", body_fr="Un texte sans objet")
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert said(app, lang, "Écrivez l'objet du message.") in html
    assert "Un texte sans objet" in html and TEXTS["ar"][1].split("\n")[0] in html

    response = admin.compose(languages=("fr",), subject_en="Only a subject")
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert said(app, lang, "Écrivez l'objet et le texte, ou laissez les deux vides.") in html
    assert 'value="Only a subject"' in html

    mailing = admin.draft(languages=("fr",))
    page = admin.page(f"/admin/mailings/{mailing}")
    response = admin.client.post(
        f"/admin/mailings/{mailing}/test",
        data={"email": "pas une adresse", "language": "fr", **form_tokens(page)},
    )
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 422 and 'value="pas une adresse"' in html
    assert said(app, lang, "Cette adresse e-mail n'est pas valide. Exemple : prenom.nom@exemple.fr") in html
    for path in ("/admin/mailings/999999", "/admin/mailings/99999999999999999999999", "/admin/mailings/x"):
        assert admin.client.get(path).status_code == 404


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_the_compose_page_says_the_greeting_is_written_for_the_admin(app, staff, lang):
    # Each mail starts with "Bonjour <first name>,": an admin who writes "Bonjour," too sends two.
    admin = Admin(app, staff)
    admin.client.get(f"/admin/?lang={lang}")
    hint = "Chaque message commence par «\u00a0Bonjour\u00a0» et le prénom du signataire\u00a0: ne l'écrivez pas."
    assert said(app, lang, hint) in unescape(admin.page("/admin/mailings/new"))
    mailing = admin.draft(languages=("fr",))
    assert said(app, lang, hint) in unescape(admin.page(f"/admin/mailings/{mailing}/edit"))


def test_only_admins_write_to_signers_and_every_post_needs_its_token(app, staff, client, signer, smtp_sink):
    subscribe(signer, "fatima@example.org")
    admin = Admin(app, staff)
    mailing = admin.draft(languages=("fr",))
    staff.login(client, "moderator")
    for path in ("/admin/mailings", "/admin/mailings/new", f"/admin/mailings/{mailing}"):
        assert client.get(path).status_code == 403, path
    page = client.get("/admin/").get_data(as_text=True)
    assert "/admin/mailings" not in page
    assert client.post(f"/admin/mailings/{mailing}/send", data=form_tokens(page)).status_code == 403
    anonymous = app.test_client()
    assert anonymous.get("/admin/mailings").status_code == 302
    # An admin's POST without its CSRF token sends nothing.
    assert admin.client.post(f"/admin/mailings/{mailing}/send").status_code == 400
    assert (
        admin.client.post(f"/admin/mailings/{mailing}/test", data={"email": "x@example.org"}).status_code
        == 400
    )
    smtp_sink.clear()
    drain(app)
    assert smtp_sink.messages == []


def test_every_step_is_in_the_audit_log(app, staff, signer):
    subscribe(signer, "fatima@example.org")
    admin = Admin(app, staff)
    mailing = admin.draft(languages=("fr",))
    admin.send_test(mailing, "essai@example.org")
    admin.send(mailing)
    with app.app_context():
        entries = db.session.execute(
            select(AuditEntry.action, AuditEntry.after)
            .where(AuditEntry.target_type == "mailing")
            .order_by(AuditEntry.id)
        ).all()
    assert [action for action, _ in entries] == ["mailing.create", "mailing.test", "mailing.send"]
    assert entries[2][1] == {"recipients": 1}
    log = unescape(admin.page("/admin/audit"))
    assert "Message aux signataires envoyé" in log


def test_unsubscribe_page_asks_first_then_stops_the_mailings_only(app, signer, staff, smtp_sink):
    subscribe(signer, "karim@example.org", "ar")
    admin = Admin(app, staff)
    admin.send(admin.draft())
    drain(app)
    path = path_of(smtp_sink.last_to("karim@example.org")["List-Unsubscribe"].strip("<>"))
    reader = app.test_client()
    html = reader.get(path + "?lang=ar").get_data(as_text=True)
    assert said(
        app, "ar", "Vous ne recevrez plus les nouvelles du comité. Votre signature reste comptée."
    ) in unescape(html)
    with app.app_context():
        assert db.session.scalar(select(Signature.wants_updates)) is True
    reader.post(path)
    with app.app_context():
        kept = db.session.scalar(select(Signature))
        assert kept.wants_updates is False and kept.counts
        assert db.session.scalar(select(MailingDelivery.unsubscribed_dt)) is not None
        # The consent to the news is marked withdrawn; the one to show the name is not touched.
        from petition.privacy import consents

        records = {record.purpose: record for record in consents.of("karim@example.org")}
        assert records["signature.updates"].withdrawn_dt is not None


def test_deliveries_are_listed_and_erased_with_the_persons_data(app, signer, staff):
    subscribe(signer, "fatima@example.org")
    subscribe(signer, "other@example.org")
    admin = Admin(app, staff)
    admin.send(admin.draft(languages=("fr",)))
    drain(app)
    [holder] = [h for h in holders() if h.name == "mailing_deliveries"]
    with app.app_context():
        [record] = holder.export("fatima@example.org")
        assert record["subject"] == TEXTS["fr"][0] and record["queued"]
        with write_transaction():
            assert holder.erase("fatima@example.org", Erasure()) == 1
        assert holder.export("fatima@example.org") == []
        assert len(holder.export("other@example.org")) == 1
        assert db.session.scalar(select(Mailing.status)) == "queued"


def test_the_dashboard_shows_the_latest_mailing_to_admins(app, signer, staff):
    subscribe(signer, "fatima@example.org")
    admin = Admin(app, staff)
    admin.send(admin.draft(languages=("fr",)))
    drain(app)
    page = unescape(admin.page("/admin/"))
    assert "Dernier message aux signataires" in page and TEXTS["fr"][0] in page
    assert "<dt>Envoyés</dt><dd>1</dd>" in page


def test_service_start_makes_one_row_per_signature_even_if_called_twice(app, signer, staff):
    subscribe(signer, "fatima@example.org")
    admin = Admin(app, staff)
    mailing_id = admin.draft(languages=("fr",))
    with app.app_context():
        mailing = service.get(mailing_id)
        assert service.start(mailing) == 1
        assert service.start(mailing) == 0
        assert db.session.scalar(select(db.func.count()).select_from(MailingDelivery)) == 1


def test_parallel_senders_share_one_pace(app, signer, staff):
    app.config["MAILING_PER_MINUTE"] = 5
    for n in range(12):
        subscribe(signer, f"pace{n}@example.org")
    admin = Admin(app, staff)
    admin.send(admin.draft(languages=("fr",)))
    start = utcnow()
    with app.app_context():
        assert service.release_due(start) == 1  # the first of the minute
        db.session.remove()
    later = start + timedelta(minutes=1)
    together = threading.Barrier(4)
    released: list[int] = []

    def sender():
        with app.app_context():
            together.wait()
            released.append(service.release_due(later))
            db.session.remove()

    senders = [threading.Thread(target=sender) for _ in range(4)]
    for thread in senders:
        thread.start()
    for thread in senders:
        thread.join(30)
    # Five a minute: the one handed over first still waits in the outbox, so four more, whichever
    # sender takes them; without the lock each would have taken four.
    assert len(released) == 4 and sum(released) == 4, released


def test_a_mailing_nobody_would_receive_stays_a_draft(app, staff, signer, smtp_sink):
    signer.sign_and_confirm(email="no-news@example.org")
    admin = Admin(app, staff)
    mailing = admin.draft(languages=("fr",))
    page = unescape(admin.page(f"/admin/mailings/{mailing}"))
    assert "Personne ne recevrait ce message pour l'instant\u00a0: il reste en brouillon." in page
    assert f'action="/admin/mailings/{mailing}/send"' not in page
    response = admin.send(mailing)
    assert response.status_code == 303
    assert "Modifier le brouillon" in admin.page(f"/admin/mailings/{mailing}")
