"""Operations on tasks that change several rows at once (the task and its history).

Views, the admin, ``seed_demo`` and the tests all go through these functions, so every
change leaves a line in the task's history and the people concerned hear of assignments
and comments by email.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from outbox import replies
from outbox.models import OutgoingEmail
from outbox.services import queue_for_user
from projects import permissions
from workgroups.models import Task, TaskEvent, WorkGroup

# Fields a manager edits; status has its own path so that it always leaves history.
EDITABLE_FIELDS = ("title", "description", "deadline", "meeting")


@transaction.atomic
def create_task(
    work_group: WorkGroup,
    *,
    title: str,
    deadline: date,
    by: Any = None,
    description: str = "",
    meeting: Any = None,
    responsible_people: Iterable[Any] = (),
    responsible_organisations: Iterable[Any] = (),
    status: str = Task.Status.OPEN,
) -> Task:
    task = Task.objects.create(
        work_group=work_group, title=title, deadline=deadline, description=description,
        meeting=meeting, created_by=by, status=status,
        completed_on=timezone.localdate(timezone=work_group.project.tz) if status == Task.Status.DONE else None,
    )
    task.responsible_people.set(list(responsible_people))
    task.responsible_organisations.set(list(responsible_organisations))
    TaskEvent.objects.create(task=task, author=by, kind=TaskEvent.Kind.CREATED, new_value=status)
    notify_assignments(task, by=by)
    return task


@transaction.atomic
def update_task(
    task: Task,
    *,
    by: Any = None,
    responsible_people: Iterable[Any] | None = None,
    responsible_organisations: Iterable[Any] | None = None,
    **changes: Any,
) -> Task:
    """Apply a manager's edit; a moved deadline is recorded (it re-arms the reminders)."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    old_deadline = task.deadline
    edited = False
    for name, value in changes.items():
        if getattr(task, name) != value:
            setattr(task, name, value)
            edited = edited or name != "deadline"
    task.save()
    relations: list[tuple[Any, Iterable[Any] | None]] = [
        (task.responsible_people, responsible_people), (task.responsible_organisations, responsible_organisations),
    ]
    for relation, chosen in relations:
        if chosen is None:
            continue
        new = {obj.pk for obj in chosen}
        if new != set(relation.values_list("pk", flat=True)):
            relation.set(list(new))
            edited = True
    if task.deadline != old_deadline:
        TaskEvent.objects.create(
            task=task, author=by, kind=TaskEvent.Kind.DEADLINE,
            old_value=old_deadline.isoformat(), new_value=task.deadline.isoformat(),
        )
    if edited:
        TaskEvent.objects.create(task=task, author=by, kind=TaskEvent.Kind.EDITED)
    notify_assignments(task, by=by)
    return task


@transaction.atomic
def change_status(task: Task, status: str, *, by: Any = None, comment: str = "") -> bool:
    """Move a task to ``status``; returns False when it already was there (nothing recorded)."""
    status = Task.Status(status)
    # Lock the row so that two clicks on "done" leave one history entry.
    locked = Task.objects.select_for_update().get(pk=task.pk)
    if locked.status == status:
        if comment.strip():
            add_comment(task, comment, by=by)
        return False
    old = locked.status
    locked.status = status
    # The day it was done where the project lives, like the deadline.
    locked.completed_on = timezone.localdate(timezone=task.project.tz) if status == Task.Status.DONE else None
    locked.save(update_fields=["status", "completed_on", "updated_at"])
    task.status, task.completed_on = locked.status, locked.completed_on
    TaskEvent.objects.create(
        task=task, author=by, kind=TaskEvent.Kind.STATUS, old_value=old, new_value=status, text=comment.strip()
    )
    return True


@transaction.atomic
def add_comment(task: Task, text: str, *, by: Any = None) -> TaskEvent:
    text = text.strip()
    if not text:
        raise ValueError("empty comment")
    event = TaskEvent.objects.create(task=task, author=by, kind=TaskEvent.Kind.COMMENT, text=text)
    # The responsible people and whoever wrote on the task before hear of it; not the author.
    ids = set(task.responsible_people.values_list("pk", flat=True))
    ids |= set(task.events.exclude(text="").values_list("author_id", flat=True))
    for user in get_user_model().objects.filter(pk__in=ids - {event.author_id}, is_active=True).select_related("person"):
        _email(task, user, key=f"workgroups:comment:{event.pk}:{user.pk}", template="task_comment", event=event)
    return event


def notify_assignments(task: Task, *, by: Any = None) -> None:
    """Email each person newly made responsible, except one who assigned themselves.

    The outbox key names the assignment (the row linking person and task), so saving the
    task again sends nothing, while a person removed and assigned again is told again.
    Called after the responsible people are saved (the services here, the admin)."""
    if not task.is_active:
        return
    links = Task.responsible_people.through.objects.filter(task=task, user__is_active=True).select_related("user__person")
    keys = {link.pk: f"workgroups:assigned:{link.pk}" for link in links}
    sent = set(OutgoingEmail.objects.filter(key__in=keys.values()).values_list("key", flat=True))
    for link in links:
        if keys[link.pk] not in sent and (by is None or link.user_id != by.pk):
            _email(task, link.user, key=keys[link.pk], template="task_assigned", by=by)


def _email(task: Task, user: Any, *, key: str, template: str, **context: Any) -> None:
    """One task email, to a person who can still see the task; answerable (the answer
    becomes their comment) only if they may comment."""
    if not permissions.is_member(user, task.work_group.project_id):
        return
    can_comment = permissions.can_update_task(user, task)
    queue_for_user(
        user, key=key, category=f"workgroups.{template}", template=f"workgroups/emails/{template}",
        context={"task": task, "project": task.work_group.project, **context}, project=task.work_group.project,
        reply_to=replies.reply_address(replies.TASK, task.pk, user.pk) if can_comment else None,
    )
