"""Signers' rights: consent records, the mailed link to one's data, its download and erasure,
anonymisation after a petition closes, and the retention purges."""

import json
import time
from datetime import timedelta
from types import SimpleNamespace

import itsdangerous.timed
import pytest
from sqlalchemy import select, update

from petition.comments.models import Comment, CommentReport, CommentStatus
from petition.core.time import utcnow
from petition.counting import service as counting
from petition.extensions import db
from petition.mail.models import OutboxMail
from petition.mail.service import outbox_counts
from petition.petitions.models import Petition
from petition.privacy.models import ConsentRecord, DataRequest
from petition.signing import service as signing
from petition.signing.models import Signature
from tests.commenting import Reader, decide, latest_comment
from tests.helpers import form_tokens, links, path_of, text_of

ADDRESS = "zoubida.oulmassine@example.org"
FIRST, LAST = "Zoubida", "Oulmassine"
COMMENTER_NAME = "Zoubida de Lille"


def ask_link(client, address: str, lang: str = "fr", **extra):
    page = client.get(f"/my-data?lang={lang}").get_data(as_text=True)
    return client.post("/my-data", data={"email": address, **form_tokens(page), **extra})


def my_data_path(signer, address: str) -> str:
    signer.deliver()
    return path_of(next(u for u in links(signer.mailbox.last_to(address)) if "/my-data/" in u))


def personal_needles_in_database(needles: list[str], leaving_out: tuple[str, ...] = ()) -> list[str]:
    """Every (table, column) holding one of the needles, case folded, in any table of the schema
    but those left out."""
    found = []
    for table in db.metadata.sorted_tables:
        if table.name in leaving_out:
            continue
        for row in db.session.execute(select(table)).mappings():
            for column, value in row.items():
                if value is None:
                    continue
                as_text = json.dumps(value, default=str) if isinstance(value, dict | list) else str(value)
                for needle in needles:
                    if needle.casefold() in as_text.casefold():
                        found.append(f"{table.name}.{column} holds {needle!r}")
    return found


def test_the_answer_is_the_same_whether_or_not_the_address_signed(app, client, signer):
    signer.sign_and_confirm(email=ADDRESS, first_name=FIRST, last_name=LAST)
    signer.mailbox.clear()
    known = ask_link(client, ADDRESS)
    unknown = ask_link(client, "personne@example.org")
    assert known.status_code == unknown.status_code == 303
    assert known.headers["Location"] == unknown.headers["Location"]
    pages = [client.get(r.headers["Location"]).get_data(as_text=True) for r in (known, unknown)]
    assert pages[0] == pages[1]
    assert "Vérifiez votre boîte de réception" in pages[0]
    signer.deliver()
    assert len(signer.mailbox.to(ADDRESS)) == 1
    assert len(signer.mailbox.to("personne@example.org")) == 1


def test_a_robot_and_a_flooded_mailbox_get_no_link_and_the_same_answer(app, client, signer):
    app.config["MAILS_PER_ADDRESS_PER_DAY"] = 2
    robot = ask_link(client, "cible@example.org", website="http://spam.example")
    assert robot.status_code == 303 and robot.headers["Location"].endswith("/my-data/sent")
    for _ in range(4):
        assert ask_link(client, "cible@example.org").status_code == 303
    signer.deliver()
    assert len(signer.mailbox.to("cible@example.org")) == 2


def test_the_form_keeps_a_bad_address_and_says_what_is_wrong_in_arabic(client):
    response = ask_link(client, "pas une adresse", lang="ar")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="pas une adresse"' in page
    assert 'dir="rtl"' in page and "fr@exemple" not in page.split("error")[0]


def test_the_my_data_form_is_rate_limited(app, client):
    from petition.extensions import limiter

    app.config["RATELIMIT_MY_DATA"] = "2 per minute"
    limiter.enabled = True
    statuses = [ask_link(client, f"r{i}@example.org").status_code for i in range(3)]
    assert statuses == [303, 303, 429]


def test_consents_are_kept_with_their_wording_version_and_time(app, client, signer):
    reader = Reader(app)
    assert reader.comment(email=ADDRESS, name=COMMENTER_NAME).status_code == 303
    signer.client.get("/?lang=ar")
    signer.sign(email=ADDRESS, show_name="y", wants_updates="y")
    with app.app_context():
        # Signing alone proves nothing about who typed the address: its consents wait for the click.
        assert [r.purpose for r in db.session.scalars(select(ConsentRecord))] == ["comment.notifications"]
    signer.deliver()
    confirm = next(
        u for m in signer.mailbox.to(ADDRESS) for u in links(m) if path_of(u).startswith("/confirm/")
    )
    signer.press_button(path_of(confirm))
    with app.app_context():
        records = db.session.scalars(select(ConsentRecord).order_by(ConsentRecord.id)).all()
        assert [r.purpose for r in records] == [
            "comment.notifications",
            "signature.show_name",
            "signature.updates",
        ]
        assert all(r.subject == ADDRESS and r.given_dt and r.withdrawn_dt is None for r in records)
        assert "prévenu(e) des réponses" in records[0].wording and records[0].locale == "fr"
        assert records[1].locale == records[2].locale == "ar"
        assert "الموقّعين" in records[1].wording or "الموقعين" in records[1].wording
        assert len({r.version for r in records}) == 3 and all(len(r.version) == 16 for r in records)
    signer.deliver()
    withdraw = next(u for m in signer.mailbox.to(ADDRESS) for u in links(m) if "/withdraw/" in u)
    signer.press_button(path_of(withdraw))
    with app.app_context():
        withdrawn = db.session.scalars(
            select(ConsentRecord).where(ConsentRecord.withdrawn_dt.is_not(None))
        ).all()
        assert sorted(r.purpose for r in withdrawn) == ["signature.show_name", "signature.updates"]


def test_an_unticked_box_records_no_consent(app, signer):
    signer.sign_and_confirm(email=ADDRESS, show_name=None, wants_updates=None)
    with app.app_context():
        assert db.session.scalars(select(ConsentRecord)).all() == []


def test_erase_journey_leaves_nothing_personal_and_the_count_drops(app, client, signer, staff):
    signer.sign_and_confirm(
        email=ADDRESS, first_name=FIRST, last_name=LAST, city="Roubaix", wants_updates="y"
    )
    old_withdraw = signer.withdraw_link(ADDRESS)
    signer.sign_and_confirm(email="autre@example.org", first_name="Karim", last_name="Alaoui")
    assert signer.count() == 2
    reader = Reader(app)
    assert (
        reader.comment(email=ADDRESS, name=COMMENTER_NAME, text="Ma mère attend mes appels.").status_code
        == 303
    )
    comment_id = latest_comment(app).id
    moderator = app.test_client()
    staff.login(moderator, "moderator")
    queue = moderator.get("/admin/moderation").get_data(as_text=True)
    approve = moderator.post(
        "/admin/moderation/act",
        data={**form_tokens(queue), "queue": "pending", "action": f"approve:{comment_id}"},
    )
    assert approve.status_code == 303

    assert ask_link(client, ADDRESS).status_code == 303
    path = my_data_path(signer, ADDRESS)
    page = client.get(path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert page.headers["X-Robots-Tag"] == "noindex"
    for shown in (FIRST, LAST, "Roubaix", COMMENTER_NAME, "Ma mère attend mes appels.", ADDRESS):
        assert shown in html
    download = client.get(f"{path}/data.json")
    assert download.headers["Content-Disposition"].startswith("attachment")
    data = download.get_json()["data"]
    assert data["signatures"][0]["first_name"] == FIRST and data["signatures"][0]["counted"] is True
    assert data["comments"][0]["notification_address"] == ADDRESS
    assert data["referral_links"][0]["code"]
    assert {c["purpose"] for c in data["consents"]} >= {"signature.updates", "comment.notifications"}
    assert any(m["kind"] == "privacy/my_data_link" for m in data["mail"])

    erased = client.post(f"{path}/erase", data={**form_tokens(html), "comments": "anonymise", "sure": "y"})
    assert erased.status_code == 303 and erased.headers["Location"].endswith("/my-data/erased")
    assert signer.count() == 1
    # The public log of the count still verifies, and counts the erased signature out.
    from petition.transparency import service as transparency
    from petition.transparency import verify
    from tests.test_transparency import _fetch

    with app.app_context():
        transparency.checkpoint()
        db.session.remove()
    report = verify.verify("http://localhost", fetch=_fetch(client))
    assert report.ok, report
    assert report.counts == {"kleema": 1}
    with app.app_context():
        assert personal_needles_in_database([ADDRESS, FIRST, LAST, COMMENTER_NAME, "Roubaix"]) == []
        comment = db.session.get(Comment, comment_id)
        assert comment.status == CommentStatus.APPROVED and comment.text == "Ma mère attend mes appels."
        result = counting.reconcile(
            db.session.scalar(select(Petition.id).where(Petition.slug == "kleema")),
            signing.counted_by_country,
        )
        assert not result.differences
    thread = client.get("/petitions/kleema/comments").get_data(as_text=True)
    assert "Anonyme" in thread and "Ma mère attend mes appels." in thread
    assert client.get(path).status_code == 404
    assert client.get(old_withdraw).status_code == 404
    signer.sign_and_confirm(email=ADDRESS, first_name=FIRST, last_name=LAST)
    assert signer.count() == 2


@pytest.mark.parametrize(
    ("choice", "status", "name", "text_kept"),
    [
        ("keep", CommentStatus.APPROVED, COMMENTER_NAME, True),
        ("delete", CommentStatus.DELETED, "", False),
    ],
)
def test_comments_are_kept_or_deleted_as_chosen(app, client, signer, choice, status, name, text_kept):
    reader = Reader(app)
    assert reader.comment(email=ADDRESS, name=COMMENTER_NAME, text="Salam, je transfère.").status_code == 303
    comment_id = latest_comment(app).id
    decide(app, comment_id)
    ask_link(client, ADDRESS)
    path = my_data_path(signer, ADDRESS)
    html = client.get(path).get_data(as_text=True)
    assert (
        client.post(f"{path}/erase", data={**form_tokens(html), "comments": choice, "sure": "y"}).status_code
        == 303
    )
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        assert (comment.status, comment.author_name, comment.email) == (status, name, None)
        assert (comment.text == "Salam, je transfère.") is text_kept
        assert personal_needles_in_database([ADDRESS]) == []


def test_the_name_a_comment_was_written_under_is_not_called_a_last_name(app, client, signer):
    reader = Reader(app)
    assert reader.comment(email=ADDRESS, name=COMMENTER_NAME, text="Salam, je transfère.").status_code == 303
    ask_link(client, ADDRESS, lang="en")
    html = client.get(my_data_path(signer, ADDRESS)).get_data(as_text=True)
    assert f"<dt>Name you gave</dt><dd><bdi>{COMMENTER_NAME}</bdi></dd>" in html
    assert "<dt>Last name</dt>" not in html


def test_erasing_needs_the_box_ticked_and_says_so(app, client, signer):
    signer.sign_and_confirm(email=ADDRESS, first_name=FIRST)
    ask_link(client, ADDRESS, lang="en")
    path = my_data_path(signer, ADDRESS)
    html = client.get(path).get_data(as_text=True)
    refused = client.post(f"{path}/erase", data={**form_tokens(html), "comments": "anonymise"})
    assert refused.status_code == 422
    assert "Tick the box to confirm the erasure." in refused.get_data(as_text=True)
    assert signer.count() == 1


def test_a_link_expires_and_a_forged_one_opens_nothing(app, client, signer, monkeypatch):
    ask_link(client, ADDRESS)
    path = my_data_path(signer, ADDRESS)
    assert client.get(path + "x").status_code == 404
    assert client.get("/my-data/not-a-token").status_code == 404
    later = time.time() + 24 * 3600 + 60
    monkeypatch.setattr(itsdangerous.timed, "time", SimpleNamespace(time=lambda: later))
    expired = client.get(path)
    assert expired.status_code == 410 and "a expiré" in expired.get_data(as_text=True)


def _close(app, days_ago: int) -> None:
    with app.app_context():
        db.session.execute(
            update(Petition).values(is_open=False, closed_dt=utcnow() - timedelta(days=days_ago))
        )
        db.session.commit()


def test_signatures_are_anonymised_after_the_petition_closes_and_counts_stay(
    app, client, signer, staff, runner
):
    signer.sign_and_confirm(email=ADDRESS, first_name=FIRST, last_name=LAST, country="FR", show_name="y")
    signer.sign_and_confirm(email="rachid@example.org", first_name="Rachid", last_name="Tazi", country="MA")
    signer.sign(email="pending@example.org", first_name="Nadia", country="MA")
    with app.app_context():
        petition_id = db.session.scalar(select(Petition.id))
        before = signing.counted_by_country(petition_id)
    _close(app, days_ago=179)
    assert "anonymise_signatures: 0" in runner.invoke(args=["privacy", "apply"]).output
    _close(app, days_ago=181)
    assert "anonymise_signatures: 3 due" in runner.invoke(args=["privacy", "due"]).output
    admin = app.test_client()
    staff.login(admin, "admin")
    dashboard = admin.get("/admin/").get_data(as_text=True)
    assert "Signatures de pétitions closes à rendre anonymes" in dashboard
    assert "3\u202fà traiter" in dashboard or "3 à traiter" in dashboard
    assert "anonymise_signatures: 3" in runner.invoke(args=["privacy", "apply"]).output
    with app.app_context():
        # The mail sent to them goes with the mail's own delay (the next test).
        needles = [ADDRESS, FIRST, LAST, "Rachid", "Tazi", "Nadia"]
        assert personal_needles_in_database(needles, leaving_out=("mail_outbox",)) == []
        assert signing.counted_by_country(petition_id) == before == {"FR": 1, "MA": 1}
        assert counting.by_country(petition_id) == before
        assert db.session.scalars(select(ConsentRecord)).all() == []
    assert signer.count() == 2
    assert "anonymise_signatures: 0" in runner.invoke(args=["privacy", "apply"]).output
    dashboard = admin.get("/admin/").get_data(as_text=True)
    assert "3 traités en tout" in dashboard or "3\u202ftraités en tout" in dashboard


def test_old_mail_network_hashes_and_comment_secrets_are_purged(app, client, signer, runner):
    signer.sign_and_confirm(email=ADDRESS, first_name=FIRST)
    signer.sign(email="recent@example.org")
    reader = Reader(app)
    assert reader.comment(name="Karim").status_code == 303
    decided = latest_comment(app).id
    decide(app, decided)
    assert reader.comment(name="Leila", text="Une autre histoire, en attente.").status_code == 303
    waiting = latest_comment(app).id
    long_ago = utcnow() - timedelta(days=100)
    with app.app_context():
        db.session.add(
            CommentReport(
                comment_id=decided, reason="spam", reader_key="k", ip_hash="abc", created_dt=long_ago
            )
        )
        db.session.execute(update(Signature).where(Signature.email == ADDRESS).values(created_dt=long_ago))
        db.session.execute(update(Comment).values(created_dt=long_ago))
        sent = db.session.scalars(select(OutboxMail).where(OutboxMail.recipient == ADDRESS)).all()
        assert sent and all(mail.sent_dt for mail in sent)
        db.session.execute(update(OutboxMail).where(OutboxMail.recipient == ADDRESS).values(sent_dt=long_ago))
        db.session.add(
            OutboxMail(
                message_id="<old-failure@localhost>",
                recipient="gone@example.org",
                recipient_key="gone@example.org",
                subject="Confirmez",
                body_text="Bonjour gone@example.org",
                kind="signing/confirm",
                params={"signature": 1},
                created_dt=long_ago,
                failed_dt=long_ago,
                failure="refused",
                last_error="550 gone@example.org unknown",
            )
        )
        db.session.commit()
        failed_before = outbox_counts().failed
    output = runner.invoke(args=["privacy", "apply"]).output
    assert f"purge_mail: {len(sent) + 1}" in output
    with app.app_context():
        # The signature still stands (its petition is open): only the mail's copy of the address goes.
        everything_but_mail = tuple(t.name for t in db.metadata.sorted_tables if t.name != "mail_outbox")
        assert (
            personal_needles_in_database([ADDRESS, "gone@example.org"], leaving_out=everything_but_mail) == []
        )
        assert outbox_counts().failed == failed_before
        assert db.session.scalar(select(OutboxMail).where(OutboxMail.recipient == "recent@example.org"))
        assert db.session.scalar(select(Signature.ip_hash).where(Signature.email == "recent@example.org"))
        assert db.session.scalars(select(Comment.ip_hash)).all() == [None, None]
        assert db.session.scalars(select(CommentReport.ip_hash)).all() == [None]
        secrets = dict(db.session.execute(select(Comment.id, Comment.edit_token_hash)).all())
        assert secrets[decided] is None and secrets[waiting] is not None


def test_expired_requests_are_purged(app, client, signer, runner):
    ask_link(client, ADDRESS)
    with app.app_context():
        db.session.execute(update(DataRequest).values(created_dt=utcnow() - timedelta(hours=25)))
        db.session.commit()
    assert "purge_data_requests: 1" in runner.invoke(args=["privacy", "apply"]).output


def test_the_dashboard_block_is_for_admins(app, staff):
    moderator, admin = app.test_client(), app.test_client()
    staff.login(moderator, "moderator")
    staff.login(admin, "admin")
    assert "Données personnelles" not in moderator.get("/admin/").get_data(as_text=True)
    assert "Données personnelles" in admin.get("/admin/").get_data(as_text=True)


def test_the_privacy_page_states_each_delay(app, client):
    app.config.update(ANONYMISE_AFTER_DAYS=183, MAIL_KEEP_DAYS=31, IP_HASH_KEEP_DAYS=91)
    page = client.get("/privacy?lang=en").get_data(as_text=True)
    for delay in ("183 days", "31 days", "91 days", "/my-data"):
        assert delay in page


def test_the_link_mail_is_in_the_readers_language(app, client, signer):
    ask_link(client, ADDRESS, lang="ar")
    signer.deliver()
    message = signer.mailbox.last_to(ADDRESS)
    assert message["Content-Language"] == "ar"
    assert "?lang=ar" in text_of(message)


def test_a_commenter_who_takes_back_a_comment_takes_back_the_consent_to_reply_mails(app):
    reader = Reader(app)
    assert reader.comment(email=ADDRESS, name=COMMENTER_NAME).status_code == 303
    comment_id = latest_comment(app).id
    assert reader.press(f"/comments/{comment_id}/delete").status_code == 303
    with app.app_context():
        record = db.session.scalars(select(ConsentRecord)).one()
        assert (record.purpose, record.source) == ("comment.notifications", f"comment:{comment_id}")
        assert record.withdrawn_dt is not None
