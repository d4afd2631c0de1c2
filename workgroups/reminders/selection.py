"""Who is reminded of what: the candidates of a sweep, from set-based queries.

The candidates are decided on plain values (tasks, the M2M through tables as id pairs,
members' settings, the reminder keys already taken); model instances are loaded only
for the tasks and people actually planned, ``LOAD_BATCH`` per query, so a quiet run
builds nothing and the queries grow with batches, not with tasks or people.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import F, QuerySet

from outbox.services import zone
from projects.models import Membership, Partner, Person, Project
from workgroups.models import DeadlineReminder, Task, WorkGroup, deadline_end
from workgroups.reminders.rules import Occasion, ReminderSettings, day_list, latest_due_occasion

User = get_user_model()

# Tasks, work groups, projects or people loaded as instances per query.
LOAD_BATCH = 2000
# What a digest and the command's report show of a task (its description is never shown).
DIGEST_FIELDS = ("title", "deadline", "status", "work_group")
# What a digest shows of its reader: the address, the name it greets, the language and time zone.
RECIPIENT_FIELDS = ("email", "first_name", "person__language", "person__time_zone")

Role = DeadlineReminder.Role
# A person who is both responsible and a contact (or a coordinator) is reminded once, in
# the closest role.
ROLE_RANK: dict[str, int] = {Role.RESPONSIBLE: 0, Role.CONTACT: 1, Role.COORDINATOR: 2}


@dataclass(slots=True)  # a sweep holds tens of thousands
class Planned:
    """One reminder a sweep sends (or, in a dry run, would send)."""

    task: Task
    user: Any
    role: str
    occasion: Occasion
    reminder_id: int | None = None


@dataclass(frozen=True)
class ProjectRules:
    time_zone: str
    days: list[int]
    overdue_repeat: int


@dataclass
class Audience:
    """The people around the due tasks, as ids: who is a member (with an address) of which
    project, who coordinates, who is responsible, which organisations' contacts."""

    members: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    coordinators: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    settings: dict[int, ReminderSettings] = field(default_factory=dict)
    responsible: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    organisations: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    contacts: dict[tuple[int, int], list[int]] = field(default_factory=lambda: defaultdict(list))

    def recipients(self, task_id: int, project_id: int) -> dict[int, str]:
        """user id -> role for one task: only members of its project (the link must open)."""
        in_project = self.members[project_id]
        chosen: dict[int, str] = {}

        def offer(user_ids: Iterable[int], role: str) -> None:
            for user_id in user_ids:
                current = chosen.get(user_id)
                if user_id in in_project and (current is None or ROLE_RANK[role] < ROLE_RANK[current]):
                    chosen[user_id] = role

        offer(self.responsible.get(task_id, ()), Role.RESPONSIBLE)
        for org_id in self.organisations.get(task_id, ()):
            offer(self.contacts.get((project_id, org_id), ()), Role.CONTACT)
        offer(self.coordinators.get(project_id, ()), Role.COORDINATOR)
        return chosen


def horizon(now: datetime) -> date:
    """The latest deadline any reminder can be due for at ``now`` (set-based, two queries)."""
    values = set(Project.objects.values_list("reminder_days", flat=True).distinct())
    values |= set(Person.objects.exclude(reminder_days="").values_list("reminder_days", flat=True).distinct())
    longest = max((max(day_list(value) or [0]) for value in values), default=0)
    # +2: time zones up to 14 hours ahead of UTC already live on the next day.
    return now.astimezone(UTC).date() + timedelta(days=longest + 2)


def _audience(due: QuerySet[Task], project_ids: set[int]) -> Audience:
    """Four queries, whatever the number of tasks and people."""
    audience = Audience()
    for project_id, user_id, role, email, hour, tz_name, days in Membership.objects.filter(
        project_id__in=project_ids, user__is_active=True
    ).values_list(
        "project_id", "user_id", "role", "user__email",
        "user__person__reminder_hour", "user__person__time_zone", "user__person__reminder_days",
    ):
        # Without an address there is nobody to remind: such members are left out here.
        if not email:
            continue
        audience.members[project_id].add(user_id)
        if role == Membership.Role.COORDINATOR:
            audience.coordinators[project_id].append(user_id)
        if user_id not in audience.settings:
            audience.settings[user_id] = ReminderSettings(hour, zone(tz_name), day_list(days))

    for task_id, user_id in Task.responsible_people.through.objects.filter(
        task__in=due, user__is_active=True
    ).values_list("task_id", "user_id"):
        audience.responsible[task_id].append(user_id)
    for task_id, org_id in Task.responsible_organisations.through.objects.filter(task__in=due).values_list(
        "task_id", "organisation_id"
    ):
        audience.organisations[task_id].append(org_id)
    if audience.organisations:
        org_ids = {o for orgs in audience.organisations.values() for o in orgs}
        for project_id, org_id, user_id in Partner.contacts.through.objects.filter(
            partner__project_id__in=project_ids, partner__organisation_id__in=org_ids, person__user__is_active=True
        ).values_list("partner__project_id", "partner__organisation_id", "person__user_id"):
            audience.contacts[(project_id, org_id)].append(user_id)
    return audience


def _choose(
    now: datetime, tasks: list[tuple[int, date, int]], projects: dict[int, ProjectRules],
    audience: Audience, taken: set[tuple[int, int, str]],
) -> list[tuple[int, int, str, Occasion]]:
    """(task, user, role, occasion) of every due reminder not taken yet."""
    # Many tasks share a deadline and many people the same settings: each occasion once.
    occasions: dict[tuple[Any, ...], Occasion | None] = {}
    ends: dict[tuple[date, str], datetime] = {}
    chosen: list[tuple[int, int, str, Occasion]] = []
    for task_id, deadline, project_id in tasks:
        rules = projects[project_id]
        recipients = audience.recipients(task_id, project_id)
        if not recipients:
            continue
        end = ends.get((deadline, rules.time_zone))
        if end is None:
            end = ends[(deadline, rules.time_zone)] = deadline_end(deadline, rules.time_zone)
        for user_id, role in recipients.items():
            person = audience.settings[user_id]
            # Coordinators hear of a task only once it is overdue (the escalation).
            days_before = () if role == Role.COORDINATOR else tuple(
                person.days if person.days is not None else rules.days
            )
            key = (deadline, end, days_before, rules.overdue_repeat, person.hour, person.tz.key)
            if key not in occasions:
                occasions[key] = latest_due_occasion(
                    deadline=deadline, deadline_end=end, days_before=days_before,
                    overdue_repeat=rules.overdue_repeat, hour=person.hour, tz=person.tz, now=now,
                )
            occasion = occasions[key]
            if occasion is not None and (task_id, user_id, occasion.key) not in taken:
                chosen.append((task_id, user_id, role, occasion))
    return chosen


def _by_pk(queryset: QuerySet[Any], ids: Iterable[int]) -> dict[int, Any]:
    ordered = sorted(set(ids))
    objects: dict[int, Any] = {}
    for start in range(0, len(ordered), LOAD_BATCH):
        objects.update((o.pk, o) for o in queryset.filter(pk__in=ordered[start:start + LOAD_BATCH]).order_by())
    return objects


def _load(chosen: list[tuple[int, int, str, Occasion]]) -> list[Planned]:
    """Instances only for what is planned, in batches (the digests show them). Each work
    group and project is loaded once and shared by its tasks: a select_related would build
    a copy of the project, with its texts in every language, for every task."""
    tasks: dict[int, Task] = _by_pk(Task.objects.only(*DIGEST_FIELDS), (c[0] for c in chosen))
    groups: dict[int, WorkGroup] = _by_pk(WorkGroup.objects.all(), (t.work_group_id for t in tasks.values()))
    projects: dict[int, Project] = _by_pk(Project.objects.all(), (g.project_id for g in groups.values()))
    for group in groups.values():
        group.project = projects[group.project_id]
    for task in tasks.values():
        task.work_group = groups[task.work_group_id]
    users = _by_pk(User.objects.select_related("person").only(*RECIPIENT_FIELDS), (c[1] for c in chosen))
    return [
        Planned(task=tasks[task_id], user=users[user_id], role=role, occasion=occasion)
        for task_id, user_id, role, occasion in chosen
    ]


def plan(now: datetime, *, unsent_only: bool = False) -> list[Planned]:
    """Every reminder that is due at ``now`` (sent or not; ``unsent_only``: only those
    without a reminder row yet), from a number of queries that grows with batches."""
    due = Task.objects.filter(status__in=Task.ACTIVE, deadline__lte=horizon(now))
    tasks = list(due.order_by("deadline", "pk").values_list("pk", "deadline", "work_group__project_id"))
    if not tasks:
        return []
    project_ids = {project_id for _pk, _deadline, project_id in tasks}
    projects = {
        pk: ProjectRules(time_zone, day_list(days) or [], repeat)
        for pk, time_zone, days, repeat in Project.objects.filter(pk__in=project_ids).values_list(
            "pk", "time_zone", "reminder_days", "overdue_repeat_days"
        )
    }
    taken: set[tuple[int, int, str]] = set()
    if unsent_only:  # rows of the tasks' current deadlines only: a moved deadline re-arms its reminders
        taken = set(DeadlineReminder.objects.filter(task__in=due, deadline=F("task__deadline")).values_list(
            "task_id", "recipient_id", "occasion"
        ))
    chosen = _choose(now, tasks, projects, _audience(due, project_ids), taken)
    return _load(chosen) if chosen else []
