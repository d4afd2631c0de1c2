"""Redis stops while partners use the site.

Promise: pages keep working (the broker is not on the request path); actions that queue
work succeed; the work is delivered once Redis is back; /healthz says 503 meanwhile.
"""
from __future__ import annotations

import json
import time

from faults import world
from faults.harness import Client, wait_for


def test_redis_outage_pages_work_actions_succeed_and_mail_follows_when_it_returns(fresh):
    stack = fresh
    w = world.build(partners=2, with_due_reminders=True)
    stack.web()
    stack.worker()
    stack.beat()  # its outbox sweep (every minute) picks up what could not be queued
    katrin = Client(stack.url(""))
    katrin.login(w.partners[0].email, world.PASSWORD)
    assert json.loads(katrin.get("/healthz").body)["broker"] == "ok"

    stack.redis.stop()
    started = time.monotonic()

    # Reading goes on.
    for path in ("/en/dashboard/", "/en/workgroups/", "/en/meetings/", "/en/discussions/", f"/en/projects/{w.project.slug}/"):
        reply = katrin.get(path)
        assert reply.status == 200, (path, reply.status)
    health = katrin.get("/healthz")
    assert health.status == 503 and json.loads(health.body)["broker"] == "unavailable"

    # Logging in goes on (the rate limits live in the cache, which was on this Redis too).
    other = Client(stack.url(""))
    other.login(w.partners[1].email, world.PASSWORD)
    assert other.get("/en/dashboard/").status == 200

    # Writing goes on: a task status change and a password reset email (queued work).
    task = w.tasks[0]
    reply = katrin.post(f"/en/workgroups/tasks/{task.pk}/status/", {"status": "in_progress", "comment": "Started"},
                        form_page=f"/en/workgroups/tasks/{task.pk}/")
    assert reply.status == 302
    stranger = Client(stack.url(""))
    reply = stranger.post("/en/accounts/password/reset/", {"email": w.partners[1].email})
    assert reply.status == 302
    request_time = time.monotonic() - started

    from outbox.models import OutgoingEmail
    from workgroups.models import Task

    assert Task.objects.get(pk=task.pk).status == "in_progress"
    # category: beat's quarter-hourly reminder sweep may have queued her deadline reminder too.
    reset = OutgoingEmail.objects.get(to_email=w.partners[1].email, category="account")
    assert reset.status == OutgoingEmail.Status.QUEUED
    assert stack.smtp.sink.messages == []

    stack.redis.start()
    wait_for(lambda: json.loads(katrin.get("/healthz").body)["broker"] == "ok", 30, what="healthz: broker back")
    # Beat's outbox sweep runs every 60 s; the worker reconnects on its own.
    from outbox.services import message_id

    wait_for(lambda: stack.smtp.sink.message_ids()[message_id(reset)], 150, interval=1, what="reset email delivered")
    # The worker records "sent" in its own commit after the SMTP server's answer; on two
    # busy cores that can trail the delivery by seconds (seen once: still queued after 2 s).
    wait_for(lambda: OutgoingEmail.objects.get(pk=reset.pk).status == OutgoingEmail.Status.SENT, 60, interval=0.5,
             what="reset email recorded as sent")
    time.sleep(2)
    assert stack.smtp.sink.message_ids()[message_id(reset)] == 1
    print(f"\nFIGURE redis_outage: requests during the outage answered within {request_time:.1f}s in total; "
          f"email delivered once after Redis returned")
