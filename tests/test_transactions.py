"""One owner for each transaction: every write a request or the mail sender makes runs inside the
service's `write_transaction()`, which on SQLite takes the write lock at BEGIN; reads take none."""

from contextlib import contextmanager

import pytest
from flask import has_request_context
from sqlalchemy import event

from petition.core.transactions import writing
from petition.extensions import db
from tests.commenting import Moderator, Reader, approved, latest_comment
from tests.helpers import links, path_of

WRITES = ("INSERT", "UPDATE", "DELETE")


class _Watch:
    """The statements sent while handling requests or sending mail (not the tests' own set-up):
    writes outside a write transaction, and BEGINs."""

    def __init__(self, app):
        with app.app_context():
            self.engine = db.engine
        self.unowned: list[str] = []
        self.begins: list[tuple[str, str]] = []
        self.sending = False

    @contextmanager
    def sender(self):
        self.sending = True
        try:
            yield
        finally:
            self.sending = False

    def _seen(self, conn, cursor, statement, parameters, context, executemany):
        words = statement.split()
        watched = has_request_context() or self.sending
        if watched and words[0].upper() in WRITES and not writing():
            self.unowned.append(" ".join(words[:4]))
        if words[0].upper() == "BEGIN" and has_request_context():
            from flask import request

            self.begins.append((f"{request.method} {request.path}", statement))

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._seen)


def test_every_write_of_the_journeys_runs_in_a_write_transaction(app, signer, smtp_sink, staff):
    with _Watch(app) as watch:
        signer.sign_and_confirm()
        signer.press_button(signer.withdraw_link("fatima@example.org"))
        signer.sign(first_name="Fatima-Zahra")  # a renewed signature
        with watch.sender():
            signer.deliver()
        referral = next(u for u in links(smtp_sink.last_to("fatima@example.org")) if "/referral/" in u)
        assert signer.client.get(path_of(referral)).status_code == 200
        assert signer.client.get("/petitions/kleema/card/fr.png").status_code == 200

        author = Reader(app)
        first = approved(app, author, text="Quand revient la ligne ?", email="karim@example.org")
        signer.deliver()
        confirm = next(u for u in links(smtp_sink.last_to("karim@example.org")) if "/confirm/" in u)
        author.press(path_of(confirm))
        author.comment(text="Une précision sur mon message")
        mine = latest_comment(app).id
        author.press(f"/comments/{mine}/edit", text="Une précision, corrigée")
        author.press(f"/comments/{mine}/delete")
        Reader(app, ip="198.51.100.9").press(f"/comments/{first}/report", reason="spam")

        author.comment(text="Un avis à relire")
        waiting = latest_comment(app).id
        moderator = Moderator(app, staff)
        assert moderator.act("approve", waiting).status_code == 303
        assert moderator.reply(waiting, "Merci pour votre message.").status_code == 303
        with watch.sender():
            signer.deliver()
    assert watch.unowned == []


@pytest.fixture
def sqlite_only(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("BEGIN IMMEDIATE is how SQLite takes the write lock up front")


def test_reads_take_no_write_lock_and_writes_take_it_at_begin(app, signer, sqlite_only):
    with _Watch(app) as watch:
        assert signer.client.get("/petitions/kleema").status_code == 200
        signer.sign()
    page_begins = {
        statement for where, statement in watch.begins if where.startswith("GET /petitions/kleema")
    }
    sign_begins = [statement for where, statement in watch.begins if where.startswith("POST")]
    assert page_begins <= {"BEGIN"}
    assert "BEGIN IMMEDIATE" in sign_begins
