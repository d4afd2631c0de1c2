"""What the reports read: the action log, the project report and a meeting's record.

Every function costs a fixed number of queries however many meetings, decisions and
tasks a project has: rows come in a few flat queries (prefetches instead of a query per
row) and the figures are counted in Python by the pure functions of ``reports.figures``.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from communication.models import DocumentVersion
from meetings.models import AgendaItem, Attachment, Decision, Meeting, Participation
from news.models import Article
from projects.models import Organisation, Partner, Project
from reports import figures
from reports.figures import Action, Period, TaskFacts
from workgroups.models import Task, WorkGroup

User = get_user_model()


def project_today(project: Project) -> date:
    """Deadlines are days in the project's time zone (see Task.deadline_end)."""
    return timezone.localdate(timezone=project.tz)


def _day_bounds(period: Period, project: Project) -> tuple[datetime, datetime]:
    """The period as moments: from its first day's start to its last day's end, project time."""
    start = datetime.combine(period.start, time(0), tzinfo=project.tz)
    end = datetime.combine(period.end, time(0), tzinfo=project.tz) + figures.ONE_DAY
    return start, end


# --- The action log ------------------------------------------------------------------------

_PEOPLE = Prefetch("responsible_people", queryset=User.objects.select_related("person__organisation").order_by("last_name", "first_name"))
_ORGANISATIONS = Prefetch("responsible_organisations", queryset=Organisation.objects.order_by("name"))


def _name(user: Any) -> str:
    return user.get_full_name() or user.email


def _user_organisation(user: Any) -> Organisation | None:
    person = getattr(user, "person", None)
    return person.organisation if person is not None else None


def _task_action(task: Task, today: date, *, meeting: Meeting, decision: Decision | None) -> Action:
    people = list(task.responsible_people.all())
    organisations = {o.pk: o for o in task.responsible_organisations.all()}
    if decision is not None and decision.responsible_organisation is not None:
        organisations.setdefault(decision.responsible_organisation.pk, decision.responsible_organisation)
    if not people and decision is not None and decision.owner is not None:
        people = [decision.owner]
    for person in people:
        org = _user_organisation(person)
        if org is not None:
            organisations.setdefault(org.pk, org)
    return Action(
        meeting=meeting, decision=decision, task=task, title=decision.title if decision else task.title,
        work_group=task.work_group, owners=[_name(p) for p in people],
        organisations=sorted(organisations.values(), key=lambda o: o.name),
        deadline=task.deadline, completed_on=task.completed_on,
        status=figures.action_status(task.status, task.deadline, today),
    )


def _decision_action(decision: Decision, today: date) -> Action:
    """A decision that created no task: a record, with its owner and deadline if given."""
    organisations = {}
    if decision.responsible_organisation is not None:
        organisations[decision.responsible_organisation.pk] = decision.responsible_organisation
    if decision.owner is not None and (org := _user_organisation(decision.owner)) is not None:
        organisations.setdefault(org.pk, org)
    return Action(
        meeting=decision.meeting, decision=decision, task=None, title=decision.title, work_group=decision.work_group,
        owners=[_name(decision.owner)] if decision.owner else [],
        organisations=sorted(organisations.values(), key=lambda o: o.name),
        deadline=decision.deadline, completed_on=None, status=figures.action_status(None, decision.deadline, today),
    )


def action_log(project: Project, period: Period | None = None) -> list[Action]:
    """Every decision of every meeting with the task it created, and the tasks given at a
    meeting without a recorded decision; in the order of the meetings and their minutes.

    Six queries whatever the size of the project.
    """
    today = project_today(project)
    meetings = Meeting.objects.filter(project=project).exclude(status=Meeting.Status.CANCELLED)
    if period is not None:
        start, end = _day_bounds(period, project)
        meetings = meetings.filter(starts_at__gte=start, starts_at__lt=end)
    tasks = Task.objects.select_related("work_group").prefetch_related(_PEOPLE, _ORGANISATIONS)
    decisions = list(
        Decision.objects.filter(meeting__in=meetings)
        .select_related("meeting", "work_group", "owner__person__organisation", "responsible_organisation")
        .prefetch_related(Prefetch("task", queryset=tasks))
        .order_by("meeting__starts_at", "meeting_id", "order", "pk")
    )
    undecided = list(
        tasks.filter(meeting__in=meetings, decision__isnull=True).select_related("meeting").order_by("deadline", "pk")
    )
    actions: list[Action] = []
    for decision in decisions:
        if decision.task is not None:
            actions.append(_task_action(decision.task, today, meeting=decision.meeting, decision=decision))
        else:
            actions.append(_decision_action(decision, today))
    for task in undecided:
        assert task.meeting is not None  # the query asked for tasks of these meetings
        actions.append(_task_action(task, today, meeting=task.meeting, decision=None))
    actions.sort(key=lambda a: (a.meeting.starts_at, a.meeting.pk, a.decision is None, a.decision.order if a.decision else 0))
    return actions


def open_actions(actions: list[Action]) -> list[Action]:
    return [a for a in actions if a.status in figures.STILL_OPEN]


def next_meeting(project: Project) -> Meeting | None:
    """The meeting being prepared: the first one not yet started and not cancelled."""
    return (
        Meeting.objects.filter(project=project, starts_at__gt=timezone.now())
        .exclude(status=Meeting.Status.CANCELLED).order_by("starts_at", "pk").first()
    )


# --- The project report ---------------------------------------------------------------------


@dataclass
class Report:
    project: Project
    period: Period
    today: date
    partners: list[Partner]
    meetings: list[figures.MeetingRow]
    mobilities: list[figures.MobilityRow]
    work_groups: list[figures.GroupRow]
    organisations: list[figures.OrganisationRow]
    actions: list[Action]
    decisions: figures.DecisionSummary
    dissemination: figures.Dissemination
    documents: list[tuple[WorkGroup | None, list[DocumentVersion]]]
    months: list[figures.MonthRow]
    deadlines_ahead: list[Task] = field(default_factory=list)

    @property
    def participants_total(self) -> int:
        return sum(row.total for row in self.meetings)

    @property
    def mobilities_total(self) -> int:
        return sum(row.mobilities for row in self.mobilities)

    @property
    def contracted_total(self) -> int:
        return sum(row.contracted for row in self.mobilities)


def _partners(project: Project) -> list[Partner]:
    return list(project.partners.select_related("organisation"))


def _held_meetings(project: Project, period: Period) -> list[Meeting]:
    start, end = _day_bounds(period, project)
    return list(
        Meeting.objects.filter(project=project, status=Meeting.Status.HELD, starts_at__gte=start, starts_at__lt=end)
        .only("pk", "title", "kind", "starts_at", "ends_at", "venue_time_zone", "city", "country", "project_id")
        .order_by("starts_at", "pk")
    )


def _attendances(meetings: list[Meeting]) -> list[figures.Attendance]:
    """One row per person who attended one of ``meetings``: the raw material of the
    participant counts and of the mobilities."""
    rows = (
        Participation.objects.filter(meeting__in=[m.pk for m in meetings], attended=True)
        .values_list("meeting_id", "user_id", "user__person__organisation_id", "user__person__organisation__country")
    )
    return [figures.Attendance(meeting_id=m, user_id=u, organisation_id=o, organisation_country=c or "") for m, u, o, c in rows]


def mobilities(project: Project) -> list[figures.MobilityRow]:
    """Per partner, the mobilities at every meeting the project held: the coordinators'
    mobility page. The report and the charts count those of their period by the same rule."""
    meetings = list(Meeting.objects.filter(project=project, status=Meeting.Status.HELD).only("pk", "kind", "country"))
    return figures.mobility_rows(meetings, _attendances(meetings), _partners(project))


def _task_facts(project: Project, period: Period) -> list[TaskFacts]:
    """The project's tasks due in the period, with the organisations responsible for each
    (directly, or through a responsible person's organisation): three flat queries."""
    tasks = list(
        Task.objects.filter(work_group__project=project, deadline__gte=period.start, deadline__lte=period.end)
        .values_list("pk", "work_group_id", "status", "deadline", "completed_on")
    )
    ids = [t[0] for t in tasks]
    organisations: dict[int, set[int]] = defaultdict(set)
    through = Task.responsible_organisations.through
    for task_id, org_id in through.objects.filter(task_id__in=ids).values_list("task_id", "organisation_id"):
        organisations[task_id].add(org_id)
    people = Task.responsible_people.through
    for task_id, org_id in people.objects.filter(task_id__in=ids, user__person__organisation__isnull=False).values_list(
        "task_id", "user__person__organisation_id"
    ):
        organisations[task_id].add(org_id)
    return [
        TaskFacts(pk=pk, work_group_id=group, status=status, deadline=deadline, completed_on=completed,
                  organisation_ids=frozenset(organisations[pk]))
        for pk, group, status, deadline, completed in tasks
    ]


def _articles(project: Project, period: Period) -> list[figures.ArticleFacts]:
    start, end = _day_bounds(period, project)
    languages = [code for code, _name in settings.LANGUAGES]
    # Which languages each article exists in (title and text written), computed in SQL so
    # the six bodies of every article never travel to Python.
    exists_in = {
        f"in_{code}": ExpressionWrapper(Q(**{f"title_{code}__gt": ""}) & Q(**{f"body_{code}__gt": ""}), output_field=BooleanField())
        for code in languages
    }
    rows = (
        Article.objects.live().filter(project=project, publish_at__gte=start, publish_at__lt=end)
        .annotate(**exists_in)
        .values("pk", "slug", "original_language", "publish_at", "audience", *[f"title_{c}" for c in languages], *exists_in)
        .order_by("publish_at", "pk")
    )
    return [
        figures.ArticleFacts(
            pk=row["pk"], slug=row["slug"], title=row[f"title_{row['original_language']}"] or row["slug"],
            published=timezone.localtime(row["publish_at"], project.tz).date(),
            public=row["audience"] == Article.Audience.PUBLIC and project.is_public,
            languages=tuple(code for code in languages if row[f"in_{code}"]),
        )
        for row in rows
    ]


def _documents(project: Project, period: Period) -> list[tuple[WorkGroup | None, list[DocumentVersion]]]:
    """Per work group (none: the project's own documents), the latest version of each document
    uploaded in the period, in one query (a subquery rather than DISTINCT ON, which the
    embedded SQLite default of `make run` does not have)."""
    start, end = _day_bounds(period, project)
    in_period = DocumentVersion.objects.filter(document__project=project, uploaded_at__gte=start, uploaded_at__lt=end)
    newest = in_period.filter(document=OuterRef("document")).order_by("-number").values("number")[:1]
    latest = in_period.filter(number=Subquery(newest)).select_related("document__work_group")
    groups: dict[int | None, list[DocumentVersion]] = defaultdict(list)
    names: dict[int | None, WorkGroup | None] = {None: None}
    for version in latest:
        group = version.document.work_group
        names[group.pk if group else None] = group
        groups[group.pk if group else None].append(version)
    def order(pk: int | None) -> tuple[bool, str]:
        group = names[pk]
        return (group is None, group.name if group is not None else "")

    ordered = sorted(groups, key=order)
    return [(names[pk], sorted(groups[pk], key=lambda v: v.document.title.casefold())) for pk in ordered]


def project_report(project: Project, period: Period) -> Report:
    today = project_today(project)
    partners = _partners(project)
    meetings = _held_meetings(project, period)
    attendances = _attendances(meetings)
    tasks = _task_facts(project, period)
    groups = list(WorkGroup.objects.filter(project=project).only("pk", "name", "project_id").order_by("name"))
    actions = action_log(project, period)
    return Report(
        project=project, period=period, today=today, partners=partners,
        meetings=figures.meeting_rows(meetings, attendances, partners),
        mobilities=figures.mobility_rows(meetings, attendances, partners),
        work_groups=figures.group_rows(groups, tasks, today),
        organisations=figures.organisation_rows(partners, tasks, today),
        actions=actions,
        decisions=figures.decision_summary(actions),
        dissemination=figures.dissemination(_articles(project, period), project.is_public),
        documents=_documents(project, period),
        months=figures.month_rows(tasks, period, today),
        deadlines_ahead=upcoming_deadlines(project, today),
    )


def upcoming_deadlines(project: Project, today: date, limit: int = 8) -> list[Task]:
    """The next active tasks by deadline (today's included): the timeline's points."""
    return list(
        Task.objects.filter(work_group__project=project, status__in=Task.ACTIVE, deadline__gte=today)
        .select_related("work_group").only("pk", "title", "deadline", "status", "work_group__name")
        .order_by("deadline", "pk")[:limit]
    )


@dataclass
class ProjectCharts:
    """The three pictures of the project page (the report draws the same from its own figures)."""

    period: Period
    today: date
    mobilities: list[figures.MobilityRow]
    months: list[figures.MonthRow]
    deadlines_ahead: list[Task]


def project_charts(project: Project) -> ProjectCharts:
    period = Period.of(project)
    today = project_today(project)
    partners = _partners(project)
    meetings = _held_meetings(project, period)
    return ProjectCharts(
        period=period, today=today,
        mobilities=figures.mobility_rows(meetings, _attendances(meetings), partners),
        months=figures.month_rows(_task_facts(project, period), period, today),
        deadlines_ahead=upcoming_deadlines(project, today),
    )


# --- A meeting's record -------------------------------------------------------------------


@dataclass
class Participant:
    name: str
    position: str
    organisation: Organisation | None
    mobility: bool


@dataclass
class MeetingRecord:
    meeting: Meeting
    project: Project
    agenda: list[AgendaItem]
    participants: list[tuple[Organisation | None, list[Participant]]]
    participants_attended: bool  # False: the list shows who said they would come
    actions: list[Action]
    photos: list[Attachment]
    signed_sheet: Attachment | None
    minutes: str


def meeting_record(meeting: Meeting) -> MeetingRecord:
    """Everything the record of ``meeting`` shows. Photos only with the consent of the
    people shown, whoever asks: the record leaves the portal."""
    project = meeting.project
    today = project_today(project)
    participations = list(
        meeting.participations.filter(Q(attended=True) | Q(response=Participation.Response.ATTENDING))
        .select_related("user__person__organisation")
        .order_by("user__person__organisation__country", "user__person__organisation__name", "user__last_name", "user__first_name")
    )
    attended = [p for p in participations if p.attended]
    shown = attended if attended else participations
    grouped: dict[int | None, list[Participant]] = {}
    organisations: dict[int | None, Organisation | None] = {}
    for p in shown:
        org = _user_organisation(p.user)
        key = org.pk if org else None
        organisations[key] = org
        grouped.setdefault(key, []).append(Participant(
            name=_name(p.user), position=getattr(getattr(p.user, "person", None), "position", ""), organisation=org,
            mobility=figures.is_mobility(meeting.kind, figures.country_code(meeting.country),
                                         figures.country_code(org.country) if org else None),
        ))
    tasks = Task.objects.select_related("work_group").prefetch_related(_PEOPLE, _ORGANISATIONS)
    decisions = list(
        meeting.decisions.select_related("work_group", "owner__person__organisation", "responsible_organisation")
        .prefetch_related(Prefetch("task", queryset=tasks)).order_by("order", "pk")
    )
    actions = [
        _task_action(d.task, today, meeting=meeting, decision=d) if d.task is not None else _decision_action(d, today)
        for d in decisions
    ]
    actions += [
        _task_action(t, today, meeting=meeting, decision=None)
        for t in tasks.filter(meeting=meeting, decision__isnull=True).order_by("deadline", "pk")
    ]
    attachments = list(meeting.attachments.select_related("signed_sheet").order_by("uploaded_at", "pk"))
    sheet = next((a for a in attachments if a.kind == Attachment.Kind.DOCUMENT and hasattr(a, "signed_sheet")), None)
    return MeetingRecord(
        meeting=meeting, project=project,
        agenda=list(meeting.agenda_items.select_related("responsible_organisation", "work_group")),
        participants=[(organisations[k], v) for k, v in grouped.items()],
        participants_attended=bool(attended),
        actions=actions,
        photos=[a for a in attachments if a.is_photo and a.photo_consent and a.content_type.startswith("image/")],
        signed_sheet=sheet, minutes=meeting.minutes,
    )


def project_meetings_for_records(project: Project) -> QuerySet[Meeting]:
    """The meetings whose records a coordinator downloads at once: those held."""
    return Meeting.objects.filter(project=project, status=Meeting.Status.HELD).select_related("project", "host_organisation").order_by("starts_at", "pk")
