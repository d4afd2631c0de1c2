"""Deadline reminders: who is reminded of which task when, sent exactly once.

When
    A person is reminded at their own hour (``Person.reminder_hour``, default 08:00) in
    their own time zone, N days before a task's deadline for each N of their
    ``reminder_days`` (empty: the project's, default 7, 1 and 0). The deadline is the end
    of its day in the project's time zone. An open task past its deadline is repeated
    every ``Project.overdue_repeat_days`` (first on the day after the deadline; 0 means
    once) to the responsible people and, as an escalation, to the project's coordinators.

Catch-up window
    A sweep at moment T sends, for every (task, person), the *latest* occasion whose
    moment is <= T if it has not been sent yet. So a missed run (worker down) is caught up
    by the next one, and nothing that still matters is lost; an occasion that a later one
    has superseded (the 7-day reminder once the 1-day moment has come) is not sent any
    more, so a worker that was down for a week sends one current reminder, not a pile of
    stale ones. An occasion stays sendable exactly until the next occasion's moment.

Who
    The responsible people, and the contact people (``Partner.contacts``) of responsible
    organisations in the task's project; coordinators for overdue tasks. Only active
    accounts that are members of the project (the link must open for them).

Exactly once
    Each (task, recipient, occasion) is a ``DeadlineReminder`` row under a unique
    constraint. A sweep inserts its candidate rows with conflicts ignored, tagged
    with its own sweep id: the rows carrying that id are its own. Everything (rows,
    the digest emails in the outbox, the links between them) is one transaction: a sweep
    killed half-way leaves nothing behind, and a concurrent sweep waits on the unique
    index and then finds the rows taken. Delivery is the outbox's job
    (retries with backoff, then "failed"), queued only after commit.

Parts
    ``rules`` (the pure rule: which occasion is due), ``selection`` (who gets what),
    ``claiming`` (the unique rows a sweep owns), ``rendering`` (the digests, from
    templates); ``sweep()`` below runs them in that order.

Queries
    A number that grows with batches, not with tasks or people: the candidates are decided
    on plain values from a few set-based queries (tasks, the M2M tables as id pairs,
    members' settings, the reminder keys already taken), so a run with nothing new builds
    no model instances; only the planned tasks and people are loaded, ``LOAD_BATCH`` per
    query; the rows go in with one INSERT per ``INSERT_BATCH`` rows; the digest emails (one
    per recipient) go in batches of about ``BATCH`` reminders, a few queries per batch.
"""
from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from outbox.services import record_emails
from workgroups.models import DeadlineReminder
from workgroups.reminders import rendering
from workgroups.reminders.claiming import claim, link
from workgroups.reminders.rules import Occasion, latest_due_occasion
from workgroups.reminders.selection import Planned, plan

__all__ = ["Occasion", "Planned", "SweepResult", "latest_due_occasion", "plan", "sweep"]

log = logging.getLogger(__name__)

# Reminders per batch of digests: one INSERT of the digests and one UPDATE of their
# reminder rows. Counted in reminders, not recipients: a coordinator's digest can list
# hundreds of escalations, and 200 of them were the sweep's peak of memory.
BATCH = 1000


@dataclass
class SweepResult:
    now: datetime
    dry_run: bool
    planned: list[Planned] = field(default_factory=list)
    email_ids: list[int] = field(default_factory=list)

    def by_recipient(self) -> dict[Any, list[Planned]]:
        grouped: dict[Any, list[Planned]] = defaultdict(list)
        for item in self.planned:
            grouped[item.user].append(item)
        return dict(grouped)


def _batches(digests: dict[Any, list[Planned]]) -> Iterator[list[tuple[Any, list[Planned]]]]:
    """Recipients and their reminders, in batches of BATCH reminders or a little more."""
    batch: list[tuple[Any, list[Planned]]] = []
    size = 0
    for user, items in digests.items():
        batch.append((user, items))
        size += len(items)
        if size >= BATCH:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def sweep(now: datetime | None = None, *, dry_run: bool = False) -> SweepResult:
    """Send every due, unsent reminder: one digest email per recipient.

    In a dry run nothing is written; the result lists what would be sent.
    """
    now = (now or timezone.now()).astimezone(UTC)
    result = SweepResult(now=now, dry_run=dry_run)
    # Only keys without a reminder row yet: a quiet run builds nothing. The claim below
    # still decides, against a concurrent sweep, which rows are this sweep's.
    candidates = plan(now, unsent_only=True)
    if not candidates or dry_run:
        result.planned = candidates
        return result

    token = uuid.uuid4()
    with transaction.atomic():
        result.planned = claim(candidates, token)
        # Escalations show who is responsible: their names are loaded for those tasks only.
        escalated = sorted({i.task.pk for i in result.planned if i.role == DeadlineReminder.Role.COORDINATOR})
        formats = rendering.Formats(now, rendering.responsible_names(escalated))
        # Digests go in batches of recipients: each batch is rendered, recorded with one
        # INSERT and linked to its reminder rows with one UPDATE, so the queries grow with
        # batches, not with recipients, and the memory with one batch's emails.
        for chunk in _batches(result.by_recipient()):
            drafts = [rendering.digest(user, items, formats) for user, items in chunk]
            email_for_user: dict[int, int] = {}
            for (user, _items), email in zip(chunk, record_emails(drafts), strict=True):
                if email is not None:
                    email_for_user[user.pk] = email.pk
                    result.email_ids.append(email.pk)
            link(token, email_for_user)
    if result.planned:
        log.info("Deadline reminders: %d reminder(s) in %d email(s)", len(result.planned), len(result.email_ids))
    return result
