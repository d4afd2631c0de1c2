"""Two beat schedulers started by mistake (and two workers).

Promise: still no duplicate emails. Each beat sends every periodic sweep, so every
sweep runs twice, at the same moments, on two workers: the reminder rows' unique key and
the outbox's claim must keep each email to one delivery.
"""
from __future__ import annotations

import time
from collections import Counter

from faults import world
from faults.harness import wait_for

RECIPIENTS = 20


def test_two_beats_and_two_workers_send_each_reminder_once(fresh):
    from outbox.models import OutgoingEmail
    from workgroups.models import DeadlineReminder

    stack = fresh
    w = world.build(partners=RECIPIENTS)
    stack.worker("worker-a", concurrency=2, pool="prefork")
    stack.worker("worker-b", concurrency=2, pool="prefork")
    first = stack.beat("beat-a", app="faults.fastbeat")
    second = stack.beat("beat-b", app="faults.fastbeat")

    rows = OutgoingEmail.objects.filter(category="deadline_reminder")
    wait_for(lambda: rows.filter(status="sent").count() == RECIPIENTS, 90, interval=0.5, what="reminders sent")
    time.sleep(12)  # several more rounds of both beats
    assert first.alive and second.alive
    rounds = min(p.tail(10_000).count("sweep_deadline_reminders") for p in (first, second))
    assert rounds >= 3, "each beat should have sent several sweeps"

    received = Counter(str(m["To"]) for m in stack.smtp.sink.messages)
    assert set(received) == {u.email for u in w.partners}
    assert max(received.values()) == 1, {a: n for a, n in received.items() if n > 1}
    assert rows.count() == RECIPIENTS
    assert DeadlineReminder.objects.count() == RECIPIENTS
    print(f"\nFIGURE two_beats: 2 beats x {rounds}+ rounds, 2 workers; {len(stack.smtp.sink.messages)} emails for "
          f"{RECIPIENTS} reminders, 0 duplicates")
