"""Mail outage drill: the SMTP server stops while people sign, then comes back.

    .venv/bin/python bench/drills/mail_outage.py [--clients 8] [--outage 10] [--db sqlite|postgresql]

The site runs with the separate mail worker (`flask --app app mail send --watch`), as in
production. Every queued mail must reach the SMTP server once it is back, and none twice
(checked by Message-ID at the server).
"""

import argparse
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

from bench import harness, seed
from bench.drills.common import Signers, Summary, numbers, stored_addresses


def outbox_ids(database_url: str) -> list[str]:
    database = seed.Database(database_url)
    try:
        cursor = database.connection.cursor()
        cursor.execute("SELECT message_id FROM mail_outbox")
        ids = [row[0] for row in cursor.fetchall()]
        cursor.close()
        return ids
    finally:
        database.close()


def run(
    site: harness.Site,
    sink: harness.MailSink,
    clients: int = 8,
    outage: float = 10.0,
    phase: float = 3.0,
    workers: int = 2,
    drain_timeout: float = 120.0,
) -> Summary:
    """`site` (entered, MAIL_RETRY_SECONDS small) sends to `sink`, which is stopped for `outage` seconds."""
    server = site.serve(workers=workers)
    worker = harness.mail_worker(site.env(server.port), site.workdir / "mail-worker.log")
    signers = Signers([server.url], clients, f"outage-{uuid.uuid4().hex[:6]}").start()
    try:
        signers.wait_for(10)
        time.sleep(phase)
        sink.stop()
        time.sleep(outage)
        sink.start()
        time.sleep(phase)
    finally:
        signers.stop()
    try:
        queued = outbox_ids(site.database_url)
        deadline = time.monotonic() + drain_timeout
        while not set(queued) <= set(sink.message_ids) and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(1)  # a duplicate, if any, would arrive now
    finally:
        harness.stop_process(worker)

    delivered = sink.message_ids
    never = set(queued) - set(delivered)
    twice = len(delivered) - len(set(delivered))
    lost_signatures = signers.succeeded - stored_addresses(site.database_url)
    rows, _, _ = numbers(site.database_url)
    retried = seed.count_rows(site.database_url, "SELECT count(*) FROM mail_outbox WHERE attempts > 1")
    return Summary(
        drill="mail outage",
        attempted=signers.attempted,
        stored=rows,
        counted=len(set(delivered)),
        lost=len(never) + len(lost_signatures),
        server_errors=signers.tally.server_errors,
        sent_twice=twice,
        detail=f"{len(queued)} mails queued, {len(set(delivered))} delivered, {retried} after a retry, outage {outage:g}s",
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--outage", type=float, default=10.0, help="seconds the SMTP server is down")
    parser.add_argument("--retry", type=int, default=2, help="MAIL_RETRY_SECONDS for the drill")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--database-url", default=None)
    options = parser.parse_args(argv)
    started = time.monotonic()
    sink = harness.MailSink(harness.free_port()).start()
    try:
        with harness.Site(
            options.db, options.database_url, mail_url=sink.url, MAIL_RETRY_SECONDS=options.retry
        ) as site:
            summary = run(site, sink, options.clients, options.outage)
    finally:
        sink.stop()
    print(f"{summary.line()} ({time.monotonic() - started:.0f}s)")
    return 0 if summary.ok else 1


if __name__ == "__main__":
    harness.exit_on_sigterm()
    sys.exit(main())
