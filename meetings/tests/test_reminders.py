"""Meeting reminders: relative to the start, moved with the meeting, never sent twice."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.formats import date_format

from conftest import wait_until
from meetings import reminders
from meetings.models import Meeting, Participation
from meetings.tests.factories import make_meeting
from outbox.models import OutgoingEmail


def meeting_local_start(pk: int):
    return Meeting.objects.get(pk=pk).local_starts_at


def _reminders() -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(category="meeting_reminder").order_by("pk"))


@pytest.mark.django_db
def test_reminders_go_to_those_who_have_not_declined_once_per_offset(project, coordinator, partner, observer):
    now = timezone.now()
    meeting = make_meeting(project, starts_at=now + timedelta(days=10))
    Participation.objects.create(meeting=meeting, user=partner, response="attending")
    Participation.objects.create(meeting=meeting, user=observer, response="no_answer")
    Participation.objects.create(meeting=meeting, user=coordinator, response="not_attending")

    assert reminders.send_meeting_reminders(now) == 0  # 10 days ahead: nothing yet
    assert reminders.send_meeting_reminders(now + timedelta(days=3, minutes=1)) == 2  # the 7-day reminder
    assert reminders.send_meeting_reminders(now + timedelta(days=3, minutes=16)) == 0  # next sweep: nothing twice
    assert reminders.send_meeting_reminders(now + timedelta(days=9, minutes=1)) == 2  # the 1-day reminder
    assert reminders.send_meeting_reminders(now + timedelta(days=9, hours=5)) == 0
    assert sorted(e.to_email for e in _reminders()) == sorted([partner.email, observer.email] * 2)
    german = next(e for e in _reminders() if e.to_email == partner.email)
    assert german.subject.startswith("Erinnerung")


@pytest.mark.django_db
def test_reminders_move_with_the_meeting(project, partner):
    now = timezone.now()
    meeting = make_meeting(project, starts_at=now + timedelta(days=6))
    Participation.objects.create(meeting=meeting, user=partner, response="attending")
    assert reminders.send_meeting_reminders(now) == 1  # the 7-day reminder, late but once

    # Postponed by two weeks: the reminders start again relative to the new date ...
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=now + timedelta(days=20), ends_at=now + timedelta(days=20, hours=8))
    assert reminders.send_meeting_reminders(now + timedelta(hours=1)) == 0
    assert reminders.send_meeting_reminders(now + timedelta(days=13, hours=1)) == 1
    assert reminders.send_meeting_reminders(now + timedelta(days=13, hours=2)) == 0
    # ... and the reminder speaks of the new date.
    with translation.override("de"):
        new_day = date_format(meeting_local_start(meeting.pk), "DATE_FORMAT")
    assert new_day in _reminders()[-1].body_text
    assert len(_reminders()) == 2


@pytest.mark.django_db
def test_cancelled_meetings_and_projects_reminder_settings(project, partner):
    now = timezone.now()
    cancelled = make_meeting(project, starts_at=now + timedelta(hours=20), status="cancelled")
    Participation.objects.create(meeting=cancelled, user=partner, response="attending")
    assert reminders.send_meeting_reminders(now) == 0
    project.meeting_reminder_days = "3"
    project.save()
    meeting = make_meeting(project, starts_at=now + timedelta(days=5))
    Participation.objects.create(meeting=meeting, user=partner, response="maybe")
    assert reminders.send_meeting_reminders(now) == 0  # the default 7 days no longer applies
    assert reminders.send_meeting_reminders(now + timedelta(days=2, minutes=5)) == 1


def _participants(project, meeting, count: int, start: int) -> None:
    from projects.services import add_membership, create_user

    languages = ["lv", "de", "hu", "it", "da", "en"]
    for i in range(start, start + count):
        user = create_user(f"person{i}@example.org", first_name=f"P{i}", language=languages[i % 6], time_zone="Europe/Rome")
        add_membership(user, project, "member")
        Participation.objects.create(meeting=meeting, user=user, response="attending")


@pytest.mark.django_db
def test_the_reminder_sweep_needs_the_same_queries_for_3_or_30_participants(project):
    now = timezone.now()
    small = make_meeting(project, title="Small", starts_at=now + timedelta(hours=20))
    _participants(project, small, 3, 0)
    with CaptureQueriesContext(connection) as few:
        assert reminders.send_meeting_reminders(now) == 3
    with CaptureQueriesContext(connection) as few_again:
        assert reminders.send_meeting_reminders(now + timedelta(minutes=15)) == 0

    large = make_meeting(project, title="Large", starts_at=now + timedelta(days=2, hours=20))
    _participants(project, large, 30, 3)
    later = now + timedelta(days=2)
    with CaptureQueriesContext(connection) as many:
        assert reminders.send_meeting_reminders(later) == 30
    with CaptureQueriesContext(connection) as many_again:
        assert reminders.send_meeting_reminders(later + timedelta(minutes=15)) == 0

    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(many_again.captured_queries) == len(few_again.captured_queries)
    # Each in their own language: a Hungarian reads Hungarian.
    hungarian = OutgoingEmail.objects.get(to_email="person32@example.org")
    assert hungarian.language == "hu" and hungarian.subject.startswith("Emlékeztető")


@pytest.mark.django_db(transaction=True)
def test_beat_task_sends_the_reminder_through_the_worker_once(project, partner, smtp_server, celery_worker):
    from meetings.tasks import sweep_meeting_reminders

    meeting = make_meeting(project, title="Eger", starts_at=timezone.now() + timedelta(hours=20))
    Participation.objects.create(meeting=meeting, user=partner, response="attending")
    sweep_meeting_reminders.delay()
    [message] = smtp_server.wait_for(1)
    assert message["To"] == partner.email and "Eger" in message["Subject"]
    sweep_meeting_reminders.delay()
    wait_until(lambda: OutgoingEmail.objects.filter(status="sent").count() == 1)
    assert sweep_meeting_reminders() == 0
    assert len(smtp_server.messages) == 1
