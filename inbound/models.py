"""Every message read from the portal's mailbox is a row here before it is acted on: the
record of what came in, and the unit of "process once"."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class InboundMessage(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        PROCESSED = "processed", _("Processed")
        IGNORED = "ignored", _("Ignored")
        FAILED = "failed", _("Failed")

    # Which mailbox (the URL without its password) and the message's place in it
    # (UIDVALIDITY:UID on IMAP, the file name in a folder).
    mailbox = models.CharField(_("mailbox"), max_length=300)
    uid = models.CharField(_("mailbox UID"), max_length=300)
    message_id = models.CharField(_("Message-ID"), max_length=300, blank=True)
    sender = models.CharField(_("from"), max_length=300, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    reason = models.TextField(_("reason"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, blank=True)
    object_id = models.PositiveBigIntegerField(_("object"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="inbound_messages",
    )
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="inbound_messages",
    )
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("inbound email")
        verbose_name_plural = _("inbound emails")
        constraints = [
            models.UniqueConstraint(fields=["mailbox", "uid"], name="inbound_unique_mailbox_uid"),
            # The same message delivered twice (two copies, a second mailbox UID) counts once.
            models.UniqueConstraint(fields=["message_id"], condition=~Q(message_id=""), name="inbound_unique_message_id"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} ← {self.sender}"


class InboundAttempt(models.Model):
    """How often the poller has started on one mailbox message that is not done yet.

    Counted before the work starts and outside its transaction, so an attempt that raised,
    lost the database or killed the worker still counts; after INBOUND_MAX_ATTEMPTS the
    message is moved to a folder for humans (inbound.attempts). Deleted once the message
    is done: what remains are the messages still failing."""

    mailbox = models.CharField(_("mailbox"), max_length=300)
    uid = models.CharField(_("mailbox UID"), max_length=300)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    first_at = models.DateTimeField(_("first attempt"), auto_now_add=True)
    last_at = models.DateTimeField(_("last attempt"), auto_now=True)

    class Meta:
        verbose_name = _("inbound attempt")
        verbose_name_plural = _("inbound attempts")
        constraints = [models.UniqueConstraint(fields=["mailbox", "uid"], name="inbound_attempt_unique_mailbox_uid")]

    def __str__(self) -> str:
        return f"{self.mailbox} {self.uid} ×{self.attempts}"
