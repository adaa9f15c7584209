"""The production shape: two gunicorn servers sharing one database and Redis for rate limits."""

import http.cookiejar
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
import redis

from tests.helpers import GOOD, form_tokens, free_port

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = "redis://127.0.0.1:6379/15"


class Browser:
    """Cookies and forms over real HTTP, enough to sign like a person."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, body, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def sign(self, email):
        _, page = self.request("/")
        return self.request("/petitions/kleema/sign", {**GOOD, "email": email, **form_tokens(page)})[0]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _wait(port):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/petitions/kleema", timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not start")


@pytest.fixture
def two_servers(app, tmp_path):
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:
        pytest.fail("Redis must run at 127.0.0.1:6379 for the scale-out tests")
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": REDIS_URL,
        "SECRET_KEY": app.config["SECRET_KEY"],
        "PRODUCTION": "false",
        "AUTO_SETUP": "false",
        "MAIL_URL": f"file://{tmp_path / 'mail'}",
        "SIGN_MIN_SECONDS": "0",
        # The count is read right after a confirmation on the other server: both share the cache
        # in Redis, under keys of their own so that another run cannot serve them its counts.
        "CACHE_KEY_PREFIX": f"test-{uuid.uuid4().hex}:",
        "RATELIMIT_SIGN": "3 per minute",
        # Its own keys, so that another run sharing this Redis cannot change the counts.
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
    }
    ports = [free_port(), free_port()]
    servers = [
        subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "app:app"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for port in ports
    ]
    try:
        for port in ports:
            _wait(port)
        yield [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        for server in servers:
            server.terminate()
            server.wait(10)


def test_rate_limit_is_shared_by_every_process_through_redis(two_servers):
    first, second = (Browser(base) for base in two_servers)
    codes = [first.sign("r1@example.org"), second.sign("r2@example.org"), first.sign("r3@example.org")]
    assert codes == [303, 303, 303]
    # The fourth attempt from the same client IP is refused, whichever process takes it.
    assert second.sign("r4@example.org") == 429
    assert first.sign("r5@example.org") == 429


def test_a_signature_made_on_one_server_counts_on_the_other(two_servers, signer):
    first, second = (Browser(base) for base in two_servers)
    assert first.sign("shared@example.org") == 303
    link = signer.confirm_link("shared@example.org")
    status, page = second.request(link)
    assert status == 200
    assert second.request(link, form_tokens(page))[0] == 303
    status, body = first.request("/api/petitions/kleema")
    assert '"count":1' in body.replace(" ", "")
