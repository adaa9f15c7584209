"""Text that staff write in Markdown (updates), turned into HTML by one function.

Markdown goes through markdown-it-py with raw HTML off, and its output through nh3 (the Rust
`ammonia` sanitiser) with an allow-list of tags and attributes; every link gets
`rel="nofollow noopener"`. Nothing else renders Markdown, so there is one path to get right.
"""

import re
from html import unescape

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

TAGS = {
    "p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre", "hr",
    "h2", "h3", "h4", "h5", "h6",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}

# CommonMark without raw HTML; images are off (no picture from another site in our pages).
_markdown = MarkdownIt("commonmark", {"html": False}).disable("image")
_BLOCK_END = re.compile(r"</(?:p|li|h[2-6]|blockquote|pre)>|<br>|<hr>")


def markdown_html(text: str | None) -> Markup:
    """The HTML of Markdown `text` (str), safe to print in a page, a feed or a mail.

    Raw HTML typed in the text is shown as text; links keep only http, https and mailto
    addresses and get `rel="nofollow noopener"`; the highest heading of the text becomes an <h2>
    (`#` or `##`), the others keep their distance from it.
    """
    if not text:
        return Markup("")
    tokens = _markdown.parse(text)
    headings = [token for token in tokens if token.type in ("heading_open", "heading_close")]
    # The page's title is its h1: the text's highest heading becomes an h2, the others follow.
    shift = 2 - min((int(token.tag[1]) for token in headings), default=2)
    for token in headings:
        token.tag = f"h{min(int(token.tag[1]) + shift, 6)}"
    html = _markdown.renderer.render(tokens, _markdown.options, {})
    # Safe by construction: markdown-it escapes typed HTML, nh3 keeps only the allow-list.
    return Markup(  # noqa: S704
        nh3.clean(
            html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES, link_rel="nofollow noopener"
        )
    )


def markdown_text(text: str | None) -> str:
    """The words of Markdown `text` without its markup or headings, on one line (excerpts,
    descriptions)."""
    spaced = _BLOCK_END.sub(r"\g<0> ", str(markdown_html(text)))
    headings = {f"h{level}" for level in range(2, 7)}
    return " ".join(unescape(nh3.clean(spaced, tags=set(), clean_content_tags=headings)).split())
