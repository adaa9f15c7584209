"""Every page a visitor can reach, with or without a mailed link, for checks that go over them all."""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from tests.helpers import form_tokens, links

LANGS = ("fr", "ar", "en")
# Pages anyone reaches from the petition; each is shown in every language with ?lang=.
PUBLIC = (
    "/",
    "/petitions/kleema",
    "/petitions/kleema/comments",
    "/petitions/kleema/thanks",
    "/petitions/kleema/share",
    "/petitions/kleema/flyer",
    "/petitions/kleema/flyer?format=a4",
    "/embed/kleema",
    "/privacy",
    "/updates",
    "/petitions/kleema/updates",
    "/transparency",
    "/volunteer",
    "/volunteer/sent",
    "/my-data",
    "/my-data/sent",
    "/my-data/erased",
)
# The widget other sites frame is no page of its own for search engines.
INDEXED = tuple(path for path in PUBLIC if not path.startswith("/embed/"))
# Pages whose address holds a token; a made-up token shows the "bad link" page of each.
BAD_TOKENS = (
    "/confirm/not-a-link-we-sent",
    "/withdraw/not-a-link-we-sent",
    "/referral/not-a-link-we-sent",
    "/comments/notifications/confirm/not-a-link-we-sent",
    "/mail/unsubscribe/not-a-link-we-sent",
    "/volunteer/confirm/not-a-link-we-sent",
    "/my-data/not-a-link-we-sent",
)


def token_pages(signer) -> list[str]:
    """The confirm, withdraw and referral-count pages of a real signature (paths with their token)."""
    signer.sign_and_confirm(city="Madrid 28001", country="ES")
    mail = signer.mailbox.last_to("fatima@example.org")
    mailed = [urlsplit(url).path for url in links(mail)]
    wanted = ("/confirm/", "/withdraw/", "/referral/")
    return [next(path for path in mailed if kind in path) for kind in wanted]


def my_data_page(signer, address: str = "fatima@example.org") -> str:
    """The page a mailed /my-data link opens (its path, with the token)."""
    page = signer.client.get("/my-data").get_data(as_text=True)
    assert signer.client.post("/my-data", data={"email": address, **form_tokens(page)}).status_code == 303
    signer.deliver()
    return next(urlsplit(url).path for url in links(signer.mailbox.last_to(address)) if "/my-data/" in url)


def with_lang(path: str, lang: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}lang={lang}"


class _Text(HTMLParser):
    """The text a reader sees, with what is only code to copy (pre, code, textarea) left out."""

    SKIPPED = {"script", "style", "pre", "code", "textarea"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self.depth += 1
        for name, value in attrs:
            if name in ("title", "alt", "aria-label", "placeholder", "content") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in self.SKIPPED and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)


def visible_text(page_html: str) -> str:
    parser = _Text()
    parser.feed(page_html)
    return "\n".join(parser.parts)


def receipt_pages(client, confirm_path: str) -> list[str]:
    """The receipt look-up with the receipt shown on a confirmed signature's page, and with text
    that is no receipt (the form back with its message)."""
    page = client.get(confirm_path).get_data(as_text=True)
    receipt = re.search(r"\b[A-Z2-7]{4}(?:-[A-Z2-7]{4}){5}\b", page).group(0)
    return [f"/transparency/receipt?receipt={receipt}", "/transparency/receipt?receipt=not-a-receipt"]
