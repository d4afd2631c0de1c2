"""Articles for the news tests, built like an editor would in the admin (full_clean, save)."""
from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from news.demo import SEED_ARTICLE, SEED_SLUG, on_timeline


@pytest.fixture
def make_article(project: Any, coordinator: Any) -> Callable[..., Any]:
    from news.models import Article

    def make(**fields: Any) -> Article:
        values: dict[str, Any] = {
            "project": project,
            "original_language": "lv",
            "title_lv": "Partneru tikšanās Magdeburgā",
            "body_lv": "<p>Pirmā partneru tikšanās notika Magdeburgā.</p>",
            "audience": Article.Audience.PUBLIC,
            "status": Article.Status.PUBLISHED,
            "publish_at": timezone.now() - timedelta(hours=1),
            "author": coordinator,
        }
        values.update(fields)
        article = Article(**values)
        article.full_clean()
        article.save()
        return article

    return make


@pytest.fixture
def seed_article(make_article: Callable[..., Any]) -> Any:
    """The seed article: Latvian original, en/de/it/da complete, Hungarian title only."""
    return make_article(
        slug=SEED_SLUG, prepared_by_name="Jolanta Ūzuliņa", prepared_by_phone="654 04391", **on_timeline(SEED_ARTICLE, timedelta(0))
    )
