"""The SMTP server is down for an hour of simulated time.

Promise: reminders wait and go out afterwards, none lost, none twice; addresses the
server refuses for good are marked and shown to coordinators (the outbox admin).

Simulated time: every five minutes of the hour, the outbox's retry moments are moved
five minutes into the past (faults.world.advance_outbox_clock) and beat's two sweeps
run on the real worker, as beat would run them (the outbox sweep every minute, the
reminder sweep every quarter of an hour).
"""
from __future__ import annotations

import time
from collections import Counter

from django.utils import timezone

from faults import world
from faults.harness import Client, wait_for

RECIPIENTS = 8
STEP = 5 * 60


def _sweeps(stack, step: int) -> None:
    """One five-minute step of beat: the outbox sweep, and every 15 minutes the reminder sweep."""
    from agepartners.celery import app

    app.send_task("outbox.tasks.sweep_outbox")
    if step % 3 == 0:
        app.send_task("workgroups.tasks.sweep_deadline_reminders")
    # The solo worker runs tasks in order: once this marker is done, so is the rest.
    marker = app.send_task("outbox.tasks.deliver", args=[[]])
    worker = next(p for p in stack.procs if p.name == "worker")
    wait_for(lambda: f"{marker.id}] succeeded" in worker.tail(400), 60, what="worker caught up")


def test_smtp_down_for_an_hour_reminders_wait_and_go_out_once_bounces_are_marked(fresh):
    from outbox.models import OutgoingEmail

    stack = fresh
    w = world.build(partners=RECIPIENTS)
    refused = w.partners[-1].email
    stack.smtp.stop()  # connection refused from now on
    stack.worker()

    from agepartners.celery import app

    app.send_task("workgroups.tasks.sweep_deadline_reminders")
    rows = OutgoingEmail.objects.filter(category="deadline_reminder")
    wait_for(lambda: rows.count() == RECIPIENTS and not rows.filter(last_error="").exists(), 60, what="first attempts")

    for step in range(1, 13):  # one hour in steps of five minutes
        world.advance_outbox_clock(STEP)
        _sweeps(stack, step)
    assert rows.count() == RECIPIENTS  # nothing queued twice by the repeated reminder sweeps
    assert not rows.exclude(status=OutgoingEmail.Status.QUEUED).exists(), Counter(rows.values_list("status", flat=True))
    # An unreachable server is no fault of the emails: no attempt is used up (an outage of
    # many hours gives none of them up), they stay due, and every sweep tries again.
    assert set(rows.values_list("attempts", flat=True)) == {0}
    assert not rows.filter(next_attempt_at__gt=timezone.now()).exists()
    tries = sum(p.tail(100_000).count("Mail server unreachable") for p in stack.procs)
    assert tries >= 12  # the first delivery and each of the twelve sweeps

    stack.smtp.start()
    stack.smtp.sink.refuse_recipients = {refused}
    _sweeps(stack, 13)  # the first sweep after the outage sends them: no backoff to wait out
    assert not rows.filter(status=OutgoingEmail.Status.QUEUED).exists()
    time.sleep(1)

    received = Counter(str(m["To"]) for m in stack.smtp.sink.messages)
    assert set(received) == {u.email for u in w.partners[:-1]}
    assert max(received.values()) == 1
    bounced = rows.get(to_email=refused)
    assert bounced.status == OutgoingEmail.Status.FAILED and bounced.permanent_failure

    # The coordinator sees the refused address in the outbox admin.
    stack.web()
    inese = Client(stack.url(""))
    inese.login(w.coordinator.email, world.PASSWORD)
    page = inese.get("/en/admin/outbox/outgoingemail/?permanent_failure__exact=1")
    assert page.status == 200 and refused in page.body
    assert w.partners[0].email not in page.body
    print(f"\nFIGURE smtp_outage: {RECIPIENTS} reminders, {tries} tries of the server during the simulated hour, "
          f"0 attempts used up, {len(stack.smtp.sink.messages)} delivered once by the first sweep afterwards, "
          f"1 refused address marked")


def test_smtp_back_after_a_real_outage_mail_resumes_within_a_sweep(fresh):
    """Real time, beat's real schedule (outbox sweep every 30 s): the server is away for
    a minute while a wave is queued; every email arrives, once, soon after it is back
    (issue 18 measured 5.5 minutes, the 300 s backoff step)."""
    from outbox.models import OutgoingEmail

    stack = fresh
    stack.smtp.stop()
    stack.worker()
    stack.beat()
    world.queue_emails(40)
    rows = OutgoingEmail.objects.all()
    wait_for(lambda: not rows.filter(last_error="").exists(), 60, what="first attempts failed")
    time.sleep(60)  # two or three sweeps find the server away
    stack.smtp.start()
    back = time.monotonic()
    wait_for(lambda: rows.filter(status=OutgoingEmail.Status.SENT).count() == 40, 150, interval=0.5, what="wave delivered")
    resumed = time.monotonic() - back
    time.sleep(2)
    received = stack.smtp.sink.message_ids()
    assert len(received) == 40 and max(received.values()) == 1
    assert resumed < 120
    print(f"\nFIGURE smtp_outage_real: 40 emails queued during a 60 s outage; all delivered {resumed:.1f}s after the "
          f"server was back, 0 duplicates")
