"""Reading share links and page metadata the way a phone or a link-preview robot does."""

import html
import re
from urllib.parse import unquote, urlsplit

from petition.extensions import db
from petition.petitions.models import Petition

SHARE_LINK = re.compile(r'<a class="share-link share-[a-z]+" data-channel="([a-z]+)" href="([^"]+)"')
META = re.compile(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">')


def share_links(page_html: str) -> dict[str, str]:
    return {channel: html.unescape(href) for channel, href in SHARE_LINK.findall(page_html)}


def params(query: str) -> dict[str, str]:
    """Percent-decoding only, as mail and SMS apps read their links (a "+" stays a plus)."""
    pairs = (part.split("=", 1) for part in query.split("&") if part)
    return {name: unquote(value) for name, value in pairs}


def decode(channel: str, href: str) -> tuple[str | None, str]:
    """(text, url) that the app opened by this link would show."""
    parts = urlsplit(href)
    query = params(parts.query)
    if channel == "whatsapp":
        text, _sep, url = query["text"].rpartition(" ")
        return text, url
    if channel == "facebook":
        return None, query["u"]
    if channel in ("x", "telegram"):
        return query["text"], query["url"]
    if channel == "email":
        text, _sep, url = query["body"].rpartition("\n\n")
        return text, url
    if channel == "sms":
        text, _sep, url = query["body"].rpartition(" ")
        return text, url
    raise AssertionError(channel)


def meta_tags(page_html: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, content in META.findall(page_html):
        found.setdefault(name, []).append(html.unescape(content))
    return found


def add_petition(app, slug: str, title: str, **fields) -> None:
    with app.app_context():
        db.session.add(
            Petition(
                slug=slug,
                title=title,
                summary=fields.get("summary", "Un résumé. Deux phrases. Trois raisons."),
                addressee="À Wana",
                letter="Madame, Monsieur,",
                background="Ce qui s'est passé.",
                demands="Rétablir la ligne.",
                goal=fields.get("goal", 100),
            )
        )
        db.session.commit()
        db.session.remove()
