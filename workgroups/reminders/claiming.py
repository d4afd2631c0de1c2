"""Exactly once: a sweep owns the reminder rows it inserted, and sends only those.

Each (task, recipient, occasion) is a ``DeadlineReminder`` row under a unique
constraint. A sweep inserts its candidates' rows with conflicts ignored, tagged with its
own sweep id, and reads back the rows carrying that id: those are its own. A concurrent
sweep waits on the unique index and then finds the rows taken.
"""
from __future__ import annotations

import uuid

from django.db.models import OuterRef, Subquery

from outbox.models import OutgoingEmail

from workgroups.models import DeadlineReminder
from workgroups.reminders.selection import Planned

# Reminder rows per INSERT.
INSERT_BATCH = 2000


def claim(candidates: list[Planned], token: uuid.UUID) -> list[Planned]:
    """Insert the candidates' rows under ``token``; return the candidates this sweep owns,
    newest row first, each with its ``reminder_id``. Call inside the sweep's transaction."""
    # One order for every sweep, so two concurrent inserts queue behind each other on the
    # unique index instead of deadlocking.
    candidates = sorted(candidates, key=lambda c: (c.task.pk, c.user.pk, c.occasion.key))
    # The rows are built one INSERT at a time: a whole sweep's instances at once would
    # set the sweeping process's peak memory.
    for start in range(0, len(candidates), INSERT_BATCH):
        DeadlineReminder.objects.bulk_create(
            [
                DeadlineReminder(
                    task_id=c.task.pk, recipient_id=c.user.pk, occasion=c.occasion.key, kind=c.occasion.kind,
                    role=c.role, deadline=c.task.deadline, due_at=c.occasion.at, sweep=token,
                )
                for c in candidates[start:start + INSERT_BATCH]
            ],
            ignore_conflicts=True,
        )
    by_key = {(c.task.pk, c.user.pk, c.occasion.key): c for c in candidates}
    owned = []
    for pk, task_id, user_id, key in DeadlineReminder.objects.filter(sweep=token).order_by("-pk").values_list(
        "pk", "task_id", "recipient_id", "occasion"
    ):
        item = by_key[(task_id, user_id, key)]
        item.reminder_id = pk
        owned.append(item)
    return owned


def link(token: uuid.UUID, email_for_user: dict[int, int]) -> None:
    """Point this sweep's reminder rows of these recipients to their digest: one UPDATE.

    A subquery rather than a CASE with a branch per recipient, which Django compiles
    (and PostgreSQL evaluates) branch by branch for every row."""
    if email_for_user:
        digest = OutgoingEmail.objects.filter(pk__in=list(email_for_user.values()), user_id=OuterRef("recipient_id"))
        DeadlineReminder.objects.filter(sweep=token, recipient_id__in=list(email_for_user)).update(
            email_id=Subquery(digest.values("pk")[:1])
        )
