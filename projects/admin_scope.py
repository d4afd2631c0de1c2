"""What a coordinator sees in the Django admin: only the projects they coordinate.

``ADMIN_SCOPES`` below is the whole list of how each model reaches its project; the admin
classes of every app build on ``ProjectScopedAdmin`` and ``ScopedInline``, which ask
projects.permissions with those paths for everything the admin shows: changelists, objects,
foreign-key and many-to-many choices, the filter sidebars, actions and exports (autocomplete
asks the related model's admin, so the same scope). Superusers see everything.

Organisations are public information (see projects.permissions) and have no scope.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.auth import get_user_model
from django.core import checks
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.db.models.fields.related import RelatedField
from django.forms import ModelChoiceField
from django.http import HttpRequest

from accounts.models import ProjectSecurityPolicy
from communication.models import Activity, Document, DocumentVersion, NotificationPreference, Post, Thread
from inbound.models import InboundMessage
from meetings.models import AgendaItem, Attachment, Decision, Meeting, Participation
from news.models import Article, NewsSubscription
from outbox.models import OutgoingEmail
from projects import permissions
from projects.models import Invitation, Membership, Organisation, Partner, Person, Project
from reports.models import SignedSheet
from workgroups.models import DeadlineReminder, Task, TaskEvent, WorkGroup

if TYPE_CHECKING:
    from django.contrib.admin.options import _ListFilterT as ListFilter
    from django.contrib.auth.models import _AnyUser as AnyUser
    from django.contrib.auth.models import _User as User
    from django.utils.functional import _StrOrPromise as StrOrPromise

# How each model reaches its project ("" for Project itself), for querysets of the form
# permissions.scope_for_coordinator(qs, user, path). A model the admin shows or offers as
# a choice must be here (or in PUBLIC): ProjectScopedAdmin's system check names the ones missing.
ADMIN_SCOPES: dict[type[Model], str] = {
    Project: "",
    get_user_model(): "memberships__project",
    Person: "user__memberships__project",
    Partner: "project",
    Membership: "project",
    Invitation: "project",
    ProjectSecurityPolicy: "project",
    OutgoingEmail: "project",
    Meeting: "project",
    AgendaItem: "meeting__project",
    Participation: "meeting__project",
    Attachment: "meeting__project",
    Decision: "meeting__project",
    WorkGroup: "project",
    Task: "work_group__project",
    TaskEvent: "task__work_group__project",
    DeadlineReminder: "task__work_group__project",
    Article: "project",
    NewsSubscription: "project",
    Thread: "project",
    Post: "thread__project",
    Document: "project",
    DocumentVersion: "document__project",
    Activity: "project",
    NotificationPreference: "project",
    # A message whose token named no project (forged, mangled) is the superusers' only.
    InboundMessage: "project",
    SignedSheet: "attachment__meeting__project",
}

# Shown to every coordinator whole.
PUBLIC: frozenset[type[Model]] = frozenset({Organisation})


def scope_path(model: type[Model]) -> str:
    try:
        return ADMIN_SCOPES[model]
    except KeyError:
        raise ImproperlyConfigured(f"{model.__name__} has no entry in projects.admin_scope.ADMIN_SCOPES") from None


def scoped(qs: QuerySet[Any], user: AnyUser) -> QuerySet[Any]:
    """``qs`` cut down to the projects ``user`` coordinates (public models stay whole)."""
    if qs.model in PUBLIC or permissions.is_superuser(user):
        return qs
    path = scope_path(qs.model)
    result = permissions.scope_for_coordinator(qs, user, path)
    return result.distinct() if "__" in path else result


def admin_user(request: HttpRequest) -> User:
    """The user of an admin page: AdminSite.admin_view lets only logged-in staff in."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    return request.user


class ScopedRelatedFilter(admin.RelatedOnlyFieldListFilter):
    """"By project", "By work group", …: the related objects that the listed rows refer to,
    and of those only what the user may see (a row could point across projects)."""

    def field_choices(self, field: RelatedField[Any, Any], request: HttpRequest,
                      model_admin: admin.ModelAdmin[Any]) -> list[tuple[str, StrOrPromise]]:
        shown = model_admin.get_queryset(request).values(f"{self.field_path}__pk")
        visible = scoped(field.related_model._default_manager.all(), request.user).values("pk")
        ordering = self.field_admin_ordering(field, request, model_admin)
        choices = field.get_choices(
            include_blank=False, limit_choices_to=Q(pk__in=shown) & Q(pk__in=visible), ordering=ordering,
        )
        # Without a blank choice, a relation's choices are a flat list of (pk, label).
        return cast("list[tuple[str, StrOrPromise]]", choices)


def _scoped_list_filter(model: type[Model], entry: ListFilter) -> ListFilter:
    """A list_filter entry on a relation goes through ScopedRelatedFilter; others stay as they are."""
    if isinstance(entry, str):
        if get_fields_from_path(model, entry)[-1].is_relation:
            return (entry, ScopedRelatedFilter)
    elif isinstance(entry, tuple) and issubclass(entry[1], admin.RelatedFieldListFilter):
        return (entry[0], ScopedRelatedFilter)
    return entry


def person_label(user: Any) -> str:
    """How the admin names a person in a choice: by name (the email only when there is none)."""
    return str(user.get_full_name() or user.email)


def _limit(field: Any, request: HttpRequest) -> Any:
    if isinstance(field, ModelChoiceField) and field.queryset is not None:
        field.queryset = scoped(field.queryset, request.user)
        # auth.User's own __str__ is the login (an email address): coordinators pick people by name.
        if field.queryset.model is get_user_model():
            # On this field only (an instance attribute, so called without self).
            field.label_from_instance = person_label  # type: ignore[method-assign,assignment]
            field.queryset = field.queryset.order_by("first_name", "last_name", "email")
    return field


class _ScopedChoices(admin.options.BaseModelAdmin[Any]):
    """Foreign-key and many-to-many choices of the admin's forms: only objects of the user's
    projects, people by name."""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        return _limit(super().formfield_for_foreignkey(db_field, request, **kwargs), request)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        return _limit(super().formfield_for_manytomany(db_field, request, **kwargs), request)


class ProjectScopedAdmin(_ScopedChoices, admin.ModelAdmin[Any]):
    """A ModelAdmin whose lists, objects, choices, filters, actions and exports stay inside
    the projects the user coordinates."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return scoped(super().get_queryset(request), request.user)

    def get_list_filter(self, request: HttpRequest) -> list[ListFilter]:
        return [_scoped_list_filter(self.model, entry) for entry in super().get_list_filter(request)]

    def _may_use(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if not (request.user.is_active and request.user.is_staff):
            return False
        if obj is None:
            return permissions.is_any_coordinator(request.user)
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    has_view_permission = has_change_permission = has_delete_permission = _may_use

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may_use(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._may_use(request)

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)
        if self.model not in ADMIN_SCOPES:
            errors.append(checks.Error(
                f"{self.model.__name__} has no entry in projects.admin_scope.ADMIN_SCOPES",
                obj=type(self), id="projects.E001",
            ))
        return errors


class ScopedInline(_ScopedChoices):
    """Mix into TabularInline/StackedInline: choices limited like the parent admin.
    The parent ProjectScopedAdmin already guards the object itself."""

    def _may_use(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return permissions.is_any_coordinator(request.user)

    has_view_permission = has_change_permission = has_add_permission = has_delete_permission = _may_use
