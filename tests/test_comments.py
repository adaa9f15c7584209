"""The comment thread as readers use it: posting, replying, pages, the author's own comment, edits,
reports and reply notifications."""

import re
from datetime import timedelta

from sqlalchemy import select

from petition.comments.models import Comment, CommentStatus
from petition.extensions import db, limiter
from petition.petitions.models import CommentModeration, Petition
from tests.commenting import Reader, approved, comment_tokens, decide, latest_comment, load
from tests.helpers import links, path_of, text_of


def set_moderation(app, mode: CommentModeration, slug: str = "kleema") -> None:
    with app.app_context():
        db.session.scalar(select(Petition).where(Petition.slug == slug)).comment_moderation = mode
        db.session.commit()


def age(app, comment_id: int, minutes: int) -> None:
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        comment.created_dt -= timedelta(minutes=minutes)
        db.session.commit()


def test_new_comment_waits_and_only_its_author_sees_it(app):
    author, other = Reader(app), Reader(app, ip="198.51.100.20")
    response = author.comment(text="Ma mère est à Fès, je ne peux plus l'appeler depuis lundi.")
    assert response.status_code == 303
    assert "#comment-" in response.headers["Location"]

    mine = author.html(response.headers["Location"])
    assert "Ma mère est à Fès" in mine
    assert "En attente de modération" in mine
    assert "Aucun commentaire publié pour l'instant" in mine

    theirs = other.html()
    assert "Ma mère est à Fès" not in theirs
    assert "Pas encore de commentaire" in theirs
    assert latest_comment(app).status == CommentStatus.PENDING


def test_approved_comment_is_public_and_counted_on_the_petition_page(app):
    author, other = Reader(app), Reader(app, ip="198.51.100.20")
    approved(app, author, text="Bon courage au comité, on lâche rien !", name="Samira")
    page = other.html("/")
    assert "Bon courage au comité" in page and "Samira" in page
    assert '<span class="comments-count">(1)</span>' in page
    assert "Lire le commentaire" in page
    assert "En attente de modération" not in author.html()


def test_post_moderated_petition_publishes_at_once_but_holds_links_and_suspect_words(app):
    set_moderation(app, CommentModeration.POST)
    reader, other = Reader(app), Reader(app, ip="198.51.100.20")

    reader.comment(text="Solidarité avec les abonnés, courage.")
    assert latest_comment(app).status == CommentStatus.APPROVED
    reader.comment(text="Allez voir www.bladiphone-promo.com pour appeler moins cher")
    held_link = latest_comment(app)
    reader.comment(text="Wana c'est des ESCROCS, tout le monde le sait")
    held_word = latest_comment(app)

    assert (held_link.status, held_link.hold_reason) == (CommentStatus.PENDING, "link")
    assert (held_word.status, held_word.hold_reason) == (CommentStatus.PENDING, "word: escroc")
    page = other.html()
    assert "Solidarité avec les abonnés" in page
    assert "bladiphone" not in page and "ESCROCS" not in page


def test_banned_word_is_refused_with_a_message_and_the_text_kept(app):
    reader = Reader(app)
    response = reader.comment(text="Les gens de Wana sont des connards", name="Anonyme")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "« connard » n&#39;est pas accepté ici" in html
    assert "Les gens de Wana sont des connards</textarea>" in html
    assert 'value="Anonyme"' in html
    with app.app_context():
        assert db.session.scalar(select(Comment)) is None


def test_reply_beyond_the_depth_limit_attaches_at_the_deepest_level(app):
    app.config["COMMENT_MAX_DEPTH"] = 2
    first, second, third = Reader(app), Reader(app, ip="198.51.100.2"), Reader(app, ip="203.0.113.3")
    root = approved(app, first, text="Qui a des nouvelles de l'audience en référé ?", name="Youssef")
    level1 = approved(app, second, text="Pas encore, le jugement est attendu.", name="Nadia", reply_to=root)
    level2 = approved(app, third, text="Je crois que c'est cette semaine.", name="Hicham", reply_to=level1)
    level3 = approved(app, first, text="Merci Hicham pour l'info.", name="Youssef", reply_to=level2)

    deepest = load(app, level3)
    assert (deepest.depth, deepest.parent_id, deepest.root_id) == (2, level1, root)
    assert deepest.reply_to_id == level2
    html = Reader(app, ip="192.0.2.99").html()
    # Oldest first, each reply after what it answers; the moved reply says whom it answers.
    order = [html.index(f'id="comment-{n}"') for n in (root, level1, level2, level3)]
    assert order == sorted(order)
    assert "en réponse à" in html and "<bdi>Hicham</bdi></a>" in html


def test_reply_form_works_without_javascript(app):
    reader = Reader(app)
    root = approved(app, reader, text="Courage à toutes les familles.")
    other = Reader(app, ip="198.51.100.5")
    landing = other.get(f"/comments/{root}/reply")
    assert landing.status_code == 302
    assert landing.headers["Location"].endswith(f"reply={root}#comment-form")
    html = other.html(landing.headers["Location"])
    form_at = html.index('id="comment-form"')
    assert html.index(f'id="comment-{root}"') < form_at
    assert f'name="comment-reply_to" type="hidden" value="{root}"' in html
    assert "Répondre à <bdi>Karim</bdi>" in html


def test_threads_are_paginated_oldest_first_and_permalinks_find_their_page(app):
    app.config["COMMENTS_PER_PAGE"] = 3
    reader = Reader(app)
    ids = [approved(app, reader, text=f"Message numéro {n} pour KLEEMA") for n in range(7)]
    reply = approved(app, Reader(app, ip="198.51.100.9"), text="Réponse au tout premier", reply_to=ids[0])

    first = reader.html()
    assert "page 1 sur 3" in first and "7 commentaires publiés" not in first  # 8 with the reply
    assert "8 commentaires publiés" in first
    assert first.index("numéro 0") < first.index("Réponse au tout premier") < first.index("numéro 1")
    assert "numéro 3" not in first
    assert reader.html("/petitions/kleema/comments?page=3").count('class="comment-item"') == 1

    landing = reader.get(f"/comments/{ids[6]}")
    assert landing.status_code == 302
    assert landing.headers["Location"].endswith(f"/petitions/kleema/comments?page=3#comment-{ids[6]}")
    assert reader.get(f"/comments/{reply}").headers["Location"].endswith(f"page=1#comment-{reply}")
    assert reader.get("/petitions/kleema/comments?page=4").status_code == 404
    assert reader.get("/petitions/kleema/comments?page=0").status_code == 404


def test_every_permalink_lands_on_the_page_that_shows_the_comment(app):
    """Published threads, the reader's own threads still waiting, others' waiting threads the
    reader does not see, and replies, on pages of two threads."""
    app.config["COMMENTS_PER_PAGE"] = 2
    reader, other = Reader(app), Reader(app, ip="198.51.100.9")
    seen = []
    for n in range(9):
        if n % 3 == 0:
            seen.append(approved(app, other, text=f"Fil publié numéro {n}"))
        elif n % 3 == 1:
            assert reader.comment(text=f"Mon fil en attente numéro {n}").status_code == 303
            seen.append(latest_comment(app).id)
        else:
            assert other.comment(text=f"Fil d'un autre en attente numéro {n}").status_code == 303
    answer = reader.comment(text="Réponse publiée au deuxième fil", reply_to=seen[2])
    assert answer.status_code == 303, re.findall(
        r"class=\"(?:error|notice)[^>]*>([^<]*)", answer.get_data(as_text=True)
    )
    seen.append(latest_comment(app).id)
    decide(app, seen[-1])
    for comment_id in seen:
        landing = reader.get(f"/comments/{comment_id}")
        assert landing.status_code == 302, comment_id
        assert f'id="comment-{comment_id}"' in reader.html(landing.headers["Location"]), comment_id


def test_permalink_of_a_comment_nobody_may_see_is_not_found(app):
    reader = Reader(app)
    reader.comment(text="Un commentaire en attente")
    waiting = latest_comment(app).id
    assert reader.get(f"/comments/{waiting}").status_code == 302  # its author sees it
    assert Reader(app, ip="198.51.100.1").get(f"/comments/{waiting}").status_code == 404
    assert reader.get("/comments/999999").status_code == 404


def test_author_edits_within_the_window_and_the_comment_goes_back_to_moderation(app):
    author, other = Reader(app), Reader(app, ip="198.51.100.7")
    comment_id = approved(app, author, text="Je signe pour mon père à Oujda.")
    assert "pour mon père à Oujda" in other.html()

    response = author.press(
        f"/comments/{comment_id}/edit",
        author_name="Karim B.",
        text="Je signe pour mon père à Oujda, et ma tante.",
    )
    assert response.status_code == 303
    edited = load(app, comment_id)
    assert edited.status == CommentStatus.PENDING and edited.edited_dt is not None
    assert "et ma tante" not in other.html() and "pour mon père" not in other.html()
    mine = author.html(response.headers["Location"])
    assert "et ma tante" in mine and "En attente de modération" in mine and "Karim B." in mine


def test_edit_after_the_window_is_refused(app):
    author = Reader(app)
    author.comment(text="Premier jet un peu rapide")
    comment_id = latest_comment(app).id
    age(app, comment_id, minutes=16)

    page = author.get(f"/comments/{comment_id}/edit")
    assert page.status_code == 409
    assert "Le délai pour modifier ou supprimer ce commentaire est passé" in page.get_data(as_text=True)
    # The form kept open in another tab, sent late with a valid token, changes nothing.
    token = comment_tokens(author.html())["comment-csrf_token"]
    forced = author.post(
        f"/comments/{comment_id}/edit", {"csrf_token": token, "author_name": "Karim", "text": "Autre texte"}
    )
    assert forced.status_code == 409
    assert load(app, comment_id).text == "Premier jet un peu rapide"
    assert "Modifier" not in author.html().split('id="comment-form"')[0]


def test_only_the_authors_browser_may_edit_or_delete(app):
    author, stranger = Reader(app), Reader(app, ip="198.51.100.8")
    comment_id = approved(app, author)
    assert stranger.get(f"/comments/{comment_id}/edit").status_code == 403
    assert stranger.get(f"/comments/{comment_id}/delete").status_code == 403
    assert f"/comments/{comment_id}/edit" not in stranger.html()
    assert f"/comments/{comment_id}/edit" in author.html()


def test_author_deletes_and_text_and_address_are_erased(app):
    author = Reader(app)
    author.comment(text="Finalement je préfère ne rien dire", email="karim@example.org")
    comment_id = latest_comment(app).id
    response = author.press(f"/comments/{comment_id}/delete")
    assert response.status_code == 303
    gone = load(app, comment_id)
    assert (gone.status, gone.text, gone.email) == (CommentStatus.DELETED, "", None)
    assert "Finalement" not in author.html()


def test_three_reports_hide_a_comment_one_per_reader(app):
    author = Reader(app)
    target = approved(app, author, text="Bladiphone c'est Wana, tout est arrangé depuis le début.")
    reply = approved(app, Reader(app, ip="192.0.2.50"), text="Tu as une source ?", reply_to=target)

    first = Reader(app, ip="198.51.100.1")
    assert first.press(f"/comments/{target}/report", reason="false_information").status_code == 303
    again = first.press(f"/comments/{target}/report", reason="abuse")
    assert "Vous avez déjà signalé ce commentaire" in first.html(again.headers["Location"])
    # Same network, fresh browser: still the same reader.
    neighbour = Reader(app, ip="198.51.100.77")
    assert neighbour.press(f"/comments/{target}/report", reason="spam").status_code == 303
    assert not load(app, target).hidden_by_reports

    Reader(app, ip="203.0.113.2").press(
        f"/comments/{target}/report", reason="other", note="Rumeur sans preuve"
    )
    assert not load(app, target).hidden_by_reports
    Reader(app, ip="192.0.2.200").press(f"/comments/{target}/report", reason="false_information")
    assert load(app, target).hidden_by_reports

    html = Reader(app, ip="10.9.8.7").html()
    assert "tout est arrangé" not in html
    assert "masqué après plusieurs signalements" in html
    assert "Tu as une source ?" in html  # the replies keep their place
    assert f'id="comment-{reply}"' in html

    decide(app, target)  # a moderator restores it
    assert "tout est arrangé" in Reader(app, ip="10.9.8.7").html()


def test_report_needs_a_reason_and_a_public_comment(app):
    author = Reader(app)
    author.comment(text="En attente")
    waiting = latest_comment(app).id
    assert Reader(app, ip="198.51.100.1").get(f"/comments/{waiting}/report").status_code == 404

    target = approved(app, author, text="Publié")
    reader = Reader(app, ip="198.51.100.2")
    response = reader.press(f"/comments/{target}/report")
    assert response.status_code == 422
    assert "Choisissez une raison." in response.get_data(as_text=True)
    response = reader.press(f"/comments/{target}/report", reason="nonsense")
    assert response.status_code == 422
    assert "Choisissez une raison" in response.get_data(as_text=True)


def test_reply_notifications_need_confirmation_and_stop_in_one_click(app, signer, smtp_sink):
    author, replier = Reader(app), Reader(app, ip="198.51.100.30")
    author.comment(text="Quelqu'un sait quand la ligne revient ?", email="Karim@Example.org")
    asked = latest_comment(app).id
    decide(app, asked)

    approved(app, replier, text="Pas avant la décision du juge, je pense.", name="Leila", reply_to=asked)
    signer.deliver()
    [confirmation] = smtp_sink.to("Karim@example.org")  # no reply mail before confirming
    assert "Confirmez" in confirmation["Subject"]
    confirm = path_of(next(u for u in links(confirmation) if "/notifications/confirm/" in u))

    assert "Oui, prévenez-moi" in author.html(confirm)  # a link scanner's GET changes nothing
    done = author.press(confirm)
    assert done.status_code == 303
    assert "C'est confirmé" in author.html(confirm)

    reply = approved(
        app,
        replier,
        text="Je viens d'avoir KLEEMA au téléphone : audience jeudi.",
        name="Leila",
        reply_to=asked,
    )
    signer.deliver()
    mail = smtp_sink.last_to("Karim@example.org")
    assert mail["Subject"] == "Nouvelle réponse à votre commentaire"
    body = text_of(mail)
    assert "\u2068Leila\u2069 a répondu" in body and "audience jeudi" in body  # the name isolated
    assert f"/comments/{reply}" in body
    assert "Karim@example.org" not in load(app, reply).text

    # Publishing the same reply again (after an edit) sends nothing more.
    decide(app, reply, CommentStatus.PENDING)
    decide(app, reply)
    signer.deliver()
    assert len(smtp_sink.to("Karim@example.org")) == 2

    stop = next(u for u in links(mail) if "/mail/unsubscribe/" in u)
    assert mail["List-Unsubscribe"] == f"<{stop}>"
    assert author.press(path_of(stop)).status_code == 303
    assert "C'est fait" in author.html(path_of(stop))
    approved(app, replier, text="Encore une réponse", name="Leila", reply_to=asked)
    signer.deliver()
    assert len(smtp_sink.to("Karim@example.org")) == 2


def test_replying_to_oneself_sends_no_mail_and_is_refused_while_editable(app, signer, smtp_sink):
    author = Reader(app)
    author.comment(text="Mon premier message", email="nadia@example.org")
    first = latest_comment(app).id
    decide(app, first)
    signer.deliver()
    confirmation = smtp_sink.last_to("nadia@example.org")
    author.press(path_of(next(u for u in links(confirmation) if "/confirm/" in u)))

    refused = author.comment(text="Et j'ajoute ceci", reply_to=first)
    assert refused.status_code == 422
    assert "modifiez-le plutôt" in refused.get_data(as_text=True)

    age(app, first, minutes=20)
    approved(
        app,
        Reader(app, ip="198.51.100.3"),
        text="Réponse d'ailleurs",
        reply_to=first,
        email="nadia@example.org",
    )
    signer.deliver()
    subjects = [mail["Subject"] for mail in smtp_sink.to("nadia@example.org")]
    assert "Nouvelle réponse à votre commentaire" not in subjects


def test_forged_notification_links_get_a_clear_page(app):
    reader = Reader(app)
    for path in ("/comments/notifications/confirm/forged", "/mail/unsubscribe/forged"):
        response = reader.get(path)
        assert response.status_code == 404
        assert "Ce lien n'est pas valable" in response.get_data(as_text=True)


def test_honeypot_comment_is_kept_as_spam_and_never_shown(app, signer, smtp_sink):
    reader = Reader(app)
    response = reader.comment(
        text="Cheap calls http://spam.example", email="bot@example.org", **{"comment-website": "x"}
    )
    assert response.status_code == 303
    comment = latest_comment(app)
    assert (comment.status, comment.hold_reason, comment.email) == (CommentStatus.SPAM, "honeypot", None)
    assert "Cheap calls" not in reader.html()
    signer.deliver()
    assert smtp_sink.messages == []


def test_comment_sent_too_fast_comes_back_with_its_text(app):
    app.config["COMMENT_MIN_SECONDS"] = 60
    response = Reader(app).comment(text="Écrit en une seconde")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Prenez un instant" in html and "Écrit en une seconde</textarea>" in html


def test_expired_form_comes_back_with_its_text(app):
    response = Reader(app).comment(text="Un long texte écrit avec soin", **{"comment-csrf_token": "stale"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Votre session a expiré" in html and "Un long texte écrit avec soin</textarea>" in html


def test_rate_limit_per_ip_keeps_the_text(app):
    limiter.enabled = True
    app.config["RATELIMIT_COMMENT"] = "2 per minute"
    reader = Reader(app)
    codes = [reader.comment(text=f"Message {n}").status_code for n in range(3)]
    assert codes == [303, 303, 429]
    response = reader.comment(text="Celui-ci attendra")
    html = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "Patientez quelques minutes" in html and "Celui-ci attendra</textarea>" in html
    assert Reader(app, ip="198.51.100.44").comment(text="Autre réseau").status_code == 303


def test_demo_command_adds_a_realistic_thread_once(app, runner):
    assert Reader(app).html().count('class="comment-item"') == 0
    result = runner.invoke(args=["comments", "demo"])
    assert "13 demonstration comments added" in result.output
    html = Reader(app).html()
    assert "Réponse officielle du comité" in html and "business is business" in html
    assert "Comme par hasard" not in html  # the one left for moderators
    again = runner.invoke(args=["comments", "demo"])
    assert again.exit_code != 0 and "already has comments" in again.output


def test_mails_speak_the_language_the_author_wrote_in(app, signer, smtp_sink):
    author = Reader(app)
    author.get("/petitions/kleema/comments?lang=ar")  # the choice is kept in a cookie
    author.comment(text="السلام عليكم، وقّعت على العريضة", name="Youssef", email="youssef@example.org")
    asked = latest_comment(app).id
    decide(app, asked)
    signer.deliver()
    assert smtp_sink.last_to("youssef@example.org")["Subject"] == "أكّد: إعلامك بالردود على تعليقك"
    author.press(
        path_of(next(u for u in links(smtp_sink.last_to("youssef@example.org")) if "/confirm/" in u))
    )
    approved(app, Reader(app, ip="198.51.100.40"), text="Bienvenue Youssef", name="Leila", reply_to=asked)
    signer.deliver()
    reply = smtp_sink.last_to("youssef@example.org")
    assert reply["Subject"] == "ردّ جديد على تعليقك"
    assert "ردّ \u2068Leila\u2069 على تعليقك" in text_of(reply)
