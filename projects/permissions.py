"""Who may see and do what. The one place that decides it.

Every view, admin class, feed, export and email asks this module. The rules:

* anonymous visitors see public pages only (a public project's page, published
  public news);
* members (any role) see their projects' private pages; everybody else gets a
  404 for a project's private objects, so existence does not leak;
* coordinators manage their own projects (in the admin too); superusers see
  everything.

Querysets are scoped with a ``path`` from the model to its project, e.g.
``"project"`` for a meeting or ``"work_group__project"`` for a task.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, QuerySet
from django.http import Http404

from projects.models import Membership, Project

M = TypeVar("M", bound=Model)
UserLike = Any  # a User or AnonymousUser

_CACHE_ATTR = "_agepartners_roles"


def _roles(user: UserLike) -> dict[int, str]:
    """{project_id: role} for the user, computed once per user object (one query per request)."""
    if user is None or not user.is_authenticated:
        return {}
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = dict(Membership.objects.filter(user=user).values_list("project_id", "role"))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_roles(user: UserLike) -> None:
    """Drop the per-request cache after memberships of this user object change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _project_id(project: Project | int) -> int:
    return project if isinstance(project, int) else project.pk


def is_superuser(user: UserLike) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_superuser)


def member_project_ids(user: UserLike) -> set[int]:
    return set(_roles(user))


def coordinated_project_ids(user: UserLike) -> set[int]:
    return {pid for pid, role in _roles(user).items() if role == Membership.Role.COORDINATOR}


def is_member(user: UserLike, project: Project | int) -> bool:
    return is_superuser(user) or _project_id(project) in _roles(user)


def is_coordinator(user: UserLike, project: Project | int) -> bool:
    return is_superuser(user) or _roles(user).get(_project_id(project)) == Membership.Role.COORDINATOR


def can_contribute(user: UserLike, project: Project | int) -> bool:
    """Members who may write (post, upload, answer); observers only read."""
    if is_superuser(user):
        return True
    return _roles(user).get(_project_id(project)) in (Membership.Role.COORDINATOR, Membership.Role.MEMBER)


def is_any_coordinator(user: UserLike) -> bool:
    return is_superuser(user) or bool(coordinated_project_ids(user))


def can_view_public_project(user: UserLike, project: Project) -> bool:
    return project.is_public or is_member(user, project)


# --- Querysets -------------------------------------------------------------------------


def scope_for_member(qs: QuerySet[M], user: UserLike, path: str = "project") -> QuerySet[M]:
    """Objects of projects the user belongs to (everything for superusers)."""
    if is_superuser(user):
        return qs
    if path == "":
        return qs.filter(pk__in=member_project_ids(user))
    return qs.filter(**{f"{path}__in": member_project_ids(user)})


def scope_for_coordinator(qs: QuerySet[M], user: UserLike, path: str = "project") -> QuerySet[M]:
    """Objects of projects the user coordinates (everything for superusers)."""
    if is_superuser(user):
        return qs
    if path == "":
        return qs.filter(pk__in=coordinated_project_ids(user))
    return qs.filter(**{f"{path}__in": coordinated_project_ids(user)})


def member_projects(user: UserLike) -> QuerySet[Project]:
    return scope_for_member(Project.objects.all(), user, path="")


def coordinated_projects(user: UserLike) -> QuerySet[Project]:
    return scope_for_coordinator(Project.objects.all(), user, path="")


def get_for_member_or_404(qs: QuerySet[M], user: UserLike, path: str = "project", **lookup: Any) -> M:
    """One object of the user's projects, or 404 whether it is missing or forbidden."""
    try:
        return scope_for_member(qs, user, path).get(**lookup)
    except qs.model.DoesNotExist:
        raise Http404 from None


def get_for_coordinator_or_404(qs: QuerySet[M], user: UserLike, path: str = "project", **lookup: Any) -> M:
    try:
        return scope_for_coordinator(qs, user, path).get(**lookup)
    except qs.model.DoesNotExist:
        raise Http404 from None


def require_member(user: UserLike, project: Project | int) -> None:
    if not is_member(user, project):
        raise Http404


def require_coordinator(user: UserLike, project: Project | int) -> None:
    if not is_coordinator(user, project):
        raise Http404


def anonymous() -> AnonymousUser:
    return AnonymousUser()


# --- Projects ----------------------------------------------------------------------------
# Organisations are public information (names, countries and cities appear on public project
# pages), so every coordinator may see the list and add an organisation to bring in a new
# partner. Changing one touches every project it is part of: a coordinator may change an
# organisation only when all its projects are theirs (or it has none yet).


def can_change_organisation(user: UserLike, organisation: Any) -> bool:
    if is_superuser(user):
        return True
    if not is_any_coordinator(user):
        return False
    if organisation is None:
        return True
    project_ids = set(organisation.partnerships.values_list("project_id", flat=True))
    project_ids |= set(organisation.coordinated_projects.values_list("pk", flat=True))
    return project_ids <= coordinated_project_ids(user)


def can_add_project(user: UserLike) -> bool:
    """New projects come from the portal's administrators; coordinators manage theirs."""
    return is_superuser(user)


def can_view_directory(user: UserLike, project: Project) -> bool:
    """The partner directory (emails, phones) is for the project's members only."""
    return is_member(user, project)


# --- Domain rules ----------------------------------------------------------------------
# Rules for the objects of the other apps live here too, one section per app, so that
# nothing re-implements a check.

# meetings


def can_answer_meeting(user: UserLike, meeting: Any) -> bool:
    """Coordinators and partner members answer invitations and upload files; observers read."""
    return can_contribute(user, meeting.project_id)


def meeting_attachments_visible(qs: QuerySet[M], user: UserLike, project: Project | int) -> QuerySet[M]:
    """Photos without the consent of the people shown stay with coordinators and the uploader."""
    from django.db.models import Q

    if is_coordinator(user, project):
        return qs
    return qs.filter(Q(kind="document") | Q(photo_consent=True) | Q(uploaded_by_id=getattr(user, "pk", None)))

# workgroups
# Coordinators and work-group leads (people of the lead organisation who are members of
# the group) assign tasks; the responsible people (and the people of a responsible
# organisation) update status and comment. Observers only read. Prefetch
# members/responsible_* to keep these checks free of queries in lists.


def _organisation_id(user: UserLike) -> int | None:
    person = getattr(user, "person", None) if user is not None and user.is_authenticated else None
    return person.organisation_id if person is not None else None


def is_work_group_lead(user: UserLike, work_group: Any) -> bool:
    org_id = _organisation_id(user)
    return (
        org_id is not None and work_group.lead_organisation_id == org_id
        and any(m.pk == user.pk for m in work_group.members.all())
    )


def can_manage_tasks(user: UserLike, work_group: Any) -> bool:
    """Create tasks in the group, edit them and assign responsibilities."""
    project_id = work_group.project_id
    if is_coordinator(user, project_id):
        return True
    return can_contribute(user, project_id) and is_work_group_lead(user, work_group)


def is_responsible_for(user: UserLike, task: Any) -> bool:
    return is_responsible(user, task.responsible_people.all(), task.responsible_organisations.all())


def is_responsible(user: UserLike, people: Iterable[Any], organisations: Iterable[Any]) -> bool:
    """``is_responsible_for`` on a task's responsible people and organisations already in hand
    (lists build pages of 50 tasks from plain prefetched lists, without a related manager per row)."""
    if user is None or not user.is_authenticated:
        return False
    if any(p.pk == user.pk for p in people):
        return True
    org_id = _organisation_id(user)
    return org_id is not None and any(o.pk == org_id for o in organisations)


def can_update_task(user: UserLike, task: Any) -> bool:
    """Change the status of a task and comment on it."""
    if not can_contribute(user, task.work_group.project_id):
        return False
    return is_responsible_for(user, task) or can_manage_tasks(user, task.work_group)


def my_tasks_q(user: UserLike) -> Any:
    """Tasks of the user's projects where they or their organisation are responsible."""
    from django.db.models import Q

    condition = Q(responsible_people=user)
    org_id = _organisation_id(user)
    if org_id is not None:
        condition |= Q(responsible_organisations=org_id)
    return condition & Q(work_group__project__in=member_project_ids(user))

# news


def visible_articles(qs: QuerySet[M], user: UserLike) -> QuerySet[M]:
    """News a reader may open: live public articles of public projects for everyone,
    every live article of the reader's own projects (observers included). Drafts and
    scheduled articles are nobody's here; coordinators see them through the preview."""
    from django.db.models import Q

    live = qs.live()  # type: ignore[attr-defined]
    if is_superuser(user):
        return live
    return live.filter(Q(audience="public", project__is_public=True) | Q(project__in=member_project_ids(user)))


def previewable_articles(qs: QuerySet[M], user: UserLike) -> QuerySet[M]:
    """Any article, draft or scheduled, of the projects the user coordinates."""
    return scope_for_coordinator(qs, user, "project")


# communication


def can_moderate_discussions(user: UserLike, project: Project | int) -> bool:
    """Pin, unpin, close and reopen threads: the project's coordinators."""
    return is_coordinator(user, project)


def is_post_author(user: UserLike, post: Any) -> bool:
    """Only the author edits a post (and only while they may still write in the project);
    whether the edit window is still open is the post's own question."""
    return bool(
        user is not None and user.is_authenticated and post.author_id == user.pk
        and can_contribute(user, post.thread.project_id)
    )


# reports (issue 16)
# A meeting's record is the partnership's own evidence: every member reads it (observers
# too: the national agency checks it). The project report and the bulk export of every
# record are the coordinator's, who answers to the agency.


def can_read_meeting_record(user: UserLike, meeting: Any) -> bool:
    return is_member(user, meeting.project_id)


def can_read_action_log(user: UserLike, project: Project | int) -> bool:
    return is_member(user, project)


def can_carry_open_actions(user: UserLike, project: Project | int) -> bool:
    """Adding an agenda item to the next meeting is preparing it: the coordinators' work."""
    return is_coordinator(user, project)


def can_view_report(user: UserLike, project: Project | int) -> bool:
    return is_coordinator(user, project)


def can_export_records_in_bulk(user: UserLike, project: Project | int) -> bool:
    return is_coordinator(user, project)


def can_view_project_charts(user: UserLike, project: Project | int) -> bool:
    """The pictures on the project page show internal figures: members only."""
    return is_member(user, project)



# --- Admin -----------------------------------------------------------------------------
# Coordinators work in the Django admin; everything they see there is cut down to the
# projects they coordinate. Each app registers how its models reach their project.

from django.contrib import admin  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.http import HttpRequest  # noqa: E402

_SCOPE_PATHS: dict[type[Model], str] = {}


def register_scope(model: type[Model], path: str) -> None:
    """Declare how ``model`` reaches its project ('' for Project itself)."""
    _SCOPE_PATHS[model] = path


def scope_path(model: type[Model]) -> str | None:
    return _SCOPE_PATHS.get(model)


def admin_choices(model: type[Model], qs: QuerySet[M], user: UserLike) -> QuerySet[M]:
    """Foreign-key choices in the admin: only objects of the coordinator's projects."""
    path = scope_path(model)
    if path is None or is_superuser(user):
        return qs
    scoped = scope_for_coordinator(qs, user, path)
    return scoped.distinct() if "__" in path else scoped


class _ScopedChoicesMixin:
    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]
        if field is not None and hasattr(field, "queryset"):
            field.queryset = admin_choices(db_field.related_model, field.queryset, request.user)
        return field

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]
        if field is not None and hasattr(field, "queryset"):
            field.queryset = admin_choices(db_field.related_model, field.queryset, request.user)
        return field


class ProjectScopedAdmin(_ScopedChoicesMixin, admin.ModelAdmin):
    """A ModelAdmin whose lists, objects, choices, actions and exports stay inside
    the projects the user coordinates."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        path = scope_path(self.model)
        if path is None:
            raise RuntimeError(f"{self.model.__name__} has no registered project scope")
        scoped = scope_for_coordinator(qs, request.user, path)
        return scoped.distinct() if "__" in path else scoped

    def _may_use(self, request: HttpRequest, obj: Model | None) -> bool:
        if not (request.user.is_active and request.user.is_staff):
            return False
        if obj is None:
            return is_any_coordinator(request.user)
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may_use(request, None)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._may_use(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._may_use(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._may_use(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._may_use(request, None)


class ScopedInline(_ScopedChoicesMixin):
    """Mix into TabularInline/StackedInline: choices limited like the parent admin.
    The parent ProjectScopedAdmin already guards the object itself."""

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return is_any_coordinator(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return is_any_coordinator(request.user)

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return is_any_coordinator(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return is_any_coordinator(request.user)


User = get_user_model()
register_scope(Project, "")
register_scope(User, "memberships__project")
