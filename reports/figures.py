"""The report's figures, counted from plain rows: pure functions, no queries.

Kept apart from the queries (``reports.selectors``) so that each rule can be read, and
tested against a hand-counted project, on its own.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import pgettext_lazy

ONE_DAY = timedelta(days=1)


class ActionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("action status", "Open")
    LATE = "late", pgettext_lazy("action status", "Late")
    DONE = "done", pgettext_lazy("action status", "Done")
    CANCELLED = "cancelled", pgettext_lazy("action status", "Cancelled")
    # A decision that created no task: the minutes record it, nothing is followed up.
    RECORDED = "recorded", pgettext_lazy("action status", "Recorded, no task")


STILL_OPEN = (ActionStatus.OPEN, ActionStatus.LATE)


def action_status(task_status: str | None, deadline: date | None, today: date) -> ActionStatus:
    """What became of a decision. A task is late once its deadline day has passed in the
    project's time zone while it is still open or in progress (as Task.is_overdue)."""
    if task_status is None:
        return ActionStatus.RECORDED
    if task_status == "done":
        return ActionStatus.DONE
    if task_status == "cancelled":
        return ActionStatus.CANCELLED
    if deadline is not None and deadline < today:
        return ActionStatus.LATE
    return ActionStatus.OPEN


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @classmethod
    def of(cls, project: Any) -> Period:
        return cls(project.start_date, project.end_date)

    def months(self) -> list[date]:
        """The first day of every month the period touches."""
        months, month = [], self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
        return months


@dataclass
class Action:
    """One line of the action log: a decision and what became of it."""

    meeting: Any
    decision: Any | None
    task: Any | None
    title: str
    work_group: Any | None
    owners: list[str]
    organisations: list[Any]
    deadline: date | None
    completed_on: date | None
    status: ActionStatus

    @property
    def status_label(self) -> str:
        return str(self.status.label)

    @property
    def organisation_names(self) -> str:
        return ", ".join(o.name for o in self.organisations)

    @property
    def owner_names(self) -> str:
        return ", ".join(self.owners)


def filter_actions(actions: list[Action], *, status: str = "", work_group: int | None = None,
                   organisation: int | None = None, meeting: int | None = None) -> list[Action]:
    return [
        a for a in actions
        if (not status or a.status == status)
        and (work_group is None or (a.work_group is not None and a.work_group.pk == work_group))
        and (organisation is None or any(o.pk == organisation for o in a.organisations))
        and (meeting is None or a.meeting.pk == meeting)
    ]


# --- Meetings and mobilities ---------------------------------------------------------------


@dataclass(frozen=True)
class Attendance:
    meeting_id: int
    user_id: int
    organisation_id: int | None
    organisation_country: str


def country_code(country: Any) -> str:
    """A CountryField's value as its two letters ('' for none)."""
    return str(country.code) if country else ""


def is_mobility(meeting_kind: str, meeting_country: str, organisation_country: str | None) -> bool:
    """The programme's rule, as meetings.exports.mobility_counts applies it: travelling to
    a meeting held in another country than one's organisation's. Online meetings and
    meetings without a country are no mobility."""
    return bool(
        meeting_kind != "online" and meeting_country and organisation_country
        and organisation_country != meeting_country
    )


@dataclass
class MeetingRow:
    meeting: Any
    start: date
    end: date
    by_organisation: dict[int, int]  # organisation id -> participants
    cells: list[int]  # the same, in the order of the report's partners
    total: int
    mobilities: int


def meeting_rows(meetings: list[Any], attendances: list[Attendance], partners: list[Any]) -> list[MeetingRow]:
    """One row per meeting held: the Beneficiary Module's transnational meetings."""
    by_meeting: dict[int, Counter[int]] = defaultdict(Counter)
    people: Counter[int] = Counter()
    travelled: Counter[int] = Counter()
    kinds = {m.pk: m for m in meetings}
    for a in attendances:
        meeting = kinds[a.meeting_id]
        people[a.meeting_id] += 1
        if a.organisation_id is not None:
            by_meeting[a.meeting_id][a.organisation_id] += 1
        if is_mobility(meeting.kind, country_code(meeting.country), a.organisation_country):
            travelled[a.meeting_id] += 1
    rows = []
    for m in meetings:
        counts = dict(by_meeting[m.pk])
        rows.append(MeetingRow(
            meeting=m, start=m.local_starts_at.date(), end=m.local_ends_at.date(), by_organisation=counts,
            cells=[counts.get(p.organisation_id, 0) for p in partners], total=people[m.pk], mobilities=travelled[m.pk],
        ))
    return rows


@dataclass
class MobilityRow:
    partner: Any
    mobilities: int
    people: int

    @property
    def organisation(self) -> Any:
        return self.partner.organisation

    @property
    def contracted(self) -> int:
        return int(self.partner.contracted_mobilities)

    @property
    def remaining(self) -> int:
        return max(0, self.contracted - self.mobilities)

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.mobilities / self.contracted)) if self.contracted else 0


def mobility_rows(meetings: list[Any], attendances: list[Attendance], partners: list[Any]) -> list[MobilityRow]:
    """Per partner: attendances of its people at meetings abroad (one person at two meetings
    abroad: two mobilities) and how many different people travelled."""
    kinds = {m.pk: m for m in meetings}
    trips: Counter[int] = Counter()
    travellers: dict[int, set[int]] = defaultdict(set)
    for a in attendances:
        meeting = kinds[a.meeting_id]
        if a.organisation_id is not None and is_mobility(meeting.kind, country_code(meeting.country), a.organisation_country):
            trips[a.organisation_id] += 1
            travellers[a.organisation_id].add(a.user_id)
    return [MobilityRow(partner=p, mobilities=trips[p.organisation_id], people=len(travellers[p.organisation_id])) for p in partners]


# --- Tasks ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskFacts:
    pk: int
    work_group_id: int
    status: str
    deadline: date
    completed_on: date | None
    organisation_ids: frozenset[int] = frozenset()

    @property
    def done_late(self) -> bool:
        return self.status == "done" and self.completed_on is not None and self.completed_on > self.deadline


@dataclass
class TaskCounts:
    done: int = 0  # all done, in time or not
    done_late: int = 0
    open: int = 0  # open or in progress, deadline not passed
    late: int = 0  # open or in progress, deadline passed
    cancelled: int = 0

    @property
    def total(self) -> int:
        return self.done + self.open + self.late + self.cancelled

    @property
    def done_in_time(self) -> int:
        return self.done - self.done_late

    @property
    def due(self) -> int:
        """Deadlines that have come: done ones and late ones (cancelled tasks are no deadline)."""
        return self.done + self.late

    @property
    def met_percent(self) -> int:
        return round(100 * self.done_in_time / self.due) if self.due else 0

    def add(self, task: TaskFacts, today: date) -> None:
        status = action_status(task.status, task.deadline, today)
        if status == ActionStatus.DONE:
            self.done += 1
            self.done_late += task.done_late
        elif status == ActionStatus.LATE:
            self.late += 1
        elif status == ActionStatus.CANCELLED:
            self.cancelled += 1
        else:
            self.open += 1


def count_tasks(tasks: list[TaskFacts], today: date) -> TaskCounts:
    counts = TaskCounts()
    for task in tasks:
        counts.add(task, today)
    return counts


@dataclass
class GroupRow:
    work_group: Any
    counts: TaskCounts


def group_rows(groups: list[Any], tasks: list[TaskFacts], today: date) -> list[GroupRow]:
    by_group: dict[int, list[TaskFacts]] = defaultdict(list)
    for task in tasks:
        by_group[task.work_group_id].append(task)
    return [GroupRow(work_group=g, counts=count_tasks(by_group[g.pk], today)) for g in groups]


@dataclass
class OrganisationRow:
    organisation: Any
    counts: TaskCounts


def organisation_rows(partners: list[Any], tasks: list[TaskFacts], today: date) -> list[OrganisationRow]:
    """Per partner organisation, its tasks: those it is responsible for, directly or through
    a responsible person of its staff (a task with two partners counts for both)."""
    return [
        OrganisationRow(
            organisation=p.organisation,
            counts=count_tasks([t for t in tasks if p.organisation_id in t.organisation_ids], today),
        )
        for p in partners
    ]


@dataclass
class MonthRow:
    month: date
    counts: TaskCounts


def month_rows(tasks: list[TaskFacts], period: Any, today: date) -> list[MonthRow]:
    """Tasks by the month of their deadline, by what became of them today."""
    by_month: dict[date, list[TaskFacts]] = defaultdict(list)
    for task in tasks:
        by_month[task.deadline.replace(day=1)].append(task)
    return [MonthRow(month=m, counts=count_tasks(by_month[m], today)) for m in period.months()]


# --- Decisions -----------------------------------------------------------------------------


@dataclass
class DecisionSummary:
    decisions: int = 0  # decisions recorded in minutes
    meeting_tasks: int = 0  # tasks given at a meeting without a recorded decision
    by_status: dict[str, int] = field(default_factory=dict)

    def count(self, status: str) -> int:
        return self.by_status.get(status, 0)

    @property
    def rows(self) -> list[tuple[str, int]]:
        return [(str(s.label), self.count(s)) for s in ActionStatus]


def decision_summary(actions: list[Action]) -> DecisionSummary:
    return DecisionSummary(
        decisions=sum(1 for a in actions if a.decision is not None),
        meeting_tasks=sum(1 for a in actions if a.decision is None),
        by_status=dict(Counter(str(a.status) for a in actions)),
    )


# --- Dissemination -------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleFacts:
    pk: int
    slug: str
    title: str
    published: date
    public: bool
    languages: tuple[str, ...]


@dataclass
class Dissemination:
    articles: list[ArticleFacts]
    project_page_public: bool
    by_language: list[tuple[str, str, int]]  # code, name, articles in it

    @property
    def published(self) -> int:
        return len(self.articles)

    @property
    def public(self) -> int:
        return sum(1 for a in self.articles if a.public)


def dissemination(articles: list[ArticleFacts], project_page_public: bool) -> Dissemination:
    counts = Counter(code for a in articles for code in a.languages)
    return Dissemination(
        articles=articles, project_page_public=project_page_public,
        by_language=[(code, str(name), counts[code]) for code, name in settings.LANGUAGES],
    )
