"""``manage.py send_deadline_reminders``: the beat sweep, once, by hand; and what coordinators see afterwards."""
from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from outbox import services as outbox
from outbox.models import OutgoingEmail
from workgroups.models import DeadlineReminder

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("send_deadline_reminders", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_reports_what_would_be_sent_and_sends_nothing(coordinator, partner, make_task, smtp_server):
    make_task(date(2026, 4, 10), people=(coordinator, partner), title="Collect job descriptions")

    output = run("--dry-run", "--now", "2026-04-09T09:30+03:00")

    assert "Would send 2 reminder(s) in 2 email(s)." in output
    assert "katrin@magdeburg.example" in output and "inese@daugavpils.example" in output
    assert "Collect job descriptions [deadline 2026-04-10, before, responsible]" in output
    assert DeadlineReminder.objects.count() == 0
    assert OutgoingEmail.objects.count() == 0
    assert smtp_server.messages == []


def test_the_command_sends_due_reminders_once_at_the_given_moment(coordinator, partner, make_task, smtp_server):
    make_task(date(2026, 4, 10), people=(coordinator, partner), title="Collect job descriptions")

    assert "Sent 0 reminder(s)" in run("--now", "2026-04-01T07:59+03:00")  # nine days before: nothing is due yet
    output = run("--now", "2026-04-09T09:30+03:00")

    assert "Sent 2 reminder(s) in 2 email(s). Delivery: 2 sent, 0 to retry, 0 failed." in output
    assert sorted(m["To"] for m in smtp_server.wait_for(2)) == [coordinator.email, partner.email]
    assert "Sent 0 reminder(s) in 0 email(s)." in run("--now", "2026-04-09T09:30+03:00")
    assert len(smtp_server.messages) == 2


def test_the_command_refuses_a_moment_it_cannot_read(db):
    with pytest.raises(CommandError, match="expected an ISO date and time"):
        run("--now", "next tuesday")


def test_a_reminder_that_never_gets_through_is_marked_failed_and_shown_to_the_coordinator(
    client, settings, coordinator, partner, make_task, smtp_server
):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    smtp_server.refuse = True
    make_task(date(2026, 4, 10), people=(partner,), title="Send the training plan")
    make_task(date(2026, 4, 16), people=(coordinator,), title="Check the budget")

    output = run("--now", "2026-04-09T09:30+03:00")
    assert "Delivery: 0 sent, 2 to retry, 0 failed." in output
    OutgoingEmail.objects.update(next_attempt_at=timezone.now())  # the backoff has passed
    outbox.sweep()
    smtp_server.refuse = False
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {OutgoingEmail.Status.FAILED}

    client.force_login(coordinator)
    failed = client.get("/en/admin/workgroups/deadlinereminder/?delivery=failed")
    assert failed.status_code == 200
    assert "Send the training plan" in failed.content.decode()
    sent = client.get("/en/admin/workgroups/deadlinereminder/?delivery=sent")
    assert "Send the training plan" not in sent.content.decode()


def test_the_reminder_admin_stays_inside_the_coordinators_projects(client, outsider, partner, make_task):
    from workgroups.reminders import sweep
    from workgroups.tests.conftest import at

    make_task(date(2026, 4, 10), people=(partner,), title="Collect job descriptions")
    sweep(at("2026-04-09T09:30+03:00"))
    reminder = DeadlineReminder.objects.get()

    client.force_login(outsider)  # a coordinator, but of another project
    listing = client.get("/en/admin/workgroups/deadlinereminder/")
    assert listing.status_code == 200
    assert "Collect job descriptions" not in listing.content.decode()
    assert client.get(f"/en/admin/workgroups/deadlinereminder/{reminder.pk}/change/").status_code in (302, 404)
    assert client.get("/en/admin/workgroups/task/").status_code == 200
    assert "Collect job descriptions" not in client.get("/en/admin/workgroups/task/").content.decode()


def test_a_coordinator_changing_a_task_in_the_admin_leaves_history(client, coordinator, partner, make_task):
    task = make_task(date(2026, 4, 10), people=(partner,), title="Collect job descriptions")
    client.force_login(coordinator)
    response = client.post(f"/en/admin/workgroups/task/{task.pk}/change/", {
        "work_group": task.work_group_id, "title": task.title, "description": "", "deadline": "2026-04-17",
        "status": "done", "meeting": "", "completed_on": "", "responsible_people": [partner.pk],
        "events-TOTAL_FORMS": "1", "events-INITIAL_FORMS": "1", "events-MIN_NUM_FORMS": "0", "events-MAX_NUM_FORMS": "1000",
        "events-0-id": task.events.get().pk, "events-0-task": task.pk, "events-0-text": "",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    task.refresh_from_db()
    assert task.status == "done" and task.completed_on is not None
    assert set(task.events.values_list("kind", flat=True)) == {"created", "status", "deadline"}
