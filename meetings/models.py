"""Partner meetings: where the partnership works, from invitation to evidence."""
from __future__ import annotations

import uuid
import zoneinfo
from datetime import datetime
from pathlib import PurePath
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from projects.models import TIME_ZONE_CHOICES, Organisation, Project, country_name
from projects.uploads import private_storage

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise


class Meeting(models.Model):
    class Kind(models.TextChoices):
        PARTNER_MEETING = "partner_meeting", _("Partner meeting")
        CONFERENCE = "conference", _("Conference")
        SEMINAR = "seminar", _("Seminar")
        WORKGROUP_SESSION = "workgroup_session", _("Work-group session")
        ONLINE = "online", _("Online meeting")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        CONFIRMED = "confirmed", _("Confirmed")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.PARTNER_MEETING)
    host_organisation = models.ForeignKey(
        Organisation, verbose_name=_("host organisation"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="hosted_meetings",
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = CountryField(_("country"), blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    venue_time_zone = models.CharField(
        _("venue time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default="Europe/Riga"
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    online_url = models.URLField(_("online link"), blank=True)
    description = models.TextField(
        _("description"), blank=True, help_text=_("Purpose of the meeting, practical information for travellers.")
    )
    minutes = models.TextField(
        _("minutes"), blank=True, help_text=_("The record of the meeting. Decisions are listed separately below.")
    )
    # The iTIP SEQUENCE of the meeting's calendar entry: raised by meetings.signals whenever
    # its time or place changes, so calendar programs replace the entry they hold and a
    # calendar answer to an older version cannot undo a newer one.
    sequence = models.PositiveIntegerField(_("calendar version"), default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Not a column: the viewer's answer, set on the meetings of a list by meetings.views.
    my_response_label: StrOrPromise | None

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="meeting_end_after_start"),
        ]
        indexes = [models.Index(fields=["project", "starts_at"], name="meeting_project_start_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def venue_tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.venue_time_zone)

    @property
    def local_starts_at(self) -> datetime:
        return timezone.localtime(self.starts_at, self.venue_tz)

    @property
    def local_ends_at(self) -> datetime:
        return timezone.localtime(self.ends_at, self.venue_tz)

    @property
    def place(self) -> str:
        return ", ".join(p for p in (self.venue, self.city, country_name(self.country)) if p)

    def is_past(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.ends_at

    @property
    def accepts_answers(self) -> bool:
        """Answers can change until the meeting starts (and never for a cancelled one)."""
        return self.status != self.Status.CANCELLED and timezone.now() < self.starts_at


class Participation(models.Model):
    class Response(models.TextChoices):
        NO_ANSWER = "no_answer", _("No answer")
        ATTENDING = "attending", _("Attending")
        NOT_ATTENDING = "not_attending", _("Not attending")
        MAYBE = "maybe", _("Maybe")

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="participations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="participations"
    )
    response = models.CharField(_("response"), max_length=20, choices=Response.choices, default=Response.NO_ANSWER)
    arrival_date = models.DateField(_("arrival"), null=True, blank=True)
    departure_date = models.DateField(_("departure"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True, help_text=_("Dietary needs, accessibility, anything the host should know."))
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    invited_at = models.DateTimeField(_("invited"), null=True, blank=True)
    # The meeting's SEQUENCE the latest answer was given for: a calendar answer to an
    # older version of the invitation must not undo it.
    answered_sequence = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["meeting", "user__last_name"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="participation_unique_per_meeting"),
            models.CheckConstraint(
                condition=Q(arrival_date__isnull=True) | Q(departure_date__isnull=True) | Q(departure_date__gte=F("arrival_date")),
                name="participation_departure_after_arrival",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.meeting}"


class AgendaItem(models.Model):
    """One point of the work programme. Day and time are the venue's local wall clock."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    day = models.DateField(_("day"), null=True, blank=True)
    start_time = models.TimeField(_("start time"), null=True, blank=True, help_text=_("Local time at the venue."))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    responsible_organisation = models.ForeignKey(
        Organisation, verbose_name=_("responsible organisation"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    work_group = models.ForeignKey(
        "workgroups.WorkGroup", verbose_name=_("work group"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="agenda_items",
    )

    class Meta:
        ordering = ["meeting", "order", "day", "start_time", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self) -> str:
        return self.title


class Decision(models.Model):
    """A decision recorded in the minutes; with a work group, owner and deadline it becomes a task."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="decisions")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("decision"), max_length=200)
    details = models.TextField(_("details"), blank=True)
    work_group = models.ForeignKey(
        "workgroups.WorkGroup", verbose_name=_("work group"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", help_text=_("With a work group and a deadline, saving creates a task in that work group."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    responsible_organisation = models.ForeignKey(
        Organisation, verbose_name=_("responsible organisation"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    task = models.OneToOneField(
        "workgroups.Task", verbose_name=_("task"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="decision", editable=False,
    )

    class Meta:
        ordering = ["meeting", "order", "pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.work_group_id and not self.deadline:
            errors["deadline"] = _("A decision that creates a task needs a deadline.")
        if self.work_group and self.meeting_id and self.work_group.project_id != self.meeting.project_id:
            errors["work_group"] = _("Choose a work group of this meeting's project.")
        if errors:
            raise ValidationError(errors)


def attachment_path(instance: "Attachment", filename: str) -> str:
    # A random name: the original one is kept in a field and never used on disk.
    suffix = PurePath(instance.original_name or filename).suffix.lower()[:10]
    return f"meetings/{instance.meeting_id or 'new'}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Document")
        PHOTO = "photo", _("Photo")

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.DOCUMENT)
    file = models.FileField(_("file"), upload_to=attachment_path, storage=private_storage, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255, blank=True, editable=False)
    content_type = models.CharField(_("content type"), max_length=100, blank=True, editable=False)
    size = models.PositiveBigIntegerField(_("size"), default=0, editable=False)
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    photo_consent = models.BooleanField(
        _("people shown agreed to sharing"), default=False,
        help_text=_("Only photos with the consent of the people shown are visible to all partners."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["meeting", "kind", "uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.caption or self.original_name or str(self.file.name)

    @property
    def is_photo(self) -> bool:
        return self.kind == self.Kind.PHOTO
