from __future__ import annotations

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from communication.models import Activity, Document, DocumentVersion, NotificationPreference, Post, Thread
from projects.admin_scope import ProjectScopedAdmin, ScopedInline


class PostInline(ScopedInline, admin.StackedInline):
    model = Post
    extra = 0
    fields = ["author", "body", "created_at", "edited_at"]
    readonly_fields = ["author", "created_at", "edited_at"]


@admin.register(Thread)
class ThreadAdmin(ProjectScopedAdmin):
    list_display = ["title", "project", "work_group", "author", "reply_count", "is_pinned", "is_closed", "last_activity_at"]
    list_filter = ["project", "is_pinned", "is_closed"]
    search_fields = ["title", "posts__body"]
    list_select_related = ["project", "work_group", "author"]
    readonly_fields = ["author", "created_at", "last_activity_at", "reply_count"]
    inlines = [PostInline]
    actions = ["pin", "close"]

    @admin.action(description=_("Pin the selected discussions"))
    def pin(self, request: HttpRequest, queryset: QuerySet[Thread]) -> None:
        queryset.update(is_pinned=True)

    @admin.action(description=_("Close the selected discussions"))
    def close(self, request: HttpRequest, queryset: QuerySet[Thread]) -> None:
        queryset.update(is_closed=True)


class VersionInline(ScopedInline, admin.TabularInline):
    model = DocumentVersion
    extra = 0
    readonly_fields = ["number", "file_name", "size", "content_type", "comment", "uploaded_by", "uploaded_at"]
    fields = [*readonly_fields]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False  # new versions go through the portal, where the file is checked


@admin.register(Document)
class DocumentAdmin(ProjectScopedAdmin):
    list_display = ["title", "project", "work_group", "language", "current_version", "updated_at"]
    list_filter = ["project", "language"]
    search_fields = ["title", "description"]
    list_select_related = ["project", "work_group", "current_version"]
    readonly_fields = ["created_by", "created_at", "updated_at", "current_version"]
    inlines = [VersionInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # uploads are checked in the portal's form


@admin.register(Activity)
class ActivityAdmin(ProjectScopedAdmin):
    list_display = ["at", "kind", "title", "project", "actor"]
    list_filter = ["kind", "project"]
    list_select_related = ["project", "actor"]
    readonly_fields = ["project", "work_group", "kind", "actor", "key", "title", "titles", "url", "at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ProjectScopedAdmin):
    list_display = ["user", "project", "mode"]
    list_filter = ["project", "mode"]
    list_select_related = ["user", "project"]
