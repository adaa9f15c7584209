"""Robots and floods: honeypot, minimum fill time, rate limit per client IP."""

from flask import request
from sqlalchemy import select

from petition.extensions import db, limiter
from petition.signing.models import Signature
from tests.helpers import GOOD, form_tokens


def test_honeypot_is_kept_flagged_without_mail_and_not_counted(app, signer, smtp_sink):
    response = signer.sign(website="http://spam.example")
    assert response.status_code == 303  # a robot learns nothing
    signer.deliver()
    assert smtp_sink.messages == []
    with app.app_context():
        assert db.session.scalar(select(Signature.flag_reason)) == "honeypot"
    assert signer.count() == 0


def test_form_sent_too_fast_is_shown_again_with_the_values(app, client, signer):
    app.config["SIGN_MIN_SECONDS"] = 30
    page = client.get("/").get_data(as_text=True)
    response = client.post("/petitions/kleema/sign", data={**GOOD, **form_tokens(page)})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Prenez un instant" in html and 'value="Fatima"' in html
    with app.app_context():
        assert db.session.scalar(select(Signature)) is None


def test_rate_limit_gives_a_french_429_page(app, client):
    limiter.enabled = True
    app.config["RATELIMIT_SIGN"] = "3 per minute"
    statuses = []
    for n in range(5):
        page = client.get("/").get_data(as_text=True)
        data = {**GOOD, "email": f"n{n}@example.org", **form_tokens(page)}
        statuses.append(client.post("/petitions/kleema/sign", data=data).status_code)
    assert statuses == [303, 303, 303, 429, 429]
    page = client.post("/petitions/kleema/sign", data=GOOD)
    assert "Trop de tentatives" in page.get_data(as_text=True)


def test_rate_limit_is_per_client_ip(app, client):
    limiter.enabled = True
    app.config["RATELIMIT_SIGN"] = "1 per minute"
    for n, ip in enumerate(["203.0.113.1", "203.0.113.2"]):
        page = client.get("/").get_data(as_text=True)
        data = {**GOOD, "email": f"ip{n}@example.org", **form_tokens(page)}
        response = client.post("/petitions/kleema/sign", data=data, environ_base={"REMOTE_ADDR": ip})
        assert response.status_code == 303


def test_forwarded_for_is_ignored_without_trusted_proxies(app, client):
    limiter.enabled = True
    app.config["RATELIMIT_SIGN"] = "1 per minute"
    codes = []
    for n in range(2):
        page = client.get("/").get_data(as_text=True)
        data = {**GOOD, "email": f"xff{n}@example.org", **form_tokens(page)}
        headers = {"X-Forwarded-For": f"198.51.100.{n}"}
        codes.append(client.post("/petitions/kleema/sign", data=data, headers=headers).status_code)
    assert codes == [303, 429]


def test_forwarded_for_is_honoured_with_a_trusted_proxy(smtp_sink, tmp_path):
    from petition import create_app

    proxied = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'proxy.db'}",
            "AUTO_SETUP": True,
            "TRUSTED_PROXIES": 1,
            "SIGN_MIN_SECONDS": 0,
            "MAIL_URL": f"smtp://127.0.0.1:{smtp_sink.port}",
        }
    )
    seen = []
    proxied.before_request(lambda: seen.append(request.remote_addr))
    proxied.test_client().get("/", headers={"X-Forwarded-For": "198.51.100.7"})
    assert seen == ["198.51.100.7"]


def test_a_signer_correcting_mistakes_is_not_locked_out(app, client):
    limiter.enabled = True
    app.config["RATELIMIT_SIGN"] = "2 per minute"
    for n in range(4):
        page = client.get("/").get_data(as_text=True)
        data = {**GOOD, "email": f"typo{n}@", **form_tokens(page)}
        assert client.post("/petitions/kleema/sign", data=data).status_code == 422
    statuses = []
    for n in range(3):
        page = client.get("/").get_data(as_text=True)
        data = {**GOOD, "email": f"fixed{n}@example.org", **form_tokens(page)}
        statuses.append(client.post("/petitions/kleema/sign", data=data).status_code)
    assert statuses == [303, 303, 429]
