"""Invitations to a meeting and the answers to them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from meetings.calendar import invitation_ics
from meetings.models import Meeting, Participation
from meetings.services import meeting_url
from outbox import replies
from outbox.services import Attachment as EmailAttachment
from outbox.services import queue_for_user
from projects import permissions
from projects.models import Membership

User = get_user_model()

# The roles that take part in meetings; observers (e.g. the national agency) only read.
PARTICIPANT_ROLES = (Membership.Role.COORDINATOR, Membership.Role.MEMBER)


class AnswersClosed(Exception):
    """The meeting has started (or was cancelled): answers can no longer change."""


class StaleAnswer(Exception):
    """A calendar answer to an older version of the invitation than the latest answer's."""


@dataclass
class InvitationResult:
    queued: int = 0
    already: int = 0


def send_invitations(meeting: Meeting) -> InvitationResult:
    """Invite every coordinator and partner member of the meeting's project.

    One email per person, in their language, with the meeting's iTIP request (their
    calendar program offers Accept/Tentative/Decline and sends the answer to the signed
    ORGANIZER address). The outbox key holds the meeting's SEQUENCE: running the action
    twice sends nothing new, but after the meeting moved or changed everybody gets the
    new version, which replaces the old entry in their calendar.
    """
    result = InvitationResult()
    now = timezone.now()
    recipients = User.objects.filter(
        is_active=True, memberships__project_id=meeting.project_id, memberships__role__in=PARTICIPANT_ROLES
    ).select_related("person").order_by("pk")
    with transaction.atomic():
        for user in recipients:
            participation, _created = Participation.objects.get_or_create(meeting=meeting, user=user)
            language = user.person.language
            ics = invitation_ics(meeting, user)
            email = queue_for_user(
                user,
                key=f"meetings:invitation:{meeting.pk}:{user.pk}:v{meeting.sequence}",
                category="meeting_invitation",
                template="meetings/emails/invitation",
                context={"meeting": meeting, "participation": participation, "url": meeting_url(meeting, language)},
                project=meeting.project,
                attachments=[EmailAttachment("invite.ics", "text/calendar; method=REQUEST", ics)],
                reply_to=replies.reply_address(replies.MEETING, meeting.pk, user.pk),
            )
            if email is None:
                result.already += 1
                continue
            participation.invited_at = now
            participation.save(update_fields=["invited_at"])
            result.queued += 1
    return result


def send_cancellations(meeting: Meeting) -> int:
    """Tell everybody who was invited that the meeting is called off (iTIP CANCEL), so
    their calendar program removes the entry. Once per person and meeting."""
    sent = 0
    invited = Participation.objects.filter(meeting=meeting, invited_at__isnull=False, user__is_active=True)
    for participation in invited.select_related("user__person").order_by("pk"):
        user = participation.user
        ics = invitation_ics(meeting, user, method="CANCEL")
        email = queue_for_user(
            user,
            key=f"meetings:cancellation:{meeting.pk}:{user.pk}",
            category="meeting_cancellation",
            template="meetings/emails/cancellation",
            context={"meeting": meeting, "url": meeting_url(meeting, user.person.language)},
            project=meeting.project,
            attachments=[EmailAttachment("cancel.ics", "text/calendar; method=CANCEL", ics)],
        )
        sent += email is not None
    return sent


def answer_invitation(
    meeting: Meeting, user: Any, *, response: str, arrival_date: date | None = None,
    departure_date: date | None = None, notes: str = "", sequence: int | None = None,
) -> Participation:
    """Record a person's answer; refused once the meeting has started, and for anyone who
    is not a contributing member of the project (PermissionDenied).

    ``sequence`` is the invitation version a calendar answer refers to: one older than
    the version of the latest answer raises StaleAnswer and changes nothing. An answer on
    the page is for the current version."""
    if not permissions.can_answer_meeting(user, meeting):
        raise PermissionDenied
    with transaction.atomic():
        # Lock the meeting row so a moved start time is seen before the answer is taken.
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if not meeting.accepts_answers:
            raise AnswersClosed
        participation, _created = Participation.objects.select_for_update().get_or_create(meeting=meeting, user=user)
        answered_for = meeting.sequence if sequence is None else min(sequence, meeting.sequence)
        if participation.answered_sequence is not None and answered_for < participation.answered_sequence:
            raise StaleAnswer
        participation.answered_sequence = answered_for
        participation.response = response
        attending = response != Participation.Response.NOT_ATTENDING
        participation.arrival_date = arrival_date if attending else None
        participation.departure_date = departure_date if attending else None
        participation.notes = notes
        participation.responded_at = timezone.now()
        participation.save()
    return participation
