"""Bounded versions of the reliability drills in bench/drills, against real gunicorn servers.

They run on the tests' database (SQLite, or PostgreSQL with TEST_DATABASE_URL) and assert what a
signer would notice: nothing answered is lost, nothing is counted or mailed twice, no 5xx.
"""

import pytest

from bench import harness
from bench.drills import crash, crowd, mail_outage
from tests.helpers import free_port

pytestmark = pytest.mark.drill


@pytest.fixture
def site(app):
    """The site served from the tests' database, already set up and emptied by `clean`."""

    def enter(**options):
        return harness.Site(
            database_url=app.config["SQLALCHEMY_DATABASE_URI"],
            fresh=False,
            ports=[free_port() for _ in range(2)],
            **options,
        )

    return enter


@pytest.fixture
def sink():
    mailbox = harness.MailSink(free_port()).start()
    yield mailbox
    mailbox.stop()


def test_crowd_with_repeats_and_double_clicks_on_two_instances(site, sink):
    with site(mail_url=sink.url) as served:
        urls = [served.serve(workers=2).url for _ in range(2)]
        summary = crowd.run(served, urls, sink, clients=8, attempts=200)
    print(summary.line())
    assert summary.server_errors == 0
    assert summary.lost == 0, summary.line()
    # Repeats in another case or with spaces never make a second row.
    assert summary.stored < summary.attempted
    assert summary.counted == summary.stored


def test_signatures_answered_before_a_kill_9_survive_and_are_mailed(site, sink):
    with site(mail_url=sink.url) as served:
        summary = crash.run(served, sink, clients=4, workers=2, phase=1.0)
    print(summary.line())
    assert summary.server_errors == 0
    assert summary.lost == 0, summary.line()
    assert summary.counted > 0


def test_mail_queued_while_the_mail_server_is_down_is_delivered_once(site, sink):
    with site(mail_url=sink.url, MAIL_RETRY_SECONDS=1) as served:
        summary = mail_outage.run(served, sink, clients=4, outage=2.0, phase=1.0, drain_timeout=40)
    print(summary.line())
    assert summary.server_errors == 0
    assert summary.lost == 0, summary.line()
    assert summary.sent_twice == 0
    assert summary.counted == summary.stored > 0
