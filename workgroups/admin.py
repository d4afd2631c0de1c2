from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outbox.models import OutgoingEmail
from projects.admin_scope import ProjectScopedAdmin, ScopedInline, admin_user
from workgroups import services
from workgroups.models import DeadlineReminder, Task, TaskEvent, WorkGroup


@admin.register(WorkGroup)
class WorkGroupAdmin(ProjectScopedAdmin):
    list_display = ["name", "project", "lead_organisation"]
    list_filter = ["project"]
    search_fields = ["name", "purpose"]
    filter_horizontal = ["members"]


class TaskEventInline(ScopedInline, admin.TabularInline):
    model = TaskEvent
    extra = 0
    fields = ["created_at", "author", "kind", "old_value", "new_value", "text"]
    readonly_fields = ["created_at", "author", "kind", "old_value", "new_value"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # history is a record


@admin.register(Task)
class TaskAdmin(ProjectScopedAdmin):
    list_display = ["title", "work_group", "deadline", "status", "completed_on"]
    list_filter = ["status", "work_group__project", "work_group"]
    search_fields = ["title", "description"]
    date_hierarchy = "deadline"
    filter_horizontal = ["responsible_people", "responsible_organisations"]
    inlines = [TaskEventInline]
    actions = ["mark_done"]

    def save_model(self, request: HttpRequest, obj: Task, form: Any, change: bool) -> None:
        # Edits in the admin leave the same history as edits on the portal's pages.
        user = admin_user(request)
        if not change:
            obj.created_by = user
        if "status" in form.changed_data and obj.status == Task.Status.DONE and obj.completed_on is None:
            obj.completed_on = timezone.localdate(timezone=obj.work_group.project.tz)
        elif obj.status != Task.Status.DONE:
            obj.completed_on = None
        super().save_model(request, obj, form, change)
        if not change:
            TaskEvent.objects.create(task=obj, author=user, kind=TaskEvent.Kind.CREATED, new_value=obj.status)
            return
        if "status" in form.changed_data:
            TaskEvent.objects.create(task=obj, author=user, kind=TaskEvent.Kind.STATUS,
                                     old_value=form.initial.get("status", ""), new_value=obj.status)
        if "deadline" in form.changed_data:
            old = form.initial.get("deadline")
            TaskEvent.objects.create(task=obj, author=user, kind=TaskEvent.Kind.DEADLINE,
                                     old_value=old.isoformat() if old else "", new_value=obj.deadline.isoformat())

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # The responsible people are saved here, after save_model: now the new ones are known.
        services.notify_assignments(form.instance, by=admin_user(request))

    @admin.action(description=_("Mark the selected tasks done"))
    def mark_done(self, request: HttpRequest, queryset: QuerySet[Task]) -> None:
        changed = sum(
            services.change_status(task, Task.Status.DONE, by=request.user)
            for task in queryset.select_related("work_group__project")
        )
        self.message_user(request, _("%(count)d task(s) marked done.") % {"count": changed})


class DeliveryFilter(admin.SimpleListFilter):
    title = _("delivery")
    parameter_name = "delivery"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return list(OutgoingEmail.Status.choices)

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(email__status=self.value()) if self.value() else queryset


@admin.register(DeadlineReminder)
class DeadlineReminderAdmin(ProjectScopedAdmin):
    """What was reminded to whom; failed deliveries are one filter away."""

    list_display = ["task", "recipient", "kind", "role", "deadline", "due_at", "delivery", "sent_at"]
    list_filter = [DeliveryFilter, "kind", "role", "task__work_group__project"]
    search_fields = ["task__title", "recipient__email", "recipient__last_name"]
    list_select_related = ["task", "recipient", "email"]
    date_hierarchy = "due_at"
    readonly_fields = [f.name for f in DeadlineReminder._meta.fields]

    @admin.display(description=_("delivery"), ordering="email__status")
    def delivery(self, obj: DeadlineReminder) -> str:
        return obj.email.get_status_display() if obj.email else "–"

    @admin.display(description=_("sent"))
    def sent_at(self, obj: DeadlineReminder) -> Any:
        return obj.email.sent_at if obj.email else None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a record of what happened: view only
