"""The reconcile command, milestones, production settings and headers."""

import pytest
from sqlalchemy import update

from petition.config import InsecureConfiguration, check_production
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
    "SECRET_KEY": "s" * 40,
    "DEV_SECRET": False,
    "BASE_URL": "https://kleema.example",
    "SESSION_COOKIE_SECURE": True,
    "MAIL_URL": "smtp://mail.example:587",
    "RATELIMIT_ENABLED": True,
}


def test_production_settings_that_are_safe_start():
    check_production(SAFE)


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"DEV_SECRET": True}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": "short"}, "shorter than 32"),
        ({"BASE_URL": "http://kleema.example"}, "https://"),
        ({"SESSION_COOKIE_SECURE": False}, "SESSION_COOKIE_SECURE"),
        ({"MAIL_URL": "file:///tmp/mail"}, "MAIL_URL"),
        ({"RATELIMIT_ENABLED": False}, "RATELIMIT_ENABLED"),
    ],
)
def test_production_refuses_insecure_settings_and_says_which(change, complaint):
    with pytest.raises(InsecureConfiguration, match=complaint):
        check_production({**SAFE, **change})


def test_security_headers_and_strict_csp(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
