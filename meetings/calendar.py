"""Calendar files: one meeting's .ics and the personal feed behind a secret, renewable URL.

Calendar programs poll the feed; the view answers their conditional GETs, so nothing here
is cached.
"""
from __future__ import annotations

from datetime import timedelta
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event, vCalAddress, vText

from meetings.models import Meeting, Participation
from meetings.services import absolute, meeting_url
from outbox import replies
from projects.models import Person, country_name, new_token
from workgroups.models import Task

ICS_STATUS: dict[str, str] = {
    Meeting.Status.PLANNED: "TENTATIVE",
    Meeting.Status.CONFIRMED: "CONFIRMED",
    Meeting.Status.HELD: "CONFIRMED",
    Meeting.Status.CANCELLED: "CANCELLED",
}


def _uid_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "agepartners"


def meeting_uid(meeting: Meeting) -> str:
    """The meeting's calendar UID: the same for its whole life, in every file and feed."""
    return f"meeting-{meeting.pk}@{_uid_host()}"


def meeting_event(meeting: Meeting, *, language: str) -> Event:
    """One meeting as a VEVENT in the venue's time zone, with a reminder the day before."""
    url = meeting_url(meeting, language)
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now())
    event.add("last-modified", meeting.updated_at or timezone.now())
    event.add("dtstart", meeting.local_starts_at)
    event.add("dtend", meeting.local_ends_at)
    event.add("summary", meeting.title)
    location = ", ".join(p for p in (meeting.venue, meeting.address, meeting.city, country_name(meeting.country)) if p)
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


def _calendar(name: str, method: str = "PUBLISH") -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//agepartners//meetings//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    cal.add("x-wr-calname", name)
    return cal


def meeting_ics(meeting: Meeting, *, language: str | None = None) -> str:
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    cal = _calendar(meeting.title)
    cal.add_component(meeting_event(meeting, language=language))
    cal.add_missing_timezones()
    return cal.to_ical().decode("utf-8")


def organizer_address(meeting: Meeting, user: Any) -> str:
    """Where the person's calendar program sends its Accept/Decline (the ORGANIZER).

    Calendar programs answer the organizer, not Reply-To, so with answers by email on it
    is the signed address naming this meeting and this person; otherwise the portal's
    sender address (the answer then reaches nobody, as with any notification)."""
    signed = replies.reply_address(replies.MEETING, meeting.pk, user.pk)
    return signed or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def invitation_ics(meeting: Meeting, user: Any, *, method: str = "REQUEST", language: str | None = None) -> str:
    """The iTIP message (RFC 5546) of one person's invitation: REQUEST, or CANCEL when the
    meeting is called off. Same UID as the download and the feed, with the meeting's SEQUENCE."""
    language = language or user.person.language
    cal = _calendar(meeting.title, method=method)
    event = meeting_event(meeting, language=language)
    organizer = vCalAddress(f"mailto:{organizer_address(meeting, user)}")
    organizer.params["CN"] = vText("agepartners")
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{user.email}")
    attendee.params["CN"] = vText(user.get_full_name() or user.email)
    attendee.params["CUTYPE"] = vText("INDIVIDUAL")
    attendee.params["ROLE"] = vText("REQ-PARTICIPANT")
    if method == "REQUEST":
        attendee.params["PARTSTAT"] = vText("NEEDS-ACTION")
        attendee.params["RSVP"] = vText("TRUE")
    event.add("attendee", attendee)
    if method == "CANCEL":
        event.pop("STATUS")
        event.add("status", "CANCELLED")
        for alarm in list(event.subcomponents):
            event.subcomponents.remove(alarm)
    cal.add_component(event)
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


def feed_tasks(user: Any) -> QuerySet[Task]:
    """Open tasks of the person's projects for which they or their organisation answer."""
    responsible = Q(responsible_people=user)
    if user.person.organisation_id:
        responsible |= Q(responsible_organisations=user.person.organisation_id)
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
