"""Benchmark the site against a hello-world Flask app served the same way, in the same run.

    .venv/bin/python bench/run.py [--workers 4] [--duration 10] [--db sqlite|postgresql]
                                  [--instances 1|2] [--scale] [--isso]

Serves the site under gunicorn (sync workers) on loopback ports with a fresh database, drives
each path with wrk, and prints req/s, p50, p99, errors and the ratio to hello-world against the
targets of DESIGN.md section 11. Any error or non-2xx/3xx answer fails the run (exit status 1).
See docs/BENCHMARKS.md for the results and how to read them.
"""

import argparse
import json
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness, seed

TARGETS = {
    "count JSON": 0.8,
    "petition page": 0.5,
    "signature POST": 0.25,
    "comment page (50)": 0.4,
}
SCALE_TARGET = 1.25


@dataclass
class Measure:
    """One path, measured on every app instance at once."""

    label: str
    results: list[harness.WrkResult] = field(default_factory=list)

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

    def statuses(self) -> dict[str, int]:
        merged: dict[str, int] = {}
        for result in self.results:
            for code, n in result.statuses.items():
                merged[code] = merged.get(code, 0) + n
        return merged


class Bench:
    def __init__(self, options):
        self.options = options
        self.workdir = Path(tempfile.mkdtemp(prefix="kleema-bench-"))
        self.measures: list[Measure] = []
        self.problems: list[str] = []
        self.servers: list[harness.Server] = []

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

    def stop_all(self) -> None:
        for server in self.servers:
            server.stop()

    # -- measuring -------------------------------------------------------------------------

    def measure(self, label: str, servers, path: str, scripts=(), args=lambda index, threads: ()) -> Measure:
        """wrk against every server at once (the load is split between them), one result each."""
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
            )

        workers = [threading.Thread(target=drive, args=(i, s)) for i, s in enumerate(servers)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        measure = Measure(label, list(results))
        self.measures.append(measure)
        if measure.errors:
            self.problems.append(
                f"{label}: {measure.errors} errors or non-2xx/3xx {measure.statuses() or ''}"
            )
        if measure.requests == 0:
            self.problems.append(f"{label}: no request completed")
        print(
            f"  {label:<28} {measure.rps:>8.0f} req/s  p50 {measure.p50_ms:>7.1f} ms  "
            f"p99 {measure.p99_ms:>7.1f} ms  errors {measure.errors}",
            flush=True,
        )
        return measure

    def check(self, what: str, expected: int, actual: int) -> None:
        status = "ok" if expected == actual else "MISMATCH"
        print(f"  check {what}: expected {expected}, found {actual} ({status})", flush=True)
        if expected != actual:
            self.problems.append(f"{what}: expected {expected}, found {actual}")

    def check_stored(self, what: str, answered: int, stored: int) -> None:
        """Every success answered is stored; a few more may be: requests in flight when wrk stopped."""
        lost = max(0, answered - stored)
        in_flight = stored - answered
        print(f"  check {what}: {answered} answered 303, {stored} stored, lost {lost}", flush=True)
        if lost or in_flight > self.options.connections:
            self.problems.append(f"{what}: {answered} answered 303 but {stored} stored")

    # -- the run ---------------------------------------------------------------------------

    def run(self) -> int:
        options = self.options
        harness.require_wrk()
        database_url = harness.fresh_database(options.db, self.workdir, options.database_url)
        mail_url = f"file://{self.workdir / 'mail'}"

        def site_env(port):
            return harness.site_environment(database_url, mail_url, port, redis_url=options.redis_url)

        harness.setup_database(site_env(0))
        print(f"Working directory: {self.workdir}", flush=True)
        print(
            f"{options.db}, {options.instances} instance(s) x {options.workers} sync workers, "
            f"wrk {options.connections} connections, {options.duration}s per path",
            flush=True,
        )
        hello_servers = self.serve(
            "bench.hello:app", lambda port: harness.site_environment("", "", port), options.instances
        )
        site = self.serve("app:app", site_env, options.instances)
        try:
            self.run_paths(hello_servers, site, database_url)
        finally:
            self.stop_all()
        self.report(database_url)
        return 1 if self.problems else 0

    def run_paths(self, hello_servers, site, database_url: str) -> None:
        options = self.options
        hello_before = self.measure("hello (before)", hello_servers, "/")
        count = self.measure("count JSON", site, "/api/petitions/kleema")
        page = self.measure("petition page", site, "/petitions/kleema")

        signed_before = self.signatures(database_url)
        run_id = uuid.uuid4().hex[:8]
        sign = self.measure(
            "signature POST",
            site,
            "/petitions/kleema",
            ("form.lua", "sign.lua"),
            lambda index, threads: ("/petitions/kleema", f"{run_id}-{index}"),
        )
        stored = self.signatures(database_url) - signed_before
        self.check_stored("signatures", sign.statuses().get("303", 0), stored)

        links = seed.pending_signatures(database_url, options.pending, harness.BENCH_SECRET)
        links_file = self.workdir / "links.txt"
        confirmed_before = self.confirmed(database_url)
        # Each instance gets its own half of the links, so no link is pressed on both.
        per_server = [links[n :: len(site)] for n in range(len(site))]
        files = []
        for n, share in enumerate(per_server):
            path = links_file.with_suffix(f".{n}.txt")
            path.write_text("\n".join(share) + "\n")
            files.append(path)
        confirm = self.measure(
            "confirmation POST",
            site,
            "/",
            ("form.lua", "confirm.lua"),
            lambda index, threads: (files[index], threads),
        )
        pressed = confirm.statuses().get("303", 0)
        confirmed = self.confirmed(database_url) - confirmed_before
        self.check_stored("confirmations", min(pressed, len(links)), confirmed)
        if pressed > len(links):
            print(f"  note: {pressed - len(links)} presses repeated a confirmed link (ran out of links)")
        self.check("count = confirmed signatures", self.confirmed(database_url), self.counted(database_url))

        if options.scale:
            self.run_scale(site, database_url, count, page)
        hello_after = self.measure("hello (after)", hello_servers, "/")
        self.hello_rps = (hello_before.rps + hello_after.rps) / 2

    def run_scale(self, site, database_url: str, count: Measure, page: Measure) -> None:
        options = self.options
        started = time.monotonic()
        seeded = seed.confirmed_signatures(database_url, options.signatures)
        print(f"  seeded {seeded:,} confirmed signatures in {time.monotonic() - started:.1f}s", flush=True)
        self.check(
            "count = confirmed signatures at scale", self.confirmed(database_url), self.counted(database_url)
        )
        big_count = self.measure("count JSON at scale", site, "/api/petitions/kleema")
        big_page = self.measure("petition page at scale", site, "/petitions/kleema")
        self.scale_pairs = [(count, big_count), (page, big_page)]

    # -- database checks -------------------------------------------------------------------

    def signatures(self, url: str) -> int:
        return seed.count_rows(url, "SELECT count(*) FROM signatures")

    def confirmed(self, url: str) -> int:
        return seed.count_rows(url, "SELECT count(*) FROM signatures WHERE status = 'confirmed'")

    def counted(self, url: str) -> int:
        return seed.count_rows(url, "SELECT coalesce(sum(total), 0) FROM count_shards")

    # -- report ----------------------------------------------------------------------------

    def report(self, database_url: str) -> None:
        hello = getattr(self, "hello_rps", 0) or 1
        print()
        print(f"{'path':<28} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'× hello':>8}  target")
        rows = []
        for measure in self.measures:
            ratio = measure.rps / hello
            target = TARGETS.get(measure.label)
            verdict = ""
            if target is not None:
                verdict = f"≥ {target:.2f}  {'met' if ratio >= target else 'MISSED'}"
            print(
                f"{measure.label:<28} {measure.rps:>8.0f} {measure.p50_ms:>8.1f} {measure.p99_ms:>8.1f} "
                f"{measure.errors:>7} {ratio:>8.2f}  {verdict}"
            )
            rows.append(
                {
                    "path": measure.label,
                    "rps": round(measure.rps, 1),
                    "p50_ms": round(measure.p50_ms, 2),
                    "p99_ms": round(measure.p99_ms, 2),
                    "errors": measure.errors,
                    "ratio": round(ratio, 3),
                    "per_instance_rps": [round(r.rps, 1) for r in measure.results],
                }
            )
        scale = []
        for small, big in getattr(self, "scale_pairs", []):
            ratio = big.p50_ms / small.p50_ms if small.p50_ms else 0
            verdict = "met" if ratio <= SCALE_TARGET else "MISSED"
            print(
                f"at scale, {small.label}: p50 {small.p50_ms:.1f} -> {big.p50_ms:.1f} ms ({ratio:.2f}×), "
                f"req/s {small.rps:.0f} -> {big.rps:.0f}; target ≤ {SCALE_TARGET}×: {verdict}"
            )
            scale.append(
                {
                    "path": small.label,
                    "p50_ratio": round(ratio, 3),
                    "rps_ratio": round(small.rps / big.rps, 3),
                }
            )
        if self.options.json:
            Path(self.options.json).write_text(json.dumps({"paths": rows, "scale": scale}, indent=2) + "\n")
        if self.problems:
            print("\nFAILED:\n  " + "\n  ".join(self.problems))
        else:
            print("\nNo errors.")


def parse(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers per instance")
    parser.add_argument("--duration", type=float, default=10, help="seconds per path")
    parser.add_argument(
        "--connections", type=int, default=16, help="wrk connections (split between instances)"
    )
    parser.add_argument("--threads", type=int, default=2, help="wrk threads per instance")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--database-url", default=None, help=f"PostgreSQL database (default {harness.DEFAULT_POSTGRESQL})"
    )
    parser.add_argument("--redis-url", default=None, help="e.g. redis://127.0.0.1:6379/5 (PostgreSQL runs)")
    parser.add_argument("--instances", type=int, default=1, help="app instances sharing the database")
    parser.add_argument("--pending", type=int, default=30000, help="signatures to confirm")
    parser.add_argument("--scale", action="store_true", help="then seed --signatures and measure again")
    parser.add_argument("--signatures", type=int, default=1_000_000)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--isso", action="store_true", help="compare comments with Isso")
    parser.add_argument("--json", default=None, help="also write the figures to this file")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(Bench(parse()).run())
