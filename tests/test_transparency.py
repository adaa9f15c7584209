"""A count anyone can verify: receipts, the public log, signed checkpoints and `verify`."""

import json
import os
import re
import subprocess
import sys
import threading
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

from petition.core.transactions import write_transaction
from petition.extensions import db, limiter
from petition.signing import service as signing
from petition.signing.models import Signature
from petition.transparency import chain, service, verify
from tests.helpers import GOOD, form_tokens, text_of

RECEIPT = re.compile(r"\b[A-Z2-7]{4}(?:-[A-Z2-7]{4}){5}\b")


def _fetch(client, change=None):
    """verify's downloader over the test client; `change(path, body)` may tamper with answers."""

    def fetch(url: str) -> bytes:
        parts = urlsplit(url)
        answer = client.get(parts.path + (f"?{parts.query}" if parts.query else ""))
        assert answer.status_code == 200, (url, answer.status_code)
        body = answer.get_data()
        return change(parts.path, parts.query, body) if change else body

    return fetch


def _checkpoint(app):
    with app.app_context():
        point = service.checkpoint().published()
        db.session.remove()
        return point


def _sign_and_confirm(signer, name):
    return signer.sign_and_confirm(first_name=name.title(), email=f"{name}@example.org")


def _lines(body: bytes) -> list[dict]:
    return [json.loads(line) for line in body.decode().splitlines() if line]


def _dump(items: list[dict]) -> bytes:
    return "".join(json.dumps(item) + "\n" for item in items).encode()


def test_a_confirmed_signature_gets_a_receipt_found_in_the_log(app, client, signer, smtp_sink):
    signer.sign()
    signer.deliver()
    mailed = sorted(set(RECEIPT.findall(text_of(smtp_sink.last_to(GOOD["email"])))))
    assert len(mailed) == 1
    page = signer.press_button(signer.confirm_link(GOOD["email"])).get_data(as_text=True)
    assert mailed[0] in page
    assert GOOD["last_name"] not in mailed[0] and "@" not in mailed[0]

    # Committed, not yet sealed: the signer already sees it, marked "soon".
    found = client.get(f"/transparency/receipt?receipt={mailed[0].lower().replace('-', ' ')}")
    assert found.status_code == 200
    assert found.headers["X-Robots-Tag"] == "noindex" and "no-store" in found.headers["Cache-Control"]
    text = found.get_data(as_text=True)
    assert "signature confirmée" in text and "bientôt" in text

    point = _checkpoint(app)
    assert (point["length"], point["count"]) == (1, 1)
    text = client.get(f"/transparency/receipt?receipt={mailed[0]}").get_data(as_text=True)
    assert "bientôt" not in text and "signature confirmée" in text

    [entry] = _lines(client.get("/transparency/log.jsonl").get_data())
    assert entry["receipt"] == chain.receipt_hash(mailed[0])
    assert (entry["event"], entry["country"], entry["petition"]) == ("confirmed", "FR", "kleema")
    published = json.dumps(entry)
    for personal in (GOOD["first_name"], GOOD["last_name"], GOOD["email"], GOOD["city"], mailed[0]):
        assert personal not in published


def test_a_withdrawal_is_counted_out_and_everything_verifies(app, client, signer):
    for name in ("amina", "yassine", "salma"):
        _sign_and_confirm(signer, name)
    signer.press_button(signer.withdraw_link("yassine@example.org"))
    point = _checkpoint(app)
    assert (point["length"], point["count"], point["counts"]) == (4, 2, {"kleema": 2})
    assert signer.count() == 2

    report = verify.verify("http://localhost", fetch=_fetch(client))
    assert report.ok, report.problems
    assert report.counts == {"kleema": 2}
    assert "public count now: kleema 2" in report.lines()
    events = [e["event"] for e in _lines(client.get("/transparency/log.jsonl").get_data())]
    assert events == ["confirmed", "confirmed", "confirmed", "withdrawn"]
    # The withdrawal cancels the very receipt that was confirmed.
    entries = _lines(client.get("/transparency/log.jsonl").get_data())
    assert entries[3]["receipt"] == entries[1]["receipt"]


def _alter(entries):
    entries[1]["country"] = "MA"


def _alter_and_rehash(entries):
    entries[1]["country"] = "MA"
    entries[1]["hash"] = chain.entry_hash(entries[1]["prev"], entries[1])


def _swap(entries):
    entries[1], entries[2] = entries[2], entries[1]


def _drop(entries):
    del entries[2]


def _rewrite_all(entries):
    """A forger drops the withdrawal and rebuilds the whole chain: only checkpoints catch it."""
    del entries[3]
    head = chain.GENESIS
    for position, entry in enumerate(entries, 1):
        entry["seq"], entry["prev"] = position, head
        head = entry["hash"] = chain.entry_hash(head, entry)


@pytest.mark.parametrize(
    ("tamper", "named"),
    [
        (_alter, "entry 2: its content does not match its hash"),
        (_alter_and_rehash, 'entry 3: its "prev" is not the hash of the entry before it'),
        (_swap, "entry 2: numbered 3 where 2 was expected"),
        (_drop, "entry 3: numbered 4 where 3 was expected"),
        (_rewrite_all, "checkpoint 1 (time"),
    ],
)
def test_a_tampered_log_fails_and_says_where(app, client, signer, tamper, named):
    for name in ("amina", "yassine", "salma"):
        _sign_and_confirm(signer, name)
    signer.press_button(signer.withdraw_link("yassine@example.org"))
    _checkpoint(app)

    def change(path, query, body):
        if path.endswith("log.jsonl") and query == "page=1":
            entries = _lines(body)
            tamper(entries)
            return _dump(entries)
        return body

    report = verify.verify("http://localhost", fetch=_fetch(client, change))
    assert not report.ok
    assert any(problem.startswith(named) for problem in report.problems), report.problems
    assert report.lines()[-1] == "FAILED"


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("count", 3, "checkpoint 1 (time"),
        ("counts", {"kleema": 3}, "checkpoint 1 (time"),
        ("length", 1, "checkpoint 1 (time"),
    ],
)
def test_a_changed_checkpoint_fails_and_says_which(app, client, signer, field, value, named):
    for name in ("amina", "yassine"):
        _sign_and_confirm(signer, name)
    _checkpoint(app)

    def change(path, query, body):
        if path.endswith("checkpoints.jsonl"):
            points = _lines(body)
            points[0][field] = value
            return _dump(points)
        return body

    report = verify.verify("http://localhost", fetch=_fetch(client, change))
    assert report.problems and all(problem.startswith(named) for problem in report.problems)
    assert "signature is not valid" in report.problems[0]


def test_a_checkpoint_signed_with_another_key_fails(app, client, signer):
    _sign_and_confirm(signer, "amina")
    _checkpoint(app)
    other = chain.load_private_key(chain.new_private_key_base64())

    def change(path, query, body):
        if path.endswith("checkpoints.jsonl"):
            points = _lines(body)
            points[0]["key"] = chain.public_key_text(other)
            points[0]["signature"] = chain.sign_checkpoint(other, points[0])
            return _dump(points)
        return body

    report = verify.verify("http://localhost", fetch=_fetch(client, change))
    assert report.problems == [
        f"checkpoint 1 (time {_lines(client.get('/transparency/checkpoints.jsonl').get_data())[0]['time']}, "
        "length 1): signed by a key that is not the site's public key"
    ]


def test_an_invalidation_is_its_own_event_with_its_reason(app, client, signer):
    _sign_and_confirm(signer, "amina")
    with app.app_context():
        signature = db.session.query(Signature).one()
        with write_transaction():
            signature.flag_reason = "bulk"
            signing.change_count(signature, -1, event=signing.INVALIDATED, reason="réseau 203.0.113.0/24")
        with write_transaction():
            signature.flag_reason = None
            signing.change_count(signature, 1, event=signing.VALIDATED)
        db.session.remove()
    _checkpoint(app)
    entries = _lines(client.get("/transparency/log.jsonl").get_data())
    assert [(e["event"], e["reason"]) for e in entries] == [
        ("confirmed", None),
        ("invalidated", "réseau 203.0.113.0/24"),
        ("validated", None),
    ]
    assert len({e["receipt"] for e in entries}) == 1
    assert verify.verify("http://localhost", fetch=_fetch(client)).ok


def test_events_committed_after_a_seal_are_sealed_next_time_and_sealers_take_turns(app, client, signer):
    for name in ("amina", "yassine"):
        _sign_and_confirm(signer, name)
    _checkpoint(app)
    with app.app_context():
        petition_id = db.session.query(Signature).first().petition_id
        with write_transaction():
            for n in range(60):
                db.session.add(
                    Signature(
                        petition_id=petition_id,
                        token=f"token-{n}",
                        first_name="A",
                        last_name="B",
                        email=f"s{n}@example.org",
                        email_canonical=f"s{n}@example.org",
                        country="MA",
                        consent_wording="",
                        status="confirmed",
                    )
                )
            db.session.flush()
            for signature in db.session.query(Signature).filter(Signature.email.like("s%@example.org")):
                signing.change_count(signature, 1, event=signing.CONFIRMED)
        db.session.remove()

    def seal():
        with app.app_context():
            service.seal(batch=7)
            db.session.remove()

    threads = [threading.Thread(target=seal) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    point = _checkpoint(app)
    assert (point["length"], point["count"]) == (62, 62)
    report = verify.verify("http://localhost", fetch=_fetch(client))
    assert report.ok, report.problems
    assert signer.count() == 62


def test_log_pages_that_are_full_are_cached_for_good(app, client, signer, monkeypatch):
    monkeypatch.setattr(service, "PAGE_SIZE", 2)
    for name in ("amina", "yassine", "salma"):
        _sign_and_confirm(signer, name)
    _checkpoint(app)
    first = client.get("/transparency/log.jsonl?page=1")
    assert first.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert first.mimetype == "application/jsonl"
    assert 'rel="next"' in first.headers["Link"] and "Set-Cookie" not in first.headers
    assert [e["seq"] for e in _lines(first.get_data())] == [1, 2]
    last = client.get("/transparency/log.jsonl?page=2")
    assert last.headers["Cache-Control"] == "public, max-age=10"
    assert [e["seq"] for e in _lines(last.get_data())] == [3]
    assert client.get("/transparency/log.jsonl?page=0").status_code == 404
    assert client.get("/transparency/log.jsonl?page=abc").status_code == 200
    assert verify.verify("http://localhost", fetch=_fetch(client), page_size=2).ok


def test_checkpoints_are_signed_and_asked_for_with_a_button(app, client, signer):
    assert client.get("/transparency/checkpoint.json").status_code == 404
    page = client.get("/transparency")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    key = client.get("/transparency/public-key").get_data(as_text=True).strip()
    assert key in text
    _sign_and_confirm(signer, "amina")
    # No CSRF token, no checkpoint.
    assert client.post("/transparency/checkpoint").status_code == 400
    assert client.get("/transparency/checkpoint.json").status_code == 404
    asked = client.post("/transparency/checkpoint", data=form_tokens(text))
    assert asked.status_code == 303
    point = client.get("/transparency/checkpoint.json").get_json()
    assert (point["length"], point["count"], point["key"]) == (1, 1, key)
    assert chain.signature_valid(point)
    # Nothing new: the same checkpoint stands.
    client.post("/transparency/checkpoint", data=form_tokens(text))
    assert len(_lines(client.get("/transparency/checkpoints.jsonl").get_data())) == 1


def test_asking_for_checkpoints_is_rate_limited(app, client):
    app.config["RATELIMIT_CHECKPOINT"] = "1 per minute"
    limiter.enabled = True
    tokens = form_tokens(client.get("/transparency").get_data(as_text=True))
    assert client.post("/transparency/checkpoint", data=tokens).status_code == 303
    again = client.post("/transparency/checkpoint?lang=en", data=tokens)
    assert again.status_code == 429
    assert "A checkpoint was just requested" in again.get_data(as_text=True)


@pytest.mark.parametrize(
    ("lang", "typed", "message"),
    [
        ("fr", "", "Collez votre reçu"),
        ("fr", "pas-un-recu", "Ce n'est pas un reçu"),
        ("ar", "ABCD-EFGH", "هذا ليس إيصالًا"),
        ("en", "ABCD-EFGH-IJKL-MNOP-QRST-UVW9", "This is not a receipt"),
    ],
)
def test_a_bad_receipt_gets_a_clear_message_and_is_kept(client, lang, typed, message):
    answer = client.get(f"/transparency/receipt?receipt={typed}&lang={lang}")
    assert answer.status_code == 422
    text = answer.get_data(as_text=True).replace("&#39;", "'")
    assert message in text
    assert f'value="{typed}"' in text


def test_an_unknown_receipt_is_said_to_be_absent(client):
    text = client.get("/transparency/receipt?receipt=ABCD-EFGH-IJKL-MNOP-QRST-UVWX&lang=en").get_data(
        as_text=True
    )
    assert "This receipt is not in the log" in text


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_the_page_explains_in_each_language(client, lang):
    text = client.get(f"/transparency?lang={lang}").get_data(as_text=True)
    expected = {"fr": "Vérifier le compte", "ar": "التحقق من العدد", "en": "Check the count"}[lang]
    assert expected in text
    assert "python -m petition.transparency verify" in text


def test_production_needs_its_own_key():
    from petition.config import check_production
    from tests.test_counting_and_config import SAFE

    with pytest.raises(Exception, match="TRANSPARENCY_KEY must be set"):
        check_production({**SAFE, "DEV_TRANSPARENCY_KEY": True})
    with pytest.raises(Exception, match="TRANSPARENCY_KEY"):
        check_production({**SAFE, "DEV_TRANSPARENCY_KEY": False, "TRANSPARENCY_KEY": "bm90IGEga2V5"})
    check_production(
        {**SAFE, "DEV_TRANSPARENCY_KEY": False, "TRANSPARENCY_KEY": chain.new_private_key_base64()}
    )


def test_a_signer_erasing_their_data_leaves_only_the_receipt_hash(app, signer):
    from petition.core import personal_data

    _sign_and_confirm(signer, "amina")
    with app.app_context():
        holder = next(h for h in personal_data.holders() if h.name == "transparency")
        [record] = holder.export("amina@example.org")
        assert record["petition"] == "kleema" and RECEIPT.fullmatch(record["receipt"])
        with write_transaction():
            assert holder.erase("amina@example.org", personal_data.Erasure()) == 1
        assert holder.export("amina@example.org") == []
        db.session.remove()


@pytest.fixture
def served(app):
    """The site served over real HTTP on loopback."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_verify_runs_over_http_without_settings_or_database(app, signer, served, tmp_path):
    for name in ("amina", "yassine"):
        _sign_and_confirm(signer, name)
    signer.press_button(signer.withdraw_link("amina@example.org"))
    _checkpoint(app)
    environment = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "petition.transparency", "verify", served],
        capture_output=True,
        text=True,
        env=environment,
        cwd=str(os.path.dirname(os.path.dirname(__file__))),
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "count from the log: kleema 1" in done.stdout
    assert done.stdout.strip().endswith("OK: the chain, the counts and every checkpoint verify")


def test_verify_command_fails_on_a_site_that_is_not_there(runner):
    result = runner.invoke(args=["transparency", "verify", "http://127.0.0.1:9"])
    assert result.exit_code == 1
    assert "could not download" in result.output


@pytest.mark.drill
def test_the_log_the_public_count_and_reconcile_agree_after_the_crowd(app, runner):
    from bench import harness
    from bench.drills import crowd
    from tests.helpers import free_port

    sink = harness.MailSink(free_port()).start()
    try:
        with harness.Site(
            database_url=app.config["SQLALCHEMY_DATABASE_URI"],
            fresh=False,
            ports=[free_port(), free_port()],
            mail_url=sink.url,
            TRANSPARENCY_KEY=app.config["TRANSPARENCY_KEY"],
        ) as served:
            urls = [served.serve(workers=2).url for _ in range(2)]
            summary = crowd.run(served, urls, sink, clients=6, attempts=80)
            checkpoint = runner.invoke(args=["transparency", "checkpoint"])
            report = verify.verify(urls[1])
    finally:
        sink.stop()
    reconciled = runner.invoke(args=["counts", "reconcile"])
    assert summary.lost == 0 and summary.counted > 0, summary.line()
    assert checkpoint.exit_code == 0, checkpoint.output
    assert report.ok, report.problems
    assert report.counts == {"kleema": summary.counted}
    assert f"public count now: kleema {summary.counted}" in report.notes
    assert reconciled.exit_code == 0
    assert f"kleema: {summary.counted} confirmed, count is exact." in reconciled.output


def test_signatures_counted_before_the_log_existed_enter_it_with_their_receipt(app, client, signer):
    from flask_migrate import downgrade, upgrade

    page = _sign_and_confirm(signer, "amina").get_data(as_text=True)
    [receipt] = set(RECEIPT.findall(page))
    signer.sign(first_name="Pending", email="pending@example.org")
    with app.app_context():
        directory = app.extensions["migrate"].directory
        downgrade(directory=directory, revision="0013_signature_towns")
        upgrade(directory=directory)
        db.session.remove()
    point = _checkpoint(app)
    assert (point["length"], point["count"]) == (1, 1)
    assert "signature confirmée" in client.get(f"/transparency/receipt?receipt={receipt}").get_data(
        as_text=True
    )
    assert verify.verify("http://localhost", fetch=_fetch(client)).ok


def test_the_dashboard_shows_the_log_and_warns_when_checkpoints_stop(app, client, signer, staff):
    _sign_and_confirm(signer, "amina")
    staff.login(client, "moderator")
    text = client.get("/admin/").get_data(as_text=True)
    assert "Registre public du compte" in text
    assert "vérifiez la tâche" in text  # an event waits and no checkpoint was ever made
    _checkpoint(app)
    text = client.get("/admin/").get_data(as_text=True)
    assert "vérifiez la tâche" not in text and "Dernier point de contrôle" in text
