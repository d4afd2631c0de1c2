"""Markdown for posts, made safe, and the @mention syntax.

Text is rendered with Markdown and then cleaned by nh3 with explicit allow-lists: any
HTML a partner types (scripts, event handlers, ``javascript:`` links, iframes, styles)
is removed before a page or an email shows it.
"""
from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as etree
from typing import Any

import markdown
import nh3
from markdown.inlinepatterns import InlineProcessor

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "del", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td", "span",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
ALLOWED_CLASSES = {"span": {"mention"}}
URL_SCHEMES = {"http", "https", "mailto"}

# @firstname.lastname, lower case, accents dropped: "Inese Kalniņa" is @inese.kalnina.
# Not preceded by a word character, so email addresses (x@example.org) are no mentions.
MENTION_RE = r"(?<![\w@.])@([a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9.-]*[a-z0-9])"
_MENTION = re.compile(MENTION_RE, re.IGNORECASE)


def _ascii_slug(value: str) -> str:
    value = unicodedata.normalize("NFKD", value)
    value = "".join(c for c in value if not unicodedata.combining(c))
    value = re.sub(r"[^A-Za-z0-9]+", "-", value).strip("-").lower()
    return value


def handle_for(first_name: str, last_name: str, email: str = "") -> str:
    """The mention handle of a person: firstname.lastname (email local part as a fallback)."""
    first, last = _ascii_slug(first_name), _ascii_slug(last_name)
    if first and last:
        return f"{first}.{last}"
    local = _ascii_slug(email.split("@")[0]) if email else ""
    return f"{first or local}.{last or 'member'}" if (first or local) else ""


def mentioned_handles(text: str) -> set[str]:
    """Handles written in ``text``, outside code."""
    without_code = re.sub(r"```.*?```|`[^`]*`", " ", text, flags=re.DOTALL)
    without_code = re.sub(r"(?m)^( {4}|\t).*$", " ", without_code)
    return {m.group(1).lower().rstrip(".") for m in _MENTION.finditer(without_code)}


class _MentionProcessor(InlineProcessor):
    # Markdown's InlineProcessor itself changes the signature of Pattern.handleMatch.
    def handleMatch(  # type: ignore[override]  # noqa: N802 (Markdown API)
        self, m: re.Match[str], data: str,
    ) -> tuple[etree.Element, int, int]:
        el = etree.Element("span")
        el.set("class", "mention")
        el.text = "@" + m.group(1)
        return el, m.start(0), m.end(0)


class _MentionExtension(markdown.Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown API)
        md.inlinePatterns.register(_MentionProcessor(MENTION_RE, md), "mention", 165)


def sanitise(html: str) -> str:
    return nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES, link_rel="nofollow noopener noreferrer", strip_comments=True,
    )


def render_markdown(text: str) -> str:
    """Markdown → HTML → nh3. Headings start at h3 so a post never outranks the page."""
    md = markdown.Markdown(
        extensions=["sane_lists", "tables", "fenced_code", "nl2br", _MentionExtension()],
        output_format="html",
    )
    html = md.convert(text or "")
    html = re.sub(r"<(/?)h[12]>", r"<\1h3>", html)
    return sanitise(html)


def plain_excerpt(text: str, length: int = 400) -> str:
    """Markdown source shortened for emails and lists (the text is shown, never rendered as HTML)."""
    text = re.sub(r"\s+", " ", text or "").strip()
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
