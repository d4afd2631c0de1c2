"""Coordinators run meetings here: programme, participants, files, invitations, evidence.

Everything is scoped to the coordinator's own projects through projects.permissions.
"""
from __future__ import annotations

import zoneinfo
from datetime import datetime
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminDateWidget, AdminTimeWidget
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from meetings import exports, invitations, services
from meetings.forms import AttachmentAdminForm
from meetings.models import AgendaItem, Attachment, Decision, Meeting, Participation
from meetings.views import csv_response
from projects.admin_scope import ProjectScopedAdmin, ScopedInline


def _https_urls(field: Any, **kwargs: Any) -> Any:
    # A typed "meet.example.org/age" becomes https://… (Django 6's default, asked for now).
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class MeetingAdminForm(forms.ModelForm):
    """Start and end are typed in the venue's local time, whatever the coordinator's own zone."""

    start_day = forms.DateField(label=_("first day"), widget=AdminDateWidget)
    start_time = forms.TimeField(label=_("starts at (venue time)"), widget=AdminTimeWidget)
    end_day = forms.DateField(label=_("last day"), widget=AdminDateWidget)
    end_time = forms.TimeField(label=_("ends at (venue time)"), widget=AdminTimeWidget)

    class Meta:
        model = Meeting
        exclude = ["starts_at", "ends_at"]
        formfield_callback = _https_urls

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            start, end = self.instance.local_starts_at, self.instance.local_ends_at
            self.initial.update(start_day=start.date(), start_time=start.time(), end_day=end.date(), end_time=end.time())

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        try:
            tz = zoneinfo.ZoneInfo(data.get("venue_time_zone") or "UTC")
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return data
        if all(data.get(k) is not None for k in ("start_day", "start_time", "end_day", "end_time")):
            starts = datetime.combine(data["start_day"], data["start_time"], tzinfo=tz)
            ends = datetime.combine(data["end_day"], data["end_time"], tzinfo=tz)
            if ends <= starts:
                self.add_error("end_time", _("The meeting must end after it starts."))
            else:
                self.instance.starts_at, self.instance.ends_at = starts, ends
        return data


class AgendaItemInline(ScopedInline, admin.TabularInline):
    model = AgendaItem
    extra = 1
    fields = ["order", "day", "start_time", "title", "description", "responsible_organisation", "work_group"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}}  # a table row


class ParticipationInline(ScopedInline, admin.TabularInline):
    model = Participation
    extra = 0
    fields = ["user", "response", "arrival_date", "departure_date", "notes", "attended", "invited_at", "responded_at"]
    readonly_fields = ["invited_at", "responded_at"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 1, "cols": 30})}}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Participation]:
        return super().get_queryset(request).select_related("user")


class DecisionInline(ScopedInline, admin.StackedInline):
    model = Decision
    extra = 0
    fields = [("order", "title"), "details", ("work_group", "deadline"), ("owner", "responsible_organisation"), "task_link"]
    readonly_fields = ["task_link"]

    @admin.display(description=_("task"))
    def task_link(self, obj: Decision) -> str:
        if not obj.task_id:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("admin:workgroups_task_change", args=[obj.task_id]), obj.task)


class AttachmentInline(ScopedInline, admin.TabularInline):
    model = Attachment
    form = AttachmentAdminForm
    extra = 1
    fields = ["kind", "file", "caption", "photo_consent", "original_name", "size_display"]
    readonly_fields = ["original_name", "size_display"]

    @admin.display(description=_("size"))
    def size_display(self, obj: Attachment) -> str:
        return filesizeformat(obj.size) if obj.pk else ""


@admin.register(Meeting)
class MeetingAdmin(ProjectScopedAdmin):
    form = MeetingAdminForm
    list_display = ["title", "project", "starts_at_venue", "city", "country", "status", "kind"]
    list_filter = ["status", "kind", "project"]
    search_fields = ["title", "city", "venue"]
    date_hierarchy = "starts_at"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # as _https_urls
    inlines = [AgendaItemInline, ParticipationInline, DecisionInline, AttachmentInline]
    actions = ["send_invitations", "export_attendance", "duplicate_as_next", "create_tasks_from_decisions"]
    fieldsets = [
        (None, {"fields": ["project", "title", "kind", "status", "description"]}),
        (_("Time"), {"fields": ["venue_time_zone", ("start_day", "start_time"), ("end_day", "end_time")]}),
        (_("Place"), {"fields": ["host_organisation", "venue", "address", "city", "country", "online_url"]}),
        (_("Minutes"), {"fields": ["minutes"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("project")

    @admin.display(description=_("starts (venue time)"), ordering="starts_at")
    def starts_at_venue(self, obj: Meeting) -> str:
        return obj.local_starts_at.strftime("%Y-%m-%d %H:%M")

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is Attachment:
            for instance in formset.save(commit=False):
                if instance.pk is None:
                    instance.uploaded_by = request.user
                instance.save()
            for obj in formset.deleted_objects:
                obj.file.delete(save=False)
                obj.delete()
            return
        super().save_formset(request, form, formset, change)
        if formset.model is Decision:
            if created := services.create_tasks_for_meeting(form.instance, by=request.user):
                self._tasks_created(request, created)

    @admin.action(description=_("Send invitations to every member of the project"))
    def send_invitations(self, request: HttpRequest, queryset: QuerySet[Meeting]) -> None:
        for meeting in queryset.select_related("project"):
            if not meeting.accepts_answers:
                message = _("“%(title)s” has started or was cancelled: no invitations sent.")
                self.message_user(request, message % {"title": meeting.title}, messages.WARNING)
                continue
            result = invitations.send_invitations(meeting)
            self.message_user(request, _(
                "“%(title)s”: %(queued)d invitation(s) queued, %(already)d person(s) already invited for this date."
            ) % {"title": meeting.title, "queued": result.queued, "already": result.already}, messages.SUCCESS)

    @admin.action(description=_("Export the attendance list (CSV)"))
    def export_attendance(self, request: HttpRequest, queryset: QuerySet[Meeting]) -> HttpResponse:
        return csv_response(exports.attendance_csv(queryset.order_by("starts_at")), "attendance.csv")

    @admin.action(description=_("Duplicate as the start of the next meeting"))
    def duplicate_as_next(self, request: HttpRequest, queryset: QuerySet[Meeting]) -> HttpResponse | None:
        copies = [services.duplicate_meeting(meeting) for meeting in queryset.prefetch_related("agenda_items")]
        if len(copies) == 1:
            self.message_user(request, _("Copy created. Set the place and dates of the next meeting."), messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:meetings_meeting_change", args=[copies[0].pk]))
        self.message_user(request, ngettext("%(count)d copy created.", "%(count)d copies created.", len(copies)) % {"count": len(copies)})
        return None

    @admin.action(description=_("Create tasks from the decisions"))
    def create_tasks_from_decisions(self, request: HttpRequest, queryset: QuerySet[Meeting]) -> None:
        self._tasks_created(request, sum(services.create_tasks_for_meeting(m, by=request.user) for m in queryset))

    def _tasks_created(self, request: HttpRequest, created: int) -> None:
        self.message_user(request, ngettext(
            "%(count)d task was created from the decisions.",
            "%(count)d tasks were created from the decisions.", created) % {"count": created})
