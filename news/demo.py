"""The seed article as the project's first news, and a members-only update (data: ``demo.toml``)."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from news.models import Article
from projects.demo import content
from projects.demo_dates import moved

ARTICLES = content(__file__)["articles"]
SEED_ARTICLE: dict[str, str] = ARTICLES[0]["text"]
SEED_SLUG, UPDATE_SLUG = ARTICLES[0]["slug"], ARTICLES[1]["slug"]


def on_timeline(fields: dict[str, str], offset: timedelta) -> dict[str, str]:
    """Translated fields with their dates moved by ``offset`` (``timedelta(0)``: the seed's
    own dates); the language is the field's suffix."""
    return {name: moved(text, name.rsplit("_", 1)[1], offset) for name, text in fields.items()}


def seed(ctx: Any) -> None:
    for article in ARTICLES:
        # A fixed moment, so a second run changes nothing, and never in the future, so it is
        # never merely scheduled. Its emails went out when it was published: the demo's
        # history is already told.
        published = ctx.moment(article["published"], "Europe/Riga")
        Article.objects.update_or_create(
            project=ctx.project, slug=article["slug"],
            defaults={
                **on_timeline(article["text"], ctx.offset),
                "original_language": article["original_language"],
                "audience": article["audience"],
                "status": Article.Status.PUBLISHED,
                "publish_at": published,
                "notified_at": published,
                "author": ctx.users[article["author"]],
                "prepared_by_name": article["prepared_by_name"],
                "prepared_by_phone": article["prepared_by_phone"],
            },
        )
