"""Keep the meeting's calendar version (iTIP SEQUENCE) in step with what calendar programs show.

A signal rather than a line in each form: meetings change in the admin, by duplication and
in the shell, and every path must raise the version, or calendar programs keep the old
time. A meeting that becomes cancelled tells those who were invited (METHOD:CANCEL).
"""
from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from meetings.models import Meeting

# What a calendar entry shows of a meeting: a change to any of these is a new version.
CALENDAR_FIELDS = ("starts_at", "ends_at", "venue", "address", "city", "country", "online_url", "venue_time_zone",
                   "title", "status")


@receiver(pre_save, sender=Meeting)
def raise_sequence(sender: type[Meeting], instance: Meeting, raw: bool = False, **kwargs: Any) -> None:
    instance._became_cancelled = False  # type: ignore[attr-defined]
    if raw or instance.pk is None:
        return
    old = Meeting.objects.filter(pk=instance.pk).values(*CALENDAR_FIELDS, "sequence").first()
    if old is not None and any(old[name] != getattr(instance, name) for name in CALENDAR_FIELDS):
        instance.sequence = max(instance.sequence, old["sequence"]) + 1
        instance._became_cancelled = (  # type: ignore[attr-defined]
            instance.status == Meeting.Status.CANCELLED and old["status"] != Meeting.Status.CANCELLED
        )


@receiver(post_save, sender=Meeting)
def tell_about_cancellation(sender: type[Meeting], instance: Meeting, raw: bool = False, **kwargs: Any) -> None:
    if raw or not getattr(instance, "_became_cancelled", False):
        return
    from meetings.invitations import send_cancellations

    send_cancellations(instance)
