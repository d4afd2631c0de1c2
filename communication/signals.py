"""The activity feed listens to the other apps' models.

Receivers are connected by app label and model name when the app registry is ready, so
this app imports nothing of theirs and tolerates models (or fields) that do not exist.
Changes made with ``QuerySet.update()`` send no signals and therefore leave no activity.
"""
from __future__ import annotations

import logging
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.utils import timezone, translation

log = logging.getLogger(__name__)


def _model(label: str) -> Any:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _fields(model: Any) -> set[str]:
    return {f.name for f in model._meta.get_fields()}


# Pages of the other apps, when their models do not say (no get_absolute_url).
FALLBACK_URL_NAMES = {"workgroups.task": "workgroups:task", "meetings.meeting": "meetings:detail"}


def _path(obj: Any) -> str:
    from django.urls import NoReverseMatch, reverse

    getter = getattr(obj, "get_absolute_url", None)
    with translation.override(settings.LANGUAGE_CODE):
        try:
            if getter is not None:
                return str(getter())
            name = FALLBACK_URL_NAMES.get(obj._meta.label_lower)
            return reverse(name, args=[obj.pk]) if name else ""
        except NoReverseMatch:  # a page the other app has not wired yet must not break its save
            log.debug("No URL for %r yet", obj, exc_info=True)
            return ""


def _past_moment(day: Any, time_zone: str) -> Any:
    """A past date as a moment for the feed (late afternoon, local); today or later: now."""
    import zoneinfo
    from datetime import datetime, time

    now = timezone.now()
    if day is None:
        return now
    tz = zoneinfo.ZoneInfo(time_zone)
    if day >= now.astimezone(tz).date():
        return now
    return datetime.combine(day, time(17), tzinfo=tz)


def _key(obj: Any, verb: str) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}:{verb}"


def _forget(sender: Any, instance: Any, **kwargs: Any) -> None:
    from communication.activity import forget_activity

    forget_activity(f"{instance._meta.label_lower}:{instance.pk}:")


# --- Work groups: a task is done ----------------------------------------------------------


def task_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    from communication.models import Activity
    from communication.activity import forget_activity, record_activity

    key = _key(instance, "done")
    if getattr(instance, "status", None) != "done":
        forget_activity(key)
        return
    work_group = instance.work_group
    actor = getattr(instance, "completed_by", None)
    # Dated by its completion day, so tasks recorded after the fact sort where they happened.
    at = _past_moment(getattr(instance, "completed_on", None), work_group.project.time_zone)
    record_activity(
        key=key, project_id=work_group.project_id, kind=Activity.Kind.TASK_DONE, title=instance.title,
        url=_path(instance), actor=actor, work_group_id=work_group.pk, at=at, move=False,
    )


def task_event_saved(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    """The task's history knows who marked it done; credit them in the feed."""
    from communication.models import Activity

    if not created or getattr(instance, "new_value", None) != "done" or not getattr(instance, "author_id", None):
        return
    Activity.objects.filter(key=f"workgroups.task:{instance.task_id}:done", actor__isnull=True).update(
        actor_id=instance.author_id
    )  # the TaskEvent's own save already told the page cache about this project


# --- Meetings: minutes recorded ------------------------------------------------------------


def meeting_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    from communication.models import Activity
    from communication.activity import forget_activity, record_activity

    key = _key(instance, "minutes")
    if not (getattr(instance, "minutes", "") or "").strip():
        forget_activity(key)
        return
    ends_at = getattr(instance, "ends_at", None)
    at = ends_at if ends_at is not None and ends_at < timezone.now() else timezone.now()
    record_activity(
        key=key, project_id=instance.project_id, kind=Activity.Kind.MINUTES, title=instance.title,
        url=_path(instance), at=at, move=False,
    )


# --- News: an article is published ---------------------------------------------------------


def _article_titles(instance: Any) -> dict[str, str]:
    titles = {}
    for code, _name in settings.LANGUAGES:
        value = getattr(instance, f"title_{code}", None)
        if value:
            titles[code] = str(value)
    return titles


def article_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    from communication.models import Activity
    from communication.activity import forget_activity, record_activity

    key = _key(instance, "published")
    if getattr(instance, "status", None) != "published" or not getattr(instance, "project_id", None):
        forget_activity(key)
        return
    # A scheduled article enters the feed at its publish time (the feed shows only the past).
    at = None
    for name in ("publish_at", "published_at", "publication_date"):
        at = getattr(instance, name, None)
        if at is not None:
            break
    author = getattr(instance, "author", None) if "author" in _fields(sender) else None
    with translation.override(settings.LANGUAGE_CODE):
        title = str(instance.title) if getattr(instance, "title", None) else str(instance)
    record_activity(
        key=key, project_id=instance.project_id, kind=Activity.Kind.NEWS, title=title,
        titles=_article_titles(instance), url=_path(instance), actor=author, at=at or timezone.now(),
    )


# --- Own models: deleting a thing removes its activity and its file ------------------------


def version_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    _forget(sender, instance)
    if instance.file:
        instance.file.delete(save=False)


SOURCES = [
    # label, receiver on save, extra condition on the model's fields
    ("workgroups.Task", task_saved, {"status", "work_group", "title"}),
    ("workgroups.TaskEvent", task_event_saved, {"task", "new_value"}),
    ("meetings.Meeting", meeting_saved, {"minutes", "project", "title"}),
    ("news.Article", article_saved, {"project", "status"}),
]


def connect() -> None:
    for label, receiver, needed in SOURCES:
        model = _model(label)
        if model is None or not needed <= _fields(model):
            log.debug("Activity feed: %s not available, not listening", label)
            continue
        uid = f"communication:{label}"
        post_save.connect(receiver, sender=model, dispatch_uid=uid + ":save", weak=False)
        if receiver is not task_event_saved:
            post_delete.connect(_forget, sender=model, dispatch_uid=uid + ":delete", weak=False)

    from communication.models import DocumentVersion, Post, Thread

    post_delete.connect(_forget, sender=Thread, dispatch_uid="communication:thread:delete", weak=False)
    post_delete.connect(_forget, sender=Post, dispatch_uid="communication:post:delete", weak=False)
    post_delete.connect(version_deleted, sender=DocumentVersion, dispatch_uid="communication:version:delete", weak=False)
