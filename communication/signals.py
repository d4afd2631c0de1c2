"""The activity feed listens to the models whose changes it shows.

Changes made with ``QuerySet.update()`` send no signals and therefore leave no activity.
"""
from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone, translation

from communication.models import Activity, DocumentVersion, Post, Thread
from communication.activity import default_language_path, forget_activity, record_activity
from meetings.models import Meeting
from news.models import Article
from workgroups.models import Task, TaskEvent


def _past_moment(day: date | None, time_zone: str) -> datetime:
    """A past date as a moment for the feed (late afternoon, local); today or later: now."""
    now = timezone.now()
    if day is None:
        return now
    tz = zoneinfo.ZoneInfo(time_zone)
    if day >= now.astimezone(tz).date():
        return now
    return datetime.combine(day, time(17), tzinfo=tz)


def _key(obj: Any, verb: str) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}:{verb}"


@receiver(post_delete, sender=Task)
@receiver(post_delete, sender=Meeting)
@receiver(post_delete, sender=Article)
@receiver(post_delete, sender=Thread)
@receiver(post_delete, sender=Post)
def _forget(sender: Any, instance: Any, **kwargs: Any) -> None:
    forget_activity(f"{instance._meta.label_lower}:{instance.pk}:")


@receiver(post_save, sender=Task)
def task_saved(sender: Any, instance: Task, **kwargs: Any) -> None:
    key = _key(instance, "done")
    if instance.status != Task.Status.DONE:
        forget_activity(key)
        return
    work_group = instance.work_group
    # Dated by its completion day, so tasks recorded after the fact sort where they happened;
    # who did it comes with the task's history (task_event_saved).
    record_activity(
        key=key, project_id=work_group.project_id, kind=Activity.Kind.TASK_DONE, title=instance.title,
        url=default_language_path("workgroups:task", instance.pk),
        work_group_id=work_group.pk, at=_past_moment(instance.completed_on, work_group.project.time_zone), move=False,
    )


@receiver(post_save, sender=TaskEvent)
def task_event_saved(sender: Any, instance: TaskEvent, created: bool = False, **kwargs: Any) -> None:
    """The task's history knows who marked it done; credit them in the feed."""
    if created and instance.new_value == Task.Status.DONE and instance.author_id:
        Activity.objects.filter(key=f"workgroups.task:{instance.task_id}:done", actor__isnull=True).update(
            actor_id=instance.author_id
        )


@receiver(post_save, sender=Meeting)
def meeting_saved(sender: Any, instance: Meeting, **kwargs: Any) -> None:
    key = _key(instance, "minutes")
    if not instance.minutes.strip():
        forget_activity(key)
        return
    record_activity(
        key=key, project_id=instance.project_id, kind=Activity.Kind.MINUTES, title=instance.title,
        url=default_language_path("meetings:detail", instance.pk),
        at=min(instance.ends_at, timezone.now()), move=False,
    )


@receiver(post_save, sender=Article)
def article_saved(sender: Any, instance: Article, **kwargs: Any) -> None:
    key = _key(instance, "published")
    if instance.status != Article.Status.PUBLISHED:
        forget_activity(key)
        return
    titles = {code: str(value) for code, _name in settings.LANGUAGES if (value := getattr(instance, f"title_{code}"))}
    with translation.override(settings.LANGUAGE_CODE):  # stored once; the feed translates it for the reader
        title, url = str(instance.title or instance), instance.get_absolute_url()
    # A scheduled article enters the feed at its publish time (the feed shows only the past).
    record_activity(
        key=key, project_id=instance.project_id, kind=Activity.Kind.NEWS, title=title, titles=titles,
        url=url, actor=instance.author, at=instance.publish_at,
    )


@receiver(post_delete, sender=DocumentVersion)
def version_deleted(sender: Any, instance: DocumentVersion, **kwargs: Any) -> None:
    _forget(sender, instance)
    if instance.file:
        instance.file.delete(save=False)
