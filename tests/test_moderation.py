"""Moderators at work: the queues, every action and its audit entry, official replies, word lists,
the digest mail, and who may do what."""

import re
from datetime import timedelta
from html import unescape

import pytest
from flask_babel import force_locale, gettext, ngettext
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
from tests.helpers import links, path_of, text_of


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


def confirm_delete(moderator: Moderator, asked):
    """Press "yes" on the confirmation page a delete button opened."""
    assert asked.status_code == 200
    html = asked.get_data(as_text=True)
    data = {
        "csrf_token": plain_tokens(html)["csrf_token"],
        "queue": re.search(r'name="queue" type="hidden" value="([a-z]+)"', html).group(1),
        "confirmed": "yes",
        "bulk": "delete",
        "ids": re.findall(r'name="ids" type="hidden" value="(\d+)"', html),
    }
    return moderator.client.post("/admin/moderation/act", data=data)


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
    assert "Aucun commentaire n&#39;était coché\u00a0: rien n&#39;a été fait." in moderator.html(
        nothing.headers["Location"]
    )


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
    confirm_delete(moderator, moderator.act("delete", abuse, queue="decided"))
    assert (load(app, spam).status, load(app, abuse).status) == (CommentStatus.SPAM, CommentStatus.DELETED)
    assert load(app, abuse).text == "Un commentaire publié à retirer"  # kept for the record
    assert "publié à retirer" not in Reader(app, ip="198.51.100.6").html()


def test_actions_answer_in_json_for_the_keyboard_script(app, staff):
    reader = Reader(app)
    first, second = held(app, reader, text="Premier"), held(app, reader, text="Second")
    response = Moderator(app, staff).act("approve", first, Accept="application/json")
    data = response.get_json()
    assert response.status_code == 200 and data["ok"] is True
    assert data["changed"] == [
        {"id": first, "remove": True, "state": "Publié", "featured": False, "public": True}
    ]
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
    assert "http://localhost/admin/moderation" in text_of(digest)
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
    # Buttons get the expired-page notice; forms with typed text come back with the text kept.
    expired, again = "La page a expiré", "Votre session a expiré"
    forged = [
        ("/admin/moderation/act", {"queue": "pending", "action": f"approve:{target}"}, expired),
        ("/admin/moderation/act", {"queue": "pending", "bulk": "spam", "ids": [str(target)]}, expired),
        (f"/admin/moderation/comments/{target}/reply", {"text": "Réponse forgée"}, again),
        ("/admin/moderation/settings/words", {"banned": "", "suspect": ""}, again),
        ("/admin/moderation/settings/petitions/kleema", {"mode": "post"}, expired),
    ]
    for path, data, said in forged:
        response = admin.client.post(path, data=data, headers={"Origin": "https://evil.example"})
        assert response.status_code == 400, path
        assert said in response.get_data(as_text=True), path
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


# What forgives a moderator's mistakes, and what the back office says, in each language.

LANGS = ["fr", "ar", "en"]


def said(app, lang: str, msgid: str, plural: str | None = None, num: int | None = None, **params) -> str:
    """The text a staff member reads in that language (compare it with unescape(html))."""
    with app.test_request_context(), force_locale(lang):
        if plural:
            return ngettext(msgid, plural, num, **params)
        return gettext(msgid, **params)


def in_language(moderator: Moderator, lang: str) -> None:
    moderator.client.get("/admin/", query_string={"lang": lang})


@pytest.mark.parametrize("lang", LANGS)
def test_delete_shows_what_would_go_and_deletes_only_once_confirmed(app, staff, lang):
    reader = Reader(app)
    one = held(app, reader, text="Un premier commentaire à supprimer")
    two = held(app, reader, text="Un second commentaire à supprimer")
    kept = held(app, reader, text="Un commentaire qui reste")
    moderator = Moderator(app, staff)
    in_language(moderator, lang)
    queue = unescape(moderator.html())
    assert said(app, lang, "Supprimer…") in queue and said(app, lang, "Supprimer les cochés…") in queue

    asked = moderator.act("delete", one)
    html = unescape(asked.get_data(as_text=True))
    assert asked.status_code == 200 and "Un premier commentaire à supprimer" in html
    assert (
        said(app, lang, "Oui, supprimer ce commentaire", "Oui, supprimer ces %(num)d commentaires", 1) in html
    )
    assert said(app, lang, "Non, revenir à la file") in html
    assert load(app, one).status == CommentStatus.PENDING and audit_entries(app) == []

    asked = moderator.bulk("delete", [one, two])
    html = unescape(asked.get_data(as_text=True))
    assert (
        said(app, lang, "Supprimer ce commentaire\u00a0?", "Supprimer ces %(num)d commentaires\u00a0?", 2)
        in html
    )
    assert "Un second commentaire à supprimer" in html and "Un commentaire qui reste" not in html
    assert load(app, two).status == CommentStatus.PENDING

    done = confirm_delete(moderator, asked)
    assert done.status_code == 303
    after = unescape(moderator.html(done.headers["Location"]))
    message = said(app, lang, "%(num)d commentaire supprimé.", "%(num)d commentaires supprimés.", 2)
    assert message in after
    statuses = [load(app, i).status for i in (one, two, kept)]
    assert statuses == [CommentStatus.DELETED, CommentStatus.DELETED, CommentStatus.PENDING]


def test_no_key_and_no_json_request_deletes(app, staff):
    target = held(app, Reader(app), text="Ne pas supprimer d'un geste")
    moderator = Moderator(app, staff)
    queue = moderator.html()
    # The keyboard help names no key that deletes, and the delete buttons carry no shortcut.
    assert not re.search(r'value="delete:\d+"[^>]*data-key', queue)
    assert "supprimer" not in re.search(r"<dl>.*?</dl>", queue, re.S).group(0).lower()
    response = moderator.act("delete", target, Accept="application/json")
    assert load(app, target).status == CommentStatus.PENDING
    assert "Ne pas supprimer d" in response.get_data(as_text=True)


@pytest.mark.parametrize("lang", LANGS)
def test_bulk_bar_stands_apart_and_says_what_happened(app, staff, lang):
    reader = Reader(app)
    ids = [held(app, reader, text=f"Commentaire groupé {n}") for n in range(3)]
    moderator = Moderator(app, staff)
    in_language(moderator, lang)
    queue = moderator.html()
    bar = unescape(re.search(r'<fieldset class="bulk-bar".*?</fieldset>', queue, re.S).group(0))
    assert said(app, lang, "Action groupée sur les commentaires cochés") in bar
    assert said(app, lang, "Commentaires cochés\u00a0:") in bar and "data-ticked" in bar
    assert said(app, lang, "Approuver les cochés") in bar
    # Each comment's own buttons are outside the bar.
    assert 'value="approve:' not in bar and queue.index("</fieldset>") < queue.index(
        f'value="approve:{ids[0]}"'
    )

    nothing = moderator.bulk("approve", [])
    explained = said(
        app,
        lang,
        "Aucun commentaire n'était coché\u00a0: rien n'a été fait. Cochez les commentaires, puis choisissez l'action groupée.",
    )
    assert explained in unescape(moderator.html(nothing.headers["Location"]))
    done = moderator.bulk("spam", ids[:2])
    message = said(
        app, lang, "%(num)d commentaire marqué comme spam.", "%(num)d commentaires marqués comme spam.", 2
    )
    way_back = said(app, lang, "Pour revenir sur cette décision\u00a0: « Décidés cette semaine ».")
    assert f"{message} {way_back}" in unescape(moderator.html(done.headers["Location"]))
    assert [load(app, i).status for i in ids] == [CommentStatus.SPAM] * 2 + [CommentStatus.PENDING]
    # The way back is there: a comment marked as spam by mistake can still be approved.
    assert f'value="approve:{ids[0]}"' in moderator.html("/admin/moderation/decided")


@pytest.mark.parametrize("lang", LANGS)
def test_feature_on_a_waiting_comment_says_it_publishes_it(app, staff, lang):
    waiting = held(app, Reader(app), text="Toute ma famille appelait avec KLEEMA.")
    moderator = Moderator(app, staff)
    in_language(moderator, lang)
    button = re.search(rf'<button[^>]*value="feature:{waiting}"[^>]*>([^<]*)<kbd>', moderator.html())
    assert unescape(button.group(1)).strip() == said(app, lang, "Publier et mettre en avant")
    moderator.act("feature", waiting)
    comment = load(app, waiting)
    assert comment.status == CommentStatus.APPROVED and comment.is_featured
    assert "Toute ma famille appelait avec KLEEMA." in Reader(app, ip="198.51.100.9").html()

    published = approved(app, Reader(app), text="Déjà publié")
    html = moderator.html("/admin/moderation/decided")
    button = re.search(rf'<button[^>]*value="feature:{published}"[^>]*>([^<]*)<kbd>', html)
    assert unescape(button.group(1)).strip() == said(app, lang, "Mettre en avant")


def visible_text(html: str) -> str:
    """What a reader sees: the page without its tags and attributes."""
    return unescape(re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("lang", LANGS)
def test_audit_log_reads_in_words_and_keeps_deleted_texts(app, staff, lang):
    author = Reader(app)
    regretted = held(app, author, text="Je retire ce que j'ai écrit sur Wana.")
    author.press(f"/comments/{regretted}/delete")
    rude = held(app, Reader(app, ip="198.51.100.30"), text="Un texte grossier à effacer du site.")
    refused = held(app, Reader(app, ip="198.51.100.31"), text="Hors sujet complet")
    admin = Moderator(app, staff, role="admin")
    confirm_delete(admin, admin.act("delete", rude))
    admin.act("reject", refused, reason="off_topic")
    in_language(admin, lang)

    html = admin.html("/admin/audit")
    text = visible_text(html)
    for key in (
        "auth.login",
        "comment.delete",
        "comment.reject",
        "hidden_by_reports",
        "approved",
        "off_topic",
    ):
        assert key not in text, key
    for words in (
        "Connexion réussie",
        "Commentaire supprimé par l'équipe",
        "Commentaire supprimé par son auteur",
        "Commentaire refusé",
        "État",
        "Masqué après signalements",
        "Texte",
        "En attente",
        "Supprimé",
        "Refusé",
        "Hors sujet",
    ):
        assert said(app, lang, words) in text, words
    # The texts the site no longer shows are kept in their entries.
    assert "Je retire ce que j'ai écrit sur Wana." in text
    assert "Un texte grossier à effacer du site." in text
    # The filter lists actions by their names too.
    assert (
        f'<option value="comment.delete_by_author">{said(app, lang, "Commentaire supprimé par son auteur")}'
        in unescape(html)
    )


def test_a_comment_its_author_deleted_stays_deleted_whatever_moderators_do(app, staff):
    author = Reader(app)
    comment_id = approved(app, author, text="Je retire ce que j'ai écrit sur ma voisine.", name="Nadia")
    assert author.press(f"/comments/{comment_id}/delete").status_code == 303

    moderator = Moderator(app, staff)
    for action in ("approve", "feature"):
        assert moderator.act(action, comment_id, queue="decided").status_code == 303
    assert moderator.bulk("approve", [comment_id], queue="decided").status_code == 303
    refused = moderator.reply(comment_id, "Merci Nadia pour votre message.")
    assert refused.status_code == 422
    assert "Son auteur a supprimé ce commentaire" in refused.get_data(as_text=True)

    gone = load(app, comment_id)
    assert (gone.status, gone.is_featured, gone.text) == (CommentStatus.DELETED, False, "")
    assert "Nadia" not in Reader(app, ip="198.51.100.40").html()
    # The author's own deletion is the only entry: no moderator action went through.
    assert [entry.action for entry in audit_entries(app)] == ["comment.delete_by_author"]


def test_an_official_reply_does_not_bring_back_a_reported_comment_its_author_deleted(app, staff):
    author = Reader(app)
    comment_id = approved(app, author, text="Des choses que je regrette d'avoir écrites ici.", name="Hicham")
    for n in range(3):
        Reader(app, ip=f"10.{n}.0.1").press(f"/comments/{comment_id}/report", reason="abuse")
    assert load(app, comment_id).hidden_by_reports
    assert author.press(f"/comments/{comment_id}/delete").status_code == 303

    moderator = Moderator(app, staff)
    assert moderator.reply(comment_id, "Le comité rappelle les règles.").status_code == 422
    assert moderator.act("approve", comment_id, queue="reported").status_code == 303
    assert load(app, comment_id).status == CommentStatus.DELETED
    assert "Hicham" not in Reader(app, ip="198.51.100.41").html()


def test_no_service_call_republishes_a_comment_its_author_deleted(app):
    from petition.comments import service as comments
    from petition.comments.models import Comment

    author = Reader(app)
    comment_id = approved(app, author, text="Un texte que son auteur retire ensuite.")
    author.press(f"/comments/{comment_id}/delete")
    with app.test_request_context():
        comment = db.session.get(Comment, comment_id)
        for change in (
            lambda: comments.decide(comment, CommentStatus.APPROVED),
            lambda: comments.decide(comment, CommentStatus.REJECTED),
            lambda: comments.set_featured(comment, True),
            lambda: comments.official_reply(comment, "Réponse"),
        ):
            with pytest.raises(comments.Refused):
                change()
        db.session.rollback()
    assert load(app, comment_id).status == CommentStatus.DELETED
