from __future__ import annotations

from django.http import HttpRequest
from django.utils import translation

from news import selectors


def panel(request: HttpRequest) -> dict | None:
    """Latest news of the user's projects, public and members-only (one query)."""
    if not request.user.is_authenticated:
        return None
    lang = translation.get_language()
    articles = selectors.latest_for_member(request.user, limit=5)
    return {"news_items": [(a, a.localized(lang)) for a in articles]}
