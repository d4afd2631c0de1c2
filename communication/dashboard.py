"""The dashboard's panel: what happened recently in my projects."""
from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from communication.activity import activity_feed
from projects import permissions

PANEL_ROWS = 8


def panel(request: HttpRequest) -> dict[str, Any] | None:
    if not request.user.is_authenticated:
        return None
    projects = list(permissions.member_projects(request.user).order_by("title").values("slug", "title", "acronym")[:6])
    if not projects:
        return None
    activities = list(activity_feed(request.user)[:PANEL_ROWS])
    return {"activities": activities, "projects": projects}
