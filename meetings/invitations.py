"""Invitations to a meeting and the answers to them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from meetings.calendar import meeting_ics
from meetings.models import Meeting, Participation
from meetings.services import meeting_url
from outbox.services import Attachment as EmailAttachment
from outbox.services import queue_for_user
from projects import permissions
from projects.models import Membership

User = get_user_model()

# The roles that take part in meetings; observers (e.g. the national agency) only read.
PARTICIPANT_ROLES = (Membership.Role.COORDINATOR, Membership.Role.MEMBER)


class AnswersClosed(Exception):
    """The meeting has started (or was cancelled): answers can no longer change."""


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
            language = user.person.language
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
    """Record a person's answer; refused once the meeting has started, and for anyone who
    is not a contributing member of the project (PermissionDenied)."""
    if not permissions.can_answer_meeting(user, meeting):
        raise PermissionDenied
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
