from __future__ import annotations

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from inbound.models import InboundMessage
from projects.admin_scope import ProjectScopedAdmin


@admin.register(InboundMessage)
class InboundMessageAdmin(ProjectScopedAdmin):
    """What came in by email and what became of it; the reason says why nothing was posted."""

    list_display = ["received_at", "sender", "subject", "status", "reason", "kind", "user"]
    list_filter = ["status", "kind"]
    search_fields = ["sender", "subject", "message_id", "reason"]
    readonly_fields = [f.name for f in InboundMessage._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:  # made by the poller only
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
