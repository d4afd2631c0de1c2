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
    constraint. A sweep inserts its candidate rows with ON CONFLICT DO NOTHING, tagged
    with its own sweep id: the rows that insert returns are its own. Everything (rows,
    the digest emails in the outbox, the links between them) is one transaction: a sweep
    killed half-way leaves nothing behind, and a concurrent sweep waits on the unique
    index and then finds the rows taken. Delivery is the outbox's job
    (retries with backoff, then "failed"), queued only after commit.

Queries
    A number that grows with batches, not with tasks or people: the candidates are decided
    on plain values from a few set-based queries (tasks, the M2M tables as id pairs,
    members' settings, the reminder keys already taken), so a run with nothing new builds
    no model instances; only the planned tasks and people are loaded, ``LOAD_BATCH`` per
    query; the rows go in with one INSERT per ``INSERT_BATCH`` rows; the digest emails (one
    per recipient) go in batches of ``BATCH`` recipients, a few queries per batch.
"""
from __future__ import annotations

import hashlib
import html
import logging
import uuid
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from outbox.services import Draft, record_emails, render_email
from projects.models import Membership, Partner, Person, Project, parse_day_list
from workgroups.models import DeadlineReminder, Task, WorkGroup, deadline_end

log = logging.getLogger(__name__)

User = get_user_model()

CATEGORY = "deadline_reminder"
TEMPLATE = "workgroups/emails/deadline_digest"
DEFAULT_HOUR = 8

ROLE_RANK = {
    DeadlineReminder.Role.RESPONSIBLE: 0,
    DeadlineReminder.Role.CONTACT: 1,
    DeadlineReminder.Role.COORDINATOR: 2,
}


@dataclass(frozen=True)
class Occasion:
    kind: str  # DeadlineReminder.Kind
    key: str  # unique per task and recipient; begins with the deadline so a move re-arms
    at: datetime  # the moment (UTC) from which it is due


@dataclass
class Planned:
    """One reminder a sweep sends (or, in a dry run, would send)."""

    task: Task
    user: Any
    role: str
    occasion: Occasion
    reminder_id: int | None = None

    @property
    def person(self) -> Person | None:
        return getattr(self.user, "person", None)


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


# --- When ----------------------------------------------------------------------------------


def _moment(day: date, hour: int, tz: zoneinfo.ZoneInfo) -> datetime:
    # In UTC, because aware datetimes sharing a tzinfo compare by wall clock, which is
    # wrong around a change to summer time. An hour inside the gap (e.g. 03:00 on the
    # last Sunday of March in Riga) resolves to the offset before the change.
    return datetime.combine(day, time(hour), tzinfo=tz).astimezone(UTC)


def latest_due_occasion(
    *,
    deadline: date,
    deadline_end: datetime,
    days_before: Iterable[int],
    overdue_repeat: int | None,
    hour: int,
    tz: zoneinfo.ZoneInfo,
    now: datetime,
) -> Occasion | None:
    """The most recent occasion whose moment is <= now, or None (see the module's doc).

    ``overdue_repeat`` None: no overdue occasions (used for people reminded only before);
    0: a single overdue reminder; n: every n days.
    """
    now = now.astimezone(UTC)
    deadline_end = deadline_end.astimezone(UTC)
    best: Occasion | None = None
    for days in days_before:
        at = _moment(deadline - timedelta(days=days), hour, tz)
        # A reminder "due today" that would arrive after the deadline is no reminder.
        if at <= now and at < deadline_end and (best is None or at > best.at):
            best = Occasion(DeadlineReminder.Kind.BEFORE, f"{deadline.isoformat()}/before/{days}", at)
    if overdue_repeat is not None and now >= deadline_end:
        first = deadline + timedelta(days=1)
        if _moment(first, hour, tz) < deadline_end:  # far east of the project, the next morning comes early
            first += timedelta(days=1)
        local_today = now.astimezone(tz).date()
        if overdue_repeat <= 0:
            day: date | None = first
        else:
            steps = max(0, (local_today - first).days // overdue_repeat)
            day = first + timedelta(days=steps * overdue_repeat)
            if _moment(day, hour, tz) > now:
                day = day - timedelta(days=overdue_repeat) if day > first else None
        if day is not None:
            at = _moment(day, hour, tz)
            if at <= now and (best is None or at > best.at):
                best = Occasion(DeadlineReminder.Kind.OVERDUE, f"{deadline.isoformat()}/overdue/{day.isoformat()}", at)
    return best


def _day_list(value: str) -> list[int] | None:
    if not value or not value.strip():
        return None
    try:
        return [d for d in parse_day_list(value) if d >= 0]
    except ValueError:
        log.warning("Ignoring unreadable reminder days %r", value)
        return None


def _person_settings(user: Any) -> tuple[int, zoneinfo.ZoneInfo, list[int] | None]:
    person = getattr(user, "person", None)
    hour = person.reminder_hour if person is not None else DEFAULT_HOUR
    tz_name = person.time_zone if person is not None else settings.TIME_ZONE
    try:
        tz = zoneinfo.ZoneInfo(tz_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    days = _day_list(person.reminder_days) if person is not None else None
    return hour, tz, days


# --- Who ------------------------------------------------------------------------------------


def _horizon(now: datetime) -> date:
    """The latest deadline any reminder can be due for at ``now`` (set-based, two queries)."""
    longest = 0
    values = set(Project.objects.values_list("reminder_days", flat=True).distinct())
    values |= set(Person.objects.exclude(reminder_days="").values_list("reminder_days", flat=True).distinct())
    for value in values:
        days = _day_list(value) or [0]
        longest = max(longest, *days)
    # +2: time zones up to 14 hours ahead of UTC already live on the next day.
    return now.astimezone(UTC).date() + timedelta(days=longest + 2)


def plan(now: datetime, *, unsent_only: bool = False) -> list[Planned]:
    """Every reminder that is due at ``now`` (sent or not; ``unsent_only``: only those
    without a reminder row yet), from a number of queries that grows with batches.

    The candidates are decided on plain values (tasks, the M2M through tables as id pairs,
    people's settings, existing reminder keys); model instances are loaded only for the
    tasks and people that are actually planned, so a quiet run builds nothing.
    """
    horizon = _horizon(now)
    due = Task.objects.filter(status__in=Task.ACTIVE, deadline__lte=horizon)
    tasks = list(due.order_by("deadline", "pk").values_list("pk", "deadline", "work_group__project_id"))
    if not tasks:
        return []
    project_ids = {project_id for _pk, _deadline, project_id in tasks}
    projects: dict[int, tuple[str, list[int], int]] = {
        pk: (time_zone, _day_list(days) or [], repeat)
        for pk, time_zone, days, repeat in Project.objects.filter(pk__in=project_ids).values_list(
            "pk", "time_zone", "reminder_days", "overdue_repeat_days"
        )
    }

    members: dict[int, set[int]] = defaultdict(set)
    coordinators: dict[int, list[int]] = defaultdict(list)
    people: dict[int, tuple[int, zoneinfo.ZoneInfo, list[int] | None]] = {}
    for project_id, user_id, role, email, person_id, hour, tz_name, days in Membership.objects.filter(
        project_id__in=project_ids, user__is_active=True
    ).values_list(
        "project_id", "user_id", "role", "user__email", "user__person__id", "user__person__reminder_hour",
        "user__person__time_zone", "user__person__reminder_days",
    ):
        # Without an address there is nobody to remind: such members are left out here.
        if not email:
            continue
        members[project_id].add(user_id)
        if role == Membership.Role.COORDINATOR:
            coordinators[project_id].append(user_id)
        if user_id not in people:
            people[user_id] = _settings_of(person_id, hour, tz_name, days)

    responsible: dict[int, list[int]] = defaultdict(list)
    for task_id, user_id in Task.responsible_people.through.objects.filter(
        task__in=due, user__is_active=True
    ).values_list("task_id", "user_id"):
        responsible[task_id].append(user_id)
    organisations: dict[int, list[int]] = defaultdict(list)
    for task_id, org_id in Task.responsible_organisations.through.objects.filter(task__in=due).values_list(
        "task_id", "organisation_id"
    ):
        organisations[task_id].append(org_id)
    contacts: dict[tuple[int, int], list[int]] = defaultdict(list)
    if organisations:
        org_ids = {o for orgs in organisations.values() for o in orgs}
        for project_id, org_id, user_id in Partner.contacts.through.objects.filter(
            partner__project_id__in=project_ids, partner__organisation_id__in=org_ids, person__user__is_active=True
        ).values_list("partner__project_id", "partner__organisation_id", "person__user_id"):
            contacts[(project_id, org_id)].append(user_id)

    taken: set[tuple[int, int, str]] = set()
    if unsent_only:
        # Rows of the tasks' current deadlines only: a moved deadline re-arms its reminders.
        taken = set(
            DeadlineReminder.objects.filter(task__in=due, deadline=F("task__deadline")).values_list(
                "task_id", "recipient_id", "occasion"
            )
        )

    # Many tasks share a deadline and many people the same settings: each occasion once.
    occasions: dict[tuple[Any, ...], Occasion | None] = {}
    ends: dict[tuple[date, str], datetime] = {}
    chosen: list[tuple[int, int, str, Occasion]] = []
    for task_id, deadline, project_id in tasks:
        project_tz, project_days, repeat = projects[project_id]
        in_project = members[project_id]
        recipients: dict[int, str] = {}

        def offer(user_id: int, role: str) -> None:
            if user_id not in in_project:
                return
            current = recipients.get(user_id)
            if current is None or ROLE_RANK[role] < ROLE_RANK[current]:
                recipients[user_id] = role

        for user_id in responsible.get(task_id, ()):
            offer(user_id, DeadlineReminder.Role.RESPONSIBLE)
        for org_id in organisations.get(task_id, ()):
            for user_id in contacts.get((project_id, org_id), ()):
                offer(user_id, DeadlineReminder.Role.CONTACT)
        for user_id in coordinators.get(project_id, ()):
            offer(user_id, DeadlineReminder.Role.COORDINATOR)
        if not recipients:
            continue

        end = ends.get((deadline, project_tz))
        if end is None:
            end = ends[(deadline, project_tz)] = deadline_end(deadline, project_tz)
        for user_id, role in recipients.items():
            hour, tz, own_days = people[user_id]
            days_before = () if role == DeadlineReminder.Role.COORDINATOR else tuple(
                own_days if own_days is not None else project_days
            )
            key = (deadline, end, days_before, repeat, hour, tz.key)
            if key in occasions:
                occasion = occasions[key]
            else:
                occasion = occasions[key] = latest_due_occasion(
                    deadline=deadline, deadline_end=end, days_before=days_before,
                    overdue_repeat=repeat, hour=hour, tz=tz, now=now,
                )
            if occasion is not None and (task_id, user_id, occasion.key) not in taken:
                chosen.append((task_id, user_id, role, occasion))
    if not chosen:
        return []

    # Instances only for what is planned, in batches (the digests show them). Each work
    # group and project is loaded once and shared by its tasks: a select_related would
    # build a copy of the project, with its texts in every language, for every task.
    task_objects: dict[int, Task] = {}
    user_objects: dict[int, Any] = {}
    task_ids = sorted({c[0] for c in chosen})
    user_ids = sorted({c[1] for c in chosen})
    for start in range(0, len(task_ids), LOAD_BATCH):
        task_objects.update(
            (t.pk, t) for t in Task.objects.filter(pk__in=task_ids[start:start + LOAD_BATCH]).order_by()
        )
    groups: dict[int, WorkGroup] = {}
    group_ids = sorted({t.work_group_id for t in task_objects.values()})
    for start in range(0, len(group_ids), LOAD_BATCH):
        groups.update(
            (g.pk, g) for g in WorkGroup.objects.filter(pk__in=group_ids[start:start + LOAD_BATCH]).order_by()
        )
    project_objects: dict[int, Project] = {}
    planned_projects = sorted({g.project_id for g in groups.values()})
    for start in range(0, len(planned_projects), LOAD_BATCH):
        project_objects.update(
            (p.pk, p) for p in Project.objects.filter(pk__in=planned_projects[start:start + LOAD_BATCH]).order_by()
        )
    for group in groups.values():
        group.project = project_objects[group.project_id]
    for task in task_objects.values():
        task.work_group = groups[task.work_group_id]
    for start in range(0, len(user_ids), LOAD_BATCH):
        user_objects.update(
            (u.pk, u) for u in User.objects.filter(pk__in=user_ids[start:start + LOAD_BATCH]).select_related("person")
        )
    return [
        Planned(task=task_objects[task_id], user=user_objects[user_id], role=role, occasion=occasion)
        for task_id, user_id, role, occasion in chosen
    ]


# Tasks or people loaded as instances per query in ``plan()``.
LOAD_BATCH = 2000


def _settings_of(
    person_id: int | None, hour: int | None, tz_name: str | None, days: str | None
) -> tuple[int, zoneinfo.ZoneInfo, list[int] | None]:
    """``_person_settings`` from a person's values (all None: the user has no person)."""
    if person_id is None:
        hour, tz_name, days = DEFAULT_HOUR, settings.TIME_ZONE, None
    try:
        tz = zoneinfo.ZoneInfo(tz_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return hour, tz, _day_list(days) if days is not None else None


# --- Exactly once ------------------------------------------------------------------------------


def sweep(now: datetime | None = None, *, dry_run: bool = False) -> SweepResult:
    """Send every due, unsent reminder: one digest email per recipient.

    In a dry run nothing is written; the result lists what would be sent.
    """
    now = (now or timezone.now()).astimezone(UTC)
    result = SweepResult(now=now, dry_run=dry_run)
    # Only keys without a reminder row yet: a quiet run builds nothing. The insert below
    # still decides, against a concurrent sweep, which rows are this sweep's.
    candidates = plan(now, unsent_only=True)
    if not candidates:
        return result
    if dry_run:
        result.planned = candidates
        return result

    token = uuid.uuid4()
    # One order for every sweep, so two concurrent inserts queue behind each other on the
    # unique index instead of deadlocking.
    candidates.sort(key=lambda c: (c.task.pk, c.user.pk, c.occasion.key))
    by_key = {(c.task.pk, c.user.pk, c.occasion.key): c for c in candidates}
    with transaction.atomic():
        # Only the rows this sweep inserted come back: those are ours to send (newest
        # first, as they were read back by their sweep id before).
        for pk, task_id, user_id, key in sorted(_claim(candidates, token), reverse=True):
            item = by_key[(task_id, user_id, key)]
            item.reminder_id = pk
            result.planned.append(item)
        # Digests go in batches of recipients: each batch is rendered, recorded with one
        # INSERT and linked to its reminder rows with one UPDATE, so the queries grow with
        # batches, not with recipients (a CASE over every recipient would also cost rows x
        # recipients comparisons: 35,000 x 4,900 in the benchmark).
        # Escalations show who is responsible: their names are loaded for those tasks only.
        escalated = sorted({i.task.pk for i in result.planned if i.role == DeadlineReminder.Role.COORDINATOR})
        lines = _Lines(now, _responsible_names(escalated))
        digests = list(result.by_recipient().items())
        for start in range(0, len(digests), BATCH):
            chunk = digests[start:start + BATCH]
            drafts = [_digest(user, items, now, lines) for user, items in chunk]
            email_for_user: dict[int, int] = {}
            for (user, _items), email in zip(chunk, record_emails(drafts), strict=True):
                if email is not None:
                    email_for_user[user.pk] = email.pk
                    result.email_ids.append(email.pk)
            _link(token, email_for_user)
    if result.planned:
        log.info("Deadline reminders: %d reminder(s) in %d email(s)", len(result.planned), len(result.email_ids))
    return result


# Reminder rows per INSERT (nine values each).
INSERT_BATCH = 2000


def _claim(candidates: list[Planned], token: uuid.UUID) -> list[tuple[int, int, int, str]]:
    """Insert the candidates' rows with ON CONFLICT DO NOTHING, tagged with ``token``, and
    return (pk, task, recipient, occasion) of the rows this insert wrote.

    In SQL rather than ``bulk_create``: preparing 35,000 model instances and their values
    field by field cost more than the database's part of the insert.
    """
    meta = DeadlineReminder._meta
    qn = connection.ops.quote_name

    def prep(name: str, value: Any) -> Any:
        return meta.get_field(name).get_db_prep_save(value, connection)

    columns = ("task_id", "recipient_id", "occasion", "kind", "role", "deadline", "due_at", "sweep", "created_at")
    sweep_id, created = prep("sweep", token), prep("created_at", timezone.now())
    dates: dict[date, Any] = {}
    moments: dict[datetime, Any] = {}
    claimed: list[tuple[int, int, int, str]] = []
    with connection.cursor() as cursor:
        for start in range(0, len(candidates), INSERT_BATCH):
            chunk = candidates[start:start + INSERT_BATCH]
            params: list[Any] = []
            for c in chunk:
                deadline, at = c.task.deadline, c.occasion.at
                if deadline not in dates:
                    dates[deadline] = prep("deadline", deadline)
                if at not in moments:
                    moments[at] = prep("due_at", at)
                params += (
                    c.task.pk, c.user.pk, c.occasion.key, c.occasion.kind, c.role, dates[deadline], moments[at],
                    sweep_id, created,
                )
            row = "(" + ", ".join(["%s"] * len(columns)) + ")"
            cursor.execute(
                f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(c) for c in columns)}) "
                f"VALUES {', '.join([row] * len(chunk))} ON CONFLICT DO NOTHING "
                f"RETURNING {qn('id')}, {qn('task_id')}, {qn('recipient_id')}, {qn('occasion')}",
                params,
            )
            claimed += cursor.fetchall()
    return claimed


def _link(token: uuid.UUID, email_for_user: dict[int, int]) -> None:
    """Point this sweep's reminder rows of these recipients to their digest: one UPDATE."""
    if not email_for_user:
        return
    meta = DeadlineReminder._meta
    qn = connection.ops.quote_name
    params: list[Any] = [v for pair in email_for_user.items() for v in pair]
    params.append(meta.get_field("sweep").get_db_prep_save(token, connection))
    params += list(email_for_user)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {qn(meta.db_table)} SET {qn('email_id')} = CASE {qn('recipient_id')} "
            f"{' '.join(['WHEN %s THEN %s'] * len(email_for_user))} END "
            f"WHERE {qn('sweep')} = %s AND {qn('recipient_id')} IN ({', '.join(['%s'] * len(email_for_user))})",
            params,
        )


def _responsible_names(task_ids: list[int]) -> dict[int, str]:
    """What an escalation shows as responsible, per task: the active responsible people in
    the order they were assigned, then the organisations by name ("" for nobody)."""
    people: dict[int, list[str]] = defaultdict(list)
    organisations: dict[int, list[str]] = defaultdict(list)
    for start in range(0, len(task_ids), LOAD_BATCH):
        chunk = task_ids[start:start + LOAD_BATCH]
        for task_id, first, last, email in (
            Task.responsible_people.through.objects.filter(task_id__in=chunk, user__is_active=True)
            .order_by("pk").values_list("task_id", "user__first_name", "user__last_name", "user__email")
        ):
            # As User.get_full_name(), falling back to the address.
            people[task_id].append(f"{first} {last}".strip() or email)
        for task_id, name in (
            Task.responsible_organisations.through.objects.filter(task_id__in=chunk)
            .order_by("organisation__name").values_list("task_id", "organisation__name")
        ):
            organisations[task_id].append(name)
    return {pk: ", ".join(people.get(pk, []) + organisations.get(pk, [])) for pk in task_ids}


# --- How ---------------------------------------------------------------------------------------

# Recipients per batch: one INSERT of their digests and one UPDATE of their reminder rows.
BATCH = 200

# Labels of a digest line, as the templates translated them once above their loop.
_LABELS = (
    "Status",
    "Responsible",
    "You receive this as a coordinator of the project.",
    "Your organisation is responsible for this task.",
)


def _escape(value: str) -> str:
    """What the templates' auto-escaping made of a value (``conditional_escape``), without
    its lazy-string checks, which cost more than the escaping itself tens of thousands of
    times in a sweep."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(value)


class _Lines:
    """What a digest line shows, computed once per task or per (language, value) in a sweep.

    A sweep renders tens of thousands of lines. Looping over them in the templates (a
    dozen variable and tag nodes per line, in the text and in the HTML) cost most of a
    large sweep, so each line's text and HTML are built here, from the same strings the
    templates used to output and escaped as their auto-escaping did; the templates keep
    the frame of the email. Call inside ``translation.override``.
    """

    def __init__(self, now: datetime, names: dict[int, str] | None = None) -> None:
        self.now = now
        self.names = names if names is not None else {}
        self.tasks: dict[int, dict[str, Any]] = {}
        self.cache: dict[tuple[Any, ...], Any] = {}

    def task(self, task: Task) -> dict[str, Any]:
        info = self.tasks.get(task.pk)
        if info is None:
            end = deadline_end(task.deadline, task.work_group.project.time_zone)
            info = self.tasks[task.pk] = {
                "end": end, "last_minute": end - timedelta(minutes=1), "overdue": self.now >= end,
            }
        return info

    def parts(self, language: str, task: Task, url: str, status: str) -> tuple[str, str, str, str]:
        """A line's text and HTML around its sentence and note, the same for every reader
        of the task in this language: (text before the sentence, text after it, HTML
        before it, HTML after it)."""

        def make() -> tuple[str, str, str, str]:
            status_label, status_html = self.labels(language)[0][0], self.labels(language)[1][0]
            return (
                f"\n* {task.title} ({task.work_group.name})\n  ",
                f"\n  {status_label}: {status}",
                f'\n<li style="margin-bottom:12px;">\n'
                f'<a href="{_escape(url)}" style="color:#003399;font-weight:bold;">'
                f"{_escape(task.title)}</a>\n"
                f'<span style="color:#4a5568;">({_escape(task.work_group.name)})</span><br>\n',
                f'</span><br>\n<span style="color:#4a5568;">{status_html}: {_escape(status)}</span>\n',
            )

        return self._cached(("parts", language, task.pk), make)

    def responsible_names(self, task: Task) -> str:
        names = self.names.get(task.pk)
        if names is None:
            names = self.names[task.pk] = _responsible_names([task.pk])[task.pk]
        return names

    def _cached(self, key: tuple[Any, ...], make: Any) -> Any:
        value = self.cache.get(key)
        if value is None:
            value = self.cache[key] = make()
        return value

    def labels(self, language: str) -> tuple[list[str], list[str]]:
        """The line labels for the text and for the HTML."""

        def make() -> tuple[list[str], list[str]]:
            # As {% translate ... as label %} gave them (which restores doubled percent signs).
            text = [gettext(msgid).replace("%%", "%") for msgid in _LABELS]
            return text, [_escape(label) for label in text]

        return self._cached(("labels", language), make)

    def task_url(self, language: str, pk: int) -> str:
        prefix = self._cached(("url", language), lambda: reverse("workgroups:task", args=[0])[:-2])
        return f"{settings.SITE_URL}{prefix}{pk}/"

    def profile_url(self, language: str) -> str:
        return self._cached(("profile", language), lambda: f"{settings.SITE_URL}{reverse('profile')}")

    def status(self, language: str, task: Task) -> str:
        return self._cached(("status", language, task.status), lambda: str(task.get_status_display()))

    def until(self, language: str, last_minute: datetime, tz: zoneinfo.ZoneInfo, deadline: date) -> str:
        # "until 22:59 your time" reads better than repeating the date, unless the
        # deadline's last minute falls on another day where the person lives.
        def make() -> str:
            local = last_minute.astimezone(tz)
            if local.date() == deadline:
                return formats.time_format(local, "TIME_FORMAT")
            return formats.date_format(local, "DATETIME_FORMAT")

        return self._cached(("until", language, last_minute, tz.key, deadline), make)

    def sentence(self, language: str, overdue: bool, days: int, deadline: date, until: str) -> str:
        """The line's due/overdue sentence (``days``: overdue by, or left)."""

        def make() -> str:
            values = {
                "days": formats.localize(days),
                "deadline": self._cached(("date", language, deadline), lambda: formats.date_format(deadline, "DATE_FORMAT")),
                "until": until,
            }
            if overdue:
                text = ngettext(
                    "Overdue by %(days)s day: the deadline was %(deadline)s.",
                    "Overdue by %(days)s days: the deadline was %(deadline)s.", days,
                )
            elif days <= 0:
                text = gettext("Due today, %(deadline)s (until %(until)s your time).")
            elif days == 1:
                text = gettext("Due tomorrow, %(deadline)s (until %(until)s your time).")
            else:
                text = ngettext("Due in %(days)s day, on %(deadline)s.", "Due in %(days)s days, on %(deadline)s.", days)
            # Translations and formatted dates only, no user input: the templates show it as is.
            return mark_safe(text % values)  # noqa: S308

        return self._cached(("sentence", language, overdue, days, deadline, until), make)


def digest_items(user: Any, items: list[Planned], now: datetime, lines: _Lines | None = None) -> list[dict[str, Any]]:
    """The digest's content grouped by project, sorted like a calendar (in the reader's
    language); each group's lines also as one ``text`` and one ``html`` fragment."""
    lines = lines or _Lines(now)
    language = translation.get_language()
    _hour, tz, _days = _person_settings(user)
    today = now.astimezone(tz).date()
    (_status, responsible_label, coordinator_note, contact_note), labels_html = lines.labels(language)
    _status_html, responsible_html, coordinator_html, contact_html = labels_html
    groups: dict[int, dict[str, Any]] = {}
    texts: dict[int, list[str]] = defaultdict(list)
    htmls: dict[int, list[str]] = defaultdict(list)
    # Newest task first among lines that sort the same: the order the claimed rows came in.
    ordered = sorted(items, key=lambda i: -i.task.pk)
    for item in sorted(ordered, key=lambda i: (i.task.work_group.project.title, i.task.deadline, i.task.title)):
        task = item.task
        info = lines.task(task)
        project = task.work_group.project
        group = groups.get(project.pk)
        if group is None:
            group = groups[project.pk] = {"project": project, "items": []}
        overdue = info["overdue"]
        days_left = (task.deadline - today).days
        days_overdue = max(1, (today - task.deadline).days) if overdue else 0
        until = lines.until(language, info["last_minute"], tz, task.deadline)
        sentence = lines.sentence(language, overdue, days_overdue if overdue else days_left, task.deadline, until)
        url = lines.task_url(language, task.pk)
        status = lines.status(language, task)
        escalation = item.role == DeadlineReminder.Role.COORDINATOR
        contact = item.role == DeadlineReminder.Role.CONTACT
        names = (lines.responsible_names(task) or "–") if escalation else ""
        group["items"].append({
            "task": task, "title": task.title, "overdue": overdue, "escalation": escalation, "contact": contact,
            "days_left": days_left, "days_overdue": days_overdue, "sentence": sentence, "url": url,
            "status": status, "responsible_names": names,
        })
        # What the templates' loop over the lines output, byte for byte.
        text_head, text_status, html_head, html_status = lines.parts(language, task, url, status)
        if escalation:
            note = f"\n  {coordinator_note} {responsible_label}: {names}"
            note_html = (
                f'<br><span style="color:#4a5568;">{coordinator_html} {responsible_html}: '
                f"{_escape(names)}</span>"
            )
        elif contact:
            note = f"\n  {contact_note}"
            note_html = f'<br><span style="color:#4a5568;">{contact_html}</span>'
        else:
            note = note_html = ""
        texts[project.pk].append(f"{text_head}{sentence}{text_status}{note}\n  {url}\n")
        red = ' style="color:#b00020;font-weight:bold;"' if overdue else ""
        htmls[project.pk].append(f"{html_head}<span{red}>{sentence}{html_status}{note_html}\n</li>\n")
    for pk, group in groups.items():
        # Escaped above where the templates escaped: the fragments are safe as they are.
        group["text"] = mark_safe("".join(texts[pk]))  # noqa: S308
        group["html"] = mark_safe("".join(htmls[pk]))  # noqa: S308
    return list(groups.values())


def _digest_key(user: Any, items: list[Planned]) -> str:
    ids = ",".join(str(i) for i in sorted(item.reminder_id or 0 for item in items))
    return f"deadline-digest:{user.pk}:{hashlib.sha256(ids.encode()).hexdigest()[:32]}"


def _digest(user: Any, items: list[Planned], now: datetime, lines: _Lines) -> Draft:
    person = getattr(user, "person", None)
    language = person.language if person is not None else settings.LANGUAGE_CODE
    _hour, tz, _days = _person_settings(user)
    with translation.override(language):  # the lines are formatted for the reader
        groups = digest_items(user, items, now, lines)
        profile_url = lines.profile_url(language)
    projects = [g["project"] for g in groups]
    context = {
        "recipient": user,
        "groups": groups,
        "profile_url": profile_url,
        "count": len(items),
        "single": groups[0]["items"][0] if len(items) == 1 else None,
        "overdue_count": sum(1 for g in groups for i in g["items"] if i["overdue"] and not i["escalation"]),
    }
    return Draft(
        key=_digest_key(user, items), category=CATEGORY, to_email=user.email,
        rendered=render_email(TEMPLATE, context, language, str(tz)),
        language=language, user=user, project=projects[0] if len(projects) == 1 else None,
    )
