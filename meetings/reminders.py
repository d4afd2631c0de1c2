"""Meeting reminders: N days before a meeting starts, once per offset, moved with the meeting.

The same pattern as the deadline reminders (``workgroups.reminders``): a pure rule says
which occasion is due (``due_offset``: the nearest offset whose moment has come), a
unique key claims it, and the outbox delivers after commit. Here the claim is the outbox
row's own unique key, which holds the offset and the start time: a reminder goes out
once per offset, and when the meeting moves its reminders move with it.

Who: every active participant who has not declined. The project's
``meeting_reminder_days`` say when (default 7 and 1). Queries grow with batches of
``BATCH`` reminders, not with participants: keys already sent are read per batch before
anything is rendered, and each batch's emails go in with one INSERT.
"""
from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from meetings.models import Meeting, Participation
from meetings.services import meeting_url
from outbox.models import OutgoingEmail
from outbox.services import Draft, recipient_locale, record_emails, render_email
from projects.models import Project, parse_day_list

log = logging.getLogger(__name__)

CATEGORY = "meeting_reminder"
TEMPLATE = "meetings/emails/reminder"
DEFAULT_REMINDER_DAYS = [7, 1]
# Reminders per batch: one read of the keys already sent, one INSERT of the new emails.
BATCH = 200


def reminder_offsets(days: str) -> list[int]:
    """A project's ``meeting_reminder_days`` as offsets, largest first ("" means none)."""
    try:
        offsets = [d for d in parse_day_list(days) if d > 0]
    except ValueError:
        log.warning("Unreadable meeting reminder days %r; using the default", days)
        offsets = DEFAULT_REMINDER_DAYS
    return sorted(offsets, reverse=True)


def due_offset(meeting: Meeting, offsets: Sequence[int], now: datetime) -> int | None:
    """The nearest reminder whose time has come: a meeting set up three days ahead gets one
    reminder now (the 7-day one, late) and the 1-day one later, never a burst of both."""
    return min((d for d in offsets if meeting.starts_at - timedelta(days=d) <= now), default=None)


def _due_meetings(now: datetime) -> list[tuple[Meeting, int]]:
    """Upcoming meetings with a reminder due, and its offset (two queries)."""
    projects = Project.objects.filter(meetings__starts_at__gt=now).distinct()
    offsets = {pk: reminder_offsets(days) for pk, days in projects.values_list("pk", "meeting_reminder_days")}
    horizon = max((max(days, default=0) for days in offsets.values()), default=0)
    if horizon <= 0:
        return []
    meetings = Meeting.objects.filter(
        status__in=[Meeting.Status.PLANNED, Meeting.Status.CONFIRMED],
        starts_at__gt=now, starts_at__lte=now + timedelta(days=horizon),
    ).select_related("project")
    due = [(meeting, due_offset(meeting, offsets[meeting.project_id], now)) for meeting in meetings]
    return [(meeting, offset) for meeting, offset in due if offset is not None]


def _key(meeting: Meeting, user: Any, offset: int) -> str:
    return f"meetings:reminder:{meeting.pk}:{user.pk}:{offset}d:{int(meeting.starts_at.timestamp())}"


def _draft(participation: Participation, meeting: Meeting, offset: int, now: datetime) -> Draft:
    user = participation.user
    language, time_zone = recipient_locale(user)
    context = {
        "recipient": user, "meeting": meeting, "participation": participation,
        "url": meeting_url(meeting, language),
        "days_left": max(1, math.ceil((meeting.starts_at - now) / timedelta(days=1))),
    }
    return Draft(
        key=_key(meeting, user, offset), category=CATEGORY, to_email=user.email,
        rendered=render_email(TEMPLATE, context, language, time_zone),
        language=language, user=user, project=meeting.project,
    )


def send_meeting_reminders(now: datetime | None = None) -> int:
    """Queue the reminders whose time has come; returns how many. Safe to run any number
    of times, also concurrently (the outbox key decides)."""
    now = now or timezone.now()
    due = {meeting.pk: (meeting, offset) for meeting, offset in _due_meetings(now)}
    if not due:
        return 0
    participations = list(
        Participation.objects.filter(meeting_id__in=due.keys(), user__is_active=True)
        .exclude(response=Participation.Response.NOT_ATTENDING)
        .select_related("user__person")
        .order_by("meeting_id", "pk")
    )
    queued = 0
    for start in range(0, len(participations), BATCH):
        chunk = participations[start:start + BATCH]
        keys = {p.pk: _key(due[p.meeting_id][0], p.user, due[p.meeting_id][1]) for p in chunk}
        # Rendering is the expensive part: skip what an earlier sweep queued. The INSERT
        # still decides against a concurrent sweep (record_emails skips a taken key).
        sent = set(OutgoingEmail.objects.filter(key__in=keys.values()).values_list("key", flat=True))
        drafts = [_draft(p, *due[p.meeting_id], now) for p in chunk if keys[p.pk] not in sent]
        with transaction.atomic():
            queued += sum(email is not None for email in record_emails(drafts))
    return queued
