"""Messages that keep failing: counted per mailbox message, retried on the next polls, and
after INBOUND_MAX_ATTEMPTS set aside for a person.

Each attempt is counted before the work starts, in its own committed statement: an
exception, a lost database or a worker killed midway all leave the count behind, while
the work itself rolls back (inbound.services.handle), so the message stays in the mailbox
untouched. A message that fails for an unexpected reason does not hold up the others in
the batch; a lost database stops the batch, since nothing else can be done without it.
After the last attempt the message is moved to the mailbox folder ``agepartners-failed``
(``failed/`` of a folder:// mailbox) and gets an InboundMessage row (status failed, with
the reason, so it shows in the admin like every other message that changed nothing). Moving it back to the inbox makes it a
new mailbox message, tried afresh: the row keeps no Message-ID for that reason.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from inbound.mailbox import Fetched, Mailbox
from inbound.models import InboundAttempt, InboundMessage
from outbox.services import DATABASE_GONE

log = logging.getLogger(__name__)

SET_ASIDE = "set_aside"
RETRY = "retry"


def begin(mailbox: str, uid: str) -> int:
    """Count one more attempt on the message and return its number (1 for the first)."""
    with transaction.atomic():
        attempt, created = InboundAttempt.objects.select_for_update().get_or_create(
            mailbox=mailbox, uid=uid, defaults={"attempts": 1},
        )
        if not created:
            attempt.attempts += 1
            attempt.save(update_fields=["attempts", "last_at"])
    return attempt.attempts


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def handle_counted(mailbox: Mailbox, fetched: Fetched, handle: Callable[[Mailbox, Fetched], str]) -> str:
    """``handle`` the message unless it has failed too often; what became of it."""
    limit = settings.INBOUND_MAX_ATTEMPTS
    number = begin(mailbox.name, fetched.uid)
    if number > limit:
        # The last attempt ended without a word (the worker died, or setting it aside failed).
        return set_aside(mailbox, fetched, number - 1)
    try:
        status = handle(mailbox, fetched)
    except Exception as exc:
        log.exception("Inbound email %s of %s: attempt %d of %d failed", fetched.uid, mailbox.name, number, limit)
        if isinstance(exc, DATABASE_GONE):
            raise  # nothing can be recorded now; the count stands, the next poll tries again
        InboundAttempt.objects.filter(mailbox=mailbox.name, uid=fetched.uid).update(last_error=_describe(exc))
        if number >= limit:
            return set_aside(mailbox, fetched, number)
        return RETRY
    InboundAttempt.objects.filter(mailbox=mailbox.name, uid=fetched.uid).delete()
    return status


def set_aside(mailbox: Mailbox, fetched: Fetched, attempts: int) -> str:
    """Move the message out of the inbox, then record it as failed (the admin lists it with
    the reason). Until both are done, every poll comes back here, never to processing."""
    from inbound import processing

    if InboundMessage.objects.filter(mailbox=mailbox.name, uid=fetched.uid).exists():
        # It was used; what kept failing came after the commit (flagging it in the mailbox).
        mailbox.done(fetched.uid)
        InboundAttempt.objects.filter(mailbox=mailbox.name, uid=fetched.uid).delete()
        return "duplicate"
    attempt = InboundAttempt.objects.filter(mailbox=mailbox.name, uid=fetched.uid).first()
    error = attempt.last_error if attempt and attempt.last_error else "none recorded (the worker may have stopped)"
    folder = mailbox.failed_folder()
    mailbox.set_aside(fetched.uid)
    log.error("Inbound email %s of %s failed %d times: moved to %s", fetched.uid, mailbox.name, attempts, folder)
    try:
        message = processing.parse(fetched.raw)
        sender, subject = str(message.get("From", ""))[:300], str(message.get("Subject", ""))[:300]
    except Exception:  # noqa: BLE001 (the headers may be what failed; the row is kept without them)
        sender = subject = ""
    InboundMessage.objects.create(
        mailbox=mailbox.name, uid=fetched.uid, status=InboundMessage.Status.FAILED, sender=sender, subject=subject,
        reason=f"could not be processed in {attempts} attempts; moved to the mailbox folder {folder} "
               f"for a person to look at. Last error: {error}",
        processed_at=timezone.now(),
    )
    InboundAttempt.objects.filter(mailbox=mailbox.name, uid=fetched.uid).delete()
    return SET_ASIDE
