"""Every email the portal sends is a row here first: a record, and the unit of "send once"."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutgoingEmail(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    # What makes this email unique (e.g. "reminder:42:2026-04-01"): a second attempt to
    # queue the same email hits the unique constraint instead of sending twice.
    key = models.CharField(_("key"), max_length=200, unique=True)
    category = models.CharField(_("category"), max_length=50, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="outgoing_emails",
    )
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="outgoing_emails",
    )
    to_email = models.EmailField(_("to"))
    # The signed address an answer goes to (outbox.replies); empty: not answerable.
    reply_to = models.CharField(_("reply to"), max_length=254, blank=True)
    language = models.CharField(_("language"), max_length=5)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    # [{"filename": ..., "mimetype": ..., "content": <str>}]
    attachments = models.JSONField(default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    permanent_failure = models.BooleanField(
        _("address refused"), default=False,
        help_text=_("The mail server refused this address for good."),
    )
    # Set when a worker's claim on this row expired before it recorded the outcome (the
    # worker died, or the database stayed away longer than OUTBOX_RECORD_RETRY_SECONDS):
    # had the server accepted it already, the recipient got it twice.
    claim_lost = models.BooleanField(
        _("possibly sent twice"), default=False,
        help_text=_("A worker stopped before it could record whether the mail server had accepted this email; "
                    "it was sent again and may have arrived twice."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to_email}"


class Heartbeat(models.Model):
    """When a part of the email pipeline last showed it was alive (read by /healthz).

    ``beat``: beat published a periodic task; ``worker``: a worker ran an outbox task or
    renewed the claim of a batch it is sending."""

    name = models.CharField(max_length=20, primary_key=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} {self.at:%Y-%m-%d %H:%M:%S}"
