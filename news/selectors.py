"""Reading news: the queries other apps and the views share."""
from __future__ import annotations

from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet

from news.models import SEARCH_CONFIGS, Article
from projects import permissions
from projects.models import Project


def latest_public(project: Project, limit: int = 3) -> list[Article]:
    """Published public articles of ``project``, newest first, in one query."""
    return list(
        Article.objects.live()
        .filter(project=project, audience=Article.Audience.PUBLIC)
        .select_related("project")
        .order_by("-publish_at", "-pk")[:limit]
    )


def readable(user: Any) -> QuerySet[Article]:
    """Every article ``user`` may read, newest first, ready for lists (no per-row queries)."""
    return permissions.visible_articles(Article.objects.select_related("project"), user).order_by("-publish_at", "-pk")


def latest_for_member(user: Any, limit: int = 5) -> list[Article]:
    """News of the user's own projects, public and members-only (the dashboard panel)."""
    ids = permissions.member_project_ids(user)
    if not ids:
        return []
    return list(readable(user).filter(project_id__in=ids)[:limit])


def search_vector(lang: str) -> SearchVector:
    # Must stay identical to the expression of the GIN index news_article_fts_<lang>.
    return SearchVector(f"title_{lang}", f"summary_{lang}", f"body_{lang}", config=SEARCH_CONFIGS[lang])


def search(qs: QuerySet[Article], terms: str, lang: str) -> QuerySet[Article]:
    """Articles whose title, summary or text in ``lang`` match ``terms`` (web-search syntax:
    words, "quoted phrases", -excluded), best matches first."""
    config = SEARCH_CONFIGS.get(lang, "simple")
    if lang not in SEARCH_CONFIGS:
        lang = "en"
    if connection.vendor != "postgresql":
        return _plain_search(qs, terms, lang)
    vector = search_vector(lang)
    query = SearchQuery(terms, config=config, search_type="websearch")
    return (
        qs.annotate(search=vector)
        .filter(search=query)
        .annotate(rank=SearchRank(vector, query))
        .order_by("-rank", "-publish_at", "-pk")
    )


def _plain_search(qs: QuerySet[Article], terms: str, lang: str) -> QuerySet[Article]:
    """The embedded default's search (SQLite has no full-text search of PostgreSQL's kind):
    every word must occur in the title, summary or text in ``lang``; a word written as
    -word must not. Newest first, since there is no rank."""
    for word in terms.replace('"', " ").split():
        excluded = word.startswith("-") and len(word) > 1
        word = word.lstrip("-")
        if not word:
            continue
        match = Q(**{f"title_{lang}__icontains": word}) | Q(**{f"summary_{lang}__icontains": word}) | Q(
            **{f"body_{lang}__icontains": word}
        )
        qs = qs.exclude(match) if excluded else qs.filter(match)
    return qs.order_by("-publish_at", "-pk")
