"""When reminders are due and to whom: time zones, catch-up, re-arming, crash safety.

These need no worker: they look at what a sweep claims (its reminder rows and digest
emails in the outbox); delivery is covered in test_reminders.py.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test.utils import CaptureQueriesContext
from django.db import connection

from outbox.models import OutgoingEmail
from projects.models import Partner, Person
from workgroups import services
from workgroups.reminders import rendering
from workgroups.models import DeadlineReminder, Task
from workgroups.reminders import sweep
from workgroups.tests.conftest import at

pytestmark = pytest.mark.django_db


def _keys(result) -> set[tuple[str, str]]:
    return {(item.user.email, item.occasion.key) for item in result.planned}


# --- Time zones ------------------------------------------------------------------------------


def test_each_person_is_reminded_at_their_own_hour_around_midnight(coordinator, dane, make_task):
    """Riga is an hour ahead of Copenhagen; both chose midnight (hour 0)."""
    Person.objects.filter(user__in=[coordinator, dane]).update(reminder_hour=0)
    make_task(date(2026, 2, 10), people=(coordinator, dane))
    riga, copenhagen = coordinator.email, dane.email

    assert _keys(sweep(at("2026-02-09T21:30+00:00"))) == {
        (riga, "2026-02-10/before/1"), (copenhagen, "2026-02-10/before/1"),
    }
    assert sweep(at("2026-02-09T21:59+00:00")).planned == []
    # 00:00 on the deadline day in Riga (23:00 the day before in Copenhagen).
    assert _keys(sweep(at("2026-02-09T22:00+00:00"))) == {(riga, "2026-02-10/before/0")}
    assert sweep(at("2026-02-09T22:59+00:00")).planned == []
    assert _keys(sweep(at("2026-02-09T23:00+00:00"))) == {(copenhagen, "2026-02-10/before/0")}
    # The deadline ends at midnight in Riga (the project's zone): overdue from that moment
    # for the Riga coordinator, an hour later at midnight in Copenhagen.
    assert _keys(sweep(at("2026-02-10T22:00+00:00"))) == {(riga, "2026-02-10/overdue/2026-02-11")}
    assert _keys(sweep(at("2026-02-10T23:00+00:00"))) == {(copenhagen, "2026-02-10/overdue/2026-02-11")}


def test_a_missed_reminder_waits_for_the_persons_hour_instead_of_arriving_at_night(coordinator, make_task):
    """Reminder hour 08:00 in Riga. A task whose earlier occasions were missed (it came late,
    or the portal was down) is caught up at 08:00, not at 01:14 in the night."""
    Person.objects.filter(user=coordinator).update(reminder_hour=8, time_zone="Europe/Riga")
    make_task(date(2026, 2, 12), people=(coordinator,))
    assert sweep(at("2026-02-10T23:14+00:00")).planned == []  # 01:14 in Riga
    assert sweep(at("2026-02-11T05:59+00:00")).planned == []  # 07:59
    # 08:00: the task is not lost; the latest due occasion goes out, once.
    assert _keys(sweep(at("2026-02-11T06:00+00:00"))) == {(coordinator.email, "2026-02-12/before/1")}
    assert sweep(at("2026-02-11T06:15+00:00")).planned == []


def test_reminders_follow_the_change_to_summer_time(coordinator, dane, make_task):
    """Clocks go forward on the last Sunday of March (2026-03-29): 08:00 is an hour earlier in UTC."""
    make_task(date(2026, 3, 29), people=(coordinator, dane))
    riga, copenhagen = coordinator.email, dane.email
    assert len(sweep(at("2026-03-27T12:00+00:00")).planned) == 2  # the 7-day reminders, out of the way

    # Saturday, still winter time: 08:00 EET = 06:00 UTC, 08:00 CET = 07:00 UTC.
    assert _keys(sweep(at("2026-03-28T06:00+00:00"))) == {(riga, "2026-03-29/before/1")}
    assert _keys(sweep(at("2026-03-28T07:00+00:00"))) == {(copenhagen, "2026-03-29/before/1")}
    # Sunday, summer time: 08:00 EEST = 05:00 UTC, 08:00 CEST = 06:00 UTC.
    assert sweep(at("2026-03-29T04:59+00:00")).planned == []
    assert _keys(sweep(at("2026-03-29T05:00+00:00"))) == {(riga, "2026-03-29/before/0")}
    assert sweep(at("2026-03-29T05:59+00:00")).planned == []
    assert _keys(sweep(at("2026-03-29T06:00+00:00"))) == {(copenhagen, "2026-03-29/before/0")}


def test_an_hour_that_does_not_exist_on_the_change_day_is_not_lost(coordinator, make_task):
    """03:00 does not happen in Riga on 2026-03-29 (03:00 becomes 04:00): the reminder comes at 04:00."""
    Person.objects.filter(user=coordinator).update(reminder_hour=3)
    make_task(date(2026, 3, 29), people=(coordinator,))
    sweep(at("2026-03-28T01:00+00:00"))  # the day before, 03:00 EET

    assert sweep(at("2026-03-29T00:59+00:00")).planned == []
    assert _keys(sweep(at("2026-03-29T04:00+03:00"))) == {(coordinator.email, "2026-03-29/before/0")}


# --- What is sent, and how often ------------------------------------------------------------------


def test_a_person_may_choose_their_own_reminder_days_and_hour(partner, make_task):
    Person.objects.filter(user=partner).update(reminder_days="3", reminder_hour=17)
    make_task(date(2026, 4, 10), people=(partner,))

    assert sweep(at("2026-04-03T17:00+02:00")).planned == []  # the project's 7 days do not apply
    assert sweep(at("2026-04-07T16:59+02:00")).planned == []
    assert _keys(sweep(at("2026-04-07T17:00+02:00"))) == {(partner.email, "2026-04-10/before/3")}
    assert sweep(at("2026-04-09T17:00+02:00")).planned == []


def test_a_missed_run_catches_up_with_the_latest_occasion_only(partner, make_task):
    make_task(date(2026, 4, 10), people=(partner,))
    # Beat was down for a week: the 7-day reminder (3 April) was never sent. The first run
    # after it sends the current reminder, not a pile of stale ones.
    result = sweep(at("2026-04-09T11:00+02:00"))
    assert _keys(result) == {(partner.email, "2026-04-10/before/1")}
    assert OutgoingEmail.objects.count() == 1


def test_a_long_overdue_task_sends_one_current_reminder_not_its_whole_past(partner, make_task):
    make_task(date(2025, 1, 15), people=(partner,))
    result = sweep(at("2026-04-09T11:00+02:00"))
    [item] = [i for i in result.planned if i.user == partner]
    assert item.occasion.kind == "overdue"
    assert item.occasion.at > at("2026-04-06T00:00+02:00")  # within the last repeat interval
    assert sweep(at("2026-04-09T11:15+02:00")).planned == []


def test_done_and_cancelled_tasks_send_nothing(partner, make_task):
    make_task(date(2026, 4, 10), people=(partner,), status=Task.Status.DONE)
    cancelled = make_task(date(2026, 4, 10), people=(partner,))
    services.change_status(cancelled, Task.Status.CANCELLED, by=partner)
    assert sweep(at("2026-04-09T11:00+02:00")).planned == []


def test_a_moved_deadline_rearms_the_reminders(partner, make_task):
    task = make_task(date(2026, 4, 10), people=(partner,))
    assert _keys(sweep(at("2026-04-09T11:00+02:00"))) == {(partner.email, "2026-04-10/before/1")}

    services.update_task(task, by=partner, deadline=date(2026, 4, 20))
    assert sweep(at("2026-04-09T11:15+02:00")).planned == []  # nothing due yet for the 20th
    services.update_task(task, by=partner, deadline=date(2026, 4, 10))
    assert sweep(at("2026-04-09T11:30+02:00")).planned == []  # moved back: already reminded of the 10th

    services.update_task(task, by=partner, deadline=date(2026, 4, 20))
    assert _keys(sweep(at("2026-04-13T08:00+02:00"))) == {(partner.email, "2026-04-20/before/7")}
    assert task.events.filter(kind="deadline").count() == 3


def test_nobody_outside_the_project_is_reminded(project, partner, outsider, partner_organisation, make_task):
    partner_row = Partner.objects.get(project=project, organisation=partner_organisation)
    partner_row.contacts.add(outsider.person)  # a contact person without membership in the project
    make_task(date(2026, 4, 10), people=(partner, outsider), organisations=(partner_organisation,))
    assert {i.user for i in sweep(at("2026-04-09T11:00+02:00")).planned} == {partner}


def test_a_person_responsible_and_contact_gets_the_task_once(project, partner, partner_organisation, make_task):
    Partner.objects.get(project=project, organisation=partner_organisation).contacts.add(partner.person)
    make_task(date(2026, 4, 10), people=(partner,), organisations=(partner_organisation,))
    [item] = sweep(at("2026-04-09T11:00+02:00")).planned
    assert item.role == DeadlineReminder.Role.RESPONSIBLE


def test_a_sweep_that_dies_half_way_leaves_nothing_and_the_next_one_sends_all(
    coordinator, partner, make_task, monkeypatch
):
    make_task(date(2026, 4, 10), people=(coordinator, partner))
    real_render = rendering.render_email
    calls = {"n": 0}

    def dies_on_second(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise SystemExit("worker killed")
        return real_render(*args, **kwargs)

    monkeypatch.setattr(rendering, "render_email", dies_on_second)
    with pytest.raises(SystemExit):
        sweep(at("2026-04-09T11:00+02:00"))
    assert DeadlineReminder.objects.count() == 0
    assert OutgoingEmail.objects.count() == 0

    monkeypatch.setattr(rendering, "render_email", real_render)
    result = sweep(at("2026-04-09T11:15+02:00"))
    assert len(result.planned) == 2
    assert OutgoingEmail.objects.count() == 2
    assert not DeadlineReminder.objects.filter(email__isnull=True).exists()


def test_each_reminder_row_points_to_the_email_that_carried_it(coordinator, partner, make_task):
    make_task(date(2026, 4, 10), people=(coordinator, partner))
    make_task(date(2026, 4, 16), people=(partner,))
    sweep(at("2026-04-09T11:00+02:00"))
    partner_email = OutgoingEmail.objects.get(to_email=partner.email)
    assert partner_email.category == "deadline_reminder"
    assert set(partner_email.deadline_reminders.values_list("recipient", flat=True)) == {partner.pk}
    assert partner_email.deadline_reminders.count() == 2


def test_a_dry_run_writes_nothing(partner, make_task):
    make_task(date(2026, 4, 10), people=(partner,))
    result = sweep(at("2026-04-09T11:00+02:00"), dry_run=True)
    assert len(result.planned) == 1
    assert DeadlineReminder.objects.count() == 0 and OutgoingEmail.objects.count() == 0


# --- Batching ------------------------------------------------------------------------------------


def _add_tasks(count: int, make_task, people, organisations, start: date) -> None:
    for i in range(count):
        make_task(start + timedelta(days=i % 3), people=people, organisations=organisations)
        make_task(date(2026, 3, 1), people=people)  # overdue: escalates to the coordinator too


def test_the_sweep_needs_the_same_number_of_queries_for_5_or_50_tasks(
    project, coordinator, partner, dane, partner_organisation, make_task
):
    Partner.objects.get(project=project, organisation=partner_organisation).contacts.add(partner.person)
    people, orgs = (dane,), (partner_organisation,)
    _add_tasks(5, make_task, people, orgs, date(2026, 4, 9))
    with CaptureQueriesContext(connection) as few:
        small = sweep(at("2026-04-09T11:00+02:00"))
    _add_tasks(50, make_task, people, orgs, date(2026, 4, 16))
    DeadlineReminder.objects.all().delete()
    OutgoingEmail.objects.all().delete()
    with CaptureQueriesContext(connection) as many:
        large = sweep(at("2026-04-09T11:00+02:00"))

    assert len(large.planned) > 5 * len(small.planned)
    assert len(large.email_ids) == len(small.email_ids) == 3  # the same three people
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_sweep_with_nothing_new_sends_nothing_and_needs_the_same_queries_for_5_or_50_tasks(
    project, coordinator, partner, dane, partner_organisation, make_task
):
    Partner.objects.get(project=project, organisation=partner_organisation).contacts.add(partner.person)
    people, orgs = (dane,), (partner_organisation,)
    _add_tasks(5, make_task, people, orgs, date(2026, 4, 9))
    assert sweep(at("2026-04-09T11:00+02:00")).planned
    with CaptureQueriesContext(connection) as few:
        assert sweep(at("2026-04-09T11:15+02:00")).planned == []
    _add_tasks(45, make_task, people, orgs, date(2026, 4, 9))
    assert sweep(at("2026-04-09T11:30+02:00")).planned
    emails = OutgoingEmail.objects.count()
    with CaptureQueriesContext(connection) as many:
        assert sweep(at("2026-04-09T11:45+02:00")).planned == []

    assert OutgoingEmail.objects.count() == emails
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_person_added_to_a_reminded_task_gets_it_and_nobody_else_again(partner, dane, make_task):
    task = make_task(date(2026, 4, 10), people=(partner,))
    assert _keys(sweep(at("2026-04-09T11:00+02:00"))) == {(partner.email, "2026-04-10/before/1")}

    task.responsible_people.add(dane)
    assert _keys(sweep(at("2026-04-09T11:15+02:00"))) == {(dane.email, "2026-04-10/before/1")}
    assert sweep(at("2026-04-09T11:30+02:00")).planned == []
    assert DeadlineReminder.objects.filter(task=task).count() == 2
