"""The back office as staff see it: the dashboard's numbers and the audit log page."""

import re
from datetime import timedelta
from html import unescape

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from petition.accounts.models import User
from petition.audit.models import AuditEntry
from petition.audit.service import record
from petition.core.time import utcnow
from petition.extensions import db
from petition.mail.models import OutboxMail
from tests.commenting import Reader, approved

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def stat(html: str, label: str) -> str:
    found = re.search(rf"<dt>{re.escape(label)}</dt><dd>([^<]*)</dd>", html)
    assert found, f"no figure for {label!r}"
    return found.group(1)


def test_dashboard_counts_signatures_and_mail_from_the_database(app, client, signer, staff):
    signer.sign_and_confirm(email="confirmee@example.org")
    signer.sign(email="attente@example.org")
    signer.sign(email="robot@example.org", website="http://spam.example")
    with app.app_context():
        now = utcnow()
        stuck = OutboxMail(
            message_id="<refused@example>",
            recipient="nobody@invalid.example",
            recipient_key="nobody@invalid.example",
            subject="s",
            body_text="b",
            kind="test",
            attempts=1,
            failed_dt=now,
            failure="refused",
            last_error="550 5.1.1 mailbox unavailable",
        )
        db.session.add(stuck)
        db.session.commit()

    staff.login(client)
    html = client.get("/admin/").get_data(as_text=True)
    assert stat(html, "En attente de confirmation") == "1"
    assert stat(html, "Confirmées et comptées") == "1"
    assert stat(html, "Mises de côté comme suspectes") == "1"
    # The confirmation mail for the pending signature is still in the outbox.
    assert stat(html, "À envoyer") == "1"
    assert stat(html, "Abandonnés") == "1"
    # Each mail given up is listed with its reason, so that someone can act on it.
    assert "nobody@invalid.example" in html and "le serveur de messagerie refuse cette adresse" in html
    assert "550 5.1.1 mailbox unavailable" in html


def test_audit_entries_are_shown_newest_first_with_everything_escaped(app, client, staff):
    email = staff.login(client, role="admin")
    with app.app_context():
        moderator = db.session.scalar(select(User).where(User.role == "admin"))
        user_id = moderator.id
        moderator.display_name = XSS
        record(
            "comment.reject",
            "comment",
            XSS,
            before={"status": "pending", "text": XSS, "flags": {"links": True}},
            after={"status": "rejected", "hidden": True},
            note=XSS,
            actor=moderator,
        )
        db.session.commit()

    html = client.get("/admin/audit").get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    order = [html.index(f'data-action="{key}"') for key in ("comment.reject", "auth.login", "user.create")]
    assert order == sorted(order)
    # Before and after as readable rows, in words.
    assert re.search(
        r'<th scope="row" data-field="status">État</th><td[^>]*>En attente</td><td[^>]*>Refusé</td>', html
    )
    assert re.search(
        r'<th scope="row" data-field="hidden">hidden</th><td[^>]*><span class="muted">—</span></td><td[^>]*>oui</td>',
        html,
    )
    assert "{&#34;links&#34;: true}" in html
    # An entry about an account names it.
    assert f'Compte <span dir="ltr">#{user_id}</span> <span class="muted" dir="ltr">{email}</span>' in html


def test_audit_log_filters_by_action_and_by_actor(app, client, staff):
    admin_email = staff.login(client, role="admin")
    other_email = staff.login(app.test_client(), role="moderator")
    with app.app_context():
        admin, other = (
            db.session.scalar(select(User).where(User.email == address))
            for address in (admin_email, other_email)
        )
        admin_id, other_id = admin.id, other.id
        record("comment.approve", "comment", "c-admin", actor=admin)
        record("comment.approve", "comment", "c-other", actor=other)
        db.session.commit()

    html = client.get("/admin/audit", query_string={"action": "comment.approve"}).get_data(as_text=True)
    assert '<p role="status">2 entrées</p>' in html and 'data-action="auth.login"' not in html
    assert f'<option value="{other_id}"' in html

    html = client.get("/admin/audit", query_string={"action": "comment.approve", "actor": other_id})
    html = html.get_data(as_text=True)
    assert '<p role="status">1 entrée</p>' in html and "#c-other" in html and "#c-admin" not in html

    html = client.get("/admin/audit", query_string={"actor": admin_id}).get_data(as_text=True)
    assert "#c-admin" in html and "#c-other" not in html
    # Nonsense in the query string shows everything instead of an error.
    assert client.get("/admin/audit", query_string={"actor": "abc", "page": "-3"}).status_code == 200


def test_audit_log_is_paginated(app, client, staff):
    staff.login(client, role="admin")
    with app.app_context():
        start = utcnow() - timedelta(hours=1)
        for n in range(60):
            db.session.add(AuditEntry(action="test.step", target_id=f"step-{n:02d}", created_dt=start))
            start += timedelta(seconds=1)
        db.session.commit()

    first = client.get("/admin/audit", query_string={"action": "test.step"}).get_data(as_text=True)
    assert first.count('class="audit-entry"') == 50
    assert first.index("step-59") < first.index("step-10")
    assert "step-09" not in first
    assert "Page 1 sur 2" in first
    older = re.search(r'href="([^"]+)">Plus anciennes', first).group(1).replace("&amp;", "&")
    second = client.get(older).get_data(as_text=True)
    assert second.count('class="audit-entry"') == 10
    assert "step-09" in second and "step-00" in second


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_dashboard_shows_waiting_and_reported_comments_with_links(app, client, staff, lang):
    reader = Reader(app)
    for n in range(2):
        reader.comment(text=f"En attente {n}")
    reported = approved(app, reader, text="Un commentaire que des lecteurs signalent")
    Reader(app, ip="203.0.113.7").press(f"/comments/{reported}/report", reason="off_topic")
    staff.login(client)
    html = client.get("/admin/", query_string={"lang": lang}).get_data(as_text=True)
    with app.test_request_context(), force_locale(lang):
        waiting, flagged = gettext("En attente d'une décision"), gettext("Signalés par des lecteurs")
        to_waiting, to_reported = (
            gettext("Voir les commentaires en attente"),
            gettext("Voir les commentaires signalés"),
        )
    assert stat(unescape(html), waiting) == "2"
    assert stat(unescape(html), flagged) == "1"
    assert f'<a href="/admin/moderation">{to_waiting}</a>' in unescape(html)
    assert f'<a href="/admin/moderation/reported">{to_reported}</a>' in unescape(html)
    # The links lead to those comments.
    assert "Un commentaire que des lecteurs signalent" in client.get("/admin/moderation/reported").get_data(
        as_text=True
    )


HUGE = ["922337203685477580", "9223372036854775808", "99999999999999999999999", "-1", "0", "1e9", "²", " 7"]


def test_huge_numbers_in_staff_addresses_give_the_first_page_or_a_404(app, client, staff):
    staff.login(client, role="admin")
    for number in HUGE:
        for path in (
            f"/admin/moderation?page={number}",
            f"/admin/moderation/reported?page={number}",
            f"/admin/moderation/decided?page={number}",
            f"/admin/audit?page={number}",
            f"/admin/audit?actor={number}",
            f"/admin/audit?actor={number}&page={number}&action=auth.login",
        ):
            assert client.get(path).status_code == 200, path
        assert client.get(f"/admin/moderation/comments/{number}/reply").status_code == 404


def test_an_actor_out_of_range_lists_every_entry_and_a_real_one_filters(app, client, staff):
    staff.login(client, role="admin")
    staff.login(app.test_client(), role="moderator")
    with app.app_context():
        admin_id = db.session.scalar(select(User.id).where(User.role == "admin"))
    rows = {
        actor: client.get(f"/admin/audit?actor={actor}").get_data(as_text=True).count("<tr")
        for actor in ("", "9223372036854775808", str(admin_id))
    }
    assert rows[""] == rows["9223372036854775808"] > rows[str(admin_id)] > 0


def test_huge_numbers_in_public_addresses_never_fail(client):
    for number in HUGE:
        response = client.get(f"/petitions/kleema/comments?page={number}&reply={number}")
        assert response.status_code in (200, 404), number
        assert client.get(f"/comments/{number}/edit").status_code == 404
        assert client.get(f"/comments/{number}/report").status_code == 404


def test_the_audit_log_filters_by_an_actor_past_32_bits_without_failing(client, staff):
    # users.id is a 32-bit integer on PostgreSQL: 2**31 overflowed there where SQLite said nothing.
    staff.login(client, role="admin")
    for actor in ("2147483647", "2147483648", "4294967296"):
        assert client.get(f"/admin/audit?actor={actor}").status_code == 200
