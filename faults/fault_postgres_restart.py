"""PostgreSQL restarts (fast shutdown: every connection is cut).

Promise: the web process and the worker recover without a restart of their own
(persistent connections are health-checked: CONN_HEALTH_CHECKS).
"""
from __future__ import annotations

import json
import time

from faults import world
from faults.harness import Client, wait_for


def test_postgres_restart_web_and_worker_recover_on_their_own(fresh):
    stack = fresh
    w = world.build(partners=2, with_due_reminders=False)
    web = stack.web(workers=2, threads=2)
    worker = stack.worker()
    katrin = Client(stack.url(""))
    katrin.login(w.partners[0].email, world.PASSWORD)
    # Warm every gunicorn thread's persistent connection.
    for _ in range(20):
        assert katrin.get("/en/dashboard/").status == 200

    stack.pg.restart()
    from django.db import connection

    connection.close()  # this test process's own connection died too

    # The very first requests after the restart are served: stale connections are
    # detected and replaced, not used.
    statuses = [katrin.get("/en/dashboard/").status for _ in range(20)]
    assert statuses == [200] * 20, statuses
    # The database part of /healthz (no beat runs in this test, so the whole answer is 503).
    assert json.loads(katrin.get("/healthz").body)["database"] == "ok"
    assert web.alive

    # The worker's connection died as well; its next task must still reach the database.
    stranger = Client(stack.url(""))
    assert stranger.post("/en/accounts/password/reset/", {"email": w.partners[1].email}).status == 302
    wait_for(lambda: stack.smtp.sink.to(w.partners[1].email), 60, what="reset email delivered by the worker")
    assert worker.alive

    # And once more, a second restart while both are idle.
    stack.pg.restart()
    connection.close()
    time.sleep(1)
    assert [katrin.get("/en/workgroups/").status for _ in range(10)] == [200] * 10
    assert stranger.post("/en/accounts/password/reset/", {"email": w.partners[0].email}).status == 302
    wait_for(lambda: stack.smtp.sink.to(w.partners[0].email), 60, what="second email delivered")
    assert len(stack.smtp.sink.messages) == 2
    print("\nFIGURE postgres_restart: 2 restarts, 0 failed requests after the database was back, worker delivered both emails")
