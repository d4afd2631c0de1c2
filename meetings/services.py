"""Operations on meetings that touch several objects: invitations, answers, reminders,
calendars, tasks from decisions and the evidence for the grant.

Views, the admin, Celery tasks, ``seed_demo`` and the tests all go through these functions.
"""
from __future__ import annotations

import csv
import io
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event

from meetings.models import AgendaItem, Attachment, Decision, Meeting, Participation
from outbox.services import Attachment as EmailAttachment
from outbox.services import queue_for_user
from projects.models import Membership, Partner, Person, Project, new_token

log = logging.getLogger(__name__)
User = get_user_model()

# The roles that take part in meetings; observers (e.g. the national agency) only read.
PARTICIPANT_ROLES = (Membership.Role.COORDINATOR, Membership.Role.MEMBER)
# "Duplicate as next meeting" keeps the weekday and lands half a year later, the rhythm
# of a two-year partnership; the coordinator then adjusts place and dates.
NEXT_MEETING_SHIFT = timedelta(weeks=26)


class AnswersClosed(Exception):
    """The meeting has started (or was cancelled): answers can no longer change."""


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def meeting_url(meeting: Meeting, language: str | None = None) -> str:
    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        return absolute(reverse("meetings:detail", args=[meeting.pk]))


# --- Calendar files ----------------------------------------------------------------------


def _uid_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "agepartners"


ICS_STATUS = {
    Meeting.Status.PLANNED: "TENTATIVE",
    Meeting.Status.CONFIRMED: "CONFIRMED",
    Meeting.Status.HELD: "CONFIRMED",
    Meeting.Status.CANCELLED: "CANCELLED",
}


def meeting_event(meeting: Meeting, *, language: str) -> Event:
    """One meeting as a VEVENT in the venue's time zone, with a reminder the day before."""
    url = meeting_url(meeting, language)
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@{_uid_host()}")
    event.add("dtstamp", timezone.now())
    event.add("last-modified", meeting.updated_at or timezone.now())
    event.add("dtstart", meeting.local_starts_at)
    event.add("dtend", meeting.local_ends_at)
    event.add("summary", meeting.title)
    location = ", ".join(p for p in (meeting.venue, meeting.address, meeting.city, str(meeting.country.name) if meeting.country else "") if p)
    if location:
        event.add("location", location)
    description = "\n\n".join(p for p in (meeting.description, meeting.online_url, url) if p)
    event.add("description", description)
    event.add("url", url)
    event.add("status", ICS_STATUS.get(meeting.status, "CONFIRMED"))
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", timedelta(days=-1))
    with translation.override(language):
        alarm.add("description", _("Tomorrow: %(title)s") % {"title": meeting.title})
    event.add_component(alarm)
    return event


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//agepartners//meetings//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    return cal


def meeting_ics(meeting: Meeting, *, language: str | None = None) -> str:
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    cal = _calendar(meeting.title)
    cal.add_component(meeting_event(meeting, language=language))
    cal.add_missing_timezones()
    return cal.to_ical().decode("utf-8")


def feed_meetings(user: Any) -> QuerySet[Meeting]:
    """The person's meetings: those of their projects they have not declined."""
    declined = Participation.objects.filter(user=user, response=Participation.Response.NOT_ATTENDING).values("meeting_id")
    return (
        Meeting.objects.filter(project__memberships__user=user)
        .exclude(pk__in=declined)
        .select_related("project")
        .order_by("starts_at")
    )


def feed_tasks(user: Any) -> QuerySet[Any]:
    """Open tasks of the person's projects for which they or their organisation answer."""
    from workgroups.models import Task

    person = getattr(user, "person", None)
    responsible = Q(responsible_people=user)
    if person is not None and person.organisation_id:
        responsible |= Q(responsible_organisations=person.organisation_id)
    return (
        Task.objects.filter(work_group__project__memberships__user=user, status__in=Task.ACTIVE)
        .filter(responsible)
        .select_related("work_group__project")
        .distinct()
        .order_by("deadline", "pk")
    )


def personal_feed(person: Person) -> bytes:
    """The calendar behind a person's secret feed URL: meetings and task deadlines."""
    user = person.user
    language = person.language
    with translation.override(language):
        cal = _calendar(_("agepartners: %(name)s") % {"name": person.full_name})
        for meeting in feed_meetings(user):
            cal.add_component(meeting_event(meeting, language=language))
        for task in feed_tasks(user):
            event = Event()
            event.add("uid", f"task-{task.pk}@{_uid_host()}")
            event.add("dtstamp", timezone.now())
            event.add("dtstart", task.deadline)
            event.add("dtend", task.deadline + timedelta(days=1))
            event.add("summary", _("Deadline: %(title)s") % {"title": task.title})
            event.add("description", f"{task.work_group.project.title} – {task.work_group.name}")
            event.add("transp", "TRANSPARENT")
            cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def feed_url(person: Person) -> str:
    return absolute(reverse("meetings_feed:feed", args=[person.calendar_token]))


def renew_calendar_token(person: Person) -> str:
    """A new secret for the personal calendar feed; the old URL stops working at once."""
    person.calendar_token = new_token()
    person.save(update_fields=["calendar_token"])
    return person.calendar_token


# --- Invitations and answers --------------------------------------------------------------


def invitation_recipients(meeting: Meeting) -> QuerySet[Any]:
    return (
        User.objects.filter(
            is_active=True, memberships__project_id=meeting.project_id, memberships__role__in=PARTICIPANT_ROLES
        )
        .select_related("person")
        .order_by("pk")
    )


@dataclass
class InvitationResult:
    queued: int = 0
    already: int = 0


def send_invitations(meeting: Meeting) -> InvitationResult:
    """Invite every coordinator and partner member of the meeting's project.

    One email per person, in their language, with the meeting's .ics. The outbox key holds
    the start time: running the action twice sends nothing new, but after the meeting
    moved everybody gets the new date.
    """
    result = InvitationResult()
    now = timezone.now()
    stamp = int(meeting.starts_at.timestamp())
    with transaction.atomic():
        for user in invitation_recipients(meeting):
            participation, _created = Participation.objects.get_or_create(meeting=meeting, user=user)
            person = getattr(user, "person", None)
            language = person.language if person else settings.LANGUAGE_CODE
            ics = meeting_ics(meeting, language=language)
            email = queue_for_user(
                user,
                key=f"meetings:invitation:{meeting.pk}:{user.pk}:{stamp}",
                category="meeting_invitation",
                template="meetings/emails/invitation",
                context={"meeting": meeting, "participation": participation, "url": meeting_url(meeting, language)},
                project=meeting.project,
                attachments=[EmailAttachment(filename=f"meeting-{meeting.pk}.ics", mimetype="text/calendar", content=ics)],
            )
            if email is None:
                result.already += 1
                continue
            participation.invited_at = now
            participation.save(update_fields=["invited_at"])
            result.queued += 1
    return result


def answer_invitation(
    meeting: Meeting,
    user: Any,
    *,
    response: str,
    arrival_date: date | None = None,
    departure_date: date | None = None,
    notes: str = "",
) -> Participation:
    """Record a person's answer; refused once the meeting has started."""
    with transaction.atomic():
        # Lock the meeting row so a moved start time is seen before the answer is taken.
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if not meeting.accepts_answers:
            raise AnswersClosed
        participation, _created = Participation.objects.select_for_update().get_or_create(meeting=meeting, user=user)
        participation.response = response
        attending = response != Participation.Response.NOT_ATTENDING
        participation.arrival_date = arrival_date if attending else None
        participation.departure_date = departure_date if attending else None
        participation.notes = notes
        participation.responded_at = timezone.now()
        participation.save()
    return participation


# --- Coordinators' tools ------------------------------------------------------------------------


@transaction.atomic
def duplicate_meeting(meeting: Meeting, shift: timedelta = NEXT_MEETING_SHIFT) -> Meeting:
    """A copy of the meeting and its work programme as the start of the next one.

    Answers, minutes, decisions and files belong to the old meeting and stay there.
    """
    new = Meeting.objects.create(
        project=meeting.project,
        title=_("%(title)s (copy)") % {"title": meeting.title},
        kind=meeting.kind,
        host_organisation=meeting.host_organisation,
        city=meeting.city,
        country=meeting.country,
        venue=meeting.venue,
        address=meeting.address,
        venue_time_zone=meeting.venue_time_zone,
        # Shift the local wall-clock time, so 09:00 stays 09:00 across a DST change.
        starts_at=meeting.local_starts_at + shift,
        ends_at=meeting.local_ends_at + shift,
        status=Meeting.Status.PLANNED,
        online_url=meeting.online_url,
        description=meeting.description,
    )
    AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=new, order=item.order, day=item.day + shift if item.day else None,
            start_time=item.start_time, title=item.title, description=item.description,
            responsible_organisation_id=item.responsible_organisation_id, work_group_id=item.work_group_id,
        )
        for item in meeting.agenda_items.all()
    )
    return new


def create_task_for_decision(decision: Decision, by: Any = None) -> Any:
    """Turn a decision with a work group and a deadline into a task linked to the meeting."""
    from workgroups.services import create_task

    if decision.task_id or not decision.work_group_id or not decision.deadline:
        return None
    organisation = decision.responsible_organisation
    if organisation is None and decision.owner is not None:
        person = getattr(decision.owner, "person", None)
        organisation = person.organisation if person else None
    with transaction.atomic():
        task = create_task(
            decision.work_group, title=decision.title, deadline=decision.deadline, by=by,
            description=decision.details, meeting=decision.meeting,
            responsible_people=[decision.owner] if decision.owner else [],
            responsible_organisations=[organisation] if organisation else [],
        )
        decision.task = task
        decision.save(update_fields=["task"])
    return task


def create_tasks_for_meeting(meeting: Meeting, by: Any = None) -> int:
    created = 0
    for decision in meeting.decisions.filter(task__isnull=True).select_related("work_group", "owner__person__organisation", "meeting"):
        created += create_task_for_decision(decision, by) is not None
    return created


def add_attachment(meeting: Meeting, upload: Any, *, kind: str, caption: str = "", photo_consent: bool = False, by: Any = None) -> Attachment:
    """Store a checked upload (see meetings.uploads) for the meeting."""
    from meetings.uploads import inspect_upload

    detected = inspect_upload(upload, kind)
    attachment = Attachment(
        meeting=meeting, kind=kind, caption=caption, photo_consent=photo_consent, uploaded_by=by,
        original_name=detected.safe_name, content_type=detected.content_type, size=detected.size,
    )
    upload.seek(0)
    attachment.file.save(detected.safe_name, upload, save=False)
    attachment.save()
    return attachment


# --- Evidence for the grant --------------------------------------------------------------------


def attendance_participations(meeting: Meeting) -> list[Participation]:
    """Who is expected or was there: the lines of the attendance sheet."""
    return list(
        meeting.participations.filter(
            Q(response__in=[Participation.Response.ATTENDING, Participation.Response.MAYBE]) | Q(attended=True)
        )
        .select_related("user__person__organisation")
        .order_by("user__person__organisation__country", "user__person__organisation__name", "user__last_name", "user__first_name")
    )


def attendance_csv(meetings: Iterable[Meeting]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([
        _("Meeting"), _("Date"), _("Organisation"), _("Country"), _("Name"), _("Position"), _("Email"),
        _("Answer"), _("Arrival"), _("Departure"), _("Attended"),
    ])
    for meeting in meetings:
        day = meeting.local_starts_at.date().isoformat()
        for p in attendance_participations(meeting):
            person = getattr(p.user, "person", None)
            org = person.organisation if person else None
            writer.writerow([
                _csv_safe(meeting.title), day, _csv_safe(org.name if org else ""),
                str(org.country.name) if org and org.country else "",
                _csv_safe(p.user.get_full_name() or p.user.email), _csv_safe(person.position if person else ""),
                p.user.email, p.get_response_display(),
                p.arrival_date.isoformat() if p.arrival_date else "",
                p.departure_date.isoformat() if p.departure_date else "",
                {True: _("yes"), False: _("no"), None: ""}[p.attended],
            ])
    return buffer.getvalue()


def _csv_safe(value: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas; neutralise them."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@dataclass
class MobilityRow:
    partner: Partner
    mobilities: int
    people: int

    @property
    def contracted(self) -> int:
        return self.partner.contracted_mobilities

    @property
    def remaining(self) -> int:
        return max(0, self.contracted - self.mobilities)

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.mobilities / self.contracted)) if self.contracted else 0


def mobility_counts(project: Project) -> list[MobilityRow]:
    """Per partner: attendances of its people at meetings held in another country.

    Online meetings and meetings without a country are no mobility; one person at two
    meetings abroad counts twice (two mobilities).
    """
    partners = list(project.partners.select_related("organisation"))
    rows = (
        Participation.objects.filter(meeting__project=project, attended=True)
        .exclude(meeting__kind=Meeting.Kind.ONLINE)
        .exclude(meeting__country="")
        .exclude(meeting__country=F("user__person__organisation__country"))
        .filter(user__person__organisation__in=[p.organisation_id for p in partners])
        .values("user__person__organisation")
        .annotate(mobilities=Count("pk"), people=Count("user", distinct=True))
    )
    counts: dict[int, tuple[int, int]] = defaultdict(lambda: (0, 0))
    for row in rows:
        counts[row["user__person__organisation"]] = (row["mobilities"], row["people"])
    return [MobilityRow(partner=p, mobilities=counts[p.organisation_id][0], people=counts[p.organisation_id][1]) for p in partners]
