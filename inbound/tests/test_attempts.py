"""Messages that keep failing stay in the mailbox and are retried; after INBOUND_MAX_ATTEMPTS
they are moved to the folder agepartners-failed for a person and listed in the admin.
The real Dovecot, the real poller in the real Celery worker."""
from __future__ import annotations

import pytest

from conftest import wait_until
from inbound import processing, services
from inbound.mailbox import FAILED_FOLDER, ImapMailbox
from inbound.models import InboundAttempt, InboundMessage
from inbound.tasks import poll_inbound
from inbound.tests import messages
from inbound.tests.test_inbound import _address, _replies
from outbox import replies

pytestmark = pytest.mark.django_db(transaction=True)


def _poll_until(predicate) -> None:
    poll_inbound.delay()
    wait_until(predicate, timeout=20)


def _in_folder(dovecot, folder: str, message_id: str) -> bool:
    with dovecot.client() as client:
        if not client.folder_exists(folder):
            return False
        client.select_folder(folder, readonly=True)
        return bool(client.search(["HEADER", "Message-ID", message_id]))


def test_a_message_that_keeps_failing_is_set_aside_listed_in_the_admin_and_not_processed_again(
        dovecot, celery_worker, settings, monkeypatch, client, superuser, thread, partner):  # noqa: F811
    settings.INBOUND_MAX_ATTEMPTS = 3
    address = _address(replies.THREAD, thread.pk, partner)
    dovecot.append(messages.plain(partner.email, address, "Poison.", message_id="<poison@mail.example>"))
    dovecot.append(messages.plain(partner.email, address, "Fine.", message_id="<fine@mail.example>"))
    real = processing._thread

    def broken_for_poison(user, thread_id, text, base, message=None):
        if text == "Poison.":
            raise RuntimeError("the reply parser broke")
        return real(user, thread_id, text, base, message)

    monkeypatch.setattr(processing, "_thread", broken_for_poison)

    # 1st poll: the good message is not held up; the poison one stays, counted once.
    _poll_until(lambda: InboundAttempt.objects.filter(attempts=1).exclude(last_error="").exists()
                and InboundAttempt.objects.count() == 1 and dovecot.flagged_done() == 1)
    assert [p.body for p in _replies(thread)] == ["Fine."]
    assert dovecot.count() == 2
    [attempt] = InboundAttempt.objects.all()
    assert attempt.last_error == "RuntimeError: the reply parser broke"
    # 2nd and 3rd: retried, then moved to the folder for humans.
    _poll_until(lambda: InboundAttempt.objects.filter(attempts=2).exists())
    assert dovecot.count() == 2
    _poll_until(lambda: InboundMessage.objects.filter(status="failed").exists() and dovecot.count() == 1
                and not InboundAttempt.objects.exists())
    assert _in_folder(dovecot, FAILED_FOLDER, "<poison@mail.example>")
    assert not _in_folder(dovecot, dovecot.folder, "<poison@mail.example>")
    [row] = InboundMessage.objects.filter(status="failed")
    assert row.subject == "Re: Questionnaire" and partner.email in row.sender
    assert "3 attempts" in row.reason and FAILED_FOLDER in row.reason and "the reply parser broke" in row.reason

    # Administrators see it with its reason.
    client.force_login(superuser)
    page = client.get("/en/admin/inbound/inboundmessage/").content.decode()
    assert "could not be processed in 3 attempts" in page and "the reply parser broke" in page

    # Mended or not, it is not taken up again: it is no longer in the inbox.
    monkeypatch.setattr(processing, "_thread", real)
    assert services.poll(dovecot.url) == {}
    assert [p.body for p in _replies(thread)] == ["Fine."]
    assert InboundMessage.objects.count() == 2


def test_a_message_failing_once_then_succeeding_posts_exactly_once(dovecot, celery_worker, monkeypatch, thread, partner):  # noqa: F811
    # The failure comes after the post was written: the rollback takes the post back too.
    real = services._record
    calls = {"n": 0}

    def fails_the_first_time(row, outcome):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("lost midway")
        return real(row, outcome)

    monkeypatch.setattr(services, "_record", fails_the_first_time)
    dovecot.append(messages.plain(partner.email, _address(replies.THREAD, thread.pk, partner), "Once, please."))
    _poll_until(lambda: InboundAttempt.objects.exclude(last_error="").exists())
    assert _replies(thread) == [] and dovecot.flagged_done() == 0 and not InboundMessage.objects.exists()
    _poll_until(lambda: dovecot.flagged_done() == 1 and not InboundAttempt.objects.exists())
    assert [p.body for p in _replies(thread)] == ["Once, please."]
    [row] = InboundMessage.objects.all()
    assert row.status == "processed" and not InboundAttempt.objects.exists()


def test_a_worker_that_died_on_the_last_attempt_leaves_the_message_set_aside_unprocessed(
        dovecot, settings, thread, partner):  # noqa: F811
    settings.INBOUND_MAX_ATTEMPTS = 2
    dovecot.append(messages.plain(partner.email, _address(replies.THREAD, thread.pk, partner), "Kills the worker."))
    with dovecot.client() as client:
        selected = client.select_folder(dovecot.folder)
        [uid] = client.search(["ALL"])
    # Two attempts were counted, and nothing came back from the second (the process died).
    InboundAttempt.objects.create(mailbox=ImapMailbox(dovecot.url).name, uid=f"{selected[b'UIDVALIDITY']}:{uid}", attempts=2)
    assert services.poll(dovecot.url) == {"set_aside": 1}
    assert _replies(thread) == [] and dovecot.count() == 0
    [row] = InboundMessage.objects.all()
    assert row.status == "failed" and "2 attempts" in row.reason and "the worker may have stopped" in row.reason


def test_a_folder_mailbox_sets_failing_messages_aside_in_a_subfolder(tmp_path, settings, monkeypatch, thread, partner):  # noqa: F811
    settings.INBOUND_MAX_ATTEMPTS = 1
    raw = messages.plain(partner.email, _address(replies.THREAD, thread.pk, partner), "Poison.")
    (tmp_path / "reply.eml").write_bytes(raw)

    def broken(message):
        raise KeyError("no such header")

    monkeypatch.setattr(processing, "process", broken)
    assert services.poll(f"folder://{tmp_path}") == {"set_aside": 1}
    assert (tmp_path / "failed" / "reply.eml").read_bytes() == raw and not (tmp_path / "reply.eml").exists()
    assert "KeyError" in InboundMessage.objects.get().reason
