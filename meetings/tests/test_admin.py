"""Coordinators run meetings in the Django admin, only for their own projects."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.utils import timezone

from conftest import body_text, wait_until
from meetings.models import AgendaItem, Decision, Meeting, Participation
from meetings.tests.factories import make_meeting
from outbox.models import OutgoingEmail

CHANGELIST = "/en/admin/meetings/meeting/"


def _action(client, action: str, *meetings: Meeting):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [m.pk for m in meetings]})


@pytest.mark.django_db
def test_coordinator_of_another_project_neither_sees_nor_acts_on_our_meetings(client, project, coordinator, partner, outsider, other_project):
    ours = make_meeting(project, title="Magdeburg partner meeting")
    theirs = make_meeting(other_project, title="Tartu kick-off")

    client.force_login(outsider)
    page = client.get(CHANGELIST).content.decode()
    assert "Tartu kick-off" in page and "Magdeburg partner meeting" not in page
    assert client.get(f"{CHANGELIST}{ours.pk}/change/").status_code == 302  # "does not exist" redirect
    _action(client, "send_invitations", ours)
    assert OutgoingEmail.objects.count() == 0
    response = _action(client, "export_attendance", ours)
    assert "Magdeburg" not in response.content.decode("utf-8", "replace")
    # The project choice of a new meeting offers only the outsider's own project.
    add_form = client.get(f"{CHANGELIST}add/").content.decode()
    assert "Other partnership" in add_form and "Administration go Europe!" not in add_form

    client.force_login(coordinator)
    page = client.get(CHANGELIST).content.decode()
    assert "Magdeburg partner meeting" in page and "Tartu kick-off" not in page
    assert client.get(f"{CHANGELIST}{ours.pk}/change/").status_code == 200
    assert client.get(f"{CHANGELIST}{theirs.pk}/change/").status_code == 302


@pytest.mark.django_db
def test_partner_members_have_no_admin(client, project, partner):
    make_meeting(project)
    client.force_login(partner)
    response = client.get(CHANGELIST)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_coordinator_enters_times_in_the_venue_time_zone(client, project, coordinator):
    client.force_login(coordinator)
    data = {
        "project": project.pk, "title": "Second partner meeting", "kind": "partner_meeting", "status": "planned",
        "description": "", "venue_time_zone": "Europe/Budapest",
        "start_day": "2013-04-18", "start_time": "09:00", "end_day": "2013-04-19", "end_time": "15:00",
        "host_organisation": "", "venue": "", "address": "", "city": "Eger", "country": "HU", "online_url": "meet.eger.example/age", "minutes": "",
    }
    for prefix in ("agenda_items", "participations", "decisions", "attachments"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = client.post(f"{CHANGELIST}add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    meeting = Meeting.objects.get(title="Second partner meeting")
    # 09:00 in Eger, although the coordinator works in Riga time.
    assert meeting.starts_at == datetime(2013, 4, 18, 9, 0, tzinfo=ZoneInfo("Europe/Budapest"))
    # A link typed without its scheme is taken as https.
    assert meeting.online_url == "https://meet.eger.example/age"


@pytest.mark.django_db
def test_duplicate_starts_the_next_meeting_with_the_programme_but_no_answers(client, project, coordinator, partner):
    meeting = make_meeting(project, title="First partner meeting", starts_at=datetime(2012, 10, 4, 9, tzinfo=ZoneInfo("Europe/Berlin")))
    AgendaItem.objects.create(meeting=meeting, order=1, title="Welcome", day=meeting.local_starts_at.date())
    Participation.objects.create(meeting=meeting, user=partner, response="attending", attended=True)
    client.force_login(coordinator)
    response = _action(client, "duplicate_as_next", meeting)
    copy = Meeting.objects.exclude(pk=meeting.pk).get()
    assert response["Location"].endswith(f"/meetings/meeting/{copy.pk}/change/")
    assert copy.status == Meeting.Status.PLANNED
    assert copy.local_starts_at.hour == 9 and copy.starts_at > meeting.starts_at
    assert [i.title for i in copy.agenda_items.all()] == ["Welcome"]
    assert copy.agenda_items.get().day == copy.local_starts_at.date()
    assert not copy.participations.exists()


@pytest.mark.django_db
def test_attendance_export_lists_organisation_country_and_position(client, project, coordinator, partner):
    meeting = make_meeting(project, title="First partner meeting")
    Participation.objects.create(meeting=meeting, user=partner, response="attending", attended=True)
    client.force_login(coordinator)
    response = _action(client, "export_attendance", meeting)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][2:6] == ["City of Magdeburg", "Germany", "Katrin Hoffmann", "International officer"]


@pytest.mark.django_db
def test_decision_with_work_group_and_deadline_becomes_a_task_of_the_meeting(client, project, coordinator, partner, partner_organisation):
    from workgroups.models import WorkGroup

    meeting = make_meeting(project, title="First partner meeting")
    group = WorkGroup.objects.create(project=project, name="Skills analysis")
    Decision.objects.create(meeting=meeting, order=1, title="Survey the staff skills", work_group=group,
                            owner=partner, deadline=timezone.localdate() + timedelta(days=40))
    Decision.objects.create(meeting=meeting, order=2, title="Next meeting in Eger")  # no task
    client.force_login(coordinator)
    _action(client, "create_tasks_from_decisions", meeting)
    _action(client, "create_tasks_from_decisions", meeting)  # a second run creates nothing new
    [task] = meeting.tasks.all()
    assert task.title == "Survey the staff skills" and task.work_group == group
    assert list(task.responsible_people.all()) == [partner]
    assert list(task.responsible_organisations.all()) == [partner_organisation]
    assert Decision.objects.get(order=1).task == task


pytestmark_worker = pytest.mark.django_db(transaction=True)


@pytestmark_worker
def test_invitations_reach_every_member_once_in_their_language_with_a_calendar_file(
    client, project, coordinator, partner, observer, smtp_server, celery_worker
):
    from projects.models import Organisation
    from projects.services import add_membership, create_user

    italy = Organisation.objects.create(name="Centro Studi Europa", country="IT", city="Ferrara")
    marco = create_user("marco@ferrara.example", first_name="Marco", last_name="Bianchi", organisation=italy,
                        language="it", time_zone="Europe/Rome")
    add_membership(marco, project, "member")
    start = datetime(2031, 4, 18, 9, 0, tzinfo=ZoneInfo("Europe/Budapest"))
    meeting = make_meeting(project, title="Second partner meeting", starts_at=start, venue_time_zone="Europe/Budapest",
                           city="Eger", country="HU")

    client.force_login(coordinator)
    _action(client, "send_invitations", meeting)
    messages = smtp_server.wait_for(3)
    wait_until(lambda: OutgoingEmail.objects.filter(status="sent").count() == 3)

    by_address = {m["To"]: m for m in messages}
    assert sorted(by_address) == sorted([coordinator.email, partner.email, marco.email])  # not the observer
    assert str(by_address[partner.email]["Subject"]).strip().startswith("Einladung")
    assert str(by_address[coordinator.email]["Subject"]).strip().startswith("Ielūgums")
    assert str(by_address[marco.email]["Subject"]).strip().startswith("Invito")
    assert "Bitte" in body_text(by_address[partner.email])
    for message in messages:
        [ics] = [part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"]
        calendar = icalendar.Calendar.from_ical(ics.get_content())
        [event] = calendar.walk("VEVENT")
        assert str(event["SUMMARY"]) == "Second partner meeting"
        assert event.decoded("DTSTART") == start
        assert event.walk("VALARM"), "the calendar entry reminds its owner"
    assert set(Participation.objects.filter(meeting=meeting).values_list("user__email", flat=True)) == {
        coordinator.email, partner.email, marco.email
    }

    # Running the action again sends nothing new.
    _action(client, "send_invitations", meeting)
    assert OutgoingEmail.objects.filter(category="meeting_invitation").count() == 3
    assert len(smtp_server.messages) == 3
