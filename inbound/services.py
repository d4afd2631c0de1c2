"""Poll the mailbox: record each message, act on it once, mark it done in the mailbox.

The row (unique per mailbox UID and per Message-ID) is inserted and acted on in one
transaction, locked with SKIP LOCKED: two pollers at once split the messages between
them, and a worker that dies midway rolls both back, so the message is taken up again.
Only after the commit is the message flagged in the mailbox; if that flag is lost, the
row is found on the next poll and the message is only flagged.
"""
from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inbound import attachments, attempts, processing
from inbound.mailbox import Fetched, Mailbox, MailboxError, open_mailbox
from inbound.models import InboundMessage
from outbox.services import queue_for_user

log = logging.getLogger(__name__)

BATCH = 100

# What the sender is told, in their language, when their email changed nothing.
EXPLANATIONS = {
    "closed": _("The discussion is closed, so your email was not added to it."),
    "deleted": _("What your email answered no longer exists in the portal."),
    "forbidden": _("You can no longer write in this project, so your email was not added."),
    "started": _("The meeting has started or was cancelled, so answers can no longer change."),
    "calendar": _("To answer a meeting invitation by email, use the Accept, Tentative or Decline buttons of your calendar program, or answer on the meeting page."),
    "digest": _("This email listed several tasks, so the portal cannot tell which one your answer is about. "
                "Please use the “Reply to comment” link beside a task, or comment on the task's page in the portal."),
    "generic": _("Your email could not be added to the portal. Please write in the portal instead."),
}


def poll(url: str | None = None, limit: int = BATCH) -> dict[str, int]:
    url = url or settings.INBOUND_EMAIL_URL
    counts: dict[str, int] = {}
    if not url:
        return counts
    try:
        with open_mailbox(url) as mailbox:
            for fetched in mailbox.messages(limit):
                # Counted, retried and after INBOUND_MAX_ATTEMPTS set aside (inbound.attempts).
                status = attempts.handle_counted(mailbox, fetched, handle)
                counts[status] = counts.get(status, 0) + 1
    except MailboxError as exc:
        log.error("Inbound email not read: %s", exc)
        raise
    return counts


def handle(mailbox: Mailbox, fetched: Fetched) -> str:
    message = processing.parse(fetched.raw)
    message_id = str(message.get("Message-ID", "")).strip()[:300]
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = InboundMessage.objects.create(
                    mailbox=mailbox.name, uid=fetched.uid, message_id=message_id,
                    sender=str(message.get("From", ""))[:300], subject=str(message.get("Subject", ""))[:300],
                )
        except IntegrityError:
            row = None  # seen before (this UID, or the same Message-ID under another)
        status = "duplicate"
        if row is not None:
            # Lock it: a second poller that fetched the same message skips it.
            locked = InboundMessage.objects.select_for_update(skip_locked=True).filter(pk=row.pk).first()
            if locked is not None:
                outcome = processing.process(message)
                _record(locked, outcome)
                if outcome.explain and outcome.user is not None:
                    explain(outcome.user, outcome.explain, locked)
                if outcome.refused:
                    attachments.answer_refused(outcome.user, locked, outcome.refused,
                                               posted=outcome.status == InboundMessage.Status.PROCESSED)
                status = outcome.status
    mailbox.done(fetched.uid)
    return status


def _record(row: InboundMessage, outcome: processing.Outcome) -> None:
    row.status = outcome.status
    row.reason = outcome.reason
    row.kind = outcome.kind
    row.object_id = outcome.object_id
    row.user = outcome.user
    row.project_id = outcome.project_id
    row.processed_at = timezone.now()
    row.save()
    if outcome.status == InboundMessage.Status.FAILED:
        log.warning("Inbound email %s from %s not used: %s", row.pk, row.sender, outcome.reason)


def explain(user: Any, reason: str, row: InboundMessage) -> None:
    """One short answer to the person: at most one per hour (the outbox key is unique),
    so a bounce loop or a flood of replies never becomes a flood of answers."""
    hour = timezone.now().strftime("%Y%m%d%H")
    queue_for_user(
        user, key=f"inbound:explain:{user.pk}:{hour}", category="inbound.explanation",
        template="inbound/emails/not_added", context={"reason": EXPLANATIONS[reason], "subject": row.subject},
    )
