"""What every benchmark and drill needs: a fresh database, gunicorn on a loopback port, wrk, a mail sink.

Only loopback addresses are ever used. Ports come from BENCH_PORTS (default 5140-5169) so that
several people can run benchmarks on one machine without colliding.
"""

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LUA = Path(__file__).resolve().parent / "lua"
BENCH_SECRET = "bench-secret-key-long-enough-to-sign-links-0123456789"  # noqa: S105 (loopback only)
DEFAULT_POSTGRESQL = "postgresql+psycopg://postgres@127.0.0.1:5432/kleema_bench"


def exit_on_sigterm() -> None:
    """A script stopped with SIGTERM (or `timeout`) still runs its finally blocks and stops its servers."""

    def stop(signum, frame):
        raise SystemExit(f"stopped by signal {signum}")

    signal.signal(signal.SIGTERM, stop)


def port_range() -> range:
    first, _, last = os.environ.get("BENCH_PORTS", "5140-5169").partition("-")
    return range(int(first), int(last) + 1)


_taken: set[int] = set()


def free_port() -> int:
    """A loopback port of our range that nothing listens on (and that this process has not handed out)."""
    for port in port_range():
        if port in _taken:
            continue
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        _taken.add(port)
        return port
    raise RuntimeError(f"no free port left in {port_range()}; set BENCH_PORTS=first-last")


def release_port(port: int) -> None:
    _taken.discard(port)


# -- databases ---------------------------------------------------------------------------------


def fresh_database(kind: str, workdir: Path, url: str | None = None) -> str:
    """An empty database: a new SQLite file, or the PostgreSQL database emptied (schema dropped)."""
    if kind == "sqlite":
        return f"sqlite:///{workdir / 'kleema.db'}"
    url = url or DEFAULT_POSTGRESQL
    subprocess.run([sys.executable, str(ROOT / "scripts" / "ensure_database.py"), url], check=True)
    import psycopg
    from sqlalchemy.engine import make_url

    parts = make_url(url)
    name = parts.database or ""
    if not any(word in name for word in ("bench", "test")):
        raise SystemExit(f"refusing to empty a database not named for benchmarks or tests: {name}")
    with psycopg.connect(
        host=parts.host or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname=name,
        autocommit=True,
    ) as connection:
        connection.execute("DROP SCHEMA public CASCADE")
        connection.execute("CREATE SCHEMA public")
    return url


def site_environment(
    database_url: str, mail_url: str, port: int, redis_url: str | None = None, **extra
) -> dict:
    """The site's settings for a benchmark: limits and timers off, mail to files or a sink, no sender thread."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "AUTO_SETUP": "true",
        "SECRET_KEY": BENCH_SECRET,
        "PRODUCTION": "false",
        "RATELIMIT_ENABLED": "false",
        "SIGN_MIN_SECONDS": "0",
        "MAIL_BACKGROUND_SENDER": "false",
        "MAIL_URL": mail_url,
        "BASE_URL": f"http://127.0.0.1:{port}",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update({key: str(value) for key, value in extra.items()})
    return env


def setup_database(env: dict) -> None:
    """Migrations and seed, once, before the workers start."""
    subprocess.run(
        [str(BIN / "flask"), "--app", "app", "setup"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def run_module(module: str, env: dict) -> None:
    """`python -m module` once with `env` (a benchmark app's tables, before its workers start)."""
    subprocess.run([sys.executable, "-m", module], cwd=ROOT, env=env, check=True)


# -- servers -----------------------------------------------------------------------------------


@dataclass
class Server:
    """gunicorn (sync workers) serving a WSGI app on a loopback port."""

    app: str
    port: int
    env: dict
    workers: int = 4
    log: Path | None = None
    extra_args: list[str] = field(default_factory=list)
    gunicorn: Path = BIN / "gunicorn"
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, ready_path: str = "/", timeout: float = 60) -> "Server":
        log = open(self.log, "ab") if self.log else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                str(self.gunicorn),
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--graceful-timeout",
                "5",
                "--chdir",
                str(ROOT),
                *self.extra_args,
                self.app,
            ],
            env=self.env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        wait_until_serving(self.url + ready_path, timeout, self.process)
        # Every worker answers before measuring, so none is still importing the app.
        deadline = time.monotonic() + timeout
        while len(self.worker_pids()) < self.workers and time.monotonic() < deadline:
            time.sleep(0.1)
        return self

    def worker_pids(self) -> list[int]:
        return children(self.process.pid) if self.process else []

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process = None

    def kill(self) -> None:
        """kill -9 the master and every worker, as a crash or an OOM killer would."""
        if self.process is None:
            return
        for pid in [*self.worker_pids(), self.process.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait()
        self.process = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces: the parent pid follows the last ")".
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def wait_until_serving(url: str, timeout: float, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server for {url} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status < 500:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout}s")


# -- wrk ---------------------------------------------------------------------------------------


def require_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is not installed: apt-get install wrk (Debian's package), then run again.")
    return wrk


@dataclass
class WrkResult:
    label: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    socket_errors: int
    bad_status: int
    statuses: dict[str, int] = field(default_factory=dict)
    setup_requests: int = 0

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return self.socket_errors + self.bad_status


def lua_script(*names: str) -> Path:
    """Concatenate Lua parts (the path's script, then the reporter) into one file for wrk."""
    handle, path = tempfile.mkstemp(prefix="kleema-wrk-", suffix=".lua")
    with os.fdopen(handle, "w") as out:
        for name in names:
            out.write((LUA / name).read_text())
            out.write("\n")
    return Path(path)


def run_wrk(
    label: str,
    url: str,
    *,
    duration: float,
    connections: int,
    threads: int,
    scripts: tuple[str, ...] = (),
    args: tuple = (),
    headers: tuple[str, ...] = (),
) -> WrkResult:
    """Drive one URL; the Lua reporter prints one JSON line with latency percentiles and statuses."""
    path = lua_script(*scripts, "report.lua")
    try:
        completed = subprocess.run(
            [
                require_wrk(),
                f"--threads={threads}",
                f"--connections={connections}",
                f"--duration={max(1, round(duration))}s",
                "--timeout=10s",
                *(f"--header={header}" for header in headers),
                f"--script={path}",
                url,
                "--",
                *map(str, args),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        path.unlink()
    line = next(line for line in completed.stdout.splitlines() if line.startswith("{"))
    report = json.loads(line)
    statuses = report.get("statuses") or {}
    setup = int(report.get("setup_requests", 0))
    bad = report["status"]
    # A path script counts its own statuses: the one-off page fetch for tokens is not a measured request.
    if statuses:
        bad = sum(n for code, n in statuses.items() if not 200 <= int(code) < 400)
    return WrkResult(
        label=label,
        requests=report["requests"] - setup,
        seconds=report["duration_us"] / 1e6,
        p50_ms=report["p50_us"] / 1000,
        p99_ms=report["p99_us"] / 1000,
        socket_errors=report["connect"] + report["read"] + report["write"] + report["timeout"],
        bad_status=bad,
        statuses=statuses,
        setup_requests=setup,
    )


# -- mail --------------------------------------------------------------------------------------


class MailSink:
    """An SMTP server on loopback (aiosmtpd) that records each message's Message-ID; it can be stopped."""

    def __init__(self, port: int):
        self.port = port
        self.message_ids: list[str] = []
        self.recipients: list[str] = []
        self.confirm_links: dict[str, str] = {}
        self.controller = None

    async def handle_DATA(self, server, session, envelope):
        import email
        from email.policy import default

        message = email.message_from_bytes(envelope.content, policy=default)
        self.message_ids.append(str(message["Message-ID"]))
        self.recipients.append(str(message["To"]))
        found = re.search(r"https?://[^/\s]+(/confirm/\S+)", message.get_body(("plain",)).get_content())
        if found:
            self.confirm_links[str(message["To"]).strip().casefold()] = found.group(1)
        return "250 OK"

    def start(self) -> "MailSink":
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"


def mail_worker(env: dict, log: Path | None = None, interval: float = 0.5) -> subprocess.Popen:
    """`flask --app app mail send --watch`, as production runs it."""
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115
    return subprocess.Popen(
        [str(BIN / "flask"), "--app", "app", "mail", "send", "--watch", "--interval", str(interval)],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=out,
        start_new_session=True,
    )


def stop_process(process: subprocess.Popen | None) -> None:
    if process is not None and process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Site:
    """The site with its own database and as many gunicorn instances as asked, stopped on exit.

    With `database_url` and `fresh=False` it serves an existing, set-up database (the tests' one).
    """

    def __init__(
        self,
        db: str = "sqlite",
        database_url: str | None = None,
        redis_url: str | None = None,
        mail_url: str | None = None,
        fresh: bool = True,
        ports: list[int] | None = None,
        **settings,
    ):
        self.db = db
        self.database_url = database_url
        self.redis_url = redis_url
        self.mail_url = mail_url
        self.fresh = fresh
        self.ports = list(ports or [])
        self.settings = settings
        self.servers: list[Server] = []
        self.workdir = Path(tempfile.mkdtemp(prefix="kleema-site-"))

    def __enter__(self) -> "Site":
        if self.fresh:
            self.database_url = fresh_database(self.db, self.workdir, self.database_url)
        self.mail_url = self.mail_url or f"file://{self.workdir / 'mail'}"
        if self.fresh:
            setup_database(self.env(0))
        return self

    def env(self, port: int) -> dict:
        # The site is set up once above: workers starting together must not all migrate.
        return site_environment(
            self.database_url,
            self.mail_url,
            port,
            self.redis_url,
            **{"AUTO_SETUP": "false", **self.settings},
        )

    def serve(self, workers: int = 4, port: int | None = None) -> Server:
        port = port or (self.ports.pop(0) if self.ports else free_port())
        server = Server(
            app="app:app",
            port=port,
            env=self.env(port),
            workers=workers,
            log=self.workdir / f"gunicorn-{port}.log",
        )
        self.servers.append(server)
        return server.start("/api/petitions/kleema")

    def __exit__(self, *exc):
        for server in self.servers:
            server.stop()
        if not any(exc):
            shutil.rmtree(self.workdir, ignore_errors=True)
