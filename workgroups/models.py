"""Work groups and the tasks with responsibilities and deadlines that keep the partnership moving."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from projects.models import Organisation, Project


class WorkGroup(models.Model):
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="work_groups")
    name = models.CharField(_("name"), max_length=200)
    purpose = models.TextField(_("purpose"), blank=True)
    lead_organisation = models.ForeignKey(
        Organisation, verbose_name=_("lead organisation"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="led_work_groups",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), blank=True, related_name="work_groups"
    )

    class Meta:
        ordering = ["project", "name"]
        verbose_name = _("work group")
        verbose_name_plural = _("work groups")
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="workgroup_unique_name")]

    def __str__(self) -> str:
        return self.name


class Task(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    ACTIVE = (Status.OPEN, Status.IN_PROGRESS)

    work_group = models.ForeignKey(WorkGroup, verbose_name=_("work group"), on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    responsible_people = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("responsible people"), blank=True, related_name="responsible_tasks"
    )
    responsible_organisations = models.ManyToManyField(
        Organisation, verbose_name=_("responsible organisations"), blank=True, related_name="responsible_tasks"
    )
    deadline = models.DateField(_("deadline"), help_text=_("Due at the end of this day in the project's time zone."))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    meeting = models.ForeignKey(
        "meetings.Meeting", verbose_name=_("decided at meeting"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="tasks",
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [
            models.Index(fields=["status", "deadline"], name="task_status_deadline_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(status="done"), name="task_completed_only_when_done"
            ),
        ]

    def __str__(self) -> str:
        return self.title
