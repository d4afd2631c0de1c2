"""Operations on meetings that touch several objects: links, the next meeting, tasks from
decisions and files.

Calendars, invitations, reminders and the grant's evidence have their own modules
(calendar.py, invitations.py, reminders.py, exports.py). Views, the admin, Celery tasks,
``seed_demo`` and the tests all go through these functions.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from meetings.models import AgendaItem, Attachment, Decision, Meeting
from projects.uploads import check_upload

# "Duplicate as next meeting" keeps the weekday and lands half a year later, the rhythm
# of a two-year partnership; the coordinator then adjusts place and dates.
NEXT_MEETING_SHIFT = timedelta(weeks=26)


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def meeting_url(meeting: Meeting, language: str | None = None) -> str:
    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        return absolute(reverse("meetings:detail", args=[meeting.pk]))


# --- Coordinators' tools ------------------------------------------------------------------------


@transaction.atomic
def duplicate_meeting(meeting: Meeting, shift: timedelta = NEXT_MEETING_SHIFT) -> Meeting:
    """A copy of the meeting and its work programme as the start of the next one.

    Answers, minutes, decisions and files belong to the old meeting and stay there.
    """
    kept = ("project", "kind", "host_organisation", "city", "country", "venue", "address", "venue_time_zone",
            "online_url", "description")
    new = Meeting.objects.create(
        title=_("%(title)s (copy)") % {"title": meeting.title},
        # Shift the local wall-clock time, so 09:00 stays 09:00 across a DST change.
        starts_at=meeting.local_starts_at + shift,
        ends_at=meeting.local_ends_at + shift,
        status=Meeting.Status.PLANNED,
        **{name: getattr(meeting, name) for name in kept},
    )
    copied = ("order", "start_time", "title", "description", "responsible_organisation_id", "work_group_id")
    AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=new, day=item.day + shift if item.day else None, **{f: getattr(item, f) for f in copied}
        )
        for item in meeting.agenda_items.all()
    )
    return new


def create_task_for_decision(decision: Decision, by: Any = None) -> Any:
    """Turn a decision with a work group and a deadline into a task linked to the meeting."""
    from workgroups.services import create_task

    if decision.task_id or not decision.deadline or decision.work_group is None:
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
    related = ("work_group", "owner__person__organisation", "meeting")  # what create_task_for_decision reads
    decisions = meeting.decisions.filter(task__isnull=True).select_related(*related)
    return sum(create_task_for_decision(decision, by) is not None for decision in decisions)


def add_attachment(meeting: Meeting, file: File, *, kind: str, caption: str = "", photo_consent: bool = False, by: Any = None) -> Attachment:
    """Store a checked upload (see projects.uploads) for the meeting."""
    checked = check_upload(file, photo=kind == Attachment.Kind.PHOTO)
    attachment = Attachment(
        meeting=meeting, kind=kind, caption=caption, photo_consent=photo_consent, uploaded_by=by,
        original_name=checked.name, content_type=checked.content_type, size=checked.size,
    )
    attachment.file.save(checked.name, file, save=False)
    attachment.save()
    return attachment


