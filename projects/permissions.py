"""Who may see and do what. The one place that decides it.

Every view, admin class, feed, export and email asks this module. The rules:

* anonymous visitors see public pages only (a public project's page, published
  public news);
* members (any role) see their projects' private pages; everybody else gets a
  404 for a project's private objects, so existence does not leak;
* coordinators manage their own projects (in the admin too, see
  projects/admin_scope.py); superusers see everything.

Querysets are scoped with a ``path`` from the model to its project, e.g.
``"project"`` for a meeting or ``"work_group__project"`` for a task.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.shortcuts import get_object_or_404

from projects.models import Membership, Organisation, Project

if TYPE_CHECKING:
    # django-stubs expands these to settings.AUTH_USER_MODEL (and that | AnonymousUser,
    # the type of request.user); they exist for the type checker only.
    from django.contrib.auth.models import _AnyUser as AnyUser
    from django.contrib.auth.models import _User as User

    from communication.models import Post
    from meetings.models import Attachment, Meeting
    from news.models import Article, ArticleQuerySet
    from workgroups.models import Task, WorkGroup

M = TypeVar("M", bound=Model)

_CACHE_ATTR = "_agepartners_roles"
_WRITERS = (Membership.Role.COORDINATOR, Membership.Role.MEMBER)


def project_roles(user: AnyUser) -> dict[int, str]:
    """{project_id: role} for the user, computed once per user object (one query per request)."""
    if not user.is_authenticated:
        return {}
    cached: dict[int, str] | None = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = dict(Membership.objects.filter(user=user).values_list("project_id", "role"))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_roles(user: AnyUser) -> None:
    """Drop the per-request cache after memberships of this user object change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _project_id(project: Project | int) -> int:
    return project if isinstance(project, int) else project.pk


def is_superuser(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def member_project_ids(user: AnyUser) -> set[int]:
    return set(project_roles(user))


def coordinated_project_ids(user: AnyUser) -> set[int]:
    return {pid for pid, role in project_roles(user).items() if role == Membership.Role.COORDINATOR}


def is_member(user: AnyUser, project: Project | int) -> bool:
    return is_superuser(user) or _project_id(project) in project_roles(user)


def is_coordinator(user: AnyUser, project: Project | int) -> bool:
    return is_superuser(user) or project_roles(user).get(_project_id(project)) == Membership.Role.COORDINATOR


def can_contribute(user: AnyUser, project: Project | int) -> bool:
    """Members who may write (post, upload, answer); observers only read."""
    return is_superuser(user) or project_roles(user).get(_project_id(project)) in _WRITERS


def is_any_coordinator(user: AnyUser) -> bool:
    return is_superuser(user) or bool(coordinated_project_ids(user))


def can_view_public_project(user: AnyUser, project: Project) -> bool:
    return project.is_public or is_member(user, project)


# --- Querysets -------------------------------------------------------------------------


def _in_projects(path: str, project_ids: set[int]) -> Q:
    return Q(pk__in=project_ids) if path == "" else Q(**{f"{path}__in": project_ids})


def scope_for_member(qs: QuerySet[M], user: AnyUser, path: str = "project") -> QuerySet[M]:
    """Objects of projects the user belongs to (everything for superusers)."""
    if is_superuser(user):
        return qs
    return qs.filter(_in_projects(path, member_project_ids(user)))


def scope_for_coordinator(qs: QuerySet[M], user: AnyUser, path: str = "project") -> QuerySet[M]:
    """Objects of projects the user coordinates (everything for superusers)."""
    if is_superuser(user):
        return qs
    return qs.filter(_in_projects(path, coordinated_project_ids(user)))


def member_projects(user: AnyUser) -> QuerySet[Project]:
    return scope_for_member(Project.objects.all(), user, path="")


def coordinated_projects(user: AnyUser) -> QuerySet[Project]:
    return scope_for_coordinator(Project.objects.all(), user, path="")


def get_for_member_or_404(qs: QuerySet[M], user: AnyUser, path: str = "project", **lookup: Any) -> M:
    """One object of the user's projects, or 404 whether it is missing or forbidden."""
    return get_object_or_404(scope_for_member(qs, user, path), **lookup)


def get_for_coordinator_or_404(qs: QuerySet[M], user: AnyUser, path: str = "project", **lookup: Any) -> M:
    return get_object_or_404(scope_for_coordinator(qs, user, path), **lookup)


# --- Projects ----------------------------------------------------------------------------
# Organisations are public information (names, countries and cities appear on public project
# pages), so every coordinator may see the list and add an organisation to bring in a new
# partner. Changing one touches every project it is part of: a coordinator may change an
# organisation only when all its projects are theirs (or it has none yet).


def can_change_organisation(user: AnyUser, organisation: Organisation | None) -> bool:
    if is_superuser(user):
        return True
    if not is_any_coordinator(user):
        return False
    if organisation is None:
        return True
    project_ids = set(organisation.partnerships.values_list("project_id", flat=True))
    project_ids |= set(organisation.coordinated_projects.values_list("pk", flat=True))
    return project_ids <= coordinated_project_ids(user)


def can_add_project(user: AnyUser) -> bool:
    """New projects come from the portal's administrators; coordinators manage theirs."""
    return is_superuser(user)


def can_view_directory(user: AnyUser, project: Project) -> bool:
    """The partner directory (emails, phones) is for the project's members only."""
    return is_member(user, project)


# --- Domain rules ----------------------------------------------------------------------
# Rules for the objects of the other apps live here too, one section per app, so that
# nothing re-implements a check.

# meetings


def can_answer_meeting(user: AnyUser, meeting: Meeting) -> bool:
    """Coordinators and partner members answer invitations and upload files; observers read.

    A portal administrator who is not a member has nothing to answer: whoever answers
    stands on the attendance sheet, the grant's evidence of who took part."""
    return project_roles(user).get(meeting.project_id) in _WRITERS


def meeting_attachments_visible(qs: QuerySet[Attachment], user: AnyUser, project: Project | int) -> QuerySet[Attachment]:
    """Photos without the consent of the people shown stay with coordinators and the uploader."""
    if is_coordinator(user, project):
        return qs
    return qs.filter(Q(kind="document") | Q(photo_consent=True) | Q(uploaded_by_id=user.pk))

# workgroups
# Coordinators and work-group leads (people of the lead organisation who are members of
# the group) assign tasks; the responsible people (and the people of a responsible
# organisation) update status and comment. Observers only read. Prefetch
# members/responsible_* to keep these checks free of queries in lists.


def _organisation_id(user: AnyUser) -> int | None:
    # Every user has a Person (projects.signals makes it with the user).
    return user.person.organisation_id if user.is_authenticated else None


def is_work_group_lead(user: AnyUser, work_group: WorkGroup) -> bool:
    org_id = _organisation_id(user)
    return (
        org_id is not None and work_group.lead_organisation_id == org_id
        and any(m.pk == user.pk for m in work_group.members.all())
    )


def can_manage_tasks(user: AnyUser, work_group: WorkGroup) -> bool:
    """Create tasks in the group, edit them and assign responsibilities."""
    project_id = work_group.project_id
    return is_coordinator(user, project_id) or (can_contribute(user, project_id) and is_work_group_lead(user, work_group))


def is_responsible_for(user: AnyUser, task: Task) -> bool:
    return is_responsible(user, task.responsible_people.all(), task.responsible_organisations.all())


def is_responsible(user: AnyUser, people: Iterable[User], organisations: Iterable[Organisation]) -> bool:
    """``is_responsible_for`` on a task's responsible people and organisations already in hand
    (lists build pages of 50 tasks from plain prefetched lists, without a related manager per row)."""
    if not user.is_authenticated:
        return False
    if any(p.pk == user.pk for p in people):
        return True
    org_id = _organisation_id(user)
    return org_id is not None and any(o.pk == org_id for o in organisations)


def can_update_task(user: AnyUser, task: Task) -> bool:
    """Change the status of a task and comment on it."""
    return can_contribute(user, task.work_group.project_id) and (
        is_responsible_for(user, task) or can_manage_tasks(user, task.work_group)
    )


def my_tasks_q(user: AnyUser) -> Q:
    """Tasks of the user's projects where they or their organisation are responsible."""
    condition = Q(responsible_people=user)
    org_id = _organisation_id(user)
    if org_id is not None:
        condition |= Q(responsible_organisations=org_id)
    return condition & Q(work_group__project__in=member_project_ids(user))

# news


def visible_articles(qs: ArticleQuerySet, user: AnyUser) -> ArticleQuerySet:
    """News a reader may open: live public articles of public projects for everyone,
    every live article of the reader's own projects (observers included). Drafts and
    scheduled articles are nobody's here; coordinators see them through the preview."""
    live = qs.live()
    if is_superuser(user):
        return live
    return live.filter(Q(audience="public", project__is_public=True) | Q(project__in=member_project_ids(user)))


def previewable_articles(qs: QuerySet[Article], user: AnyUser) -> QuerySet[Article]:
    """Any article, draft or scheduled, of the projects the user coordinates."""
    return scope_for_coordinator(qs, user, "project")


# communication


def can_moderate_discussions(user: AnyUser, project: Project | int) -> bool:
    """Pin, unpin, close and reopen threads: the project's coordinators."""
    return is_coordinator(user, project)


def is_post_author(user: AnyUser, post: Post) -> bool:
    """Only the author edits a post (and only while they may still write in the project);
    whether the edit window is still open is the post's own question."""
    return bool(
        user.is_authenticated and post.author_id == user.pk
        and can_contribute(user, post.thread.project_id)
    )


# reports (issue 16)
# A meeting's record is the partnership's own evidence: every member reads it (observers
# too: the national agency checks it). The project report and the bulk export of every
# record are the coordinator's, who answers to the agency.


def can_read_meeting_record(user: AnyUser, meeting: Meeting) -> bool:
    return is_member(user, meeting.project_id)


def can_read_action_log(user: AnyUser, project: Project | int) -> bool:
    return is_member(user, project)


def can_carry_open_actions(user: AnyUser, project: Project | int) -> bool:
    """Adding an agenda item to the next meeting is preparing it: the coordinators' work."""
    return is_coordinator(user, project)


def can_view_report(user: AnyUser, project: Project | int) -> bool:
    return is_coordinator(user, project)


def can_export_records_in_bulk(user: AnyUser, project: Project | int) -> bool:
    return is_coordinator(user, project)


def can_view_project_charts(user: AnyUser, project: Project | int) -> bool:
    """The pictures on the project page show internal figures: members only."""
    return is_member(user, project)
