"""/healthz tells a load balancer and monitoring whether the database and the broker
answer and whether email is leaving (the outbox, beat, a worker)."""
from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from agepartners.celery import app as celery_app
from outbox import services, tasks
from outbox.models import Heartbeat, OutgoingEmail
from outbox.services import Rendered, record_email


def _closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _alive(*names: str, ago: timedelta = timedelta(0)) -> None:
    """Heartbeats as a running beat and worker leave them."""
    for name in names:
        Heartbeat.objects.update_or_create(name=name, defaults={"at": timezone.now() - ago})


def _email(key: str = "meeting:1:katrin") -> OutgoingEmail:
    email = record_email(key=key, category="test", to_email="katrin@magdeburg.example", language="de",
                         rendered=Rendered("Treffen", "Das Treffen beginnt.\n", ""))
    assert email is not None
    return email


def _waiting(email: OutgoingEmail, seconds: int) -> None:
    OutgoingEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=seconds))


@pytest.mark.django_db
def test_healthz_answers_200_when_everything_answers_and_nothing_waits(client):
    _alive("beat", "worker")
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "status": "ok", "database": "ok", "broker": "ok", "storage": "ok",
        "outbox": "ok", "outbox_oldest_due_seconds": None,
        "beat": "ok", "beat_last_run": body["beat_last_run"],
        "worker": "ok", "worker_last_seen": body["worker_last_seen"],
    }
    assert body["beat_last_run"] and body["worker_last_seen"]
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_answers_503_when_the_broker_is_unreachable(client, monkeypatch):
    _alive("beat", "worker")
    closed = f"redis://127.0.0.1:{_closed_port()}/0"
    # Celery reads CELERY_BROKER_URL from the environment before its own configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", closed)
    original = celery_app.conf.broker_url
    celery_app.conf.broker_url = closed
    try:
        response = client.get("/healthz")
    finally:
        celery_app.conf.broker_url = original
    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["database"], body["broker"], body["storage"], body["outbox"]) == (
        "unavailable", "ok", "unavailable", "ok", "ok")


@pytest.mark.django_db(transaction=True)
def test_healthz_answers_503_when_the_database_is_unreachable(client):
    # Point the live connection at a closed port; restore it before the test's cleanup needs it.
    original = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = _closed_port()
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        connection.settings_dict["PORT"] = original
    assert response.status_code == 503
    # The outbox's parts are read from the database: not reported without it.
    assert response.json() == {"status": "unavailable", "database": "unavailable", "broker": "ok", "storage": "ok"}


@pytest.mark.django_db
def test_an_email_due_longer_than_the_threshold_makes_healthz_503_until_it_is_sent(client, smtp_server, settings):
    settings.HEALTHZ_OUTBOX_MAX_AGE = 300
    _alive("beat", "worker")
    email = _email()
    _waiting(email, 200)
    assert client.get("/healthz").status_code == 200  # waiting, but not beyond the threshold

    _waiting(email, 400)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["outbox"] == "stuck" and 400 <= response.json()["outbox_oldest_due_seconds"] < 410

    assert services.sweep()["sent"] == 1
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["outbox_oldest_due_seconds"] is None


@pytest.mark.django_db
def test_with_the_mail_server_unreachable_the_wait_grows_and_healthz_says_stuck(client, smtp_server, settings):
    settings.HEALTHZ_OUTBOX_MAX_AGE = 300
    _alive("beat", "worker")
    email = _email()
    server_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = _closed_port()  # the mail server is down
    _waiting(email, 400)
    assert services.sweep() == {"sent": 0, "retry": 1, "failed": 0}
    email.refresh_from_db()
    # Not the email's fault: no attempt counted, still due (the next sweep tries again).
    assert email.status == OutgoingEmail.Status.QUEUED and email.attempts == 0
    assert email.next_attempt_at <= timezone.now() - timedelta(seconds=400)
    assert "Connection refused" in email.last_error or "ConnectionRefused" in email.last_error
    assert client.get("/healthz").json()["outbox"] == "stuck"

    settings.EMAIL_PORT = server_port  # back
    assert services.sweep()["sent"] == 1
    assert client.get("/healthz").status_code == 200
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db
def test_a_refused_email_waiting_for_its_backoff_is_not_stuck(client, smtp_server, settings):
    settings.HEALTHZ_OUTBOX_MAX_AGE = 1
    _alive("beat", "worker")
    email = _email()
    smtp_server.refuse = True
    assert services.sweep()["retry"] == 1
    email.refresh_from_db()
    assert email.next_attempt_at > timezone.now()
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_healthz_says_beat_is_late_until_beat_publishes_again(client, settings, monkeypatch):
    settings.HEALTHZ_BEAT_MAX_AGE = 180
    _alive("worker")
    _alive("beat", ago=timedelta(seconds=200))
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["beat"] == "late"

    # What beat does: at start-up it announces itself (alive from then on) ...
    monkeypatch.setattr(tasks, "_in_beat", False)
    tasks._beat_started()
    assert client.get("/healthz").json()["beat"] == "ok"
    # ... and each periodic task it publishes is its heartbeat.
    _alive("beat", ago=timedelta(seconds=200))
    assert client.get("/healthz").json()["beat"] == "late"
    celery_app.send_task("outbox.tasks.deliver", args=[[]])
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["beat"] == "ok"


@pytest.mark.django_db
def test_a_process_that_is_not_beat_publishing_tasks_is_no_heartbeat_of_beat(client, monkeypatch):
    monkeypatch.setattr(tasks, "_in_beat", False)
    celery_app.send_task("outbox.tasks.deliver", args=[[]])
    assert not Heartbeat.objects.filter(name="beat").exists()
    assert client.get("/healthz").json()["beat"] == "late"


def test_an_idle_worker_without_a_recent_heartbeat_is_asked_over_the_broker(client, celery_worker):
    _alive("beat")
    _alive("worker", ago=timedelta(hours=1))  # beat was down: no task ran for an hour
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    assert response.json()["worker"] == "ok"
    seen = Heartbeat.objects.get(name="worker").at
    assert timezone.now() - seen < timedelta(seconds=10)


def test_the_worker_leaves_a_heartbeat_when_it_runs_an_outbox_task(celery_worker):
    from conftest import wait_until

    tasks.sweep_outbox.delay()
    wait_until(lambda: Heartbeat.objects.filter(name="worker").exists())


@pytest.mark.django_db
def test_healthz_asks_the_database_through_the_outbox_and_keeps_its_broker_connection(client, django_assert_num_queries):
    from agepartners import views

    _alive("beat", "worker")
    assert client.get("/healthz").status_code == 200
    kept = dict(views._broker_connections)
    # The heartbeats and the oldest due email, nothing else: those reads are the database's check too.
    with django_assert_num_queries(2):
        assert client.get("/healthz").status_code == 200
    assert views._broker_connections == kept  # the same connection, asked again (a PING), not a new one
