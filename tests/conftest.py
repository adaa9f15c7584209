"""Fixtures with real parts: a SQLite file (or PostgreSQL), an SMTP server on loopback."""

import email
import os
import re
import socket
import threading
from email.policy import default as default_policy
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import text

from petition import create_app
from petition.extensions import db


class Mailbox:
    """An SMTP sink: every message the site sends over the wire lands here."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        with self.lock:
            self.messages.append(message)
        return "250 OK"

    def clear(self):
        with self.lock:
            self.messages.clear()

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"].casefold() == address.casefold()]

    def last_to(self, address: str):
        found = self.to(address)
        assert found, f"no mail to {address}; got {[m['To'] for m in self.messages]}"
        return found[-1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
            "MICROCACHE_SECONDS": 0,
            "COMMENT_MIN_SECONDS": 0,
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
    from petition.core import microcache
    from petition.extensions import limiter
    from petition.petitions.seed import ensure_kleema_petition

    with app.app_context():
        _empty_tables()
        ensure_kleema_petition()
        words.ensure_defaults()
        db.session.remove()
    limiter.reset()
    limiter.enabled = False
    smtp_sink.clear()
    microcache.clear()  # kept pages and answers never leak from one test into the next
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


CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
STARTED = re.compile(r'name="started" type="hidden" value="([^"]+)"')


def form_tokens(html: str) -> dict:
    """The hidden fields a browser would send back with the form."""
    tokens = {"csrf_token": CSRF.search(html).group(1)}
    started = STARTED.search(html)
    if started:
        tokens["started"] = started.group(1)
    return tokens


def links(message) -> list[str]:
    return re.findall(r"https?://\S+", message.get_content())


def path_of(url: str) -> str:
    return urlsplit(url).path


GOOD = {
    "first_name": "Fatima",
    "last_name": "Benali",
    "email": "fatima@example.org",
    "country": "FR",
    "city": "Lyon",
    "reason": "Pour appeler ma mère à Fès.",
    "show_name": "y",
}


class Signer:
    """Signs, reads the mail and confirms the way a person with a browser does."""

    def __init__(self, app, client, mailbox):
        self.app = app
        self.client = client
        self.mailbox = mailbox

    def sign(self, slug="kleema", **fields):
        page = self.client.get(f"/petitions/{slug}")
        data = {**GOOD, **fields, **form_tokens(page.get_data(as_text=True))}
        data = {k: v for k, v in data.items() if v is not None}
        return self.client.post(f"/petitions/{slug}/sign", data=data)

    def deliver(self):
        from petition.mail.service import deliver_due

        with self.app.app_context():
            result = deliver_due()
            db.session.remove()
        return result

    def confirm_link(self, address):
        self.deliver()
        return path_of(next(u for u in links(self.mailbox.last_to(address)) if "/confirm/" in u))

    def withdraw_link(self, address):
        self.deliver()
        return path_of(next(u for u in links(self.mailbox.last_to(address)) if "/withdraw/" in u))

    def press_button(self, path):
        page = self.client.get(path)
        assert page.status_code == 200, page.status_code
        return self.client.post(path, data=form_tokens(page.get_data(as_text=True)), follow_redirects=True)

    def sign_and_confirm(self, **fields):
        address = fields.get("email", GOOD["email"])
        self.sign(**fields)
        return self.press_button(self.confirm_link(address))

    def count(self, slug="kleema"):
        return self.client.get(f"/api/petitions/{slug}").get_json()["count"]


@pytest.fixture
def signer(app, client, smtp_sink):
    return Signer(app, client, smtp_sink)


class Staff:
    """Creates moderator and admin accounts, and logs them in through the real login form."""

    def __init__(self, app):
        self.app = app
        self.created = 0

    def create(self, role="moderator", email=None, password=None) -> tuple[str, str]:
        from petition.accounts.service import create_user

        self.created += 1
        email = email or f"{role}{self.created}@comite-kleema.example"
        password = password or f"une phrase de passe {self.created}"
        with self.app.app_context():
            create_user(email, password, role)
            db.session.remove()
        return email, password

    def login(self, client, role="moderator") -> str:
        email, password = self.create(role)
        page = client.get("/admin/login").get_data(as_text=True)
        response = client.post(
            "/admin/login", data={"email": email, "password": password, **form_tokens(page)}
        )
        assert response.status_code == 303, response.get_data(as_text=True)
        return email


@pytest.fixture
def staff(app):
    return Staff(app)
