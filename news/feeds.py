"""RSS and Atom feeds of public news, one per language (the URL's language prefix).

Only live public articles of public projects appear; members-only news never does.
An article missing in the feed's language is given in English or its original language, with a note.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed
from django.utils.translation import gettext_lazy

from news.html import plain_text
from news.models import Article

FEED_SIZE = 30


class LatestNewsRss(Feed):
    feed_type: type[SyndicationFeed] = Rss201rev2Feed

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> str:
        # The feed's language is the one of its URL prefix.
        return translation.get_language() or settings.LANGUAGE_CODE

    # Lazy: each request's language (its URL prefix) translates and reverses them.
    title = gettext_lazy("agepartners news")
    link = reverse_lazy("news:list")
    description = gettext_lazy("Public news of the partnerships on agepartners.")
    feed_url = reverse_lazy("news:rss")
    # The note on a fallback language, the summary and the sanitised text.
    description_template = "news/feed_item.html"

    def items(self, lang: str) -> list[tuple[Article, Any]]:
        articles = Article.objects.public().select_related("project").order_by("-publish_at", "-pk")[:FEED_SIZE]
        return [(article, article.localized(lang)) for article in articles]

    def item_title(self, item: tuple[Article, Any]) -> str:
        # Titles are plain text, but some feed readers render them as HTML: no tags at all.
        return plain_text(item[1].title.value)

    def item_link(self, item: tuple[Article, Any]) -> str:
        return item[0].get_absolute_url()

    def item_guid(self, item: tuple[Article, Any]) -> str:
        # Absolute: Atom forbids a relative <id>, and an RSS reader treats a guid that is a
        # permalink as the article's address (the same one item_link gives, with the domain).
        return settings.SITE_URL.rstrip("/") + item[0].get_absolute_url()

    item_guid_is_permalink = True

    def item_pubdate(self, item: tuple[Article, Any]) -> datetime:
        return item[0].publish_at

    def item_updateddate(self, item: tuple[Article, Any]) -> datetime:
        return max(item[0].updated_at, item[0].publish_at)

    def item_author_name(self, item: tuple[Article, Any]) -> str | None:
        # None, not "": the feed generators then leave the author out instead of <name/>.
        return plain_text(item[0].prepared_by_name) or None

    def item_categories(self, item: tuple[Article, Any]) -> list[str]:
        return [item[0].project.title]


class LatestNewsAtom(LatestNewsRss):
    feed_type = Atom1Feed
    subtitle = LatestNewsRss.description
    feed_url = reverse_lazy("news:atom")
