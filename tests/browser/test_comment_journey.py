"""A reader comments in their language; a moderator approves; every visitor then sees it."""

import pytest
from flask_babel import gettext

from tests.commenting import log_in

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser


def words(app, lang: str, *messages: str) -> list[str]:
    """The interface text as a visitor in that language reads it, from the catalogs."""
    with app.test_request_context(f"/?lang={lang}"):
        return [gettext(message) for message in messages]


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_comment_is_held_then_approved_then_visible(app, new_page, browser, live_server, staff, lang):
    app.config["COMMENT_MIN_SECONDS"] = 0
    name_label, text_label, post = words(app, lang, "Votre nom ou pseudonyme", "Votre commentaire", "Publier")
    text = {
        "fr": "Ma mère à Oujda attend mon appel.",
        "ar": "أمي في وجدة تنتظر مكالمتي.",
        "en": "My mother waits.",
    }[lang]

    reader = new_page(lang)
    reader.goto(f"/petitions/kleema/comments?lang={lang}")
    expect(reader.locator("html")).to_have_attribute("lang", lang)
    reader.get_by_label(name_label).fill("Nadia")
    reader.get_by_label(text_label).fill(text)
    reader.get_by_role("button", name=post).first.click()
    mine = reader.locator(".comment").filter(has_text=text)
    expect(mine).to_be_visible()  # the author sees it while it waits

    stranger = new_page(lang)
    stranger.goto(f"/petitions/kleema/comments?lang={lang}")
    expect(stranger.locator("body")).not_to_contain_text(text)

    context, moderator = log_in(browser, live_server, staff)
    moderator.goto("/admin/moderation")
    item = moderator.locator("[data-item]").filter(has_text=text)
    item.get_by_role("button", name="Approuver").click()
    expect(moderator.locator("[data-item]").filter(has_text=text)).to_have_count(0)
    context.close()

    stranger.reload()
    expect(stranger.locator(".comment").filter(has_text=text)).to_contain_text("Nadia")
