"""The spine of the portal: projects, organisations, people and who belongs where."""
from __future__ import annotations

import hashlib
import secrets
import zoneinfo
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import CountryField

if TYPE_CHECKING:
    # The class modeltranslation gives Project's manager at run time: read it first, so that
    # django-stubs can type Project.objects.
    import modeltranslation.manager  # noqa: F401
    from django.utils.functional import _StrOrPromise as StrOrPromise

TIME_ZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones()) if "/" in name]


def country_name(code: str) -> str:
    """The name of a CountryField's country in the active language ("" for none). Through
    django_countries.countries: django-stubs types a CountryField as its CharField base."""
    return str(countries.name(code)) if code else ""


def new_token() -> str:
    return secrets.token_urlsafe(32)


def parse_day_list(value: str) -> list[int]:
    """'7,1,0' -> [7, 1, 0]; used for reminder offsets in days."""
    return sorted({int(part) for part in value.split(",") if part.strip()}, reverse=True)


class Organisation(models.Model):
    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality")
        TRAINING = "training", _("Training institution")
        UNIVERSITY = "university", _("University")
        NGO = "ngo", _("NGO")
        COMPANY = "company", _("Company")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    country = CountryField(_("country"))
    city = models.CharField(_("city"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


# The project's texts in six languages (modeltranslation adds aim_en … aim_da): long, and
# shown only on the project page, so lists and panels defer them (``.defer(*LONG_TEXTS)``
# defers every language's column).
LONG_TEXTS: tuple[str, ...] = ("aim", "planned_activities", "expected_results")


class Project(models.Model):
    title = models.CharField(_("title"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=50, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    programme = models.CharField(_("programme"), max_length=200, blank=True)
    sub_programme = models.CharField(_("sub-programme"), max_length=200, blank=True)
    agreement_number = models.CharField(_("agreement number"), max_length=100, blank=True)
    funding_agency = models.CharField(_("funding agency"), max_length=200, blank=True)
    agreement_date = models.DateField(_("agreement date"), null=True, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    aim = models.TextField(_("aim"), blank=True)
    planned_activities = models.TextField(_("planned activities"), blank=True)
    expected_results = models.TextField(_("expected results"), blank=True)
    coordinating_organisation = models.ForeignKey(
        Organisation, verbose_name=_("coordinating organisation"), on_delete=models.PROTECT,
        related_name="coordinated_projects",
    )
    time_zone = models.CharField(_("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default="Europe/Riga")
    is_public = models.BooleanField(
        _("public page"), default=True, help_text=_("Show the project's public page to everyone.")
    )
    reminder_days = models.CharField(
        _("deadline reminder days"), max_length=50, default="7,1,0",
        help_text=_("Days before a deadline on which reminders go out, separated by commas."),
    )
    overdue_repeat_days = models.PositiveSmallIntegerField(
        _("repeat overdue reminders every (days)"), default=3
    )
    meeting_reminder_days = models.CharField(
        _("meeting reminder days"), max_length=50, default="7,1",
        help_text=_("Days before a meeting starts on which participants are reminded."),
    )

    # Not columns: the viewer's role, set on the projects of the dashboard by projects.views.
    my_role: StrOrPromise | None
    i_coordinate: bool

    class Meta:
        ordering = ["-start_date", "title"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=F("start_date")), name="project_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("project", kwargs={"slug": self.slug})

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def progress_percent(self, today: date | None = None) -> int:
        today = today or timezone.localdate()
        total = (self.end_date - self.start_date).days
        done = (today - self.start_date).days
        return max(0, min(100, round(100 * done / total))) if total > 0 else 0


class Person(models.Model):
    """A user's profile: where they work, how to reach them, how they like to be reminded."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="people",
    )
    position = models.CharField(_("position"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    language = models.CharField(_("preferred language"), max_length=5, choices=settings.LANGUAGES, default="en")
    time_zone = models.CharField(_("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default="Europe/Riga")
    reminder_hour = models.PositiveSmallIntegerField(
        _("reminder hour"), default=8, help_text=_("Hour of the day (0-23) at which reminders reach you.")
    )
    reminder_days = models.CharField(
        _("reminder days"), max_length=50, blank=True,
        help_text=_("Days before a deadline to remind you, e.g. 7,1,0. Empty: the project's default."),
    )
    calendar_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)

    class Meta:
        ordering = ["user__first_name", "user__last_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.CheckConstraint(condition=Q(reminder_hour__lte=23), name="person_reminder_hour_valid"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return self.user.get_full_name() or self.user.email

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class Partner(models.Model):
    """An organisation's place in a project."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator")
        PARTNER = "partner", _("Partner")

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="partnerships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.PARTNER)
    contacts = models.ManyToManyField(Person, verbose_name=_("contact people"), blank=True, related_name="contact_for")
    contracted_mobilities = models.PositiveIntegerField(_("contracted mobilities"), default=0)

    class Meta:
        ordering = ["organisation__country", "organisation__name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            models.UniqueConstraint(fields=["project", "organisation"], name="partner_unique_per_project"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.project})"


class Membership(models.Model):
    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator")
        MEMBER = "member", _("Partner member")
        OBSERVER = "observer", _("Observer")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "project"], name="membership_unique_per_project"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.project} ({self.get_role_display()})"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """A one-time, expiring link that turns an email address into a member.

    Only the hash of the token is stored, so a database dump cannot be used to join.
    """

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"))
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE)
    position = models.CharField(_("position"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Membership.Role.choices, default=Membership.Role.MEMBER)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="en")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), editable=False)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True, editable=False)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} <{self.email}>"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def is_used(self) -> bool:
        return self.accepted_at is not None
