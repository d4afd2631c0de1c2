"""The personal calendar feed: meetings and task deadlines behind a secret, renewable URL."""
from __future__ import annotations

from datetime import timedelta

import icalendar
import pytest
from django.utils import timezone

from meetings.calendar import renew_calendar_token
from meetings.models import Participation
from meetings.tests.factories import make_meeting

pytestmark = pytest.mark.django_db


def _feed(client, token):
    return client.get(f"/calendar/{token}.ics")


def test_feed_holds_my_meetings_and_my_organisations_open_deadlines(client, project, other_project, partner, partner_organisation, coordinator):
    from workgroups.models import Task, WorkGroup

    make_meeting(project, title="Second partner meeting")
    declined = make_meeting(project, title="Seminar in Vejle")
    Participation.objects.create(meeting=declined, user=partner, response="not_attending")
    make_meeting(other_project, title="Somebody else's meeting")
    group = WorkGroup.objects.create(project=project, name="Skills analysis")
    deadline = timezone.localdate() + timedelta(days=20)
    mine = Task.objects.create(work_group=group, title="Send the questionnaire", deadline=deadline)
    mine.responsible_people.add(partner)
    ours = Task.objects.create(work_group=group, title="Collect good practice", deadline=deadline, status="in_progress")
    ours.responsible_organisations.add(partner_organisation)
    done = Task.objects.create(work_group=group, title="Finished task", deadline=deadline, status="done", completed_on=deadline)
    done.responsible_people.add(partner)
    Task.objects.create(work_group=group, title="Coordinator's task", deadline=deadline).responsible_people.add(coordinator)

    response = _feed(client, partner.person.calendar_token)  # no login: calendar programs cannot log in
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    summaries = sorted(str(e["SUMMARY"]) for e in events)
    assert summaries == ["Frist: Collect good practice", "Frist: Send the questionnaire", "Second partner meeting"]
    task_event = next(e for e in events if "questionnaire" in str(e["SUMMARY"]))
    assert task_event.decoded("DTSTART") == deadline


def test_renewing_the_token_makes_the_old_feed_url_404(client, partner):
    from projects.models import Person

    old = partner.person.calendar_token
    assert _feed(client, old).status_code == 200
    client.force_login(partner)
    response = client.post("/en/meetings/calendar/renew/", follow=True)
    assert "The old address no longer works" in response.content.decode()
    new = Person.objects.get(user=partner).calendar_token
    assert new != old
    assert new in response.content.decode()
    assert _feed(client, old).status_code == 404
    assert _feed(client, new).status_code == 200


def test_renew_calendar_token_service_changes_the_secret(partner):
    person = partner.person
    old = person.calendar_token
    new = renew_calendar_token(person)
    person.refresh_from_db()
    assert person.calendar_token == new != old


def test_unknown_token_and_inactive_person_get_404(client, partner):
    assert _feed(client, "not-a-token").status_code == 404
    partner.is_active = False
    partner.save()
    assert _feed(client, partner.person.calendar_token).status_code == 404


def test_feed_needs_the_same_queries_for_few_or_many_meetings(client, project, partner, django_assert_max_num_queries):
    make_meeting(project)
    with django_assert_max_num_queries(3) as few:
        _feed(client, partner.person.calendar_token)
    for i in range(20):
        make_meeting(project, title=f"M{i}", starts_at=timezone.now() + timedelta(days=40 + i))
    with django_assert_max_num_queries(3) as many:
        _feed(client, partner.person.calendar_token)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_calendar_program_polling_an_unchanged_feed_gets_304_and_the_new_feed_after_a_change(client, project, partner):
    meeting = make_meeting(project, title="Kick-off in Riga")
    token = partner.person.calendar_token
    first = _feed(client, token)
    assert first.status_code == 200 and first.has_header("ETag")

    again = client.get(f"/calendar/{token}.ics", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""

    meeting.title = "Kick-off in Riga (new room)"
    meeting.save()
    changed = client.get(f"/calendar/{token}.ics", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert [str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(changed.content).walk("VEVENT")] == [meeting.title]

    # Declining takes the meeting out of the feed: that is a change too.
    Participation.objects.create(meeting=meeting, user=partner, response="not_attending")
    declined = client.get(f"/calendar/{token}.ics", HTTP_IF_NONE_MATCH=changed["ETag"])
    assert declined.status_code == 200 and icalendar.Calendar.from_ical(declined.content).walk("VEVENT") == []


def _icalendar_event(meeting, language, stamp):
    """A meeting's event as icalendar builds it from its properties (what meeting_event did
    before it read back the lines the feed writes)."""
    from datetime import timedelta

    from django.utils import translation
    from django.utils.translation import gettext as _
    from icalendar import Alarm, Event

    from meetings.calendar import ICS_STATUS, meeting_uid
    from meetings.services import meeting_url
    from projects.models import country_name

    url = meeting_url(meeting, language)
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", stamp)
    event.add("last-modified", meeting.updated_at)
    event.add("dtstart", meeting.local_starts_at)
    event.add("dtend", meeting.local_ends_at)
    event.add("summary", meeting.title)
    location = ", ".join(p for p in (meeting.venue, meeting.address, meeting.city, country_name(meeting.country)) if p)
    if location:
        event.add("location", location)
    event.add("description", "\n\n".join(p for p in (meeting.description, meeting.online_url, url) if p))
    event.add("url", url)
    event.add("status", ICS_STATUS.get(meeting.status, "CONFIRMED"))
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", timedelta(days=-1))
    with translation.override(language):
        alarm.add("description", _("Tomorrow: %(title)s") % {"title": meeting.title})
    event.add_component(alarm)
    return event


def _icalendar_feed(person, now):
    """The feed as icalendar itself writes it: an Event per task and ``Calendar.to_ical()``
    (what personal_feed did before it wrote the task events' lines itself)."""
    from django.utils import translation
    from django.utils.translation import gettext as _
    from icalendar import Event

    from meetings import calendar

    with translation.override(person.language):
        cal = calendar._calendar(_("agepartners: %(name)s") % {"name": person.full_name})
        meetings = list(calendar.feed_meetings(person.user))
        for meeting in meetings:
            cal.add_component(_icalendar_event(meeting, person.language, now))
        for task in calendar.feed_tasks(person.user).select_related("work_group__project"):
            event = Event()
            event.add("uid", f"task-{task.pk}@{calendar._uid_host()}")
            event.add("dtstamp", now)
            event.add("dtstart", task.deadline)
            event.add("dtend", task.deadline + timedelta(days=1))
            event.add("summary", _("Deadline: %(title)s") % {"title": task.title})
            event.add("description", f"{task.work_group.project.title} – {task.work_group.name}")
            event.add("transp", "TRANSPARENT")
            cal.add_component(event)
    first = min(m.local_starts_at for m in meetings).date() - timedelta(days=1)
    last = max(m.local_ends_at for m in meetings).date() + timedelta(days=2)
    cal.add_missing_timezones(first_date=first, last_date=last)
    return cal.to_ical()


def test_the_feed_is_byte_for_byte_what_icalendar_writes(project, partner, partner_organisation):
    """personal_feed writes the task events' lines itself and folds only long lines (the
    feed's time went into icalendar's per-property machinery): the bytes must not differ,
    escaping (commas, semicolons, backslashes), non-ASCII text and folding included."""
    from meetings.calendar import personal_feed
    from workgroups.models import Task, WorkGroup

    make_meeting(project, title="Partnertreffen in Magdeburg; Tag 1, Führung", description="Ab 9 Uhr\nim Rathaus, Raum 2")
    make_meeting(project, title="Kurz", starts_at=timezone.now() + timedelta(days=200))
    group = WorkGroup.objects.create(project=project, name="Öffentlichkeitsarbeit, Presse; Web")
    for days, title in [(3, "Fragebogen senden"), (40, "Ein sehr langer Aufgabentitel, der über fünfundsiebzig Bytes hinausgeht: ä ö ü ß € \\ Ende"), (-10, "Überfällig")]:
        task = Task.objects.create(work_group=group, title=title, deadline=timezone.localdate() + timedelta(days=days))
        task.responsible_people.add(partner)
    Task.objects.create(work_group=group, title="Unserer Organisation", deadline=timezone.localdate()).responsible_organisations.add(partner_organisation)
    now = timezone.now()
    person = partner.person

    ours = personal_feed(person, now=now)
    assert ours == _icalendar_feed(person, now)
    assert len(icalendar.Calendar.from_ical(ours).walk("VEVENT")) == 6
    assert max(len(line) for line in ours.split(b"\r\n")) <= 75  # long lines folded


def test_the_feed_leaves_out_what_ended_more_than_half_a_year_ago(client, project, partner):
    from meetings.calendar import FEED_PAST_DAYS
    from workgroups.models import Task, WorkGroup

    now = timezone.now()
    make_meeting(project, title="Kick-off long ago", starts_at=now - timedelta(days=FEED_PAST_DAYS + 5))
    make_meeting(project, title="Last spring's meeting", starts_at=now - timedelta(days=FEED_PAST_DAYS - 5))
    make_meeting(project, title="Next meeting")
    group = WorkGroup.objects.create(project=project, name="Skills analysis")
    today = timezone.localdate()
    for days, title in [(-FEED_PAST_DAYS - 5, "Forgotten task"), (-FEED_PAST_DAYS + 5, "Late task"), (5, "Task ahead")]:
        Task.objects.create(work_group=group, title=title, deadline=today + timedelta(days=days)).responsible_people.add(partner)

    events = icalendar.Calendar.from_ical(_feed(client, partner.person.calendar_token).content).walk("VEVENT")
    assert sorted(str(e["SUMMARY"]) for e in events) == [
        "Frist: Late task", "Frist: Task ahead", "Last spring's meeting", "Next meeting",
    ]
