"""Moderators at work: the queues, every action and its audit entry, official replies, word lists,
the digest mail, and who may do what."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from petition.audit.models import AuditEntry
from petition.comments.models import CommentStatus
from petition.extensions import db
from petition.moderation.models import DigestState
from tests.commenting import (
    CORPUS_SHORT,
    Moderator,
    Reader,
    approved,
    assert_inert,
    latest_comment,
    load,
    plain_tokens,
)
from tests.helpers import links, path_of


def audit_entries(app, action: str | None = None) -> list[AuditEntry]:
    """Entries about comments, word lists and settings (not the staff's own logins)."""
    with app.app_context():
        staff_own = AuditEntry.action.startswith("user.") | AuditEntry.action.startswith("auth.")
        query = select(AuditEntry).where(~staff_own).order_by(AuditEntry.id)
        if action:
            query = query.where(AuditEntry.action == action)
        entries = db.session.scalars(query).all()
        db.session.expunge_all()
        return entries


def held(app, reader: Reader, **kwargs) -> int:
    response = reader.comment(**kwargs)
    assert response.status_code == 303
    return latest_comment(app).id


def test_post_held_moderator_approves_then_everyone_sees_it(app, staff):
    author, other = Reader(app), Reader(app, ip="198.51.100.20")
    comment_id = held(app, author, text="Ma sœur à Agadir n'a plus de nouvelles de nous.", name="Yasmine")
    assert "Ma sœur à Agadir" not in other.html()

    moderator = Moderator(app, staff)
    queue = moderator.html()
    assert "Ma sœur à Agadir" in queue and "Yasmine" in queue
    assert '<span class="tab-count" data-count="pending">1</span>' in queue

    response = moderator.act("approve", comment_id)
    assert response.status_code == 303
    after = moderator.html(response.headers["Location"])
    assert "1 commentaire approuvé." in after and "Rien à examiner" in after

    assert "Ma sœur à Agadir" in other.html()
    assert "En attente de modération" not in author.html()
    [entry] = audit_entries(app, "comment.approve")
    assert entry.target_id == str(comment_id) and entry.actor_id is not None
    assert entry.before["status"] == "pending" and entry.after["status"] == "approved"
    assert load(app, comment_id).decided_by_id == entry.actor_id


def test_reject_with_reason_shows_the_reason_to_its_author_only(app, staff):
    author = Reader(app)
    comment_id = held(app, author, text="Wana a acheté le juge, c'est évident.")
    Moderator(app, staff).act("reject", comment_id, reason="unverified")

    rejected = load(app, comment_id)
    assert (rejected.status, rejected.decision_note) == (CommentStatus.REJECTED, "unverified")
    mine = author.html()
    assert "Non publié par l'équipe de modération\u00a0: Accusation ou information invérifiable" in mine
    assert "acheté le juge" not in Reader(app, ip="198.51.100.9").html()
    [entry] = audit_entries(app, "comment.reject")
    assert entry.note == "unverified" and entry.after["status"] == "rejected"


def test_three_reports_hide_then_a_moderator_restores(app, staff):
    target = approved(
        app, Reader(app), text="Il paraît que Wana possède la moitié du concurrent.", name="Omar"
    )
    for n, reason in enumerate(["false_information", "abuse", "other"]):
        Reader(app, ip=f"203.0.{113 + n}.9").press(
            f"/comments/{target}/report", reason=reason, note=f"note {n}"
        )
    assert "possède la moitié" not in Reader(app, ip="192.0.2.1").html()

    moderator = Moderator(app, staff)
    queue = moderator.html("/admin/moderation/reported")
    assert "Masqué après signalements" in queue
    assert "3 signalements en cours" in queue
    for label in ("Fausse information", "Insulte, haine ou harcèlement", "Autre raison", "note 2"):
        assert label in queue

    moderator.act("approve", target, queue="reported")
    restored = load(app, target)
    assert restored.is_public and not restored.hidden_by_reports
    assert "possède la moitié" in Reader(app, ip="192.0.2.1").html()
    assert "Rien à examiner" in moderator.html("/admin/moderation/reported")
    [entry] = audit_entries(app, "comment.approve")
    assert entry.before["hidden_by_reports"] is True and entry.after["hidden_by_reports"] is False


def test_official_reply_shows_the_badge_and_approves_what_it_answers(app, staff, signer, smtp_sink):
    author = Reader(app)
    question = held(app, author, text="Est-ce que KLEEMA va rembourser septembre ?", email="omar@example.org")
    signer.deliver()
    author.press(path_of(next(u for u in links(smtp_sink.last_to("omar@example.org")) if "/confirm/" in u)))

    moderator = Moderator(app, staff)
    page = moderator.html(f"/admin/moderation/comments/{question}/reply")
    assert "il le sera avec votre réponse" in page
    response = moderator.reply(
        question, "Oui : KLEEMA a cessé de facturer les abonnés touchés depuis le 9 septembre."
    )
    assert response.status_code == 303
    reply = latest_comment(app)
    assert reply.is_official and reply.parent_id == question and reply.is_public

    html = Reader(app, ip="198.51.100.33").html()
    assert "Est-ce que KLEEMA va rembourser" in html
    assert "Réponse officielle du comité" in html
    assert html.index("rembourser septembre") < html.index("cessé de facturer")
    assert [e.action for e in audit_entries(app)] == ["comment.approve", "comment.official_reply"]
    signer.deliver()
    assert smtp_sink.last_to("omar@example.org")["Subject"] == "Le comité a répondu à votre commentaire"


def test_official_reply_refuses_empty_text_and_removed_comments(app, staff):
    target = held(app, Reader(app), text="Spam évident")
    moderator = Moderator(app, staff)
    empty = moderator.reply(target, "   ")
    assert empty.status_code == 422 and "Écrivez la réponse." in empty.get_data(as_text=True)
    moderator.act("spam", target)
    refused = moderator.reply(target, "Réponse")
    assert refused.status_code == 422
    assert "Ce commentaire n'est pas publié" in refused.get_data(as_text=True)


def test_bulk_actions_on_a_selection(app, staff):
    reader = Reader(app)
    ids = [held(app, reader, text=f"Commentaire {n} pour la pétition") for n in range(4)]
    moderator = Moderator(app, staff)
    response = moderator.bulk("approve", ids[:2])
    assert "2 commentaires approuvés." in moderator.html(response.headers["Location"])
    moderator.bulk("reject", ids[2:], reason="off_topic")
    assert [load(app, i).status for i in ids] == [CommentStatus.APPROVED] * 2 + [CommentStatus.REJECTED] * 2
    assert {load(app, i).decision_note for i in ids[2:]} == {"off_topic"}
    assert len(audit_entries(app)) == 4

    nothing = moderator.bulk("spam", [])
    assert "Cochez d&#39;abord les commentaires" in moderator.html(nothing.headers["Location"])


def test_feature_shows_the_comment_first_and_can_be_undone(app, staff):
    comment_id = held(
        app, Reader(app), text="Nous étions 40 de la même famille abonnés à KLEEMA.", name="Aïcha"
    )
    moderator = Moderator(app, staff)
    moderator.act("feature", comment_id)  # a waiting comment is approved as it is featured
    html = Reader(app, ip="198.51.100.5").html()
    assert html.count("Nous étions 40") == 2  # in the featured box, and in its thread
    assert "Mis en avant par le comité" in html
    moderator.act("unfeature", comment_id, queue="decided")
    assert Reader(app, ip="198.51.100.5").html().count("Nous étions 40") == 1
    assert [e.action for e in audit_entries(app)] == ["comment.feature", "comment.unfeature"]


def test_delete_and_spam_take_comments_down(app, staff):
    reader = Reader(app)
    spam = held(app, reader, text="Gagnez des crédits d'appel gratuits, écrivez-moi")
    abuse = approved(app, reader, text="Un commentaire publié à retirer")
    moderator = Moderator(app, staff)
    moderator.act("spam", spam)
    moderator.act("delete", abuse, queue="decided")
    assert (load(app, spam).status, load(app, abuse).status) == (CommentStatus.SPAM, CommentStatus.DELETED)
    assert load(app, abuse).text == "Un commentaire publié à retirer"  # kept for the record
    assert "publié à retirer" not in Reader(app, ip="198.51.100.6").html()


def test_actions_answer_in_json_for_the_keyboard_script(app, staff):
    reader = Reader(app)
    first, second = held(app, reader, text="Premier"), held(app, reader, text="Second")
    response = Moderator(app, staff).act("approve", first, Accept="application/json")
    data = response.get_json()
    assert response.status_code == 200 and data["ok"] is True
    assert data["changed"] == [{"id": first, "remove": True, "state": "Publié", "featured": False}]
    assert data["counts"] == {"pending": 1, "reported": 0}
    assert load(app, second).status == CommentStatus.PENDING


def test_each_item_shows_its_thread_its_author_and_why_it_waits(app, staff):
    root = approved(app, Reader(app), text="Le contrat courait jusqu'en mars 2011.", name="Nadia")
    # Later, from another browser on the same network.
    held(app, Reader(app), text="Et KLEEMA devait être prévenu six mois avant.", name="Nadia", reply_to=root)
    held(
        app,
        Reader(app, ip="198.51.100.70"),
        text="Voir https://exemple.org/article pour les détails",
        name="Ali",
    )
    queue = Moderator(app, staff).html()
    assert "En réponse à\u00a0:" in queue and "Le contrat courait jusqu&#39;en mars 2011." in queue
    assert "Un autre commentaire venu de la même adresse e-mail ou du même réseau" in queue
    assert "Contient une adresse de site" in queue


def test_admin_edits_the_word_lists(app, staff):
    admin = Moderator(app, staff, role="admin")
    page = admin.html("/admin/moderation/settings")
    assert "connard" in page and "escroc" in page
    token = plain_tokens(page)["csrf_token"]
    response = admin.client.post(
        "/admin/moderation/settings/words",
        data={
            "csrf_token": token,
            "banned": "connard\nPourri\n\npourri",
            "suspect": "bladiphone\n  procès  ",
        },
    )
    assert response.status_code == 303
    reader = Reader(app)
    refused = reader.comment(text="Un service pourri de A à Z")
    assert refused.status_code == 422
    assert "« Pourri » n&#39;est pas accepté ici" in refused.get_data(as_text=True)
    reader.comment(text="Les escrocs de Wana")  # no longer suspect, and the petition is pre-moderated
    assert latest_comment(app).hold_reason is None
    reader.comment(text="Bladiphone appartient à qui ?")
    assert latest_comment(app).hold_reason == "word: bladiphone"
    [entry] = audit_entries(app, "comment_words.update")
    assert entry.after == {"suspect": ["bladiphone", "procès"], "banned": ["connard", "Pourri"]}
    assert "escroc" in entry.before["suspect"]


def test_admin_switches_a_petition_to_post_moderation(app, staff):
    admin = Moderator(app, staff, role="admin")
    token = plain_tokens(admin.html("/admin/moderation/settings"))["csrf_token"]
    admin.client.post(
        "/admin/moderation/settings/petitions/kleema", data={"csrf_token": token, "mode": "post"}
    )
    Reader(app).comment(text="Publié tout de suite")
    assert latest_comment(app).status == CommentStatus.APPROVED
    queue = admin.html()
    assert "Publié sans relecture" in queue  # still reviewed afterwards
    [entry] = audit_entries(app, "petition.comment_moderation")
    assert (entry.before, entry.after) == ({"comment_moderation": "pre"}, {"comment_moderation": "post"})


def test_digest_mail_at_most_once_per_interval(app, staff, signer, smtp_sink):
    moderator_email, _ = staff.create("moderator")
    admin_email, _ = staff.create("admin")
    reader = Reader(app)
    held(app, reader, text="Premier commentaire en attente")
    held(app, reader, text="Deuxième commentaire en attente")
    signer.deliver()
    [digest] = smtp_sink.to(moderator_email)
    assert "Modération\u00a0: 1 commentaire attend" in digest["Subject"]
    assert "http://localhost/admin/moderation" in digest.get_content()
    assert len(smtp_sink.to(admin_email)) == 1

    # Another process, later: the time of the last digest is read from the database.
    with app.app_context():
        db.session.get(DigestState, 1).last_sent_dt -= timedelta(minutes=61)
        db.session.commit()
    held(app, reader, text="Troisième commentaire")
    signer.deliver()
    assert len(smtp_sink.to(moderator_email)) == 2
    assert "3 commentaires attendent" in smtp_sink.last_to(moderator_email)["Subject"]


def test_no_digest_when_published_at_once(app, staff, signer, smtp_sink):
    moderator_email, _ = staff.create("moderator")
    approved(app, Reader(app), text="Approuvé tout de suite par le test")
    signer.deliver()
    assert len(smtp_sink.to(moderator_email)) == 1  # the comment waited once, before approval
    Reader(app, ip="198.51.100.2").comment(text="Un commentaire avec un mot : débile")
    signer.deliver()
    assert len(smtp_sink.to(moderator_email)) == 1


def moderation_urls(app) -> list[tuple[str, str]]:
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("moderation."):
            path = re.sub(r"<[^>]*comment_id>", "1", rule.rule).replace("<slug>", "kleema")
            urls += [(method, path) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return urls


def test_every_moderation_url_needs_a_login(app):
    urls = moderation_urls(app)
    assert len(urls) >= 9
    client = app.test_client()
    for method, path in urls:
        response = client.open(path, method=method)
        if method == "GET":
            assert response.status_code == 302 and "/admin/login" in response.headers["Location"], path
        else:
            assert response.status_code in (302, 400), (path, response.status_code)
            assert "/admin/moderation" not in response.headers.get("Location", "")


def test_moderators_may_not_open_admin_pages(app, staff):
    target = held(app, Reader(app), text="Un commentaire")
    moderator = Moderator(app, staff)
    assert moderator.client.get("/admin/moderation/settings").status_code == 403
    token = plain_tokens(moderator.html())["csrf_token"]
    words = moderator.client.post(
        "/admin/moderation/settings/words", data={"csrf_token": token, "banned": ""}
    )
    assert words.status_code == 403
    mode = moderator.client.post(
        "/admin/moderation/settings/petitions/kleema", data={"csrf_token": token, "mode": "post"}
    )
    assert mode.status_code == 403
    assert "Mots et réglages" not in moderator.html()
    assert load(app, target).status == CommentStatus.PENDING


def test_cross_site_posts_without_the_token_change_nothing(app, staff):
    target = held(app, Reader(app), text="À modérer")
    admin = Moderator(app, staff, role="admin")
    forged = [
        ("/admin/moderation/act", {"queue": "pending", "action": f"approve:{target}"}),
        ("/admin/moderation/act", {"queue": "pending", "bulk": "spam", "ids": [str(target)]}),
        (f"/admin/moderation/comments/{target}/reply", {"text": "Réponse forgée"}),
        ("/admin/moderation/settings/words", {"banned": "", "suspect": ""}),
        ("/admin/moderation/settings/petitions/kleema", {"mode": "post"}),
    ]
    for path, data in forged:
        response = admin.client.post(path, data=data, headers={"Origin": "https://evil.example"})
        assert response.status_code == 400, path
        assert "La page a expiré" in response.get_data(as_text=True)
    assert load(app, target).status == CommentStatus.PENDING
    assert audit_entries(app) == []


@pytest.mark.parametrize(
    "data",
    [
        {"action": "approve:abc"},
        {"action": "approve:" + "9" * 30},
        {"action": "approve:" + "9" * 5000},
        {"action": "approve:²"},
        {"action": "approve:999999"},
        {"bulk": "approve", "ids": ["x", "-1"]},
    ],
)
def test_odd_action_requests_change_nothing_and_never_fail(app, staff, data):
    target = held(app, Reader(app), text="À modérer")
    moderator = Moderator(app, staff)
    token = plain_tokens(moderator.html())["csrf_token"]
    response = moderator.client.post("/admin/moderation/act", data={"csrf_token": token, **data})
    assert response.status_code == 303
    assert load(app, target).status == CommentStatus.PENDING


def test_unknown_action_is_a_bad_request(app, staff):
    moderator = Moderator(app, staff)
    token = plain_tokens(moderator.html())["csrf_token"]
    response = moderator.client.post("/admin/moderation/act", data={"csrf_token": token, "action": "ban:1"})
    assert response.status_code == 400


@pytest.mark.parametrize("payload", CORPUS_SHORT)
def test_payloads_are_inert_in_the_queue(app, staff, payload):
    reader = Reader(app)
    root = approved(app, reader, name=payload, text=f"Racine {payload}")
    reply = held(app, Reader(app, ip="198.51.100.8"), name=payload, text=f"Réponse {payload}", reply_to=root)
    Reader(app, ip="203.0.113.4").press(f"/comments/{root}/report", reason="other", note=payload)
    moderator = Moderator(app, staff)
    for path in (
        "/admin/moderation",
        "/admin/moderation/reported",
        "/admin/moderation/decided",
        f"/admin/moderation/comments/{reply}/reply",
    ):
        html = moderator.html(path)
        assert_inert(html)
        assert payload not in html


def test_words_with_markup_are_printed_as_text(app, staff):
    admin = Moderator(app, staff, role="admin")
    token = plain_tokens(admin.html("/admin/moderation/settings"))["csrf_token"]
    banned, suspect = "<img src=x onerror=alert(1)>", "<svg onload=alert(2)>"
    admin.client.post(
        "/admin/moderation/settings/words", data={"csrf_token": token, "banned": banned, "suspect": suspect}
    )
    refused = Reader(app).comment(text=f"Avant {banned} après")
    assert refused.status_code == 422
    assert "&lt;img src=x onerror=alert(1)&gt; » n&#39;est pas accepté ici" in refused.get_data(as_text=True)
    Reader(app).comment(text=f"Avant {suspect} après")
    for html in (refused.get_data(as_text=True), admin.html(), admin.html("/admin/moderation/settings")):
        assert_inert(html)
        assert banned not in html and suspect not in html
