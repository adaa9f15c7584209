"""The comment pages and the moderation queue in each language: axe-core finds nothing serious,
nothing sticks out of a 320 px screen, and a screenshot of each is kept."""

import pytest
from playwright.sync_api import expect

from petition.comments import demo
from petition.extensions import db
from petition.petitions import service as petitions
from tests.browser.conftest import axe_violations, screenshot, sticking_out
from tests.commenting import log_in, seed_queue

LANGS = ["fr", "ar", "en"]
PHONE = {"width": 320, "height": 700}
# The name of the button that posts a comment, and of the heading of the queue.
POST = {"fr": "Publier", "ar": "نشر", "en": "Post"}
QUEUE = {"fr": "Modération des commentaires", "ar": "الإشراف على التعليقات", "en": "Comment moderation"}


def seed_demo_thread(app) -> None:
    with app.app_context():
        demo.seed(petitions.by_slug("kleema"))
        db.session.remove()


def check_pages(page, lang: str, pages: dict) -> dict:
    problems = {}
    for name, path in pages.items():
        if path:
            page.goto(path)
        expect(page.locator("html")).to_have_attribute("lang", lang)
        found = axe_violations(page) + [f"sticks out: {what}" for what in sticking_out(page)]
        label = f"{lang}-{name}-{page.viewport_size['width']}"
        if found:
            problems[label] = found
        screenshot(page, label)
    return problems


@pytest.mark.parametrize("lang", LANGS)
def test_comment_pages_pass_axe_and_fit_a_phone(app, new_page, lang):
    app.config["COMMENT_MIN_SECONDS"] = 0
    seed_demo_thread(app)
    problems = {}
    for viewport in (PHONE, {"width": 1280, "height": 900}):
        page = new_page(lang, viewport=viewport)
        problems |= check_pages(page, lang, {"comments": "/petitions/kleema/comments"})
        page.get_by_role("button", name=POST[lang], exact=True).click()
        expect(page.locator("#error-summary")).to_be_focused()
        problems |= check_pages(page, lang, {"comments-with-errors": None})
        report = page.locator(".comment-actions a[href$='/report']").first.get_attribute("href")
        problems |= check_pages(page, lang, {"report": report})
    assert not problems, problems


@pytest.mark.parametrize("lang", LANGS)
def test_moderation_queue_passes_axe_and_fits_a_phone(app, browser, live_server, staff, lang):
    seed_demo_thread(app)
    seed_queue(app, 3)
    problems = {}
    for viewport in (PHONE, {"width": 1280, "height": 900}):
        context, page = log_in(browser, live_server, staff, role="admin", viewport=viewport)
        page.goto(f"/admin/moderation?lang={lang}")
        expect(page.get_by_role("heading", level=1).last).to_have_text(QUEUE[lang])
        problems |= check_pages(
            page,
            lang,
            {
                "queue": None,
                "queue-decided": "/admin/moderation/decided",
                "official-reply": page.locator("a[href*='/reply']").first.get_attribute("href"),
                "moderation-settings": "/admin/moderation/settings",
            },
        )
        context.close()
    assert not problems, problems
