"""The one place that decides which HTML an article body may contain.

nh3 removes everything not listed here: scripts, styles, event handlers, iframes,
and links whose scheme is not http(s)/mailto (so ``javascript:`` is gone).
Bodies are cleaned when an article is saved and again when it is rendered, so a row
written around the model (a raw UPDATE, an old import) is harmless too.
"""
from __future__ import annotations

import html

import nh3

ALLOWED_TAGS: set[str] = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "sub", "sup", "small",
    "h2", "h3", "h4", "blockquote", "q", "cite", "abbr",
    "ul", "ol", "li", "dl", "dt", "dd",
    "a", "figure", "figcaption", "img",
    "table", "caption", "thead", "tbody", "tr", "th", "td",
    "hr", "span",
}
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title", "hreflang"},
    "img": {"src", "alt", "width", "height", "title"},
    "abbr": {"title"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
    "*": {"lang"},
}
URL_SCHEMES: set[str] = {"http", "https", "mailto"}


def clean_html(value: str | None) -> str:
    if not value:
        return ""
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def plain_text(value: str | None) -> str:
    """The text of an HTML fragment, for emails and search snippets."""
    if not value:
        return ""
    text = nh3.clean(value, tags=set(), attributes={})
    # nh3 returns escaped text; undo the entities for a plain-text context.
    return " ".join(html.unescape(text).split())
