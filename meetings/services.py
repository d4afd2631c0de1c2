"""Operations on meetings that touch several objects: links, reminders, the next meeting,
tasks from decisions and files.

Calendars, invitations and the grant's evidence have their own modules (calendar.py,
invitations.py, exports.py). Views, the admin, Celery tasks, ``seed_demo`` and the tests
all go through these functions.
"""
from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from meetings.models import AgendaItem, Attachment, Decision, Meeting, Participation
from outbox.services import queue_for_user
from projects.models import Project, parse_day_list
from projects.uploads import check_upload

log = logging.getLogger(__name__)

DEFAULT_REMINDER_DAYS = [7, 1]
# "Duplicate as next meeting" keeps the weekday and lands half a year later, the rhythm
# of a two-year partnership; the coordinator then adjusts place and dates.
NEXT_MEETING_SHIFT = timedelta(weeks=26)


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def meeting_url(meeting: Meeting, language: str | None = None) -> str:
    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        return absolute(reverse("meetings:detail", args=[meeting.pk]))


# --- Reminders --------------------------------------------------------------------------------


def reminder_offsets(project: Project) -> list[int]:
    try:
        days = [d for d in parse_day_list(project.meeting_reminder_days) if d > 0]
    except ValueError:
        log.warning("Project %s has unreadable meeting reminder days %r; using the default",
                    project.pk, project.meeting_reminder_days)
        days = DEFAULT_REMINDER_DAYS
    return sorted(days, reverse=True)


def due_offset(meeting: Meeting, offsets: Sequence[int], now: datetime) -> int | None:
    """The nearest reminder whose time has come: a meeting set up three days ahead gets one
    reminder now (the 7-day one, late) and the 1-day one later, never a burst of both."""
    due = [d for d in offsets if meeting.starts_at - timedelta(days=d) <= now]
    return min(due) if due else None


def send_meeting_reminders(now: datetime | None = None) -> int:
    """Queue the reminders whose time has come. Safe to run any number of times.

    The outbox key holds the offset and the start time: a reminder goes out once per
    offset, and when the meeting moves, its reminders move with it.
    """
    now = now or timezone.now()
    offsets_by_project: dict[int, list[int]] = {}
    horizon = max(
        [max(reminder_offsets(p), default=0) for p in Project.objects.filter(meetings__starts_at__gt=now).distinct()],
        default=0,
    )
    if horizon <= 0:
        return 0
    meetings = list(
        Meeting.objects.filter(
            status__in=[Meeting.Status.PLANNED, Meeting.Status.CONFIRMED],
            starts_at__gt=now, starts_at__lte=now + timedelta(days=horizon),
        ).select_related("project")
    )
    due: dict[int, int] = {}
    for meeting in meetings:
        offsets = offsets_by_project.setdefault(meeting.project_id, reminder_offsets(meeting.project))
        offset = due_offset(meeting, offsets, now)
        if offset is not None:
            due[meeting.pk] = offset
    if not due:
        return 0
    by_pk = {m.pk: m for m in meetings}
    participations = (
        Participation.objects.filter(meeting_id__in=due.keys(), user__is_active=True)
        .exclude(response=Participation.Response.NOT_ATTENDING)
        .select_related("user__person")
        .order_by("meeting_id", "pk")
    )
    queued = 0
    for participation in participations:
        meeting = by_pk[participation.meeting_id]
        offset = due[meeting.pk]
        user = participation.user
        language = user.person.language if hasattr(user, "person") else settings.LANGUAGE_CODE
        with transaction.atomic():
            email = queue_for_user(
                user,
                key=f"meetings:reminder:{meeting.pk}:{user.pk}:{offset}d:{int(meeting.starts_at.timestamp())}",
                category="meeting_reminder",
                template="meetings/emails/reminder",
                context={
                    "meeting": meeting, "participation": participation,
                    "url": meeting_url(meeting, language),
                    "days_left": max(1, math.ceil((meeting.starts_at - now) / timedelta(days=1))),
                },
                project=meeting.project,
            )
        queued += email is not None
    return queued


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
        organisation = decision.owner.person.organisation
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


def add_attachment(meeting: Meeting, upload: File, *, kind: str, caption: str = "", photo_consent: bool = False, by: Any = None) -> Attachment:
    """Store a checked upload (see projects.uploads) for the meeting."""
    checked = check_upload(upload, photo=kind == Attachment.Kind.PHOTO)
    attachment = Attachment(
        meeting=meeting, kind=kind, caption=caption, photo_consent=photo_consent, uploaded_by=by,
        original_name=checked.name, content_type=checked.content_type, size=checked.size,
    )
    attachment.file.save(checked.name, upload, save=False)
    attachment.save()
    return attachment


