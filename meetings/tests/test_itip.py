"""Invitations as iTIP messages (RFC 5546): what calendar programs need to offer
Accept/Tentative/Decline, replace the entry when the meeting moves and remove it when it
is cancelled. Each message is read back by two independent parsers."""
from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import icalendar
import pytest
import vobject
from django.db import transaction

from meetings.calendar import meeting_uid
from meetings.invitations import StaleAnswer, answer_invitation, send_invitations
from meetings.models import Meeting, Participation
from meetings.tests.factories import make_meeting
from outbox import replies
from outbox.models import OutgoingEmail
from outbox.services import _message

pytestmark = pytest.mark.django_db


def _sent(category: str, user) -> list[EmailMessage]:
    """The outgoing emails of a category to one person, as the SMTP server would get them."""
    rows = OutgoingEmail.objects.filter(category=category, user=user).order_by("pk")
    return [message_from_bytes(_message(row, None).message().as_bytes(), policy=policy.default) for row in rows]


def _calendar_part(message: EmailMessage):
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    return part


def _both(text: str):
    """The one VEVENT, read by icalendar and by vobject."""
    cal = icalendar.Calendar.from_ical(text)
    [event] = cal.walk("VEVENT")
    vcal = vobject.readOne(text)
    return cal, event, vcal, vcal.vevent


def test_invitation_is_an_itip_request_for_that_person(project, coordinator, partner, settings):
    settings.INBOUND_EMAIL_URL = ""
    settings.DEFAULT_FROM_EMAIL = "agepartners <noreply@portal.example>"
    meeting = make_meeting(project, title="Second partner meeting")
    send_invitations(meeting)

    [message] = _sent("meeting_invitation", partner)
    part = _calendar_part(message)
    assert part.get_param("method") == "REQUEST"
    assert message["Reply-To"] is None  # answers by email are off
    assert "Kalenderprogramm" not in message.get_body(preferencelist=("plain",)).get_content()
    cal, event, vcal, vevent = _both(part.get_content())
    assert str(cal["METHOD"]) == "REQUEST" and vcal.method.value == "REQUEST"
    assert str(event["UID"]) == vevent.uid.value == meeting_uid(meeting)
    assert int(event["SEQUENCE"]) == int(vevent.sequence.value) == 0
    assert str(event["ORGANIZER"]).lower() == vevent.organizer.value.lower() == "mailto:noreply@portal.example"
    [attendee] = [event["ATTENDEE"]] if not isinstance(event["ATTENDEE"], list) else event["ATTENDEE"]
    assert str(attendee).lower() == f"mailto:{partner.email}".lower()
    assert attendee.params["RSVP"] == "TRUE" and attendee.params["PARTSTAT"] == "NEEDS-ACTION"
    assert attendee.params["CN"] == partner.get_full_name()
    [vattendee] = vevent.attendee_list
    assert vattendee.params["PARTSTAT"] == ["NEEDS-ACTION"] and vattendee.params["RSVP"] == ["TRUE"]
    # Each person gets their own: the coordinator's names the coordinator.
    [other] = _sent("meeting_invitation", coordinator)
    assert coordinator.email.lower() in _calendar_part(other).get_content().lower()
    assert partner.email.lower() not in _calendar_part(other).get_content().lower()


def test_with_answers_by_email_the_organizer_and_reply_to_are_signed_for_the_person(project, partner, settings):
    settings.INBOUND_EMAIL_URL = "folder:///tmp/unused"
    settings.INBOUND_EMAIL_ADDRESS = "partners@portal.example"
    meeting = make_meeting(project)
    send_invitations(meeting)

    [message] = _sent("meeting_invitation", partner)
    _cal, event, _vcal, vevent = _both(_calendar_part(message).get_content())
    organizer = str(event["ORGANIZER"]).removeprefix("mailto:")
    assert organizer == vevent.organizer.value.removeprefix("mailto:")
    assert organizer.startswith("partners+") and organizer.endswith("@portal.example")
    target = replies.parse_token(replies.token_in_address(organizer) or "")
    assert target == replies.ReplyTarget(replies.MEETING, meeting.pk, partner.pk)
    assert message["Reply-To"] == organizer
    assert "„Zusagen“, „Vorläufig“ oder „Absagen“" in message.get_body(preferencelist=("plain",)).get_content()


def test_moving_the_meeting_raises_the_sequence_and_sends_the_new_version_with_the_same_uid(project, partner):
    meeting = make_meeting(project)
    send_invitations(meeting)
    [first] = _sent("meeting_invitation", partner)

    meeting.description = "Bring the questionnaires."  # not shown as time or place: same version
    meeting.save()
    meeting.refresh_from_db()
    assert meeting.sequence == 0
    assert send_invitations(meeting).queued == 0

    meeting.starts_at += timedelta(days=1)
    meeting.ends_at += timedelta(days=1)
    meeting.save()
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    meeting.venue = "Rathaus, Saal 2"
    meeting.save()
    assert Meeting.objects.get(pk=meeting.pk).sequence == 2
    assert send_invitations(meeting).queued == 1  # the partner is the project's only participant here
    _first, second = _sent("meeting_invitation", partner)
    _c, old_event, _v, _ve = _both(_calendar_part(first).get_content())
    _c, new_event, _v, new_vevent = _both(_calendar_part(second).get_content())
    assert str(new_event["UID"]) == str(old_event["UID"]) == new_vevent.uid.value
    assert int(new_event["SEQUENCE"]) == int(new_vevent.sequence.value) == 2
    assert new_event.decoded("DTSTART") == old_event.decoded("DTSTART") + timedelta(days=1)
    assert "Rathaus, Saal 2" in str(new_event["LOCATION"])


def test_cancelling_sends_an_itip_cancel_to_those_invited_once(project, coordinator, partner, observer):
    meeting = make_meeting(project, title="Seminar in Vejle")
    send_invitations(meeting)
    meeting.status = Meeting.Status.CANCELLED
    meeting.save()
    meeting.save()  # saving again tells nobody twice

    [message] = _sent("meeting_cancellation", partner)
    assert "Seminar in Vejle" in str(message["Subject"])
    part = _calendar_part(message)
    assert part.get_param("method") == "CANCEL"
    cal, event, vcal, vevent = _both(part.get_content())
    assert str(cal["METHOD"]) == vcal.method.value == "CANCEL"
    assert str(event["STATUS"]) == vevent.status.value == "CANCELLED"
    assert str(event["UID"]) == vevent.uid.value == meeting_uid(meeting)
    assert int(event["SEQUENCE"]) == int(vevent.sequence.value) == 1
    assert not event.walk("VALARM")
    assert OutgoingEmail.objects.filter(category="meeting_cancellation").count() == 2  # coordinator, partner
    assert not OutgoingEmail.objects.filter(category="meeting_cancellation", user=observer).exists()


def test_an_answer_to_an_older_version_does_not_undo_a_newer_answer(project, partner):
    meeting = make_meeting(project)
    answer_invitation(meeting, partner, response=Participation.Response.ATTENDING)  # version 0
    meeting.starts_at += timedelta(hours=2)
    meeting.ends_at += timedelta(hours=2)
    meeting.save()
    meeting.refresh_from_db()
    answer_invitation(meeting, partner, response=Participation.Response.NOT_ATTENDING, sequence=1)
    with pytest.raises(StaleAnswer), transaction.atomic():
        answer_invitation(meeting, partner, response=Participation.Response.ATTENDING, sequence=0)
    participation = Participation.objects.get(meeting=meeting, user=partner)
    assert participation.response == Participation.Response.NOT_ATTENDING
    assert participation.answered_sequence == 1
