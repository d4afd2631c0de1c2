"""The quick form of faults/fault_redis_outage.py, run with the main suite.

The broker is made unreachable by pointing the portal's Celery app at a loopback port
where nothing listens (the shared Redis is never touched), then given back.
"""
from __future__ import annotations

import json
import time

import pytest
from django.core.cache import cache

from agepartners.celery import app
from faults.harness import free_port
from outbox.models import OutgoingEmail
from outbox.services import record_heartbeat
from outbox.tasks import sweep_outbox

pytestmark = pytest.mark.django_db(transaction=True)


def _publish_to(url: str | None) -> None:
    # The write URL is what the web process publishes to (and /healthz checks); the
    # read side, used by the suite's own worker thread, is left alone.
    # Only forget the pools: kombu keeps one pool per broker URL in a process-wide
    # registry, so closing it would hand a closed pool to every later user of the
    # original URL (the suite's worker fixture among them).
    app._pool = None
    app.amqp._producer_pool = None
    app.conf.broker_write_url = url


@pytest.fixture
def broker_down():
    _publish_to(f"redis://127.0.0.1:{free_port()}/0")
    try:
        yield
    finally:
        _publish_to(None)


def test_while_redis_is_down_pages_and_actions_work_and_mail_goes_out_afterwards(client, partner, smtp_server, broker_down):
    client.force_login(partner)
    for name in ("beat", "worker"):  # as a running beat and worker leave them (/healthz)
        record_heartbeat(name)
    started = time.monotonic()
    for url in ("/en/dashboard/", "/en/workgroups/", "/en/meetings/", "/en/me/"):
        assert client.get(url).status_code == 200, url
    health = client.get("/healthz")
    assert health.status_code == 503 and json.loads(health.content)["broker"] == "unavailable"

    client.logout()
    cache.clear()
    response = client.post("/en/accounts/password/reset/", {"email": partner.email})
    assert response.status_code == 302
    assert time.monotonic() - started < 30  # bounded by the broker connection timeout, not hanging
    email = OutgoingEmail.objects.get(to_email=partner.email)
    assert email.status == OutgoingEmail.Status.QUEUED and smtp_server.messages == []

    # Redis is back: beat's outbox sweep delivers what could not be queued, once.
    _publish_to(None)
    assert client.get("/healthz").status_code == 200
    assert sweep_outbox() == {"sent": 1, "retry": 0, "failed": 0}
    assert sweep_outbox() == {"sent": 0, "retry": 0, "failed": 0}
    assert len(smtp_server.messages) == 1
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT
