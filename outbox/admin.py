from __future__ import annotations

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from outbox.models import OutgoingEmail
from projects.admin_scope import ProjectScopedAdmin


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(ProjectScopedAdmin):
    """Coordinators see what was sent in their projects and which addresses bounce."""

    list_display = ["subject", "to_email", "category", "language", "status", "attempts", "permanent_failure", "claim_lost", "created_at", "sent_at"]
    list_filter = ["status", "permanent_failure", "claim_lost", "category", "language"]
    search_fields = ["to_email", "subject"]
    readonly_fields = [f.name for f in OutgoingEmail._meta.fields]
    actions = ["retry_now"]

    def has_add_permission(self, request: HttpRequest) -> bool:  # emails are made by the portal, not typed in
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    @admin.action(description=_("Retry the selected failed emails now"))
    def retry_now(self, request: HttpRequest, queryset: QuerySet[OutgoingEmail]) -> None:
        from django.utils import timezone

        from outbox.services import enqueue

        ids = list(queryset.filter(status=OutgoingEmail.Status.FAILED).values_list("pk", flat=True))
        OutgoingEmail.objects.filter(pk__in=ids).update(
            status=OutgoingEmail.Status.QUEUED, attempts=0, next_attempt_at=timezone.now(), permanent_failure=False
        )
        enqueue(ids)
        self.message_user(request, _("%(count)d email(s) queued again.") % {"count": len(ids)})
