"""/healthz and /readyz: what a load balancer and a process supervisor ask the site."""

import pytest

from petition import create_app
from tests.helpers import free_port


@pytest.fixture
def site_without_database(app):
    """The site configured with a PostgreSQL server that is not there."""
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/kleema",
            "AUTO_SETUP": False,
            "MAIL_URL": app.config["MAIL_URL"],
            "SECRET_KEY": app.config["SECRET_KEY"],
        }
    )


def test_healthz_answers_while_the_database_is_down(site_without_database):
    client = site_without_database.test_client()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert "no-store" in response.headers["Cache-Control"]
    readiness = client.get("/readyz")
    assert readiness.status_code == 503
    assert readiness.get_json()["failed"] == ["database"]


def test_readyz_is_ready_when_every_configured_part_answers(app, client):
    app.config["REDIS_URL"] = "redis://127.0.0.1:6379/15"
    response = client.get("/readyz")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["checks"] == {"database": "ok", "redis": "ok", "smtp": "ok"}
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.parametrize(
    ("setting", "url", "part"),
    [
        ("MAIL_URL", "smtp://127.0.0.1:{port}", "smtp"),
        ("REDIS_URL", "redis://127.0.0.1:{port}/0", "redis"),
    ],
)
def test_readyz_names_the_part_that_is_down(app, client, setting, url, part):
    app.config[setting] = url.format(port=free_port())
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["failed"] == [part]
    assert body["checks"]["database"] == "ok"
    assert "no-store" in response.headers["Cache-Control"]


def test_readyz_does_not_check_what_is_not_configured(app, client, tmp_path):
    app.config["MAIL_URL"] = f"file://{tmp_path}"
    app.config["REDIS_URL"] = None
    assert client.get("/readyz").get_json() == {"status": "ok", "checks": {"database": "ok"}}
