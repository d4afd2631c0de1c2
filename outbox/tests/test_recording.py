"""What the server answered is recorded even if the database restarts meanwhile, and a
claim is renewed while its batch runs: no email is sent twice by a blip or a slow batch.

The database "restart" is real: the SMTP server, just before it accepts a message, has
PostgreSQL terminate the sending connection (pg_terminate_backend), as a restart does.
"""
from __future__ import annotations

import logging
import socket
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from outbox import services
from outbox.models import OutgoingEmail
from outbox.services import Rendered, record_email

Status = OutgoingEmail.Status
pytestmark = pytest.mark.django_db(transaction=True)


def _email(key: str, to: str = "katrin@magdeburg.example", **kw) -> OutgoingEmail:
    email = record_email(key=key, category="test", to_email=to, language="de",
                         rendered=Rendered("Treffen in Magdeburg", "Das Treffen beginnt.\n", ""), **kw)
    assert email is not None
    return email


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def _terminate(pid: int) -> None:
    """From the SMTP server's thread, with a connection of its own."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        connection.close()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_database_restart_after_the_server_accepted_is_survived_and_nothing_is_sent_twice(smtp_server, caplog):
    email = _email("meeting:1:katrin")
    pid = _backend_pid()
    smtp_server.on_accept = lambda: _terminate(pid)

    with caplog.at_level(logging.WARNING, logger="outbox.services"):
        assert services.sweep() == {"sent": 1, "retry": 0, "failed": 0}
    assert "Database unavailable while recording" in caplog.text
    assert _backend_pid() != pid  # it reconnected
    email.refresh_from_db()
    assert email.status == Status.SENT and not email.claim_lost

    smtp_server.on_accept = None
    assert services.sweep() == {"sent": 0, "retry": 0, "failed": 0}
    assert len(smtp_server.messages) == 1


def test_a_database_away_beyond_the_bound_is_said_in_the_log_and_the_admin(smtp_server, settings, caplog, client, superuser):
    settings.OUTBOX_RECORD_RETRY_SECONDS = 1
    email = _email("meeting:2:katrin")
    pid = _backend_pid()
    database = connections["default"].settings_dict
    port = database["PORT"]

    def database_goes_away() -> None:
        _terminate(pid)
        database["PORT"] = _closed_port()

    smtp_server.on_accept = database_goes_away
    try:
        with caplog.at_level(logging.ERROR, logger="outbox.services"):
            with pytest.raises(services.RecordingLost):
                services.sweep()
    finally:
        database["PORT"] = port
        connection.close()
    smtp_server.on_accept = None
    assert services.message_id(email) in caplog.text and "may arrive twice" in caplog.text

    # Still claimed: nobody sends it while the claim holds.
    email.refresh_from_db()
    assert email.status == Status.SENDING
    assert services.sweep()["sent"] == 0
    # The claim expires (the worker never renews it): sent again, and marked.
    OutgoingEmail.objects.filter(pk=email.pk).update(claimed_at=timezone.now() - services.claim_lease() - timedelta(seconds=1))
    with caplog.at_level(logging.ERROR, logger="outbox.services"):
        assert services.sweep()["sent"] == 1
    assert "stopped answering" in caplog.text
    email.refresh_from_db()
    assert email.status == Status.SENT and email.claim_lost
    assert [str(m["Message-ID"]) for m in smtp_server.messages] == [services.message_id(email)] * 2

    client.force_login(superuser)
    page = client.get("/en/admin/outbox/outgoingemail/?claim_lost__exact=1").content.decode()
    assert "katrin@magdeburg.example" in page


def test_a_batch_slower_than_the_claim_keeps_its_claim(smtp_server, settings):
    settings.OUTBOX_CLAIM_SECONDS = 3  # renewed every second
    for i in range(4):
        _email(f"meeting:3:{i}", to=f"partner{i}@magdeburg.example")
    smtp_server.pause = 1.0  # the batch takes four seconds, longer than a claim lasts
    results: list[dict[str, int]] = []

    def sweep() -> None:
        try:
            results.append(services.sweep())
        finally:
            connection.close()

    sender = threading.Thread(target=sweep)
    sender.start()
    time.sleep(3.5)
    released = services.release_stale_claims()  # what a concurrent sweep does first
    sender.join(timeout=30)
    assert released == 0
    assert results == [{"sent": 4, "retry": 0, "failed": 0}]
    assert len(smtp_server.message_ids()) == 4 and max(smtp_server.message_ids().values()) == 1
    assert not OutgoingEmail.objects.filter(claim_lost=True).exists()


def test_an_unreachable_server_costs_no_attempt_and_stops_the_sweep(smtp_server, settings):
    for i in range(3):
        _email(f"meeting:4:{i}", to=f"partner{i}@magdeburg.example")
    server_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = _closed_port()
    assert services.sweep(batch_size=1) == {"sent": 0, "retry": 1, "failed": 0}  # one try, not three
    assert set(OutgoingEmail.objects.values_list("status", "attempts")) == {(Status.QUEUED, 0)}

    settings.EMAIL_PORT = server_port
    assert services.sweep(batch_size=1) == {"sent": 3, "retry": 0, "failed": 0}  # at once, no backoff
