"""The production recipe on loopback: the shipped deploy/nginx.conf in front of gunicorn started
with deploy/gunicorn.conf.py, and the mail worker of the systemd unit.

Runs on the tests' database (SQLite, or PostgreSQL with TEST_DATABASE_URL) and mails to the
tests' SMTP server. Marked `deploy`; skipped only when nginx is not installed.
"""

import gzip
import hashlib
import http.cookiejar
import json
import os
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select

from deploy import loopback
from petition.extensions import db
from petition.signing.models import Signature
from petition.signing.service import hash_ip
from tests.helpers import GOOD, form_tokens, free_port, links, path_of

pytestmark = [
    pytest.mark.deploy,
    pytest.mark.skipif(not loopback.available(), reason="nginx is not installed (apt-get install nginx)"),
]

ROOT = Path(__file__).resolve().parent.parent
COUNT = "/api/petitions/kleema"


class Client:
    """A browser over HTTPS through nginx: cookies, extra headers, no redirects followed."""

    def __init__(self, base: str, certificate: Path, headers: dict | None = None):
        self.base = base
        self.headers = headers or {}
        context = ssl.create_default_context(cafile=str(certificate))
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=context),
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            NoRedirect(),
        )

    def request(self, path: str, data: dict | None = None, headers: dict | None = None):
        """(status, headers, body bytes as sent on the wire)."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, body, {**self.headers, **(headers or {})})
        try:
            with self.opener.open(request, timeout=15) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def page(self, path: str) -> str:
        status, _, body = self.request(path)
        assert status == 200, (path, status)
        return body.decode()

    def count(self) -> int:
        status, _, body = self.request(COUNT)
        assert status == 200
        return json.loads(body)["count"]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Stack:
    """gunicorn behind nginx, as deployed; `url` is nginx's address."""

    def __init__(self, nginx: loopback.Nginx, access_log: Path, environment: dict):
        self.url = nginx.url
        self.certificate = nginx.certificate
        self.proxy_log = nginx.access_log
        self.access_log = access_log
        self.environment = environment

    def client(self, **headers) -> Client:
        return Client(self.url, self.certificate, headers)

    def app_requests(self) -> list[str]:
        """The method and path of each request gunicorn logged, e.g. 'GET /api/petitions/kleema'."""
        if not self.access_log.exists():
            return []
        lines = self.access_log.read_text().splitlines()
        return [" ".join(line.split('"')[1].split()[:2]) for line in lines if '"' in line]


def _wait_until(condition, what: str, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting: {what}")


@pytest.fixture
def socket_dir():
    # A short path: a unix socket's name is limited to about a hundred bytes.
    with tempfile.TemporaryDirectory(prefix="kleema-") as directory:
        yield Path(directory)


@pytest.fixture
def stack(app, smtp_sink, tmp_path, socket_dir):
    port = free_port()
    socket_path = socket_dir / "gunicorn.sock"
    access_log = tmp_path / "gunicorn-access.log"
    environment = {
        # Redis is left out: /readyz checks exactly the parts configured here.
        **{name: value for name, value in os.environ.items() if name != "REDIS_URL"},
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": app.config["SECRET_KEY"],
        "PRODUCTION": "false",
        "AUTO_SETUP": "false",
        "MAIL_URL": f"smtp://127.0.0.1:{smtp_sink.port}",
        "BASE_URL": f"https://127.0.0.1:{port}",
        "SESSION_COOKIE_SECURE": "true",
        "TRUSTED_PROXIES": "1",
        "SIGN_MIN_SECONDS": "0",
        "MICROCACHE_SECONDS": "0",
        "GUNICORN_BIND": f"unix:{socket_path}",
        "GUNICORN_ACCESS_LOG": str(access_log),
        "WEB_CONCURRENCY": "1",
    }
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "app:app"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        nginx = loopback.Nginx(
            tmp_path / "nginx", port=port, redirect_port=free_port(), upstreams=[f"unix:{socket_path}"]
        )
        with nginx:
            served = Stack(nginx, access_log, environment)
            probe = served.client()
            _wait_until(lambda: probe.request("/healthz")[0] == 200, "gunicorn answering through nginx")
            yield served
    finally:
        gunicorn.terminate()
        gunicorn.wait(30)


@pytest.fixture
def mail_worker(stack):
    """`flask --app app mail send --watch`, the command of deploy/kleema-mail.service."""
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "mail", "send", "--watch", "--interval", "0.5"],
        cwd=ROOT,
        env=stack.environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield worker
    # As systemd stops it: the batch in hand is finished, and the exit is clean.
    worker.terminate()
    assert worker.wait(30) == 0


def _sign(client: Client, email: str) -> int:
    page = client.page("/petitions/kleema")
    status, _, _ = client.request("/petitions/kleema/sign", {**GOOD, "email": email, **form_tokens(page)})
    return status


def test_a_signature_journey_through_nginx(stack, mail_worker, smtp_sink):
    visitor = stack.client()
    before = visitor.count()
    assert _sign(visitor, "leila@example.org") == 303

    message = _wait_until(lambda: smtp_sink.to("leila@example.org"), "the confirmation mail")[-1]
    confirm = next(url for url in links(message) if "/confirm/" in url)
    assert confirm.startswith(stack.url)
    page = visitor.page(path_of(confirm))
    status, _, _ = visitor.request(path_of(confirm), form_tokens(page))
    assert status == 303

    # The proxy may answer from its copy for a second or two before the new count shows.
    _wait_until(lambda: visitor.count() == before + 1, "the count to rise", seconds=15)


def test_the_count_is_served_from_the_proxy_cache(stack):
    visitor = stack.client()
    first = visitor.request(COUNT)
    second = visitor.request(COUNT)
    assert first[0] == second[0] == 200
    assert first[1]["X-Cache-Status"] == "MISS"
    assert second[1]["X-Cache-Status"] == "HIT"
    assert first[2] == second[2]
    # gunicorn writes its log line once the answer is sent: wait for it, then count.
    _wait_until(lambda: f"GET {COUNT}" in stack.app_requests(), "gunicorn's access log")
    assert stack.app_requests().count(f"GET {COUNT}") == 1

    # A page that sets a cookie (its form's CSRF token) is never kept for the next visitor.
    for _ in range(2):
        status, headers, _ = stack.client().request("/petitions/kleema")
        assert status == 200
        assert headers["X-Cache-Status"] != "HIT"


def test_static_files_are_compressed_and_versioned_ones_immutable(stack):
    path = ROOT / "static" / "css" / "site.css"
    version = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
    visitor = stack.client(**{"Accept-Encoding": "gzip"})

    status, headers, body = visitor.request(f"/static/css/site.css?v={version}")
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == path.read_bytes()
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"

    status, headers, _ = visitor.request("/static/css/site.css")
    assert status == 200
    assert "immutable" not in headers["Cache-Control"]
    assert "no-cache" in headers["Cache-Control"]
    # nginx served them itself.
    assert not [line for line in stack.app_requests() if "/static/" in line]


def test_a_forged_forwarded_for_is_replaced_by_the_real_client_address(app, stack):
    forger = stack.client(**{"X-Forwarded-For": "203.0.113.9"})
    assert _sign(forger, "forged@example.org") == 303
    with app.app_context():
        stored = db.session.execute(
            select(Signature.ip_hash).where(Signature.email == "forged@example.org")
        ).scalar_one()
        assert stored == hash_ip("127.0.0.1")
        assert stored != hash_ip("203.0.113.9")
    # nginx's log keeps the client's network only.
    logged = stack.proxy_log.read_text()
    assert "127.0.0.0/24" in logged
    assert "127.0.0.1" not in logged
    assert "203.0.113" not in logged


def test_probes_answer_through_nginx_and_stay_out_of_the_logs(stack):
    visitor = stack.client()
    status, headers, body = visitor.request("/readyz")
    assert status == 200, body
    assert json.loads(body)["checks"] == {"database": "ok", "smtp": "ok"}
    assert "no-store" in headers["Cache-Control"]
    assert visitor.request("/healthz")[0] == 200
    visitor.request(COUNT)
    logged = _wait_until(stack.app_requests, "gunicorn's access log")
    assert logged == [f"GET {COUNT}"]
