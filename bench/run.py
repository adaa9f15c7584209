"""Benchmark the site against a hello-world Flask app served the same way, in the same run.

    .venv/bin/python bench/run.py [--workers 4] [--duration 10] [--db sqlite|postgresql]
                                  [--instances 1|2] [--scale] [--isso] [--proxy nginx] [--json FILE]

Serves the site under gunicorn (sync workers) on loopback ports with a fresh database, and
bench/hello.py the same way. Before each path, hello-world is measured again for the same time,
so each ratio compares two neighbouring measurements (the machine may be busy with other work).
Prints req/s, p50, p99, errors and the ratio to hello-world against DESIGN.md section 11.

The petition page is measured for a new visitor (no cookie) and for a returning one (the session
and language cookies a browser keeps after a first visit). The signature POST is also read
against the stack floor (bench/floor.py: a bare Flask-WTF form POST with one INSERT, served the
same way on the same database engine). With --proxy nginx, deploy/nginx.conf is started in front
of the site as the deploy tests run it (bench/proxy.py, deploy/loopback.py: HTTPS, a self-signed
certificate) and the count JSON, with how nginx's cache answered it, and the returning visitor's
page are measured through it; without nginx the mode says so and skips.
Any socket error or non-2xx/3xx answer, or a success that is not stored, fails the run (exit 1).
Needs wrk (apt-get install wrk). Results and how to read them: docs/BENCHMARKS.md.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness, seed

SCALE_TARGET = 1.25
FLOOR_TARGET = 0.8  # signature POST against the stack floor
ISSO_TARGET = 1.0  # comment POST, and the thread of 50, against Isso


@dataclass
class Measure:
    """One path, measured on every app instance at once, next to a hello-world measurement."""

    label: str
    results: list[harness.WrkResult] = field(default_factory=list)
    hello: "Measure | None" = None
    target: float | None = None
    floor: "Measure | None" = None

    @property
    def rps(self) -> float:
        return sum(r.rps for r in self.results)

    @property
    def p50_ms(self) -> float:
        return max(r.p50_ms for r in self.results)

    @property
    def p99_ms(self) -> float:
        return max(r.p99_ms for r in self.results)

    @property
    def errors(self) -> int:
        return sum(r.errors for r in self.results)

    @property
    def requests(self) -> int:
        return sum(r.requests for r in self.results)

    @property
    def ratio(self) -> float | None:
        return self.rps / self.hello.rps if self.hello and self.hello.rps else None

    def statuses(self) -> dict[str, int]:
        merged: dict[str, int] = {}
        for result in self.results:
            for code, n in result.statuses.items():
                merged[code] = merged.get(code, 0) + n
        return merged

    def row(self) -> dict:
        return {
            "path": self.label,
            "rps": round(self.rps, 1),
            "p50_ms": round(self.p50_ms, 2),
            "p99_ms": round(self.p99_ms, 2),
            "errors": self.errors,
            "hello_rps": round(self.hello.rps, 1) if self.hello else None,
            "ratio": round(self.ratio, 3) if self.ratio is not None else None,
            "target": self.target,
            "per_instance_rps": [round(r.rps, 1) for r in self.results],
            "floor_ratio": round(self.rps / self.floor.rps, 3) if self.floor and self.floor.rps else None,
        }


class Bench:
    def __init__(self, options):
        self.options = options
        self.workdir = Path(tempfile.mkdtemp(prefix="kleema-bench-"))
        self.measures: list[Measure] = []
        self.scale_pairs: list[tuple[Measure, Measure]] = []
        self.isso_pairs: list[tuple[Measure, Measure]] = []
        self.problems: list[str] = []
        self.servers: list[harness.Server] = []
        self.hello: list[harness.Server] = []
        self.proxy = None

    # -- serving ---------------------------------------------------------------------------

    def serve(self, app: str, env_for_port, count: int) -> list[harness.Server]:
        servers = []
        for n in range(count):
            port = harness.free_port()
            server = harness.Server(
                app=app,
                port=port,
                env=env_for_port(port),
                workers=self.options.workers,
                log=self.workdir / f"{app.split(':')[0]}-{n}.log",
            )
            self.servers.append(server)
            servers.append(server.start())
        return servers

    # -- measuring -------------------------------------------------------------------------

    def wrk(self, label, servers, path, scripts=(), args=lambda index, threads: (), headers=()) -> Measure:
        """wrk against every server at once (the connections are split between them)."""
        options = self.options
        connections = max(1, options.connections // len(servers))
        threads = max(1, min(options.threads, connections))
        results: list[harness.WrkResult | None] = [None] * len(servers)

        def drive(index, server):
            results[index] = harness.run_wrk(
                label,
                server.url + path,
                duration=options.duration,
                connections=connections,
                threads=threads,
                scripts=scripts,
                args=args(index, threads),
                headers=headers,
            )

        drivers = [threading.Thread(target=drive, args=(i, s)) for i, s in enumerate(servers)]
        for driver in drivers:
            driver.start()
        for driver in drivers:
            driver.join()
        measure = Measure(label, list(results))
        if measure.errors:
            self.problems.append(
                f"{label}: {measure.errors} errors or non-2xx/3xx {measure.statuses() or ''}"
            )
        if measure.requests == 0:
            self.problems.append(f"{label}: no request completed")
        return measure

    def measure(
        self, label, servers, path, scripts=(), args=lambda index, threads: (), headers=(), target=None
    ):
        hello = self.wrk("hello", self.hello, "/")
        measure = self.wrk(label, servers, path, scripts, args, headers)
        measure.hello, measure.target = hello, target
        self.measures.append(measure)
        ratio = f"{measure.ratio:.2f}" if measure.ratio is not None else "-"
        print(
            f"  {label:<34} {measure.rps:>8.0f} req/s  p50 {measure.p50_ms:>7.1f} ms  p99 {measure.p99_ms:>7.1f} ms  "
            f"errors {measure.errors}  (hello {hello.rps:.0f} req/s, ratio {ratio})",
            flush=True,
        )
        return measure

    def check_stored(self, what: str, answered: int, stored: int) -> None:
        """Every success answered is stored; a few more may be: requests in flight when wrk stopped."""
        lost = max(0, answered - stored)
        print(f"    {what}: {answered} answered with success, {stored} stored, lost {lost}", flush=True)
        if lost or stored - answered > self.options.connections:
            self.problems.append(f"{what}: {answered} answered with success but {stored} stored")

    def check_equal(self, what: str, expected: int, actual: int) -> None:
        print(f"    {what}: {expected} = {actual}{'' if expected == actual else '  MISMATCH'}", flush=True)
        if expected != actual:
            self.problems.append(f"{what}: {expected} != {actual}")

    # -- the run ---------------------------------------------------------------------------

    def run(self) -> int:
        options = self.options
        harness.require_wrk()
        database_url = harness.fresh_database(options.db, self.workdir, options.database_url)
        mail_url = f"file://{self.workdir / 'mail'}"
        # The comment form has a minimum fill time too; a benchmark posts at once.
        extra = {"COMMENT_MIN_SECONDS": 0}

        def site_env(port):
            return harness.site_environment(
                database_url, mail_url, port, redis_url=options.redis_url, AUTO_SETUP="false", **extra
            )

        harness.setup_database(site_env(0))
        self.describe()
        self.hello = self.serve(
            "bench.hello:app", lambda port: harness.site_environment("", "", port), options.instances
        )
        site = self.serve("app:app", site_env, options.instances)
        self.floor = self.serve_floor(database_url)
        self.comments = comments_available(site[0])
        self.returning = returning_visitor(site[0])
        try:
            self.run_paths(site, database_url)
            if options.isso:
                self.run_isso(site, database_url)
            if options.scale:
                self.run_scale(site, database_url)
        finally:
            if self.proxy is not None:
                self.proxy.stop()
            for server in self.servers:
                server.stop()
            if not options.keep:  # the logs stay; a database at scale is hundreds of megabytes
                for path in self.workdir.rglob("*.db*"):
                    path.unlink()
        print(f"load average at the end {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        self.report()
        return 1 if self.problems else 0

    def describe(self) -> None:
        options = self.options
        wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split("\n")[
            0
        ]
        print(
            f"{time.strftime('%Y-%m-%d %H:%M %Z')} · {platform.node()} · {cpu_model()} · {cpu_count()} cores"
        )
        print(
            f"Python {platform.python_version()} · {wrk_version.strip()} · working directory {self.workdir}"
        )
        print(
            f"{options.db}, {options.instances} instance(s) x {options.workers} sync workers, "
            f"wrk {options.connections} connections / {options.threads} threads per instance, "
            f"{options.duration:g}s per measurement",
            flush=True,
        )

    def serve_floor(self, database_url: str) -> list[harness.Server]:
        """The stack floor on its own table: a new SQLite file, or the site's PostgreSQL database."""
        url = f"sqlite:///{self.workdir / 'floor.db'}" if self.options.db == "sqlite" else database_url

        def floor_env(port):
            return {**harness.site_environment("", "", port), "FLOOR_DATABASE_URL": url}

        harness.run_module("bench.floor", floor_env(0))
        return self.serve("bench.floor:app", floor_env, self.options.instances)

    def run_paths(self, site, database_url: str) -> None:
        options = self.options
        self.small_count = self.measure("count JSON", site, "/api/petitions/kleema", target=0.6)
        self.small_page = self.measure("petition page, new visitor", site, "/petitions/kleema", target=0.35)
        self.small_page_fresh = self.measure(
            "petition page, returning visitor",
            site,
            "/petitions/kleema",
            headers=(self.returning,),
            target=0.25,
        )
        if options.proxy == "nginx":
            self.run_proxy(site)

        run_id = uuid.uuid4().hex[:8]
        rows_before = floor_rows(self.options.db, self.workdir, database_url)
        floor = self.measure(
            "stack floor POST",
            self.floor,
            "/",
            ("form.lua", "floor.lua"),
            lambda index, threads: (f"{run_id}-{index}",),
        )
        self.check_stored(
            "stack floor rows",
            floor.statuses().get("303", 0),
            floor_rows(self.options.db, self.workdir, database_url) - rows_before,
        )

        rows_before = signatures(database_url)
        run_id = uuid.uuid4().hex[:8]
        sign = self.measure(
            "signature POST",
            site,
            "/petitions/kleema",
            ("form.lua", "sign.lua"),
            lambda index, threads: ("/petitions/kleema", f"{run_id}-{index}"),
        )
        sign.floor = floor
        self.check_stored("signatures", sign.statuses().get("303", 0), signatures(database_url) - rows_before)
        flagged = seed.count_rows(
            database_url, "SELECT count(*) FROM signatures WHERE flag_reason IS NOT NULL"
        )
        self.check_equal("signatures taken for robots", 0, flagged)

        links = seed.pending_signatures(database_url, options.pending, harness.BENCH_SECRET)
        confirmed_before = confirmed(database_url)
        files = []
        for n in range(len(site)):  # each instance presses its own share of the links
            path = self.workdir / f"links-{n}.txt"
            path.write_text("\n".join(links[n :: len(site)]) + "\n")
            files.append(path)
        confirm = self.measure(
            "confirmation POST",
            site,
            "/",
            ("form.lua", "confirm.lua"),
            lambda index, threads: (files[index], threads),
        )
        pressed = confirm.statuses().get("303", 0)
        if pressed > len(links):
            print(
                f"    {pressed - len(links)} presses repeated a confirmed link (more presses than --pending)"
            )
        self.check_stored(
            "confirmations", min(pressed, len(links)), confirmed(database_url) - confirmed_before
        )
        self.check_equal("count = confirmed signatures", *confirmed_and_counted(database_url))

        if self.comments:
            # No statistics for a table of 50 rows: the servers' connections, open all along, would
            # keep planning with them once the table holds 100,000 (SQLite reads its statistics
            # when a connection loads the schema). A site that grows has none, or fresh ones.
            seed.comments(database_url, 50, analyze=False)
            self.small_comments = self.measure(
                "comment page (50), returning visitor",
                site,
                "/petitions/kleema/comments",
                headers=(self.returning,),
            )
            self.comment_post = self.measure_comment_post("comment POST", site, database_url)
        else:
            print("  (no comment thread in this version of the site: comment paths skipped)")

    def measure_comment_post(self, label: str, site, database_url: str) -> Measure:
        """New comments posted through the thread's form, each stored (checked after)."""
        run_id = uuid.uuid4().hex[:8]
        comments_before = seed.count_rows(database_url, "SELECT count(*) FROM comments")
        post = self.measure(
            label,
            site,
            "/petitions/kleema/comments",
            ("form.lua", "comment.lua"),
            lambda index, threads: ("/petitions/kleema/comments", f"{run_id}-{index}"),
        )
        stored = seed.count_rows(database_url, "SELECT count(*) FROM comments") - comments_before
        self.check_stored("comments", post.statuses().get("303", 0), stored)
        return post

    def run_proxy(self, site) -> None:
        from bench import proxy

        reason = proxy.unavailable()
        if reason:
            print(f"  --proxy nginx: {reason}", flush=True)
            return
        try:
            self.proxy = proxy.start(self.workdir, [s.port for s in site])
        except (RuntimeError, ValueError) as error:
            print(f"  --proxy nginx: {error}; the nginx measurements are skipped", flush=True)
            self.problems.append(f"nginx: {error}")
            return
        print(f"  nginx {self.proxy.url} with deploy/nginx.conf ({self.proxy.conf})", flush=True)
        self.measure("count JSON through nginx", [self.proxy], "/api/petitions/kleema", target=2.0)
        statuses = proxy.cache_statuses(self.proxy, "/api/petitions/kleema")
        hits = statuses["HIT"] / max(1, statuses.total())
        print(f"    count JSON X-Cache-Status: {dict(statuses.most_common())}, HIT {hits:.1%}", flush=True)
        self.measure(
            "petition page through nginx, returning visitor",
            [self.proxy],
            "/petitions/kleema",
            headers=(self.returning,),
        )

    def run_isso(self, site, database_url: str) -> None:
        from bench import isso

        isso.ensure_installed()
        servers = []
        for n in range(self.options.instances):
            workdir = self.workdir / f"isso-{n}"
            workdir.mkdir()
            server = isso.server(workdir, harness.free_port(), self.options.workers)
            self.servers.append(server)
            servers.append(server.start("/info"))
        for n in range(50):
            isso.post_comment(servers[0].url, n)
        print(f"  Isso {isso.version()}: thread of {isso.thread_size(servers[0].url)} comments", flush=True)
        if self.options.instances > 1:
            print("    (each Isso instance has its own SQLite file: Isso cannot share PostgreSQL)")
            for server in servers[1:]:
                for n in range(50):
                    isso.post_comment(server.url, n)
        thread = self.measure("Isso thread (50) JSON", servers, f"/?uri={isso.THREAD.replace('/', '%2F')}")
        post = self.measure("Isso comment POST", servers, "/", ("isso_post.lua",))
        if self.comments:
            self.isso_pairs = [(self.small_comments, thread), (self.comment_post, post)]

    def run_scale(self, site, database_url: str) -> None:
        options = self.options
        # The rendered page shows the newest comments: measured again now, with the thread of 50
        # in place, it shows as much as it will at scale, and only the size of the tables differs.
        before = self.measure(
            "petition page, returning visitor, before seeding",
            site,
            "/petitions/kleema",
            headers=(self.returning,),
        )
        started = time.monotonic()
        written = seed.confirmed_signatures(database_url, options.signatures)
        print(f"  seeded {written:,} confirmed signatures in {time.monotonic() - started:.1f}s", flush=True)
        if self.comments:
            started = time.monotonic()
            written = seed.comments(database_url, options.comments)
            print(f"  seeded {written:,} comments in {time.monotonic() - started:.1f}s", flush=True)
        self.check_equal("count = confirmed signatures", *confirmed_and_counted(database_url))
        pairs = [
            (self.small_count, self.measure("count JSON, at scale", site, "/api/petitions/kleema")),
            (self.small_page, self.measure("petition page, at scale", site, "/petitions/kleema")),
            (
                before,
                self.measure(
                    "petition page, returning visitor, at scale",
                    site,
                    "/petitions/kleema",
                    headers=(self.returning,),
                ),
            ),
        ]
        if self.comments:
            pairs.append(
                (
                    self.small_comments,
                    self.measure(
                        "comment page, returning visitor, at scale",
                        site,
                        "/petitions/kleema/comments",
                        headers=(self.returning,),
                    ),
                )
            )
            post = self.measure_comment_post("comment POST, at scale", site, database_url)
            pairs.append((self.comment_post, post))
        self.scale_pairs = pairs

    # -- report ----------------------------------------------------------------------------

    def report(self) -> None:
        print()
        print(
            f"{'path':<42} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} {'hello':>6} {'ratio':>6}  target"
        )
        for m in self.measures:
            verdict = ""
            if m.target is not None and m.ratio is not None:
                verdict = f"≥ {m.target:.2f} {'met' if m.ratio >= m.target else 'MISSED'}"
            if m.floor is not None and m.floor.rps:
                versus = m.rps / m.floor.rps
                verdict = (
                    f"{versus:.2f} x the stack floor, ≥ {FLOOR_TARGET:.2f} "
                    f"{'met' if versus >= FLOOR_TARGET and not m.errors else 'MISSED'}"
                )
            print(
                f"{m.label:<42} {m.rps:>7.0f} {m.p50_ms:>7.1f} {m.p99_ms:>7.1f} {m.errors:>6} "
                f"{m.hello.rps:>6.0f} {m.ratio:>6.2f}  {verdict}"
            )
        scale = []
        for small, big in self.scale_pairs:
            latency = big.p50_ms / small.p50_ms if small.p50_ms else 0
            normalised = (small.ratio / big.ratio) if big.ratio else 0
            verdict = "met" if normalised <= SCALE_TARGET else "MISSED"
            print(
                f"scale · {small.label}: p50 {small.p50_ms:.1f} -> {big.p50_ms:.1f} ms ({latency:.2f}x); "
                f"time per request against hello {normalised:.2f}x; target ≤ {SCALE_TARGET}x: {verdict}"
            )
            scale.append(
                {
                    "path": small.label,
                    "p50_ratio": round(latency, 3),
                    "hello_normalised": round(normalised, 3),
                }
            )
        versus = []
        for ours, theirs in self.isso_pairs:
            times = ours.rps / theirs.rps
            print(
                f"isso · {ours.label}: ours {ours.rps:.0f} req/s (ratio {ours.ratio:.2f}) vs Isso's "
                f"{theirs.label} {theirs.rps:.0f} req/s (ratio {theirs.ratio:.2f}): {times:.2f}x; "
                f"target ≥ {ISSO_TARGET:.1f}x: {'met' if times >= ISSO_TARGET else 'MISSED'}"
            )
            versus.append(
                {"ours": ours.label, "theirs": theirs.label, "times": round(ours.rps / theirs.rps, 2)}
            )
        if self.options.json:
            Path(self.options.json).write_text(
                json.dumps(
                    {"paths": [m.row() for m in self.measures], "scale": scale, "isso": versus}, indent=2
                )
                + "\n"
            )
        if self.problems:
            print("\nFAILED:\n  " + "\n  ".join(self.problems))
        else:
            print("\nNo errors.")


def returning_visitor(server: harness.Server) -> str:
    """The Cookie header of a visitor who came before: the session a first visit set, and a language."""
    import urllib.request

    with urllib.request.urlopen(server.url + "/petitions/kleema", timeout=10) as response:
        cookies = [value.split(";", 1)[0] for value in response.headers.get_all("Set-Cookie") or ()]
    return "Cookie: " + "; ".join([*cookies, "lang=fr"])


def floor_rows(kind: str, workdir: Path, database_url: str) -> int:
    url = f"sqlite:///{workdir / 'floor.db'}" if kind == "sqlite" else database_url
    return seed.count_rows(url, "SELECT count(*) FROM floor_rows")


def comments_available(server: harness.Server) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(server.url + "/petitions/kleema/comments", timeout=10) as response:
            return response.status == 200
    except OSError:
        return False


def signatures(url: str) -> int:
    return seed.count_rows(url, "SELECT count(*) FROM signatures")


def confirmed(url: str) -> int:
    return seed.count_rows(url, "SELECT count(*) FROM signatures WHERE status = 'confirmed'")


def confirmed_and_counted(url: str) -> tuple[int, int]:
    """Both numbers from one statement, so one snapshot: confirmations still in flight cannot split them."""
    database = seed.Database(url)
    try:
        cursor = database.connection.cursor()
        cursor.execute(
            "SELECT (SELECT count(*) FROM signatures WHERE status = 'confirmed'), "
            "(SELECT coalesce(sum(total), 0) FROM count_shards)"
        )
        row = cursor.fetchone()
        cursor.close()
        return int(row[0]), int(row[1])
    finally:
        database.close()


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def cpu_count() -> int:
    return os.cpu_count() or 0


def parse(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers per instance")
    parser.add_argument("--duration", type=float, default=10, help="seconds per measurement")
    parser.add_argument(
        "--connections", type=int, default=16, help="wrk connections (split between instances)"
    )
    parser.add_argument("--threads", type=int, default=2, help="wrk threads per instance")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--database-url", default=None, help=f"default {harness.DEFAULT_POSTGRESQL}")
    parser.add_argument("--redis-url", default=None, help="default redis://127.0.0.1:6379/5 on PostgreSQL")
    parser.add_argument(
        "--instances", type=int, default=None, help="app instances (default 1, 2 on PostgreSQL)"
    )
    parser.add_argument("--pending", type=int, default=30000, help="pending signatures to confirm")
    parser.add_argument(
        "--scale", action="store_true", help="then seed --signatures and --comments, measure again"
    )
    parser.add_argument("--signatures", type=int, default=1_000_000)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--isso", action="store_true", help="compare the comment paths with Isso")
    parser.add_argument(
        "--proxy", choices=("nginx",), default=None, help="also measure through deploy/nginx.conf"
    )
    parser.add_argument("--keep", action="store_true", help="keep the SQLite databases of the run")
    parser.add_argument("--json", default=None, help="also write the figures to this file")
    options = parser.parse_args(argv)
    if options.instances is None:
        options.instances = 2 if options.db == "postgresql" else 1
    if options.redis_url is None and options.db == "postgresql":
        options.redis_url = "redis://127.0.0.1:6379/5"
    return options


if __name__ == "__main__":
    harness.exit_on_sigterm()
    sys.exit(Bench(parse()).run())
