from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from meetings.models import Attachment
from projects.admin_scope import ProjectScopedAdmin
from reports.models import SignedSheet


@admin.register(SignedSheet)
class SignedSheetAdmin(ProjectScopedAdmin):
    list_display = ("attachment", "meeting", "marked_at")
    list_select_related = ("attachment__meeting",)

    @admin.display(description=Attachment._meta.get_field("meeting").verbose_name)
    def meeting(self, obj: SignedSheet) -> Any:
        return obj.attachment.meeting

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "attachment":
            # Only a document can be a scan; the photo list stays out of the choice.
            field.queryset = field.queryset.filter(kind=Attachment.Kind.DOCUMENT).select_related("meeting")
        return field
