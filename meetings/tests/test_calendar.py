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
    with django_assert_max_num_queries(6) as few:
        _feed(client, partner.person.calendar_token)
    for i in range(20):
        make_meeting(project, title=f"M{i}", starts_at=timezone.now() + timedelta(days=40 + i))
    with django_assert_max_num_queries(6) as many:
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
