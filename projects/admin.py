"""The projects app in the Django admin, where coordinators manage their own projects.

Every class is scoped through projects.permissions: lists, objects, foreign-key choices,
actions and exports stay inside the projects the user coordinates; superusers see all.
Organisations are public information: every coordinator sees them and may add one (to
bring in a new partner), but may change only those that belong to their projects alone.
"""
from __future__ import annotations

import csv
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from projects import permissions, services
from projects.admin_scope import ProjectScopedAdmin, ScopedInline, admin_user, person_label
from projects.forms import InvitationAdminForm
from projects.models import Invitation, Membership, Organisation, Partner, Person, Project

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldGroups as FieldGroups


class PartnerInline(ScopedInline, admin.TabularInline):
    model = Partner
    extra = 0
    fields = ["organisation", "role", "contracted_mobilities", "contacts"]
    filter_horizontal = ["contacts"]


class MembershipInline(ScopedInline, admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "role"]


@admin.register(Project)
class ProjectAdmin(ProjectScopedAdmin, TranslationAdmin):
    list_display = ["title", "acronym", "start_date", "end_date", "coordinating_organisation", "is_public"]
    search_fields = ["title", "acronym", "agreement_number"]
    prepopulated_fields = {"slug": ["acronym"]}
    inlines = [PartnerInline, MembershipInline]
    fieldsets = [
        (None, {"fields": ["title", "acronym", "slug", "is_public", "coordinating_organisation", "time_zone"]}),
        (_("Funding"), {"fields": ["programme", "sub_programme", "agreement_number", "funding_agency", "agreement_date"]}),
        (_("Duration"), {"fields": ["start_date", "end_date"]}),
        (_("Content"), {"fields": ["aim", "planned_activities", "expected_results"]}),
        (_("Reminders"), {"fields": ["reminder_days", "overdue_repeat_days", "meeting_reminder_days"]}),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return permissions.can_add_project(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Deleting a project deletes its meetings, tasks and news: only the portal's administrators.
        return permissions.is_superuser(request.user)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        if formset.model is Membership:
            # Through the service, so a new coordinator gets into the admin.
            for membership in formset.new_objects + [obj for obj, _fields in formset.changed_objects]:
                services.add_membership(membership.user, membership.project, membership.role)


class OrganisationAdmin(admin.ModelAdmin):
    """Not project-scoped: organisations are public (see the module docstring)."""

    list_display = ["name", "kind", "country", "city"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "city"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_staff and permissions.is_any_coordinator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request) and permissions.can_change_organisation(request.user, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.is_superuser(request.user)


admin.site.register(Organisation, OrganisationAdmin)


@admin.action(description=_("Export the selected people as CSV"))
def export_contacts_csv(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Person]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="contacts.csv"'
    writer = csv.writer(response)
    writer.writerow([_("Name"), _("Email"), _("Organisation"), _("Position"), _("Phone"), _("Preferred language")])
    for person in queryset.select_related("user", "organisation"):
        writer.writerow([
            person.full_name, person.user.email, person.organisation.name if person.organisation else "",
            person.position, person.phone, person.get_language_display(),
        ])
    return response


@admin.register(Person)
class PersonAdmin(ProjectScopedAdmin):
    list_display = ["full_name", "email", "organisation", "position", "language"]
    list_filter = [("organisation", admin.RelatedOnlyFieldListFilter), "language"]
    search_fields = ["user__first_name", "user__last_name", "user__email", "position"]
    list_select_related = ["user", "organisation"]
    fields = ["user", "organisation", "position", "phone", "language", "time_zone", "reminder_hour", "reminder_days"]
    readonly_fields = ["user"]
    actions = [export_contacts_csv]

    @admin.display(description=_("email"), ordering="user__email")
    def email(self, person: Person) -> str:
        return person.user.email

    def has_add_permission(self, request: HttpRequest) -> bool:
        # People come in through invitations; a profile exists for every user.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Membership)
class MembershipAdmin(ProjectScopedAdmin):
    list_display = ["member", "email", "project", "role", "created_at"]
    list_filter = [("project", admin.RelatedOnlyFieldListFilter), "role"]
    search_fields = ["user__first_name", "user__last_name", "user__email"]
    list_select_related = ["user", "project"]

    @admin.display(description=_("person"), ordering="user__first_name")
    def member(self, membership: Membership) -> str:
        return person_label(membership.user)

    @admin.display(description=_("email"), ordering="user__email")
    def email(self, membership: Membership) -> str:
        return membership.user.email

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        services.add_membership(obj.user, obj.project, obj.role)


@admin.register(Invitation)
class InvitationAdmin(ProjectScopedAdmin):
    form = InvitationAdminForm
    list_display = ["__str__", "project", "organisation", "role", "language", "created_at", "status"]
    list_filter = [("project", admin.RelatedOnlyFieldListFilter), "role", "language"]
    search_fields = ["email", "first_name", "last_name"]
    list_select_related = ["project", "organisation"]
    actions = ["resend"]
    readonly_after_sending = [
        "first_name", "last_name", "email", "organisation", "position", "project", "role", "language",
        "invited_by", "created_at", "expires_at", "accepted_at", "accepted_by",
    ]

    @admin.display(description=_("status"))
    def status(self, invitation: Invitation) -> str:
        if invitation.is_used:
            return str(_("accepted"))
        if invitation.is_expired:
            return str(_("expired"))
        return str(_("waiting"))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # A sent invitation is a record; to change it, resend it or invite again.
        return self.readonly_after_sending if obj is not None else []

    def get_fields(self, request: HttpRequest, obj: Any = None) -> FieldGroups:
        if obj is None:
            return list(InvitationAdminForm.Meta.fields)
        return list(self.readonly_after_sending)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        if "project" not in initial:
            # Most coordinators have one project: choose it for them.
            projects = list(permissions.coordinated_projects(request.user).values_list("pk", flat=True)[:2])
            if len(projects) == 1:
                initial["project"] = str(projects[0])
        return initial

    def save_model(self, request: HttpRequest, obj: Invitation, form: Any, change: bool) -> None:
        if change:
            return
        obj.invited_by = admin_user(request)
        services.issue_invitation(obj)

    @admin.action(description=_("Resend the invitation with a new link (the old link stops working)"))
    def resend(self, request: HttpRequest, queryset: QuerySet[Invitation]) -> None:
        sent = skipped = 0
        for invitation in queryset.select_related("project", "organisation", "invited_by"):
            if services.resend_invitation(invitation) is None:
                skipped += 1
            else:
                sent += 1
        if sent:
            self.message_user(request, ngettext(
                "%(count)d invitation was sent again.", "%(count)d invitations were sent again.", sent
            ) % {"count": sent}, messages.SUCCESS)
        if skipped:
            self.message_user(request, ngettext(
                "%(count)d invitation was already accepted and was not sent.",
                "%(count)d invitations were already accepted and were not sent.", skipped,
            ) % {"count": skipped}, messages.WARNING)
