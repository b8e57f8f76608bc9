"""Markdown (with a safe subset of HTML) to sanitised HTML.

Content is stored exactly as written and rendered on the way out: markdown-it turns it into
HTML, then nh3 (the Ammonia sanitiser) keeps only an allow-list of tags and attributes. Links
may only be http(s), mailto or relative, and get ``rel="noopener nofollow"``; there are no
event handlers, no ``style`` attributes, no ``javascript:`` or ``data:`` URLs, and no
``script``/``style``/``iframe`` content survives, whatever the Markdown parser let through.
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "dl", "dt",
        "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
        "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span",
        "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
        "tr", "u", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Their content goes with them instead of being kept as text.
DROPPED_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "noscript"})

_parser = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
_cleaner = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(DROPPED_WITH_CONTENT),
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    url_schemes=set(URL_SCHEMES),
    link_rel="noopener nofollow",
    strip_comments=True,
)


@lru_cache(maxsize=512)
def render_markdown(text: str) -> str:
    """Safe HTML for ``text``; the same text renders from a small cache (lesson pages)."""
    if not text:
        return ""
    return _cleaner.clean(_parser.render(text))


def render_optional(text: str | None) -> str | None:
    return None if text is None else render_markdown(text)
