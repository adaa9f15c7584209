"""Signing, confirming and withdrawing, as a signer with a browser and a mailbox goes through it."""

from sqlalchemy import func, select

from petition.extensions import db
from petition.signing.models import Signature, SignatureStatus
from tests.helpers import form_tokens, text_of


def test_petition_page_shows_text_count_and_form(client):
    page = client.get("/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Wana, rétablissez les appels" in html
    assert "7 septembre 2009" in html
    assert 'role="status"' in html
    assert 'name="first_name"' in html and 'name="csrf_token"' in html
    assert "<script>" not in html and "style=" not in html


def test_sign_mail_confirm_counts_once(signer, client, smtp_sink):
    response = signer.sign()
    assert response.status_code == 303
    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "fatima@example.org" in thanks and "confirmez" in thanks.lower()
    assert signer.count() == 0

    link = signer.confirm_link("fatima@example.org")
    mail = smtp_sink.last_to("fatima@example.org")
    assert "Confirmez votre signature" in mail["Subject"]
    assert "/withdraw/" in text_of(mail)

    # A link scanner's GET shows a button and confirms nothing.
    landing = client.get(link)
    assert landing.status_code == 200 and "Je confirme ma signature" in landing.get_data(as_text=True)
    assert signer.count() == 0

    confirmed = signer.press_button(link)
    html = confirmed.get_data(as_text=True)
    assert "votre signature est comptée" in html
    assert '<strong class="count-number" data-count>1</strong>' in html
    assert signer.count() == 1

    # Pressing again or replaying the POST counts once.
    replay = client.post(link, data=form_tokens(landing.get_data(as_text=True)))
    assert replay.status_code == 303
    assert "Je confirme" not in client.get(link).get_data(as_text=True)
    assert signer.count() == 1
    assert '<strong class="count-number" data-count>1</strong>' in client.get("/").get_data(as_text=True)


def test_public_name_shown_only_with_consent(signer, client):
    signer.sign_and_confirm(email="a@example.org", first_name="Karim", last_name="Alaoui", show_name="y")
    signer.sign_and_confirm(email="b@example.org", first_name="Secret", last_name="Person", show_name=None)
    html = client.get("/").get_data(as_text=True)
    assert "Karim A." in html
    assert "Alaoui" not in html
    assert "Secret" not in html
    assert signer.count() == 2


def test_withdraw_removes_the_signature_from_the_count(signer, client, app):
    signer.sign_and_confirm()
    assert signer.count() == 1
    link = signer.withdraw_link("fatima@example.org")
    landing = client.get(link)
    assert landing.status_code == 200
    assert signer.count() == 1
    page = signer.press_button(link)
    assert "Votre signature a été retirée" in page.get_data(as_text=True)
    assert signer.count() == 0
    assert "Fatima B." not in client.get("/").get_data(as_text=True)
    with app.app_context():
        row = db.session.scalar(select(Signature))
        assert row.status == SignatureStatus.WITHDRAWN and row.first_name == ""
    # Replaying the withdrawal changes nothing.
    assert client.post(link, data=form_tokens(landing.get_data(as_text=True))).status_code == 303
    assert signer.count() == 0


def test_signing_again_after_withdrawal_needs_a_new_confirmation(signer, smtp_sink):
    signer.sign_and_confirm()
    signer.press_button(signer.withdraw_link("fatima@example.org"))
    smtp_sink.clear()
    signer.sign(first_name="Fatima-Zahra")
    assert signer.count() == 0
    page = signer.press_button(signer.confirm_link("fatima@example.org"))
    assert "Fatima-Zahra" in page.get_data(as_text=True)
    assert signer.count() == 1


def test_same_address_in_other_case_or_spaces_is_one_signature(signer, client, smtp_sink, app):
    first = signer.sign(email="Fatima@Example.org")
    signer.press_button(signer.confirm_link("fatima@example.org"))
    smtp_sink.clear()
    again = signer.sign(email="  FATIMA@example.ORG ", first_name="Other")
    # Same answer whether or not the address had signed: no leak of who signed.
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    fresh = signer.sign(email="nobody-yet@example.org")
    assert fresh.headers["Location"] == again.headers["Location"]

    signer.deliver()
    mail = smtp_sink.last_to("FATIMA@example.org")
    assert "déjà signé" in mail["Subject"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Signature)) == 2
    assert signer.count() == 1


def test_signing_again_while_pending_resends_the_link_without_changing_the_data(signer, smtp_sink, app):
    signer.sign()
    signer.sign(first_name="Intrus")
    signer.deliver()
    mails = smtp_sink.to("fatima@example.org")
    assert len(mails) == 2 and all("Confirmez" in m["Subject"] for m in mails)
    with app.app_context():
        assert db.session.scalar(select(Signature.first_name)) == "Fatima"


def test_mails_to_one_address_are_capped_per_day(signer, smtp_sink, app):
    app.config["MAILS_PER_ADDRESS_PER_DAY"] = 3
    for _ in range(6):
        assert signer.sign().status_code == 303
    signer.deliver()
    assert len(smtp_sink.to("fatima@example.org")) == 3


def test_unicode_names_are_accepted(signer, client):
    signer.sign_and_confirm(
        email="arabic@example.org", first_name="فاطمة الزهراء", last_name="بن علي", city="Saint-Étienne"
    )
    signer.sign_and_confirm(email="o@example.org", first_name="Zoë-Anaïs", last_name="O'Connor")
    html = client.get("/").get_data(as_text=True)
    assert "فاطمة الزهراء ب." in html
    assert "Zoë-Anaïs O." in html
    assert signer.count() == 2


def test_counts_by_country_in_json_with_caching_headers(signer, client):
    signer.sign_and_confirm(email="1@example.org", country="FR")
    signer.sign_and_confirm(email="2@example.org", country="FR")
    signer.sign_and_confirm(email="3@example.org", country="BE")
    signer.sign(email="4@example.org", country="ES")  # pending: not counted
    response = client.get("/api/petitions/kleema")
    data = response.get_json()
    assert data["count"] == 3
    assert data["countries"] == {"FR": 2, "BE": 1}
    assert data["goal"] == 50000 and data["open"] is True
    assert "fatima" not in response.get_data(as_text=True).lower()
    assert "max-age" in response.headers["Cache-Control"]
    etag = response.headers["ETag"]
    assert client.get("/api/petitions/kleema", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/api/petitions/nope").status_code == 404


def test_closed_petition_refuses_signatures_with_a_message(signer, client, app):
    from petition.petitions.models import Petition
    from tests.helpers import GOOD

    opened_before = client.get("/").get_data(as_text=True)
    with app.app_context():
        db.session.scalar(select(Petition)).is_open = False
        db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "n'accepte plus de signatures" in page and 'name="first_name"' not in page
    response = client.post("/petitions/kleema/sign", data={**GOOD, **form_tokens(opened_before)})
    assert response.status_code == 409
    assert "n'accepte plus de signatures" in response.get_data(as_text=True)
