"""Calendar files: one meeting's .ics and the personal feed behind a secret, renewable URL.

Calendar programs poll the feed; the view answers their conditional GETs, so nothing here
is cached.
"""
from __future__ import annotations

import hashlib
from contextlib import suppress
from datetime import UTC, date, datetime, timedelta
from email.utils import parseaddr
from typing import Any, cast
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, vCalAddress, vText
from icalendar.parser import _escape_char, _foldline  # vText's escaping, Contentline's folding
from icalendar.timezone import tzid_from_tzinfo

from meetings.models import Meeting, Participation
from meetings.services import absolute
from outbox import replies
from projects.models import Person, country_name, new_token
from workgroups.models import Task

# The personal feed holds what ended in the last FEED_PAST_DAYS days and everything ahead: a
# calendar program keeps no history of its own for a subscribed feed, so this is how far back
# the person's calendar shows their meetings and open deadlines. It also bounds the feed's
# size (and the time to build it) however many years a project runs.
FEED_PAST_DAYS = 180

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


def meeting_event(meeting: Meeting, *, language: str, stamp: datetime | None = None) -> Event:
    """One meeting as a VEVENT in the venue's time zone, with a reminder the day before:
    the lines the personal feed writes for it, read back as an Event."""
    with translation.override(language):
        lines = _meeting_lines(meeting, _tzid(meeting), dtstamp=_utc(stamp or timezone.now()), host=_uid_host())
    return cast(Event, Event.from_ical("\r\n".join(lines)))


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
    event.add("organizer", vCalAddress.new(organizer_address(meeting, user), cn="agepartners"))
    request = method == "REQUEST"  # a cancellation asks for no answer
    event.add("attendee", vCalAddress.new(
        user.email, cn=user.get_full_name() or user.email, cutype="INDIVIDUAL", role="REQ-PARTICIPANT",
        partstat="NEEDS-ACTION" if request else None, rsvp=True if request else None,
    ))
    if method == "CANCEL":
        event["STATUS"] = vText("CANCELLED")
        event.subcomponents.clear()  # no reminder of a meeting that does not take place
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical().decode("utf-8")


def feed_since(now: datetime | None = None) -> datetime:
    """The start of the personal feed's window (FEED_PAST_DAYS)."""
    return (now or timezone.now()) - timedelta(days=FEED_PAST_DAYS)


def feed_meetings(user: Any) -> QuerySet[Meeting]:
    """The person's meetings: those of their projects they have not declined, that ended
    within the feed's window or are still ahead."""
    declined = Participation.objects.filter(user=user, response=Participation.Response.NOT_ATTENDING).values("meeting_id")
    meetings = Meeting.objects.filter(project__memberships__user=user, ends_at__gte=feed_since())
    return meetings.exclude(pk__in=declined).order_by("starts_at")


def feed_tasks(user: Any) -> QuerySet[Task]:
    """Open tasks of the person's projects for which they or their organisation answer,
    due within the feed's window or later."""
    responsible = Q(responsible_people=user)
    if user.person.organisation_id:
        responsible |= Q(responsible_organisations=user.person.organisation_id)
    return (
        Task.objects.filter(
            work_group__project__memberships__user=user, status__in=Task.ACTIVE,
            deadline__gte=timezone.localdate(feed_since()),
        )
        .filter(responsible)
        .distinct()
        .order_by("deadline", "pk")
    )


FeedRows = tuple[list[Meeting], list[tuple[Any, ...]]]  # a feed's meetings and its tasks' rows


def feed_rows(user: Any) -> FeedRows:
    """What the personal feed shows: its meetings, with only the columns their events show,
    and its open tasks as plain rows (not three model instances per task)."""
    meetings = list(feed_meetings(user).only(*_FEED_COLUMNS))
    tasks = feed_tasks(user).values_list("pk", "title", "deadline", "work_group__name", "work_group__project__title", "updated_at")
    return meetings, list(tasks)


def feed_etag(person: Person, meetings: list[Meeting], tasks: list[tuple[Any, ...]]) -> str:
    """What the feed shows changes one of these: the person's name or language, or the
    number, ids or latest change of the meetings and tasks in it."""
    parts: list[Any] = [person.pk, person.calendar_token, person.language, person.full_name]
    for rows in ([(m.pk, m.updated_at) for m in meetings], [(task[0], task[-1]) for task in tasks]):
        parts += [len(rows), max((changed for _, changed in rows), default=None), sum(pk for pk, _ in rows)]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def personal_feed(person: Person, now: datetime | None = None, rows: FeedRows | None = None) -> bytes:
    """The calendar behind a person's secret feed URL: meetings and task deadlines.

    Its dozens of meetings and hundreds of tasks are written as the content lines icalendar
    would write for their Events (building and serialising an Event each took most of the
    feed's time); test_calendar checks that the feed is byte for byte what icalendar writes."""
    meetings, tasks = rows or feed_rows(person.user)
    dtstamp, host = _utc(now or timezone.now()), _uid_host()
    with translation.override(person.language):
        cal = _calendar(_("agepartners: %(name)s") % {"name": person.full_name})
        zones = {m.venue_time_zone: _tzid(m) for m in meetings}
        events = [line for m in meetings for line in _meeting_lines(m, zones[m.venue_time_zone], dtstamp=dtstamp, host=host)]
        events += [
            line for pk, title, deadline, group, project, _changed in tasks
            for line in _task_lines(pk, title, deadline, f"{project} – {group}", dtstamp=dtstamp, host=host)
        ]
    if meetings:
        # The time zones' rules over the meetings' span only: icalendar's default (1970 to
        # 2038) computes and writes 68 years of transitions per zone.
        first = min(m.local_starts_at for m in meetings).date() - timedelta(days=1)
        last = max(m.local_ends_at for m in meetings).date() + timedelta(days=2)
        for tzid in sorted(set(zones.values()) - {"UTC"}):  # as Calendar.add_missing_timezones
            with suppress(ValueError):  # a zone icalendar does not know
                cal.add_component(Timezone.from_tzid(tzid, first_date=first, last_date=last))
    lines = [line for line in cal.content_lines() if line]
    lines[-1:-1] = events  # before END:VCALENDAR
    return b"\r\n".join(_folded(line) for line in lines) + b"\r\n"


# What a meeting's event shows (not the minutes, the kind or the host).
_FEED_COLUMNS = ("title", "venue", "address", "city", "country", "venue_time_zone", "starts_at", "ends_at",
                 "status", "online_url", "description", "sequence", "updated_at")


def _meeting_lines(meeting: Meeting, tzid: str, *, dtstamp: str, host: str) -> list[str]:
    """The content lines of meeting_event(meeting) in the active language: icalendar's
    canonical properties first, then the others in alphabetical order, then the alarm."""
    url = absolute(reverse("meetings:detail", args=[meeting.pk]))
    location = ", ".join(p for p in (meeting.venue, meeting.address, meeting.city, country_name(meeting.country)) if p)
    return [
        "BEGIN:VEVENT",
        "SUMMARY:" + _escape_char(meeting.title),
        _local("DTSTART", meeting.local_starts_at, tzid),
        _local("DTEND", meeting.local_ends_at, tzid),
        "DTSTAMP:" + dtstamp,
        "UID:" + _escape_char(f"meeting-{meeting.pk}@{host}"),
        f"SEQUENCE:{meeting.sequence}",
        "DESCRIPTION:" + _escape_char("\n\n".join(p for p in (meeting.description, meeting.online_url, url) if p)),
        "LAST-MODIFIED:" + _utc(meeting.updated_at or timezone.now()),
        *(["LOCATION:" + _escape_char(location)] if location else []),
        "STATUS:" + ICS_STATUS.get(meeting.status, "CONFIRMED"),
        "URL:" + url,
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "DESCRIPTION:" + _escape_char(_("Tomorrow: %(title)s") % {"title": meeting.title}),
        "TRIGGER:-P1D",
        "END:VALARM",
        "END:VEVENT",
    ]


def _task_lines(pk: int, title: str, deadline: date, description: str, *, dtstamp: str, host: str) -> list[str]:
    """An open task's deadline as the content lines of an all-day VEVENT."""
    return [
        "BEGIN:VEVENT",
        "SUMMARY:" + _escape_char(_("Deadline: %(title)s") % {"title": title}),
        "DTSTART;VALUE=DATE:" + deadline.strftime("%Y%m%d"),
        "DTEND;VALUE=DATE:" + (deadline + timedelta(days=1)).strftime("%Y%m%d"),
        "DTSTAMP:" + dtstamp,
        "UID:" + _escape_char(f"task-{pk}@{host}"),
        "DESCRIPTION:" + _escape_char(description),
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]


def _tzid(meeting: Meeting) -> str:
    return tzid_from_tzinfo(meeting.venue_tz) or meeting.venue_time_zone  # the venue's zone as icalendar names it


def _local(name: str, moment: datetime, tzid: str) -> str:
    # As vDatetime writes it: UTC with its "Z", any other zone as the TZID parameter.
    return f"{name}:{moment:%Y%m%dT%H%M%S}Z" if tzid == "UTC" else f"{name};TZID={tzid}:{moment:%Y%m%dT%H%M%S}"


def _utc(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def _folded(line: str) -> bytes:
    """A content line as icalendar writes it (``Contentline.to_ical``): folded when it has
    75 octets or more. icalendar folds character by character, so the lines that need no
    folding (nearly all of a feed's) skip it."""
    raw = line.encode("utf-8")
    return raw if len(raw) < 75 else _foldline(line).encode("utf-8")


def feed_url(person: Person) -> str:
    return absolute(reverse("meetings_feed:feed", args=[person.calendar_token]))


def renew_calendar_token(person: Person) -> str:
    """A new secret for the personal calendar feed; the old URL stops working at once."""
    person.calendar_token = new_token()
    person.save(update_fields=["calendar_token"])
    return person.calendar_token
