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


def test_a_comment_form_is_sent_once_however_often_the_button_is_pressed(app, new_page):
    """On a slow network the button stays disabled until the answer comes (the server's own rule
    against repeats is turned off here, so that only the page can keep the comment single)."""
    from tests.commenting import comment_count_of

    app.config.update(COMMENT_MIN_SECONDS=0, COMMENT_REPEAT_SECONDS=0)
    reader = new_page("fr")
    reader.goto("/petitions/kleema/comments")
    sent = []
    reader.route(
        "**/petitions/kleema/comments",
        lambda route: sent.append(route) if route.request.method == "POST" else route.continue_(),
    )
    reader.get_by_label("Votre nom ou pseudonyme").fill("Nadia")
    reader.get_by_label("Votre commentaire").fill("Réseau lent, je clique deux fois.")
    # The impatient presses, while the first sending waits for the network.
    reader.evaluate(
        """() => document.addEventListener("submit", (event) => {
          const button = event.target.querySelector("button[type=submit]");
          setTimeout(() => { button.click(); button.click(); }, 50);
        })"""
    )
    reader.locator("#comment-form").get_by_role("button", name="Publier").click(no_wait_after=True)
    reader.wait_for_timeout(500)
    assert len(sent) == 1
    sent[0].continue_()
    expect(reader.locator(".comment").filter(has_text="Réseau lent")).to_have_count(1)
    assert comment_count_of(app) == 1
