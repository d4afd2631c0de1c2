"""Deadline reminders end to end: the sweep, the outbox, Redis, a real Celery worker, a real SMTP server.

Each test names the moment the sweep runs at (as beat would at that time), so the
calendar is under the test's control; everything after the sweep is the real path.
"""
from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone, translation
from django.utils.formats import date_format

from conftest import PASSWORD, body_html, body_text, wait_until
from outbox import services as outbox
from outbox.models import OutgoingEmail
from projects.models import Person
from workgroups.models import DeadlineReminder
from workgroups.reminders import sweep
from workgroups.tests.conftest import at

pytestmark = pytest.mark.django_db(transaction=True)


def subject(message) -> str:
    # Python folds a non-ASCII Subject onto a continuation line; the parser keeps its space.
    return str(message["Subject"]).strip()


def _all_sent() -> bool:
    return OutgoingEmail.objects.exclude(status=OutgoingEmail.Status.SENT).count() == 0


def test_a_due_task_reaches_each_responsible_person_once_in_their_language(
    coordinator, partner, make_task, smtp_server, celery_worker
):
    task = make_task(date(2026, 4, 10), people=(coordinator, partner), title="Questionnaire on staff skills")

    result = sweep(at("2026-04-09T09:30+03:00"))  # 08:30 in Berlin, 09:30 in Riga: the day before

    assert len(result.planned) == 2
    smtp_server.wait_for(2)
    wait_until(_all_sent)
    [german] = smtp_server.to(partner.email)
    [latvian] = smtp_server.to(coordinator.email)
    assert german["To"] == partner.email  # one recipient per email, never a list
    assert subject(german) == "Fristerinnerung: Questionnaire on staff skills"
    assert subject(latvian) == "Atgādinājums par termiņu: Questionnaire on staff skills"
    text = body_text(german)
    assert "Hallo Katrin" in text
    assert "Fällig morgen, 10. April 2026" in text
    assert f"http://testserver/de/workgroups/tasks/{task.pk}/" in text
    assert "http://testserver/de/profile/" in text  # the reminder settings
    html = body_html(german)
    assert f'href="http://testserver/de/workgroups/tasks/{task.pk}/"' in html
    assert "Questionnaire on staff skills" in html
    with translation.override("lv"):
        latvian_date = date_format(date(2026, 4, 10), "DATE_FORMAT")
    assert latvian_date in body_text(latvian)
    assert f"http://testserver/lv/workgroups/tasks/{task.pk}/" in body_text(latvian)

    # Beat comes back a quarter of an hour later: nothing new is due, nothing is sent.
    assert sweep(at("2026-04-09T09:45+03:00")).planned == []
    outbox.sweep()
    assert len(smtp_server.messages) == 2
    assert OutgoingEmail.objects.count() == 2
    assert DeadlineReminder.objects.filter(email__status=OutgoingEmail.Status.SENT).count() == 2


def test_all_due_items_of_a_person_arrive_in_one_digest(coordinator, partner, make_task, smtp_server, celery_worker):
    make_task(date(2026, 4, 10), people=(partner,), title="Collect job descriptions")
    make_task(date(2026, 4, 16), people=(partner,), title="Draft the skills matrix")
    make_task(date(2026, 4, 1), people=(partner,), title="Send the signed mandate")  # overdue

    sweep(at("2026-04-09T09:30+03:00"))

    smtp_server.wait_for(2)  # the overdue task also escalates to the coordinator
    [message] = smtp_server.to(partner.email)
    assert subject(message) == "Fristerinnerungen: 3 Aufgaben"
    text = body_text(message)
    assert text.index("Send the signed mandate") < text.index("Collect job descriptions") < text.index("Draft the skills matrix")
    assert "Überfällig" in text and "Fällig in 7 Tagen" in text
    assert "Administration go Europe!" in text  # grouped under the project


def test_two_concurrent_sweeps_send_nothing_twice(coordinator, partner, dane, make_task, smtp_server, celery_worker):
    people = (coordinator, partner, dane)
    titles = [make_task(date(2026, 4, 10), people=people).title for _ in range(25)]
    now = at("2026-04-09T10:30+03:00")
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run() -> None:
        try:
            barrier.wait()
            results.append(sweep(now))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(len(r.planned) for r in results) == 75
    assert DeadlineReminder.objects.count() == 75
    emails = OutgoingEmail.objects.count()
    smtp_server.wait_for(emails)
    wait_until(_all_sent)
    outbox.sweep()
    assert len(smtp_server.messages) == emails
    for person in people:
        received = "".join(body_text(m) for m in smtp_server.to(person.email))
        for title in titles:
            assert received.count(f"* {title} (") == 1, (person.email, title)


def test_a_refusing_smtp_server_delays_reminders_but_loses_none(coordinator, partner, make_task, smtp_server, celery_worker):
    make_task(date(2026, 4, 10), people=(coordinator, partner), title="Book the venue in Eger")
    smtp_server.refuse = True

    sweep(at("2026-04-09T09:30+03:00"))
    wait_until(lambda: OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED, attempts=1).count() == 2)
    assert smtp_server.messages == []
    assert all("451" in e.last_error for e in OutgoingEmail.objects.all())
    # Later beat runs do not queue the same reminders again while the server refuses.
    assert sweep(at("2026-04-09T10:00+03:00")).planned == []

    smtp_server.refuse = False
    OutgoingEmail.objects.update(next_attempt_at=timezone.now())  # the backoff has passed
    from outbox.tasks import sweep_outbox

    sweep_outbox.delay()
    smtp_server.wait_for(2)
    wait_until(_all_sent)
    assert sorted(m["To"] for m in smtp_server.messages) == sorted([coordinator.email, partner.email])
    assert not DeadlineReminder.objects.exclude(email__status=OutgoingEmail.Status.SENT).exists()


def test_overdue_tasks_repeat_and_escalate_to_the_coordinator(coordinator, partner, make_task, smtp_server, celery_worker):
    make_task(date(2026, 3, 2), people=(partner,), title="Report on the Magdeburg meeting")

    sweep(at("2026-03-03T10:00+02:00"))  # the morning after the deadline

    smtp_server.wait_for(2)
    [to_partner] = smtp_server.to(partner.email)
    [to_coordinator] = smtp_server.to(coordinator.email)
    assert subject(to_partner) == "Überfällig: Report on the Magdeburg meeting"
    escalation = body_text(to_coordinator)
    assert "Report on the Magdeburg meeting" in escalation
    assert "Katrin Hoffmann" in escalation  # who is responsible
    assert to_coordinator["Content-Language"] == "lv"

    # Repeated every 3 days (the project's default), not in between.
    assert sweep(at("2026-03-05T10:00+02:00")).planned == []
    assert len(sweep(at("2026-03-06T10:00+02:00")).planned) == 2
    smtp_server.wait_for(4)


def test_a_task_assigned_to_an_organisation_reaches_its_contact_people(
    project, partner, partner_organisation, make_task, smtp_server, celery_worker
):
    from projects.models import Partner
    from projects.services import add_membership, create_user

    colleague = create_user("jens@magdeburg.example", first_name="Jens", last_name="Müller", password=PASSWORD,
                            organisation=partner_organisation, language="en", time_zone="Europe/Berlin")
    add_membership(colleague, project, "member")
    bystander = create_user("uwe@magdeburg.example", first_name="Uwe", last_name="Schulz", password=PASSWORD,
                            organisation=partner_organisation, language="de", time_zone="Europe/Berlin")
    add_membership(bystander, project, "member")
    Partner.objects.get(project=project, organisation=partner_organisation).contacts.add(partner.person, colleague.person)
    make_task(date(2026, 4, 10), organisations=(partner_organisation,), title="Host the spring meeting")

    sweep(at("2026-04-09T09:30+03:00"))

    smtp_server.wait_for(2)
    wait_until(_all_sent)
    assert sorted(m["To"] for m in smtp_server.messages) == sorted([partner.email, colleague.email])
    [english] = smtp_server.to(colleague.email)
    assert "Your organisation is responsible for this task." in body_text(english)
    assert smtp_server.to(bystander.email) == []


def test_the_beat_task_runs_the_sweep_on_the_worker(partner, make_task, smtp_server, celery_worker):
    from workgroups.tasks import sweep_deadline_reminders

    # Due tomorrow, reminded at midnight: the day-before occasion has come at any hour of the run.
    Person.objects.filter(user=partner).update(reminder_hour=0)
    partner.person.refresh_from_db()
    tomorrow = timezone.localdate(timezone=partner.person.tz) + timedelta(days=1)
    make_task(tomorrow, people=(partner,), title="Translate the questionnaire")

    sweep_deadline_reminders.delay()

    [message] = smtp_server.wait_for(1)
    assert "Translate the questionnaire" in subject(message)
    wait_until(lambda: DeadlineReminder.objects.filter(email__status=OutgoingEmail.Status.SENT).count() == 1)
