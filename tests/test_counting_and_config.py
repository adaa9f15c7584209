"""The reconcile command, milestones, production settings and headers."""

import pytest
from sqlalchemy import update

from petition.config import ROOT, InsecureConfiguration, check_production, from_environment, trusted_hosts
from petition.counting.models import CountShard
from petition.extensions import cache, db
from petition.petitions.service import next_target


def test_reconcile_reports_and_repairs_a_wrong_count(app, signer, runner):
    signer.sign_and_confirm(email="a@example.org", country="FR")
    signer.sign_and_confirm(email="b@example.org", country="MA")
    result = runner.invoke(args=["counts", "reconcile"])
    assert result.exit_code == 0 and "2 confirmed, count is exact" in result.output

    with app.app_context():
        db.session.execute(update(CountShard).values(total=CountShard.total + 5))
        db.session.commit()
        # Written behind the application's back: the cached count shows it once it expires.
        cache.clear()
    assert signer.count() == 12
    result = runner.invoke(args=["counts", "reconcile"])
    assert result.exit_code == 1 and "counted 6, actually 1" in result.output
    result = runner.invoke(args=["counts", "reconcile", "--repair"])
    assert "repaired" in result.output
    assert signer.count() == 2
    assert runner.invoke(args=["counts", "reconcile"]).exit_code == 0


@pytest.mark.parametrize(
    ("count", "goal", "target"),
    [(0, 50000, 50000), (49999, 50000, 50000), (50000, 50000, 100000), (250000, 50000, 400000)],
)
def test_milestone_rises_when_the_goal_is_reached(count, goal, target):
    assert next_target(count, goal) == target


def test_goal_reached_is_shown(app, signer, client):
    from petition.petitions.models import Petition

    with app.app_context():
        db.session.execute(update(Petition).values(goal=1))
        db.session.commit()
    signer.sign_and_confirm()
    assert "Objectif de 1 atteint" in client.get("/").get_data(as_text=True)


SAFE = {
    "PRODUCTION": True,
    "SECRET_KEY": "9f2c41d7e08b3a6c5f1e94d2b7a0c83e6d5f2a1b9c8e7d40f3a2b1c0d9e8f7a6",
    "DEV_SECRET": False,
    "BASE_URL": "https://soutien-kleema.fr",
    "MAIL_FROM": "Comité de soutien à KLEEMA <petition@soutien-kleema.fr>",
    "SESSION_COOKIE_SECURE": True,
    "MAIL_URL": "smtp://mail.soutien-kleema.fr:587",
    "RATELIMIT_ENABLED": True,
}


def _example_setting(name: str) -> str:
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.startswith(f"{name}="):
            return line.partition("=")[2]
    raise AssertionError(f"{name} is not in .env.example")


def test_production_settings_that_are_safe_start():
    check_production(SAFE)


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"DEV_SECRET": True}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": "short"}, "shorter than 32"),
        ({"SECRET_KEY": _example_setting("SECRET_KEY")}, "SECRET_KEY is still the placeholder"),
        ({"SECRET_KEY": "s" * 40}, "SECRET_KEY has too little entropy"),
        ({"SECRET_KEY": "kleema" * 8}, "SECRET_KEY has too little entropy"),
        ({"SECRET_KEY": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEF"}, "SECRET_KEY follows a simple pattern"),
        ({"SECRET_KEY": "1234567890" * 4}, "SECRET_KEY follows a simple pattern"),
        ({"MAIL_FROM": "Comité de soutien à KLEEMA <petition@localhost>"}, "MAIL_FROM must be an address"),
        ({"MAIL_FROM": "petition@kleema.local"}, "MAIL_FROM"),
        ({"MAIL_FROM": _example_setting("MAIL_FROM")}, "MAIL_FROM"),
        ({"MAIL_FROM": "petition@[127.0.0.1]"}, "MAIL_FROM"),
        ({"MAIL_FROM": "petition"}, "MAIL_FROM"),
        ({"BASE_URL": "http://soutien-kleema.fr"}, "https://"),
        ({"BASE_URL": "https://localhost"}, "BASE_URL must name the public domain"),
        ({"BASE_URL": _example_setting("BASE_URL")}, "BASE_URL must name the public domain"),
        ({"SESSION_COOKIE_SECURE": False}, "SESSION_COOKIE_SECURE"),
        ({"MAIL_URL": "file:///tmp/mail"}, "MAIL_URL"),
        ({"RATELIMIT_ENABLED": False}, "RATELIMIT_ENABLED"),
        ({"DEBUG": True}, "FLASK_DEBUG must be off"),
    ],
)
def test_production_refuses_insecure_settings_and_says_which(change, complaint):
    with pytest.raises(InsecureConfiguration, match=complaint):
        check_production({**SAFE, **change})


def test_every_problem_is_named_at_once():
    with pytest.raises(InsecureConfiguration) as refused:
        check_production({**SAFE, "SECRET_KEY": _example_setting("SECRET_KEY"), "MAIL_FROM": "x@localhost"})
    assert "SECRET_KEY" in str(refused.value) and "MAIL_FROM" in str(refused.value)


def test_generated_secrets_pass_the_production_check():
    import secrets

    for _ in range(200):
        check_production({**SAFE, "SECRET_KEY": secrets.token_hex(32)})
        check_production({**SAFE, "SECRET_KEY": secrets.token_urlsafe(48)})


@pytest.mark.parametrize("path", ["/admin", "/", "/petitions/kleema", "/admin/login"])
@pytest.mark.parametrize("host", ["evil.example", "localhost.evil.example", "evil.example:80"])
def test_a_forged_host_gets_a_bad_request_and_no_link_to_it(client, path, host):
    response = client.get(path, headers={"Host": host})
    assert response.status_code == 400
    assert "evil.example" not in response.headers.get("Location", "")
    assert "evil.example" not in response.get_data(as_text=True)


def test_trusted_hosts_come_from_base_url_and_the_extra_setting(app, monkeypatch, tmp_path):
    monkeypatch.setenv("TRUSTED_HOSTS", " app.internal , 10.0.0.5,")
    config = {**from_environment(tmp_path), "BASE_URL": "https://soutien-kleema.fr"}
    assert trusted_hosts(config) == ["soutien-kleema.fr", "app.internal", "10.0.0.5"]
    app.config["TRUSTED_HOSTS"] = trusted_hosts(config)
    client = app.test_client()
    assert (
        client.get("/admin", headers={"Host": "soutien-kleema.fr"})
        .headers["Location"]
        .startswith("http://soutien-kleema.fr/admin/")
    )
    assert client.get("/", headers={"Host": "app.internal:8000"}).status_code == 200
    assert client.get("/", headers={"Host": "localhost"}).status_code == 400


def test_security_headers_and_strict_csp(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
