"""The activity feed: what happened in a project, newest first, one row per event."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation

from communication.models import Activity
from projects import permissions
from projects.models import Project


def default_language_path(url_name: str, *args: Any) -> str:
    """Stored once in the default language; pages translate it to the reader's."""
    with translation.override(settings.LANGUAGE_CODE):
        return reverse(url_name, args=args)


def record_activity(
    *, key: str, project_id: int, kind: str, title: str, url: str = "", actor: Any = None,
    work_group_id: int | None = None, at: datetime | None = None, titles: dict[str, str] | None = None,
    move: bool = True,
) -> Activity:
    """Write (or refresh) the activity identified by ``key``. ``move=False`` keeps the
    original time when the same thing is saved again."""
    defaults: dict[str, Any] = {
        "project_id": project_id, "kind": kind, "title": title[:300], "url": url[:300],
        "work_group_id": work_group_id, "titles": titles or {},
    }
    if actor is not None:
        defaults["actor"] = actor
    if move:
        defaults["at"] = at or timezone.now()
        activity, _created = Activity.objects.update_or_create(key=key, defaults=defaults)
        return activity
    activity, created = Activity.objects.get_or_create(key=key, defaults={**defaults, "at": at or timezone.now()})
    if not created:
        Activity.objects.filter(pk=activity.pk).update(**defaults)
    return activity


def forget_activity(prefix: str) -> None:
    Activity.objects.filter(key__startswith=prefix).delete()


def activity_feed(user: Any, project: Project | None = None) -> QuerySet[Activity]:
    """Newest first, only what has happened yet (scheduled news appears at its time)."""
    qs = Activity.objects.filter(at__lte=timezone.now())
    qs = qs.filter(project=project) if project is not None else permissions.scope_for_member(qs, user)
    # Only what a feed row shows (communication/partials/activity_list.html): not the
    # project's six-language texts nor the actor's password and dates.
    return qs.select_related("actor", "project", "work_group").only(
        "project_id", "work_group_id", "actor_id", "kind", "title", "titles", "url", "at",
        "project__slug", "project__title", "project__acronym", "work_group__name",
        "actor__first_name", "actor__last_name", "actor__email",
    ).order_by("-at", "-pk")
