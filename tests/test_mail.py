"""The outbox: a mail server that is down delays mail but loses none."""

from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import delete, func, select

from petition.core.time import utcnow
from petition.extensions import db
from petition.mail.models import OutboxMail
from petition.signing.models import Signature
from tests.helpers import Mailbox, free_port


def outbox(app):
    with app.app_context():
        rows = db.session.scalars(select(OutboxMail)).all()
        db.session.expunge_all()
        return rows


def test_signing_works_while_the_mail_server_is_down_and_mail_follows(app, signer, smtp_sink, client):
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{free_port()}"  # nothing listens there
    assert signer.sign().status_code == 303
    assert signer.deliver() == (0, 1)
    [queued] = outbox(app)
    assert queued.sent_dt is None and queued.attempts == 1 and "Connection" in queued.last_error
    assert smtp_sink.messages == []

    # Back-off: not retried before its time.
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{smtp_sink.port}"
    assert signer.deliver() == (0, 0)
    with app.app_context():
        row = db.session.get(OutboxMail, queued.id)
        row.next_attempt_dt = row.created_dt
        db.session.commit()
    assert signer.deliver() == (1, 0)
    [mail] = smtp_sink.to("fatima@example.org")
    assert mail["Message-ID"] == queued.message_id
    assert signer.deliver() == (0, 0)  # never sent twice
    signer.press_button(signer.confirm_link("fatima@example.org"))
    assert signer.count() == 1


def test_mail_is_queued_in_the_same_transaction_as_the_signature(app, signer):
    signer.sign()
    [mail] = outbox(app)
    with app.app_context():
        signature_id = db.session.scalar(select(Signature.id))
    assert mail.recipient == "fatima@example.org" and mail.kind == "signing/confirm"
    assert mail.params == {"signature": signature_id} and mail.locale == "fr"
    # Its text is written by the sender, just before it goes.
    assert signer.deliver() == (1, 0)
    [sent] = outbox(app)
    assert "http://localhost/confirm/" in sent.body_text and sent.subject.startswith("Confirmez")


def test_a_mail_about_a_signature_that_is_gone_is_set_aside_and_the_others_still_go(app, signer, smtp_sink):
    signer.sign(email="first@example.org")
    signer.sign(email="second@example.org")
    with app.app_context():
        db.session.execute(delete(Signature).where(Signature.email == "first@example.org"))
        db.session.commit()
    assert signer.deliver() == (1, 1)
    assert smtp_sink.to("first@example.org") == [] and len(smtp_sink.to("second@example.org")) == 1
    gone = next(mail for mail in outbox(app) if mail.recipient == "first@example.org")
    assert gone.failed_dt is not None and gone.sent_dt is None and "nothing to send" in gone.last_error
    assert signer.deliver() == (0, 0)  # never tried again


def test_a_mail_that_cannot_be_written_is_retried_later(app, signer, smtp_sink, monkeypatch):
    from petition.mail import service

    signer.sign()

    def broken(params, locale):
        raise RuntimeError("template bug")

    monkeypatch.setitem(service._composers, "signing/confirm", broken)
    assert signer.deliver() == (0, 1)
    [mail] = outbox(app)
    assert mail.sent_dt is None and mail.attempts == 1 and "template bug" in mail.last_error
    monkeypatch.undo()
    with app.app_context():
        row = db.session.get(OutboxMail, mail.id)
        row.next_attempt_dt = row.created_dt
        db.session.commit()
    assert signer.deliver() == (1, 0)
    assert len(smtp_sink.to("fatima@example.org")) == 1


def test_file_transport_writes_eml_and_prints_links(app, signer, tmp_path, capsys):
    app.config["MAIL_URL"] = f"file://{tmp_path}"
    signer.sign()
    assert signer.deliver() == (1, 0)
    [eml] = tmp_path.glob("*.eml")
    content = eml.read_text()
    assert "Subject: =?utf-8?q?Confirmez" in content or "Subject: Confirmez" in content
    printed = capsys.readouterr().out
    assert "http://localhost/confirm/" in printed


def test_mail_cli_sends_the_queue(app, signer, runner, smtp_sink):
    signer.sign()
    result = runner.invoke(args=["mail", "send"])
    assert "1 mail(s) sent." in result.output
    assert len(smtp_sink.to("fatima@example.org")) == 1


@pytest.fixture
def smtp_server():
    """Start aiosmtpd servers with or without SMTPUTF8 (RFC 6531) for one test."""
    started = []

    def start(smtputf8: bool) -> Mailbox:
        mailbox = Mailbox()
        controller = Controller(mailbox, hostname="127.0.0.1", port=free_port(), enable_SMTPUTF8=smtputf8)
        controller.start()
        started.append(controller)
        mailbox.port = controller.port
        return mailbox

    yield start
    for controller in started:
        controller.stop()


def test_an_idn_domain_is_stored_and_sent_in_ascii_to_a_server_without_smtputf8(app, signer, smtp_server):
    server = smtp_server(smtputf8=False)
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{server.port}"
    assert signer.sign(email="amal@bücher.example").status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Signature.email)) == "amal@xn--bcher-kva.example"
    assert signer.deliver() == (1, 0)
    [mail] = server.messages
    assert mail.rcpt_tos == ["amal@xn--bcher-kva.example"] and mail["To"] == "amal@xn--bcher-kva.example"

    # The punycode spelling is the same mailbox: it signed already.
    signer.sign(email="Amal@XN--BCHER-KVA.example")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Signature)) == 1


def test_a_non_ascii_local_part_goes_only_where_the_server_offers_smtputf8(
    app, signer, staff, client, smtp_server
):
    without, with_smtputf8 = smtp_server(smtputf8=False), smtp_server(smtputf8=True)
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{without.port}"
    signer.sign(email="أمل@example.org")
    assert signer.deliver() == (0, 1)
    assert signer.deliver() == (0, 0)  # given up at once, never retried
    [mail] = outbox(app)
    assert mail.failed_dt is not None and mail.failure == "no_smtputf8" and "SMTPUTF8" in mail.last_error
    assert without.messages == []
    staff.login(client)
    dashboard = client.get("/admin/").get_data(as_text=True)
    assert "أمل@example.org" in dashboard and "SMTPUTF8" in dashboard

    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{with_smtputf8.port}"
    signer.sign(email="ämal@example.org")
    assert signer.deliver() == (1, 0)
    [mail] = with_smtputf8.messages
    assert mail.rcpt_tos == ["ämal@example.org"] and mail["To"] == "ämal@example.org"


def test_no_mail_is_retried_forever(app, signer, staff, client):
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{free_port()}"  # nothing listens there
    app.config["MAIL_GIVE_UP_HOURS"] = 72
    signer.sign()

    def age(hours):
        with app.app_context():
            row = db.session.scalars(select(OutboxMail)).one()
            row.created_dt = row.next_attempt_dt = utcnow() - timedelta(hours=hours)
            db.session.commit()

    age(71)
    assert signer.deliver() == (0, 1)
    [mail] = outbox(app)
    assert mail.failed_dt is None and mail.attempts == 1  # still young enough: tried again later
    age(72)
    assert signer.deliver() == (0, 1)
    [mail] = outbox(app)
    assert mail.failed_dt is not None and mail.failure == "too_old" and "Connection" in mail.last_error
    with app.app_context():
        db.session.get(OutboxMail, mail.id).next_attempt_dt = mail.created_dt
        db.session.commit()
    assert signer.deliver() == (0, 0)
    staff.login(client)
    dashboard = client.get("/admin/").get_data(as_text=True)
    assert "toujours en échec après le délai maximal de nouvel essai" in dashboard
