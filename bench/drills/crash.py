"""Crash drill: kill -9 a worker, then the whole server, while people sign; restart; nothing answered is lost.

    .venv/bin/python bench/drills/crash.py [--clients 16] [--db sqlite|postgresql] [--workers 4]

After the restart every signature that got a success answer must be stored, its confirmation
mail must still go out (the outbox survives), and confirming from that mail must count.
"""

import argparse
import os
import signal
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

from bench import harness
from bench.drills.common import Browser, Signers, Summary, deliver_mail, numbers, stored_addresses


def run(
    site: harness.Site, sink: harness.MailSink, clients: int = 16, workers: int = 4, phase: float = 3.0
) -> Summary:
    """`site` is entered, with its mail going to `sink`; `phase` seconds of signing between blows."""
    server = site.serve(workers=workers)
    signers = Signers([server.url], clients, f"crash-{uuid.uuid4().hex[:6]}").start()
    try:
        signers.wait_for(20)
        time.sleep(phase)
        os.kill(server.worker_pids()[0], signal.SIGKILL)
        time.sleep(phase)
        signers.wait_for(len(signers.succeeded) + 10)
        server.kill()
        time.sleep(1)
        server = site.serve(workers=workers, port=server.port)
        signers.wait_for(len(signers.succeeded) + 10)
        time.sleep(phase / 2)
    finally:
        signers.stop()

    lost_signatures = signers.succeeded - stored_addresses(site.database_url)
    # The outbox was written with each signature: one delivery run sends every confirmation.
    deliver_mail(site, server.port)
    unmailed = {a for a in signers.succeeded if a.casefold() not in sink.confirm_links}

    confirmed_ok = set()

    def confirm(address: str) -> None:
        browser = Browser(server.url)
        link = sink.confirm_links[address.casefold()]
        fields = browser.form(link)
        if fields and browser.request(link, fields)[0] == 303:
            confirmed_ok.add(address)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(confirm, sorted(signers.succeeded - unmailed)))
    time.sleep(1.2)  # the public count may be a second old
    rows, confirmed, counted = numbers(site.database_url)
    status, body = Browser(server.url).request("/api/petitions/kleema")
    shown = int(body.split('"count":')[1].split(",")[0]) if status == 200 else -1
    return Summary(
        drill="crash",
        attempted=signers.attempted,
        stored=rows,
        counted=shown,
        lost=len(lost_signatures)
        + len(unmailed)
        + (len(signers.succeeded) - len(confirmed_ok))
        + abs(shown - counted),
        server_errors=signers.tally.server_errors,
        detail=(
            f"{len(signers.succeeded)} answered 303, {len(signers.succeeded) - len(unmailed)} mailed, "
            f"{confirmed} confirmed; no answer during the crash {signers.tally.no_answer}"
        ),
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--phase", type=float, default=5.0, help="seconds of signing between blows")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--database-url", default=None)
    options = parser.parse_args(argv)
    started = time.monotonic()
    sink = harness.MailSink(harness.free_port()).start()
    try:
        with harness.Site(options.db, options.database_url, mail_url=sink.url) as site:
            summary = run(site, sink, options.clients, options.workers, options.phase)
    finally:
        sink.stop()
    print(f"{summary.line()} ({time.monotonic() - started:.0f}s)")
    return 0 if summary.ok else 1


if __name__ == "__main__":
    harness.exit_on_sigterm()
    sys.exit(main())
