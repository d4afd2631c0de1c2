"""Partner meetings: where the partnership works, from invitation to evidence."""
from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from projects.models import TIME_ZONE_CHOICES, Organisation, Project


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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

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
