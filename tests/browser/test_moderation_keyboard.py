"""A moderator works through a queue of 50 comments with the keyboard alone; a reader replies in
place with the JavaScript the thread page loads."""

import pytest
from sqlalchemy import select

from petition.comments import service
from petition.comments.models import Comment, CommentStatus
from petition.extensions import db
from tests.commenting import log_in, seed_queue

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

QUEUE_SIZE = 50


def statuses(app, ids: list[int]) -> dict[int, tuple[CommentStatus, bool, str | None]]:
    with app.app_context():
        rows = db.session.scalars(select(Comment).where(Comment.id.in_(ids))).all()
        found = {c.id: (c.status, c.is_featured, c.decision_note) for c in rows}
        db.session.remove()
        return found


def planned_key(n: int) -> str:
    """Mostly approvals, with refusals, spam and comments to feature among them."""
    return {3: "r", 7: "s", 5: "f"}.get(n % 10, "a")


def test_fifty_comments_moderated_with_the_keyboard(app, browser, live_server, staff):
    ids = seed_queue(app, QUEUE_SIZE)
    context, page = log_in(browser, live_server, staff)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/admin/moderation")
    reloads = []
    page.on(
        "request", lambda request: reloads.append(request.url) if request.is_navigation_request() else None
    )
    items = page.locator("[data-item]")
    expect(items).to_have_count(QUEUE_SIZE)
    expect(page.locator('[data-count="pending"]')).to_have_text(str(QUEUE_SIZE))

    # The help is on the page, and "?" opens it.
    help_box = page.locator("[data-shortcuts]")
    expect(help_box).not_to_have_attribute("open", "")
    page.keyboard.press("?")
    expect(help_box).to_have_attribute("open", "")
    expect(help_box).to_contain_text("refuser, avec la raison choisie dans la liste")

    # No comment is current until j or k is pressed: a first key acts on nothing.
    current = page.locator(".queue-item.current")
    expect(current).to_have_count(0)
    page.keyboard.press("a")
    page.keyboard.press("s")
    page.wait_for_timeout(300)
    assert {status for status, _featured, _note in statuses(app, ids).values()} == {CommentStatus.PENDING}
    expect(current).to_have_count(0)
    # j and k move between comments; j starts from the first one.
    page.keyboard.press("j")
    expect(current).to_have_attribute("data-item", str(ids[0]))
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(current).to_have_attribute("data-item", str(ids[2]))
    page.keyboard.press("k")
    page.keyboard.press("k")
    page.keyboard.press("k")  # already at the top: stays there
    expect(current).to_have_attribute("data-item", str(ids[0]))

    # The refusal reason of one comment is picked with the mouse, then r uses it.
    page.locator(f"#reason-{ids[3]}").select_option("off_topic")
    page.locator(f"#item-{ids[0]}").focus()

    for n in range(QUEUE_SIZE):
        expect(current).to_have_attribute("data-item", str(ids[n]))
        page.keyboard.press(planned_key(n))

    expect(page.locator("[data-queue-empty]")).to_be_visible()
    expect(page.locator('[data-count="pending"]')).to_have_text("0")
    assert errors == []
    assert reloads == []  # every action went through the script, without reloading the page

    decided = statuses(app, ids)
    for n, comment_id in enumerate(ids):
        key = planned_key(n)
        status, featured, note = decided[comment_id]
        expected = {"a": CommentStatus.APPROVED, "f": CommentStatus.APPROVED, "r": CommentStatus.REJECTED}
        assert status == expected.get(key, CommentStatus.SPAM), (n, key, status)
        assert featured == (key == "f")
        if key == "r":
            assert note == ("off_topic" if n == 3 else "rules")

    # The page agrees after a reload: nothing is left to do.
    page.reload()
    expect(page.locator("[data-item]")).to_have_count(0)
    context.close()


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_j_then_a_approves_the_first_comment(app, browser, live_server, staff, lang):
    ids = seed_queue(app, 3)
    context, page = log_in(browser, live_server, staff)
    page.goto(f"/admin/moderation?lang={lang}")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator(".queue-item.current")).to_have_count(0)
    page.keyboard.press("j")
    page.keyboard.press("a")
    expect(page.locator("[data-item]")).to_have_count(2)
    found = statuses(app, ids)
    assert [found[i][0] for i in ids] == [
        CommentStatus.APPROVED,
        CommentStatus.PENDING,
        CommentStatus.PENDING,
    ]
    context.close()


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_bulk_bar_counts_ticked_comments_and_waits_for_one(app, browser, live_server, staff, lang):
    ids = seed_queue(app, 3)
    context, page = log_in(browser, live_server, staff)
    page.goto(f"/admin/moderation?lang={lang}")
    ticked = page.locator("[data-ticked]")
    bulk = page.locator("[data-bulk]")
    expect(ticked).to_have_text("0")
    for n in range(bulk.count()):
        expect(bulk.nth(n)).to_be_disabled()
    page.keyboard.press("j")
    page.keyboard.press("x")
    expect(ticked).to_have_text("1")
    page.locator(f"#select-{ids[2]}").check()
    expect(ticked).to_have_text("2")
    for n in range(bulk.count()):
        expect(bulk.nth(n)).to_be_enabled()
    page.locator('[data-bulk][value="approve"]').click()
    expect(page.locator("[data-item]")).to_have_count(1)
    expect(ticked).to_have_text("0")
    expect(bulk.first).to_be_disabled()
    found = statuses(app, ids)
    assert [found[i][0] for i in ids] == [
        CommentStatus.APPROVED,
        CommentStatus.PENDING,
        CommentStatus.APPROVED,
    ]
    context.close()


def test_delete_opens_a_confirmation_page_and_cancel_keeps_the_comment(app, browser, live_server, staff):
    ids = seed_queue(app, 2)
    context, page = log_in(browser, live_server, staff)
    page.goto("/admin/moderation")
    page.locator(f'#item-{ids[0]} button[value="delete:{ids[0]}"]').click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Supprimer ce commentaire\u00a0?")
    page.get_by_role("link", name="Non, revenir à la file").click()
    expect(page.locator("[data-item]")).to_have_count(2)
    assert statuses(app, ids)[ids[0]][0] == CommentStatus.PENDING

    page.locator(f'#item-{ids[0]} button[value="delete:{ids[0]}"]').click()
    page.get_by_role("button", name="Oui, supprimer ce commentaire").click()
    expect(page.locator(".flash")).to_contain_text("1 commentaire supprimé.")
    expect(page.locator("[data-item]")).to_have_count(1)
    assert statuses(app, ids)[ids[0]][0] == CommentStatus.DELETED
    context.close()


def test_keys_do_nothing_while_typing_in_a_field(app, browser, live_server, staff):
    [comment_id] = seed_queue(app, 1)
    context, page = log_in(browser, live_server, staff)
    page.goto("/admin/moderation")
    page.locator(f"#reason-{comment_id}").focus()
    page.keyboard.press("s")  # picks an option starting with "s", if any, but marks no spam
    page.wait_for_timeout(300)
    assert statuses(app, [comment_id])[comment_id][0] == CommentStatus.PENDING
    context.close()


def test_the_queue_fits_a_phone(app, browser, live_server, staff):
    seed_queue(app, 3)
    context, page = log_in(
        browser, live_server, staff, viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    page.goto("/admin/moderation")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the queue is {width}px wide"
    page.get_by_role("button", name="Approuver a").first.tap()
    expect(page.locator("[data-item]")).to_have_count(2)
    context.close()


def test_reader_replies_in_place_and_sees_the_reply_waiting(app, browser, live_server):
    app.config["COMMENT_MIN_SECONDS"] = 0
    [root] = seed_queue(app, 1)
    with app.app_context():
        service.decide(db.session.get(Comment, root), CommentStatus.APPROVED)
        db.session.commit()
        db.session.remove()
    context = browser.new_context(base_url=live_server, locale="fr-FR")
    page = context.new_page()
    page.goto("/petitions/kleema/comments")
    page.locator(f'[data-reply="{root}"]').click()
    form = page.locator(f"#comment-{root} > #comment-form")
    expect(form).to_be_visible()
    expect(form.locator("[data-form-title]")).to_have_text("Répondre à Lecteur 0")
    expect(page.get_by_label("Votre commentaire")).to_be_focused()
    page.get_by_label("Votre nom ou pseudonyme").fill("Zineb")
    page.get_by_label("Votre commentaire").fill("Pareil pour ma famille à Meknès.")
    form.get_by_role("button", name="Publier").click()
    reply = page.locator(".replies .comment").filter(has_text="Pareil pour ma famille")
    expect(reply).to_contain_text("En attente de modération")
    with app.app_context():
        saved = db.session.scalars(select(Comment).order_by(Comment.id.desc()).limit(1)).one()
        assert (saved.parent_id, saved.author_name) == (root, "Zineb")
        db.session.remove()
    context.close()
