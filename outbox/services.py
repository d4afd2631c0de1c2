"""Compose, record, queue and deliver emails.

An email is rendered from three templates (``<name>_subject.txt``, ``<name>.txt`` and
``<name>.html``) inside the recipient's language and time zone, stored as an
``OutgoingEmail`` row, and queued to the worker only after the transaction commits.
The worker claims the row with a conditional UPDATE before it talks to the SMTP
server, so two workers, two sweeps or a redelivered message never send it twice.
"""
from __future__ import annotations

import logging
import smtplib
import threading
import time
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from email import encoders
from email.mime.base import MIMEBase
from email.mime.text import MIMEText
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Min
from django.template.loader import render_to_string
from django.utils import timezone, translation

from outbox.models import Heartbeat, OutgoingEmail

log = logging.getLogger(__name__)

# Retry delays in seconds after the 1st, 2nd, … refusal of a message by the server; the
# last one repeats. All stay below the broker's visibility timeout (one hour). A server
# that cannot be reached at all is not a refusal: see _postpone.
BACKOFF = [30, 120, 300, 900, 1800, 3600]
# What a lost database connection raises (a restart, a failover, a cut network).
DATABASE_GONE = (OperationalError, InterfaceError)


def claim_lease() -> timedelta:
    """How long a claim holds without renewal. A worker renews the claims of the batch it
    is sending every third of this (ClaimKeeper); a claim older than this belongs to a
    worker that is gone, and the sweep gives the row back to the queue."""
    return timedelta(seconds=settings.OUTBOX_CLAIM_SECONDS)


def record_heartbeat(name: str) -> None:
    """Note that ``name`` ("worker", "beat") is alive now: one upsert."""
    Heartbeat.objects.bulk_create(
        [Heartbeat(name=name, at=timezone.now())], update_conflicts=True, unique_fields=["name"], update_fields=["at"],
    )


@dataclass(frozen=True)
class Attachment:
    filename: str
    mimetype: str
    content: str


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def zone(name: str) -> zoneinfo.ZoneInfo:
    """A time zone by name; an unknown name (an old or hand-edited value) is the server's."""
    try:
        return zoneinfo.ZoneInfo(name or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def render_email(template: str, context: dict[str, Any], language: str, time_zone: str) -> Rendered:
    """Render ``template``'s three parts as the recipient will read them."""
    ctx = {"SITE_URL": settings.SITE_URL, "LANGUAGE_CODE": language, **context}
    with translation.override(language), timezone.override(zone(time_zone)):
        subject = render_to_string(f"{template}_subject.txt", ctx)
        text = render_to_string(f"{template}.txt", ctx)
        html = render_to_string(f"{template}.html", ctx)
    return Rendered(" ".join(subject.split()), text.strip() + "\n", html)


@dataclass(frozen=True)
class Draft:
    """One email to record (``record_email``, ``record_emails``)."""

    key: str
    category: str
    to_email: str
    rendered: Rendered
    language: str
    user: Any = None
    project: Any = None
    attachments: Sequence[Attachment] = ()
    reply_to: str | None = None


def queue_email(*, template: str, context: dict[str, Any], time_zone: str, **fields: Any) -> OutgoingEmail | None:
    """Render and record one email (``fields``: the rest of a ``Draft``), queued after commit.
    Returns None when its key was queued before.

    ``reply_to`` is a signed address from outbox.replies (None: not answerable); the
    templates see it as ``reply_to`` and only then invite the reader to answer."""
    context = {"reply_to": fields.get("reply_to"), **context}
    return record_email(rendered=render_email(template, context, fields["language"], time_zone), **fields)


def recipient_locale(user: Any) -> tuple[str, str]:
    """The language and time zone every email to ``user`` is written in: their profile's.

    The one place that decides it, so a digest, an invitation and a notification to the
    same person never disagree. Every user has a Person (projects.signals creates it)."""
    person = user.person
    language = person.language if person.language in settings.LANGUAGE_CODES else settings.LANGUAGE_CODE
    return language, person.time_zone or settings.TIME_ZONE


def queue_for_user(user: Any, *, context: dict[str, Any], **fields: Any) -> OutgoingEmail | None:
    """Queue an email to a user, in the language and time zone of their profile."""
    language, tz = recipient_locale(user)
    return queue_email(
        to_email=user.email, context={"recipient": user, **context}, language=language, time_zone=tz, user=user, **fields
    )


def record_email(**fields: Any) -> OutgoingEmail | None:
    """Record one email (the fields of a ``Draft``), queued after commit; None when its key
    was recorded before."""
    return record_emails([Draft(**fields)])[0]


def record_emails(drafts: Sequence[Draft]) -> list[OutgoingEmail | None]:
    """Record many emails with one INSERT, queued after commit in chunks.

    Returns, in the order of ``drafts``, each recorded row, or None where the key was
    recorded before. A bulk insert that ignores conflicts cannot tell which rows were its
    own, so the batch goes in as one INSERT inside a savepoint (a taken key must not break
    the caller's transaction), and only if a key is taken (rare: a retried or concurrent
    job) does it fall back to one savepoint per email, so that exactly the taken keys are
    skipped.
    """
    if not drafts:
        return []
    rows = [
        OutgoingEmail(
            key=d.key, category=d.category, to_email=d.to_email, language=d.language,
            subject=d.rendered.subject[:300], body_text=d.rendered.text, body_html=d.rendered.html,
            attachments=[a.__dict__ for a in d.attachments], user=d.user, project=d.project,
            reply_to=d.reply_to or "",
        )
        for d in drafts
    ]
    try:
        with transaction.atomic():
            OutgoingEmail.objects.bulk_create(rows)
    except IntegrityError:
        return [_record_one(row) for row in rows]
    _enqueue_after_commit(*(row.pk for row in rows))
    return list(rows)


def _record_one(row: OutgoingEmail) -> OutgoingEmail | None:
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        if OutgoingEmail.objects.filter(key=row.key).exists():
            return None
        raise
    _enqueue_after_commit(row.pk)
    return row


# Emails recorded in one transaction reach the worker in chunks, so a sweep that queues
# thousands of digests makes a few tasks that each reuse one SMTP connection (send_claimed)
# instead of one task and one connection per email.
ENQUEUE_CHUNK = 50


def _enqueue_after_commit(*pks: int) -> None:
    pending = transaction.get_connection().__dict__.setdefault("_outbox_pending", [])
    pending.extend(pks)
    # Registered for every email: the first callback to run after commit takes all the
    # pending ids, the others find nothing left. Ids of rows rolled back are harmless
    # (claim() finds no row for them).
    transaction.on_commit(_flush_pending)


def _flush_pending() -> None:
    ids = transaction.get_connection().__dict__.pop("_outbox_pending", [])
    for start in range(0, len(ids), ENQUEUE_CHUNK):
        enqueue(ids[start:start + ENQUEUE_CHUNK])


def enqueue(ids: list[int]) -> None:
    """Hand ids to the worker. If the broker is down the rows stay queued and the
    periodic sweep delivers them once it is back: the request must not fail for it."""
    from outbox.tasks import deliver

    try:
        deliver.delay(ids)
    except Exception as exc:  # kombu raises several types for an unreachable broker
        log.warning("Broker unavailable, %d email(s) left for the outbox sweep: %s", len(ids), exc)


def claim(ids: Iterable[int] | None = None, limit: int | None = None) -> list[OutgoingEmail]:
    """Mark due, queued rows as being sent, and return only those this call won.

    With ``ids`` it claims those rows (a worker's task); without, the oldest due rows
    up to ``limit`` (a sweep). Rows locked by a concurrent claim are skipped, not waited
    for: whoever holds them sends them.
    """
    now = timezone.now()
    due = OutgoingEmail.objects.select_for_update(skip_locked=True).filter(
        status=OutgoingEmail.Status.QUEUED, next_attempt_at__lte=now
    )
    if ids is not None:
        due = due.filter(pk__in=list(ids))
    due = due.order_by("next_attempt_at", "pk")
    with transaction.atomic():
        rows = list(due[:limit] if limit else due)
        if rows:
            OutgoingEmail.objects.filter(pk__in=[r.pk for r in rows]).update(
                status=OutgoingEmail.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
            )
    for row in rows:
        row.attempts += 1
    return rows


def message_id(email: OutgoingEmail) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "agepartners.localhost"
    return f"<outbox-{email.pk}-{email.created_at:%Y%m%d%H%M%S}@{domain}>"


def _message(email: OutgoingEmail, connection: Any) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject, body=email.body_text, from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to_email], connection=connection, reply_to=[email.reply_to] if email.reply_to else None,
        headers={
            "Auto-Submitted": "auto-generated",
            "Content-Language": email.language,
            # One Message-ID per row: should a send be repeated after a crash between the
            # server's acceptance and our bookkeeping, mail systems fold the copies.
            "Message-ID": message_id(email),
        },
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    for attachment in email.attachments:
        message.attach(_attachment_part(attachment))
    return message


def _attachment_part(attachment: dict[str, str]) -> MIMEBase:
    """One attachment as a MIME part, keeping parameters of its type: calendar programs
    show Accept/Decline only for ``text/calendar; method=REQUEST``."""
    content_type, *params = (p.strip() for p in attachment["mimetype"].split(";"))
    maintype, _slash, subtype = content_type.partition("/")
    part: MIMEBase
    if maintype == "text":
        part = MIMEText(attachment["content"], subtype, "utf-8")
    else:
        part = MIMEBase(maintype, subtype)
        part.set_payload(attachment["content"].encode("utf-8"))
        encoders.encode_base64(part)
    for param in params:
        name, _eq, value = param.partition("=")
        part.set_param(name.strip(), value.strip().strip('"'))
    part.add_header("Content-Disposition", "attachment", filename=attachment["filename"])
    return part


class ClaimKeeper:
    """Renews the claims of a batch while it is being sent, from a thread of its own.

    Short claims let the sweep recover a dead worker's rows within a minute; renewing them
    in a thread keeps them alive however long one SMTP exchange takes. The renewal is
    also the worker's heartbeat for /healthz while a long batch runs. Rows of the batch
    already recorded are no longer "sending", so only the rest are renewed.
    """

    def __init__(self, pks: Iterable[int]) -> None:
        self._pks = list(pks)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="outbox-claim-keeper", daemon=True)

    def __enter__(self) -> ClaimKeeper:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        try:
            while not self._stop.wait(settings.OUTBOX_CLAIM_SECONDS / 3):
                try:
                    OutgoingEmail.objects.filter(pk__in=self._pks, status=OutgoingEmail.Status.SENDING).update(
                        claimed_at=timezone.now()
                    )
                    record_heartbeat("worker")
                except DATABASE_GONE as exc:
                    # The sweep cannot steal the claims meanwhile: it needs the database too,
                    # and waits a whole lease after a restart (release_stale_claims).
                    log.warning("Could not renew the claims of %d email(s): %s", len(self._pks), exc)
                    connection.close()
        finally:
            connection.close()  # this thread's own connection


class RecordingLost(Exception):
    """The server accepted an email but the database stayed away longer than
    OUTBOX_RECORD_RETRY_SECONDS: the batch stops, its rows stay claimed."""


def _record(email: OutgoingEmail, outcome: str, **fields: Any) -> None:
    """Write what the server answered, through a database restart.

    The answer cannot be asked for again: after an accepted send, losing it would send the
    email a second time. So a lost connection is closed (the next query opens a new one)
    and the update retried, with growing pauses, for OUTBOX_RECORD_RETRY_SECONDS.
    """
    deadline = time.monotonic() + settings.OUTBOX_RECORD_RETRY_SECONDS
    pause = 0.2
    while True:
        try:
            OutgoingEmail.objects.filter(pk=email.pk).update(**fields)
            return
        except DATABASE_GONE as exc:
            connection.close()
            if time.monotonic() >= deadline:
                log.error(
                    "Email %s to %s (Message-ID %s) was %s by the mail server, but the database stayed away for "
                    "more than %ss, so it is not recorded. Once its claim expires it is sent again and may "
                    "arrive twice (marked 'possibly sent twice' in the admin): %s",
                    email.pk, email.to_email, message_id(email), outcome, settings.OUTBOX_RECORD_RETRY_SECONDS, exc,
                )
                raise RecordingLost(email.pk) from exc
            log.warning("Database unavailable while recording email %s as %s; retrying: %s", email.pk, outcome, exc)
            time.sleep(pause)
            pause = min(pause * 2, 5.0)


def send_claimed(emails: Sequence[OutgoingEmail]) -> tuple[dict[str, int], bool]:
    """Send claimed rows over one SMTP connection and record each outcome. Also says
    whether the server could be reached (a sweep stops if not)."""
    counts = {"sent": 0, "retry": 0, "failed": 0}
    if not emails:
        return counts, True
    smtp = get_connection(fail_silently=False)
    is_open = False
    try:
        with ClaimKeeper(email.pk for email in emails):
            for index, email in enumerate(emails):
                if not is_open:
                    try:
                        smtp.open()
                    except (OSError, smtplib.SMTPException) as exc:
                        # The server is gone: the rest waits for a later sweep.
                        counts["retry"] += _postpone(emails[index:], exc)
                        return counts, False
                    is_open = True
                try:
                    _message(email, smtp).send()
                except smtplib.SMTPRecipientsRefused as exc:
                    permanent = all(code >= 500 for code, _msg in exc.recipients.values())
                    counts[_failed(email, exc, permanent=permanent)] += 1
                except (OSError, smtplib.SMTPException) as exc:
                    counts[_failed(email, exc)] += 1
                    smtp.close()  # the connection may be gone: opened again for the next email
                    is_open = False
                else:
                    _record(email, "accepted", status=OutgoingEmail.Status.SENT, sent_at=timezone.now(), last_error="")
                    counts["sent"] += 1
    finally:
        smtp.close()
    return counts, True


def _postpone(emails: Sequence[OutgoingEmail], exc: Exception) -> int:
    """Give rows back when the server cannot be reached at all.

    That is no fault of these emails: no attempt is counted (the claim counted one) and
    the rows stay due, so the next sweep tries again (every OUTBOX_SWEEP_SECONDS) and the
    first sweep after the outage sends them; their unchanged due time is also what
    /healthz measures as the age of the oldest due email.
    """
    error = f"{type(exc).__name__}: {exc}"[:2000]
    pks = [email.pk for email in emails]
    OutgoingEmail.objects.filter(pk__in=pks).update(
        status=OutgoingEmail.Status.QUEUED, attempts=F("attempts") - 1, last_error=error,
    )
    log.warning("Mail server unreachable, %d email(s) wait for the next sweep: %s", len(pks), error)
    return len(pks)


def _failed(email: OutgoingEmail, exc: Exception, permanent: bool = False) -> str:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if permanent or email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        _record(email, "refused", status=OutgoingEmail.Status.FAILED, last_error=error, permanent_failure=permanent)
        log.error("Email %s to %s failed for good: %s", email.pk, email.to_email, error)
        return "failed"
    delay = BACKOFF[min(email.attempts, len(BACKOFF)) - 1]
    _record(
        email, "refused", status=OutgoingEmail.Status.QUEUED, last_error=error,
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
    )
    log.warning("Email %s to %s will be retried in %ss: %s", email.pk, email.to_email, delay, error)
    return "retry"


def deliver(ids: Iterable[int]) -> dict[str, int]:
    return send_claimed(claim(ids))[0]


def release_stale_claims() -> int:
    """Give rows claimed by a worker that is gone back to the queue, marked as possibly
    sent twice (the worker may have died just after the server accepted one).

    A live worker renews its claims; during a database restart it cannot, so right after
    one every claim looks stale. Claims are therefore only released once the database has
    been up for a whole lease: a live worker has reconnected and renewed (or recorded its
    outcomes, _record) by then.
    """
    lease = claim_lease()
    if connection.vendor == "postgresql":  # how long the database server has been running
        with connection.cursor() as cursor:
            cursor.execute("SELECT now() - pg_postmaster_start_time()")
            if cursor.fetchone()[0] < lease:
                return 0
    now = timezone.now()
    stale = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENDING, claimed_at__lt=now - lease)
    with transaction.atomic():
        pks = list(stale.select_for_update(skip_locked=True).values_list("pk", flat=True))
        if pks:
            OutgoingEmail.objects.filter(pk__in=pks).update(
                status=OutgoingEmail.Status.QUEUED, next_attempt_at=now, claim_lost=True
            )
    if pks:
        log.error(
            "%d email(s) were claimed by a worker that stopped answering before it recorded the outcome; "
            "they are sent again and any the server had already accepted arrive twice: %s",
            len(pks), ", ".join(map(str, pks[:50])),
        )
    return len(pks)


def sweep(batch_size: int = 200) -> dict[str, int]:
    """Deliver everything that is due, in batches (used by beat and by tests).

    Each round claims the next batch itself, so concurrent sweeps split the work
    between them and each ends when nothing due is left unclaimed, or when the mail
    server cannot be reached (the next sweep tries again; no point claiming the rest).
    """
    totals = {"sent": 0, "retry": 0, "failed": 0}
    release_stale_claims()
    while batch := claim(limit=batch_size):
        counts, reachable = send_claimed(batch)
        for name, count in counts.items():
            totals[name] += count
        if not reachable:
            break
    return totals


def oldest_due_age() -> timedelta | None:
    """How long the oldest email that should have gone by now has been waiting (queued
    and due, or claimed): what /healthz reports. A refused email waiting for its backoff
    is not due; an unreachable server keeps the due time, so the age grows."""
    now = timezone.now()
    oldest = OutgoingEmail.objects.filter(
        status__in=[OutgoingEmail.Status.QUEUED, OutgoingEmail.Status.SENDING], next_attempt_at__lte=now,
    ).aggregate(oldest=Min("next_attempt_at"))["oldest"]
    return None if oldest is None else now - oldest
