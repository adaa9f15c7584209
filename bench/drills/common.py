"""What the drills share: a browser-like HTTP client, the summary line, the mail sender, the database."""

import http.client
import http.cookiejar
import re
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from bench import harness, seed

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
STARTED = re.compile(r'name="started" type="hidden" value="([^"]+)"')

SIGNER = {
    "first_name": "Fatima",
    "last_name": "Benali",
    "country": "FR",
    "city": "Lyon",
    "reason": "Pour appeler ma mère à Fès.",
    "show_name": "y",
}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Cookies and forms over real HTTP. A status of 0 means no answer (connection refused or cut)."""

    def __init__(self, base: str, timeout: float = 30):
        self.base = base
        self.timeout = timeout
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, body, timeout=self.timeout) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")
        except (OSError, http.client.HTTPException):
            return 0, ""

    def form(self, path: str) -> dict | None:
        status, page = self.request(path)
        token = CSRF.search(page)
        if status != 200 or token is None:
            return None
        fields = {"csrf_token": token.group(1)}
        started = STARTED.search(page)
        if started:
            fields["started"] = started.group(1)
        return fields


@dataclass
class Tally:
    """Answers by status, shared by the threads of a drill."""

    statuses: dict[int, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, status: int) -> None:
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    @property
    def no_answer(self) -> int:
        return self.statuses.get(0, 0)


@dataclass
class Summary:
    drill: str
    attempted: int
    stored: int
    counted: int
    lost: int
    server_errors: int
    detail: str = ""
    sent_twice: int = 0

    @property
    def ok(self) -> bool:
        return self.lost == 0 and self.server_errors == 0 and self.sent_twice == 0

    def line(self) -> str:
        verdict = "ok" if self.ok else "FAILED"
        extra = f", sent twice {self.sent_twice}" if self.sent_twice else ""
        extra += f"; {self.detail}" if self.detail else ""
        return (
            f"{self.drill}: attempted {self.attempted}, stored {self.stored}, counted {self.counted}, "
            f"lost {self.lost}, 5xx {self.server_errors}{extra} -> {verdict}"
        )


def canonical(address: str) -> str:
    return address.strip().casefold()


def stored_addresses(database_url: str, status: str | None = None) -> set[str]:
    """Canonical addresses of the stored signatures (of one status if given)."""
    database = seed.Database(database_url)
    try:
        cursor = database.connection.cursor()
        if status == "confirmed":
            cursor.execute("SELECT email_canonical FROM signatures WHERE status = 'confirmed'")
        else:
            cursor.execute("SELECT email_canonical FROM signatures")
        found = {row[0] for row in cursor.fetchall()}
        cursor.close()
        return found
    finally:
        database.close()


def deliver_mail(site: harness.Site, port: int) -> None:
    """One run of the mail sender, as production runs it (`flask --app app mail send`)."""
    subprocess.run(
        [str(harness.BIN / "flask"), "--app", "app", "mail", "send"],
        cwd=harness.ROOT,
        env=site.env(port),
        check=True,
        stdout=subprocess.DEVNULL,
    )


def numbers(database_url: str) -> tuple[int, int, int]:
    """(signature rows, confirmed signatures, the count as the shards have it)."""
    rows = seed.count_rows(database_url, "SELECT count(*) FROM signatures")
    confirmed = seed.count_rows(database_url, "SELECT count(*) FROM signatures WHERE status = 'confirmed'")
    counted = seed.count_rows(database_url, "SELECT coalesce(sum(total), 0) FROM count_shards")
    return rows, confirmed, counted


class Signers:
    """Threads that keep signing with new addresses until stopped, noting every answer."""

    def __init__(self, urls: list[str], clients: int, prefix: str):
        self.urls = urls
        self.clients = clients
        self.prefix = prefix
        self.tally = Tally()
        self.succeeded: set[str] = set()
        self.attempted = 0
        self.lock = threading.Lock()
        self.stop_event = threading.Event()
        self.threads = [threading.Thread(target=self._sign, args=(n,), daemon=True) for n in range(clients)]

    def _sign(self, client: int) -> None:
        browser = Browser(self.urls[client % len(self.urls)], timeout=10)
        fields = None
        n = 0
        while not self.stop_event.is_set():
            if fields is None:
                fields = browser.form("/petitions/kleema")
                if fields is None:
                    time.sleep(0.1)  # the server is down: try again shortly, as a person would
                    continue
            n += 1
            address = f"{self.prefix}-{client}-{n}@example.org"
            status, _ = browser.request("/petitions/kleema/sign", {**SIGNER, **fields, "email": address})
            self.tally.add(status)
            with self.lock:
                self.attempted += 1
                if status == 303:
                    self.succeeded.add(address)
            if status == 0:
                fields = None

    def start(self) -> "Signers":
        for thread in self.threads:
            thread.start()
        return self

    def stop(self) -> None:
        self.stop_event.set()
        for thread in self.threads:
            thread.join()

    def wait_for(self, successes: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while len(self.succeeded) < successes and time.monotonic() < deadline:
            time.sleep(0.05)
