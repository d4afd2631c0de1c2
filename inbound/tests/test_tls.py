"""IMAPS and STARTTLS against the test Dovecot's TLS (a CA and certificate the session made):
real messages are read when the certificate verifies; when it does not, the poll stops
before logging in, says why, and leaves every message where it is."""
from __future__ import annotations

import logging

import pytest

from agepartners.env import ConfigurationError, inbound_email_url
from conftest import wait_until
from inbound import services
from inbound.mailbox import MailboxError
from inbound.models import InboundMessage
from inbound.tasks import poll_inbound
from inbound.tests import messages
from inbound.tests.conftest import PASSWORD
from inbound.tests.test_inbound import _address, _replies
from outbox import replies


def _logins(dovecot) -> list[str]:
    return [line for line in dovecot.log.read_text().splitlines() if "Login: user=<portal>" in line]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("mode", ["imaps", "starttls"])
def test_imaps_and_starttls_read_real_messages_when_the_certificate_verifies(
        dovecot, celery_worker, settings, thread, partner, mode):  # noqa: F811
    url = dovecot.imaps_url() if mode == "imaps" else dovecot.starttls_url()
    settings.INBOUND_EMAIL_URL = inbound_email_url(url)  # as the settings read it
    dovecot.append(messages.plain(partner.email, _address(replies.THREAD, thread.pk, partner), f"Über {mode}."))
    before = len(_logins(dovecot))
    poll_inbound.delay()
    wait_until(lambda: dovecot.flagged_done() == 1)
    assert [p.body for p in _replies(thread)] == [f"Über {mode}."]
    # Dovecot notes the portal's session as encrypted: on the IMAPS port, or on the plain
    # port after STARTTLS (the test's own plain sessions there are only "secured").
    port = dovecot.tls_port if mode == "imaps" else dovecot.port
    assert [line for line in _logins(dovecot)[before:] if f"lport={port}," in line and ", TLS," in line]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("mode", ["imaps", "starttls"])
@pytest.mark.parametrize("case,expected", [
    ("untrusted", "unable to get local issuer certificate"),  # the system's trust does not know the test CA
    ("wrong name", "Hostname mismatch"),  # the certificate is for 127.0.0.1, not for "localhost"
])
def test_an_untrusted_or_wrong_certificate_stops_the_poll_and_leaves_the_messages(
        dovecot, caplog, thread, partner, mode, case, expected):  # noqa: F811
    kwargs = {"ca": ""} if case == "untrusted" else {"host": "localhost"}
    url = dovecot.imaps_url(**kwargs) if mode == "imaps" else dovecot.starttls_url(**kwargs)
    dovecot.append(messages.plain(partner.email, _address(replies.THREAD, thread.pk, partner), "Must wait."))
    before = len(_logins(dovecot))
    with caplog.at_level(logging.ERROR, logger="inbound.services"), pytest.raises(MailboxError) as failure:
        services.poll(url)
    assert "TLS certificate is not trusted" in str(failure.value) and expected in str(failure.value)
    assert "?ca=" in str(failure.value)  # says what to do
    [record] = [r for r in caplog.records if r.name == "inbound.services"]
    assert record.levelno == logging.ERROR and "not trusted" in record.getMessage()
    assert PASSWORD not in record.getMessage()
    # Nothing processed, nothing flagged, the password never sent.
    assert not InboundMessage.objects.exists() and _replies(thread) == []
    assert not [line for line in _logins(dovecot)[before:] if ", TLS," in line]  # only the test's own plain checks
    assert dovecot.count() == 1 and dovecot.flagged_done() == 0


@pytest.mark.parametrize("url,message", [
    ("imaps://u:p@mail.example.org/INBOX?cafile=/x", "unknown option 'cafile'"),
    ("imaps://u:p@mail.example.org/INBOX?ca=/nonexistent/ca.pem", "the CA file '/nonexistent/ca.pem' does not exist"),
    ("imap://u:p@mail.example.org/INBOX?starttls=no", "without STARTTLS only on loopback"),
    ("imap://u:p@mail.example.org/INBOX?starttls=maybe", "starttls='maybe'"),
    ("imaps://u:p@mail.example.org/INBOX?starttls=yes", "imaps:// is TLS from the start"),
])
def test_tls_options_that_make_no_sense_stop_the_portal_at_start_up(url, message):
    with pytest.raises(ConfigurationError, match="INBOUND_EMAIL_URL") as failure:
        inbound_email_url(url)
    assert message in str(failure.value)
    # Sensible ones pass as they are.
    assert inbound_email_url("imap://u:p@127.0.0.1:1143/INBOX?starttls=yes") == "imap://u:p@127.0.0.1:1143/INBOX?starttls=yes"
    assert inbound_email_url("imap://u:p@mail.example.org/INBOX") == "imap://u:p@mail.example.org/INBOX"
