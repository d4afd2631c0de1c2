"""Work groups and the tasks with responsibilities and deadlines that keep the partnership moving."""
from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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

    # Not columns: set on the groups of a page by workgroups.views.project_groups.
    overdue_count: int

    class Meta:
        ordering = ["project", "name"]
        verbose_name = _("work group")
        verbose_name_plural = _("work groups")
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="workgroup_unique_name")]

    def __str__(self) -> str:
        return self.name


class Task(models.Model):
    class Status(models.TextChoices):
        # A context of their own: other apps' "Open"/"Cancelled" agree with other nouns.
        OPEN = "open", pgettext_lazy("task status", "Open")
        IN_PROGRESS = "in_progress", pgettext_lazy("task status", "In progress")
        DONE = "done", pgettext_lazy("task status", "Done")
        CANCELLED = "cancelled", pgettext_lazy("task status", "Cancelled")

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

    # Not columns: what workgroups.views.annotate_rows sets on the tasks of a list.
    overdue: bool
    mine: bool
    people_names: list[str]
    organisation_names: list[str]
    responsible_names: str
    status_label: str
    group_url: str
    project_label: str
    url: str
    status_url: str

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

    @property
    def project(self) -> Project:
        return self.work_group.project

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def deadline_end(self) -> datetime:
        """The moment the task falls due: the end of its deadline day in the project's time zone."""
        return deadline_end(self.deadline, self.work_group.project.time_zone)

    @property
    def last_minute(self) -> datetime:
        """For display: 23:59 of the deadline day (project time)."""
        return self.deadline_end - timedelta(minutes=1)

    def is_overdue(self, now: datetime | None = None) -> bool:
        return self.is_active and (now or timezone.now()) >= self.deadline_end


def deadline_end(day: date, time_zone: str) -> datetime:
    """Start of the day after ``day`` in ``time_zone``: the exclusive end of a deadline day."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zoneinfo.ZoneInfo(time_zone))


class TaskEvent(models.Model):
    """One line of a task's history: its creation, a status change, a moved deadline or a comment."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        STATUS = "status", _("Status changed")
        DEADLINE = "deadline", _("Deadline moved")
        EDITED = "edited", _("Edited")
        COMMENT = "comment", _("Comment")

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="events")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    old_value = models.CharField(_("before"), max_length=50, blank=True)
    new_value = models.CharField(_("after"), max_length=50, blank=True)
    text = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("task history entry")
        verbose_name_plural = _("task history")
        indexes = [models.Index(fields=["task", "created_at"], name="taskevent_task_time_idx")]

    def __str__(self) -> str:
        return f"{self.task}: {self.get_kind_display()}"

    def _shown(self, value: str) -> date | str:
        """A stored value as the history shows it: a day for a deadline, a label for a status;
        anything else (an empty deadline written by the admin) as it was stored."""
        try:
            return date.fromisoformat(value) if self.kind == self.Kind.DEADLINE else str(Task.Status(value).label)
        except ValueError:
            return value

    @property
    def before(self) -> date | str:
        return self._shown(self.old_value)

    @property
    def after(self) -> date | str:
        return self._shown(self.new_value)


class DeadlineReminder(models.Model):
    """One reminder of one task to one person for one occasion: the unit of "exactly once".

    The sweep inserts these rows with ON CONFLICT DO NOTHING before it composes any email,
    so whichever sweep inserts a row owns it; the occasion names the deadline, so moving
    a deadline gives new occasions ("re-arms").
    """

    class Kind(models.TextChoices):
        BEFORE = "before", _("Before the deadline")
        OVERDUE = "overdue", _("Overdue")

    class Role(models.TextChoices):
        RESPONSIBLE = "responsible", _("Responsible person")
        CONTACT = "contact", _("Contact of the responsible organisation")
        COORDINATOR = "coordinator", _("Coordinator (overdue escalation)")

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="reminders")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="deadline_reminders"
    )
    # e.g. "2026-04-01/before/7" or "2026-04-01/overdue/2026-04-05": deadline first, so a moved
    # deadline never collides with the reminders of the old one.
    occasion = models.CharField(_("occasion"), max_length=80)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    deadline = models.DateField(_("deadline"))
    due_at = models.DateTimeField(_("reminder moment"))
    sweep = models.UUIDField(_("sweep"), editable=False)
    email = models.ForeignKey(
        "outbox.OutgoingEmail", verbose_name=_("email"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="deadline_reminders",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("deadline reminder")
        verbose_name_plural = _("deadline reminders")
        constraints = [
            models.UniqueConstraint(fields=["task", "recipient", "occasion"], name="deadline_reminder_once"),
        ]
        indexes = [models.Index(fields=["sweep"], name="deadline_reminder_sweep_idx")]

    def __str__(self) -> str:
        return f"{self.task} → {self.recipient} ({self.occasion})"
