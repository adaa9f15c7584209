"""Fixtures with real parts: a SQLite file (or PostgreSQL), an SMTP server on loopback."""

import os

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import text

from petition import create_app
from petition.extensions import db
from tests.helpers import Mailbox, Signer, Staff, free_port


@pytest.fixture(scope="session")
def smtp_sink():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    mailbox.port = controller.port
    yield mailbox
    controller.stop()


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def _reset_postgresql(app):
    """Start from an empty schema so that the migrations themselves are tested."""
    name = db.engine.url.database or ""
    assert "test" in name, f"refusing to wipe a database not named for tests: {name}"
    with db.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def app(tmp_path_factory, smtp_sink):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path_factory),
            "AUTO_SETUP": False,
            "MAIL_URL": f"smtp://127.0.0.1:{smtp_sink.port}",
            "BASE_URL": "http://localhost",
            "SIGN_MIN_SECONDS": 0,
            "COMMENT_MIN_SECONDS": 0,
            "VOLUNTEER_MIN_SECONDS": 0,
            "MY_DATA_MIN_SECONDS": 0,
            # The cache stays on, in this process: a REDIS_URL in the environment must not make
            # parallel test runs share (and clear) one another's cached counts.
            "CACHE_TYPE": "SimpleCache",
            "RATELIMIT_ENABLED": True,
            "SECRET_KEY": "test-secret-key-that-is-long-enough-for-tests",
            "TESTING": True,
        }
    )
    from petition import cli

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            _reset_postgresql(app)
        cli.setup_database()
    yield app


def _empty_tables():
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as connection:
        for table in tables:
            connection.execute(table.delete())


@pytest.fixture(autouse=True)
def clean(app, smtp_sink):
    from petition.comments import words
    from petition.extensions import cache, limiter
    from petition.petitions.seed import ensure_kleema_petition

    with app.app_context():
        _empty_tables()
        ensure_kleema_petition()
        words.ensure_defaults()
        db.session.remove()
    limiter.reset()
    limiter.enabled = False
    smtp_sink.clear()
    with app.app_context():
        cache.clear()  # cached counts and fragments never leak from one test into the next
    saved = dict(app.config)
    yield
    app.config.clear()
    app.config.update(saved)
    limiter.enabled = False


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def signer(app, client, smtp_sink):
    return Signer(app, client, smtp_sink)


@pytest.fixture
def staff(app):
    return Staff(app)
