"""/healthz sees that no email leaves: the worker stopped, the SMTP server stopped, beat
stopped; each time the answer turns 503 naming the part, and 200 again once it is back.

Issue 18 found /healthz at 200 with the worker dead and with SMTP down. Thresholds are
lowered to 10 s for the web process (HEALTHZ_*; README "Monitoring") and beat runs every
2 s (faults/fastbeat.py), so each change shows within seconds.
"""
from __future__ import annotations

import json
import time

from faults import world
from faults.harness import Client, wait_for

THRESHOLDS = {"HEALTHZ_OUTBOX_MAX_AGE": "10", "HEALTHZ_BEAT_MAX_AGE": "10", "HEALTHZ_WORKER_MAX_AGE": "10"}


def test_healthz_names_the_stopped_worker_smtp_server_and_beat_and_recovers(fresh):
    stack = fresh
    stack.web(**THRESHOLDS)
    worker = stack.worker()
    beat = stack.beat(app="faults.fastbeat")
    probe = Client(stack.url(""))

    def health() -> dict:
        reply = probe.get("/healthz")
        body = json.loads(reply.body)
        assert (reply.status == 200) == (body["status"] == "ok")
        return body

    def until(what: str, **parts: str) -> float:
        """Wait until /healthz shows ``parts``; return how long that took."""
        started = time.monotonic()
        wait_for(lambda: all(health().get(k) == v for k, v in parts.items()), 60, interval=0.5, what=what)
        return time.monotonic() - started

    until("all well", status="ok", outbox="ok", beat="ok", worker="ok")
    figures = {}

    # The worker dies; an email is queued and waits.
    worker.kill()
    world.queue_emails(1, prefix="worker-down")
    figures["worker down"] = until("worker reported", status="unavailable", worker="unavailable", outbox="stuck")
    stack.worker()
    figures["worker back"] = until("worker back", status="ok", worker="ok", outbox="ok")
    wait_for(lambda: stack.smtp.sink.count == 1, 30, what="waiting email delivered")

    # The SMTP server goes away; worker and beat are fine, but nothing leaves.
    stack.smtp.stop()
    world.queue_emails(1, prefix="smtp-down")
    figures["smtp down"] = until("outbox stuck", status="unavailable", outbox="stuck", worker="ok", beat="ok")
    stack.smtp.start()
    figures["smtp back"] = until("smtp back", status="ok", outbox="ok")
    wait_for(lambda: stack.smtp.sink.count == 2, 30, what="email delivered after the SMTP outage")

    # Beat stops: nothing would be retried.
    beat.kill()
    figures["beat down"] = until("beat reported", status="unavailable", beat="late")
    assert health()["outbox"] == "ok" and health()["worker"] == "ok"  # a ping answers for the idle worker
    stack.beat(name="beat-2", app="faults.fastbeat")
    figures["beat back"] = until("beat back", status="ok", beat="ok")

    assert max(stack.smtp.sink.message_ids().values()) == 1
    print("\nFIGURE health: seconds until /healthz said so (thresholds 10 s): "
          + ", ".join(f"{k} {v:.0f}" for k, v in figures.items()))
