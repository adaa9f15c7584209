"""The site served on a loopback port and Debian's Chromium driven by Playwright."""

import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from petition.extensions import db
from tests.browser.words import WORDS
from tests.helpers import links

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# What a person's browser would send: the site picks its language from this header.
ACCEPT = {"fr": "fr-FR", "ar": "ar-MA", "en": "en-GB"}


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live_server(app):
    """The app on a free loopback port, in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(autouse=True)
def _mail_links_lead_to_live_server(app, live_server):
    app.config["BASE_URL"] = live_server


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open a page in a fresh browser profile: new_page(lang="ar", viewport=..., ...)."""
    contexts = []

    def open_page(lang: str = "fr", **options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(base_url=live_server, locale=ACCEPT[lang], **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> Path:
    """Saved under test-artifacts/ for people to look at (an RTL page can pass axe and look wrong)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page, impacts=("serious", "critical")) -> list[str]:
    """Run axe-core (WCAG 2.0/2.1 A and AA, and best practices) in the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE)
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
            resultTypes: ["violations"],
        })"""
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(node["target"][0] for node in violation["nodes"][:5])
        for violation in result["violations"]
        if violation["impact"] in impacts
    ]


def mailed_link(app, mailbox, address: str, kind: str) -> str:
    """Send what the outbox holds over SMTP, then take the link of `kind` from the last mail."""
    from petition.mail.service import deliver_due

    with app.app_context():
        deliver_due()
        db.session.remove()
    return next(url for url in links(mailbox.last_to(address)) if f"/{kind}/" in url)


def fill_signature_form(page, lang: str, signer: dict, country: str = "FR") -> None:
    words = WORDS[lang]
    page.get_by_label(words["first_name"], exact=True).fill(signer["first_name"])
    page.get_by_label(words["last_name"], exact=True).fill(signer["last_name"])
    page.get_by_label(words["email"], exact=True).fill(signer["email"])
    page.get_by_label(words["country"], exact=True).select_option(country)
    page.get_by_label(words["show_name"]).check()


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def sticking_out(page) -> list[str]:
    """Visible elements that reach past either side of the window.

    In a right-to-left page, what overflows on the left cannot even be scrolled to, so the
    scroll width alone does not tell.
    """
    return page.evaluate(
        """() => [...document.querySelectorAll("body *")]
            .filter((el) => !el.closest(".hp, .visually-hidden, .skip-link"))
            .filter((el) => {
                const box = el.getBoundingClientRect();
                return box.width > 0 && (box.left < -1 || box.right > window.innerWidth + 1);
            })
            .map((el) => `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}: ${el.textContent.trim().slice(0, 40)}`)"""
    )
