"""The Celery worker is SIGKILLed in the middle of a reminder batch.

Promise: after a restart every due reminder is delivered exactly once.

The private SMTP server holds the 10th message of the batch open, so the kill lands
while the worker waits for the server's answer: nine digests are out, one is in flight,
the rest are claimed or still in the broker. Ten minutes of simulated time let the
outbox treat the dead worker's claim as stale (see outbox.services.STALE_CLAIM).
"""
from __future__ import annotations

import time
from collections import Counter

from faults import world
from faults.harness import wait_for

RECIPIENTS = 30


def test_worker_killed_mid_batch_every_reminder_arrives_exactly_once(fresh):
    from agepartners.celery import app
    from outbox.models import OutgoingEmail
    from workgroups.models import DeadlineReminder

    stack = fresh
    w = world.build(partners=RECIPIENTS)
    sink = stack.smtp.sink
    sink.hold_message_number = 10
    worker = stack.worker()

    app.send_task("workgroups.tasks.sweep_deadline_reminders")
    wait_for(sink.holding.is_set, 60, what="worker in the middle of the batch")
    assert len(sink.messages) == 9
    worker.kill()  # SIGKILL to the worker and its children, like a crashed machine
    sink.release.set()

    rows = OutgoingEmail.objects.filter(category="deadline_reminder")
    assert rows.count() == RECIPIENTS  # the sweep itself had committed before delivery began
    states = Counter(rows.values_list("status", flat=True))
    assert states["sent"] == 9 and states["sending"] >= 1, states

    world.advance_outbox_clock(11 * 60)  # the dead worker's claim is now stale
    stack.worker()
    stack.beat()
    wait_for(lambda: rows.filter(status="sent").count() == RECIPIENTS, 150, interval=1, what="every reminder sent")
    time.sleep(3)  # anything sent twice would arrive now

    received = Counter(str(m["To"]) for m in sink.messages)
    assert set(received) == {u.email for u in w.partners}
    assert max(received.values()) == 1, [a for a, n in received.items() if n > 1]
    assert DeadlineReminder.objects.count() == RECIPIENTS

    # The dead worker's message is still unacknowledged in Redis; Redis hands it out again
    # after the visibility timeout (an hour). Do that now: its delivery finds every row
    # sent and sends nothing.
    import json

    import redis

    broker = redis.Redis(port=stack.redis.port, db=0)
    stale = broker.hgetall("unacked")
    assert stale, "the killed worker's batch should still be unacknowledged"
    worker = next(p for p in stack.procs if p.name == "worker" and p.alive)
    done_before = worker.tail(100_000).count("outbox.tasks.deliver[")
    for tag, raw in stale.items():
        message, _exchange, routing_key = json.loads(raw)
        broker.lpush(routing_key or "celery", json.dumps(message))
        broker.hdel("unacked", tag)
        broker.zrem("unacked_index", tag)
    wait_for(lambda: worker.tail(100_000).count("outbox.tasks.deliver[") >= done_before + 2, 60,
             what="redelivered batch processed")
    time.sleep(1)
    assert len(sink.messages) == RECIPIENTS

    # Beat's next sweep, or an operator running the command by hand, adds nothing.
    out = stack.manage("send_deadline_reminders")
    assert "Sent 0 reminder(s)" in out
    print(f"\nFIGURE worker_killed: {RECIPIENTS} reminders, worker killed after 9; {len(sink.messages)} delivered, "
          f"0 duplicates, 0 lost")
