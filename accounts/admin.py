from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from accounts.models import ProjectSecurityPolicy
from projects.admin_scope import ProjectScopedAdmin


@admin.register(ProjectSecurityPolicy)
class ProjectSecurityPolicyAdmin(ProjectScopedAdmin):
    """A coordinator decides whether the coordinators of their project must use two-factor login."""

    list_display = ["project", "require_2fa_for_coordinators", "updated_at", "updated_by"]
    list_filter = ["require_2fa_for_coordinators"]
    readonly_fields = ["updated_at", "updated_by"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
