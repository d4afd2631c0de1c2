"""The outbox delivers every email exactly once: through refusals, duplicates, races and a dead broker."""
from __future__ import annotations

import logging
import socket
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from agepartners.celery import app as celery_app
from outbox import services
from outbox.models import OutgoingEmail
from outbox.services import Rendered, record_email

Status = OutgoingEmail.Status


def _email(key: str, to: str = "katrin@magdeburg.example", **kw) -> OutgoingEmail | None:
    return record_email(
        key=key, category="test", to_email=to, language="de",
        rendered=Rendered("Treffen in Magdeburg", "Das erste Partnertreffen beginnt am 4. Oktober.\n", "<p>Treffen</p>"),
        **kw,
    )


def _time_passes(email: OutgoingEmail) -> None:
    """Move the row's retry time into the past, as if the backoff had elapsed."""
    OutgoingEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


@pytest.mark.django_db
def test_a_server_that_says_try_again_later_delays_the_email_but_loses_nothing(smtp_server):
    email = _email("meeting:1:katrin")
    smtp_server.refuse = True

    assert services.sweep() == {"sent": 0, "retry": 1, "failed": 0}
    email.refresh_from_db()
    assert email.status == Status.QUEUED and email.attempts == 1
    assert "451" in email.last_error
    assert email.next_attempt_at > timezone.now() + timedelta(seconds=20)  # backoff, not a hot loop

    smtp_server.refuse = False
    assert services.sweep() == {"sent": 0, "retry": 0, "failed": 0}  # not due yet
    _time_passes(email)
    assert services.sweep() == {"sent": 1, "retry": 0, "failed": 0}
    assert services.sweep() == {"sent": 0, "retry": 0, "failed": 0}

    [message] = smtp_server.messages
    assert message["Subject"] == "Treffen in Magdeburg"
    email.refresh_from_db()
    assert email.status == Status.SENT and email.sent_at is not None and email.last_error == ""


@pytest.mark.django_db
def test_the_backoff_grows_with_each_refusal(smtp_server):
    email = _email("meeting:2:katrin")
    smtp_server.refuse = True
    delays = []
    for _ in range(3):
        _time_passes(email)
        before = timezone.now()
        services.sweep()
        email.refresh_from_db()
        delays.append((email.next_attempt_at - before).total_seconds())
    assert delays[0] < delays[1] < delays[2]


@pytest.mark.django_db
def test_an_email_gives_up_after_the_configured_number_of_attempts(smtp_server, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    email = _email("meeting:3:katrin")
    smtp_server.refuse = True
    services.sweep()
    _time_passes(email)
    assert services.sweep()["failed"] == 1
    email.refresh_from_db()
    assert email.status == Status.FAILED and not email.permanent_failure


@pytest.mark.django_db
def test_an_address_the_server_refuses_for_good_is_marked_and_shown_in_the_admin(client, smtp_server, superuser, project):
    smtp_server.refuse_recipients = {"gone@magdeburg.example"}
    email = _email("meeting:4:gone", to="gone@magdeburg.example", project=project)
    _email("meeting:4:katrin", project=project)

    assert services.sweep() == {"sent": 1, "retry": 0, "failed": 1}
    email.refresh_from_db()
    assert email.status == Status.FAILED and email.permanent_failure
    assert "550" in email.last_error
    assert services.sweep() == {"sent": 0, "retry": 0, "failed": 0}  # never tried again
    assert [m["To"] for m in smtp_server.messages] == ["katrin@magdeburg.example"]

    client.force_login(superuser)
    response = client.get("/en/admin/outbox/outgoingemail/?permanent_failure__exact=1")
    assert response.status_code == 200
    page = response.content.decode()
    assert "gone@magdeburg.example" in page and "katrin@magdeburg.example" not in page


@pytest.mark.django_db
def test_queuing_the_same_key_twice_sends_one_email(smtp_server):
    assert _email("reminder:42:2012-10-01") is not None
    assert _email("reminder:42:2012-10-01") is None
    services.sweep()
    services.sweep()
    assert OutgoingEmail.objects.count() == 1
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db
def test_a_claim_left_by_a_dead_worker_is_delivered_by_the_sweep(smtp_server):
    email = _email("meeting:5:katrin")
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=Status.SENDING, claimed_at=timezone.now() - services.claim_lease() - timedelta(minutes=1))
    assert services.sweep()["sent"] == 1
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db
def test_a_fresh_claim_is_left_to_the_worker_that_holds_it(smtp_server):
    email = _email("meeting:6:katrin")
    OutgoingEmail.objects.filter(pk=email.pk).update(status=Status.SENDING, claimed_at=timezone.now())
    assert services.sweep()["sent"] == 0
    assert smtp_server.messages == []


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_the_same_time_send_each_email_once(smtp_server):
    recipients = [f"partner{i}@example.org" for i in range(30)]
    # Rows straight into the table: nothing is handed to a Celery worker, only the sweeps send.
    OutgoingEmail.objects.bulk_create(
        OutgoingEmail(key=f"digest:{a}", category="test", to_email=a, language="en", subject="Digest", body_text="…")
        for a in recipients
    )
    start = threading.Barrier(2)
    results: list[dict[str, int]] = []
    errors: list[BaseException] = []

    def sweep() -> None:
        try:
            start.wait()
            results.append(services.sweep(batch_size=5))
        except BaseException as exc:  # reported below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert sum(r["sent"] for r in results) == 30
    assert sorted(m["To"] for m in smtp_server.messages) == sorted(recipients)
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {Status.SENT}


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def broker_down(monkeypatch):
    """The Celery app's broker points at a closed loopback port until the test ends."""
    closed = f"redis://127.0.0.1:{_closed_port()}/0"
    original = celery_app.conf.broker_url

    def reset_pools() -> None:
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    monkeypatch.setenv("CELERY_BROKER_URL", closed)  # Celery prefers the environment to its conf
    celery_app.conf.broker_url = closed
    reset_pools()
    yield
    celery_app.conf.broker_url = original
    reset_pools()


@pytest.mark.django_db
def test_a_broker_that_is_down_does_not_fail_the_request_and_the_sweep_delivers_later(
    client, partner, smtp_server, broker_down, django_capture_on_commit_callbacks, caplog,
):
    with caplog.at_level(logging.WARNING, logger="outbox.services"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/de/accounts/password/reset/", {"email": partner.email})
    assert response.status_code == 302
    assert "Broker unavailable" in caplog.text
    email = OutgoingEmail.objects.get(to_email=partner.email)
    assert email.status == Status.QUEUED
    assert smtp_server.messages == []

    assert services.sweep()["sent"] == 1  # beat's sweep, once the worker runs again
    [message] = smtp_server.messages
    assert "Passwort" in message["Subject"] or "Passwort" in message.get_body(("plain",)).get_content()


@pytest.mark.django_db
def test_each_email_carries_a_message_id_of_its_own_row(smtp_server):
    first = _email("meeting:7:katrin")
    second = _email("meeting:7:inese", to="inese@daugavpils.example")
    services.sweep()
    ids = {m["Message-ID"] for m in smtp_server.messages}
    assert ids == {services.message_id(first), services.message_id(second)}
    assert all(i.startswith("<outbox-") for i in ids)
