"""Work groups and tasks in the browser. Thin: rules in projects.permissions, changes in services."""
from __future__ import annotations

import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from projects import permissions
from projects.models import Project
from workgroups import services
from workgroups.forms import CommentForm, StatusForm, TaskFilterForm, TaskForm
from workgroups.models import Task, WorkGroup

if TYPE_CHECKING:
    from django.contrib.auth.models import _AnyUser as AnyUser

# Tasks per page of "my tasks". 25, not 50: rendering a row is most of the page's CPU
# (issue 13: a first visit within 15 ms), and 25 deadlines are more than a person takes in.
PAGE_SIZE = 25
DUE_DAYS = {"week": 7, "month": 30}  # the "due within" filters of my tasks


def _tasks() -> QuerySet[Task]:
    return Task.objects.select_related("work_group__project", "meeting").prefetch_related(
        "responsible_people", "responsible_organisations"
    )


def list_rows(qs: QuerySet[Task]) -> QuerySet[Task]:
    """Only the columns a task list row shows (the project's six-language texts and the task's
    description are never read there); annotate_rows adds the responsible people's names."""
    return qs.select_related("work_group__project").only(
        "pk", "title", "status", "deadline", "work_group_id",
        "work_group__name", "work_group__project_id",
        "work_group__project__title", "work_group__project__acronym", "work_group__project__time_zone",
    )


def overdue_q(project_ids: set[int] | None = None) -> Q:
    """Tasks past the end of their deadline day, each in its own project's time zone."""
    zones = Project.objects.all()
    if project_ids is not None:
        zones = zones.filter(pk__in=project_ids)
    condition = Q(pk__in=[])
    for tz_name in set(zones.values_list("time_zone", flat=True)):
        today = timezone.localdate(timezone=zoneinfo.ZoneInfo(tz_name))
        condition |= Q(work_group__project__time_zone=tz_name, deadline__lt=today)
    return condition & Q(status__in=Task.ACTIVE)


def annotate_rows(tasks: Iterable[Task], user: AnyUser) -> None:
    """What the task rows show beside the task's own fields. The responsible people and
    organisations of a list come as plain values, one query each for the whole list (no model
    instance per name); a task of _tasks() (detail pages) brings them prefetched."""
    tasks = list(tasks)
    annotate_status(tasks)
    people: dict[int, list[tuple[int, str]]] = defaultdict(list)
    organisations: dict[int, list[tuple[int, str]]] = defaultdict(list)
    if tasks and "responsible_people" in getattr(tasks[0], "_prefetched_objects_cache", {}):
        for task in tasks:
            people[task.pk] = [(p.pk, p.get_full_name() or p.email) for p in task.responsible_people.all()]
            organisations[task.pk] = [(o.pk, o.name) for o in task.responsible_organisations.all()]
    elif tasks:
        ids = [task.pk for task in tasks]
        for task_id, pk, first, last, email in Task.responsible_people.through.objects.filter(task_id__in=ids).values_list(
                "task_id", "user_id", "user__first_name", "user__last_name", "user__email"):
            people[task_id].append((pk, f"{first} {last}".strip() or email))  # User.get_full_name() or the email
        for task_id, pk, name in Task.responsible_organisations.through.objects.filter(task_id__in=ids).values_list(
                "task_id", "organisation_id", "organisation__name"):
            organisations[task_id].append((pk, name))
    org_id = user.person.organisation_id if user.is_authenticated else None
    for task in tasks:
        task.people_names = [name for _, name in people[task.pk]]
        task.organisation_names = [name for _, name in organisations[task.pk]]
        # The names the row lists, joined once here rather than by filters in every row.
        task.responsible_names = "; ".join(filter(None, (", ".join(task.people_names), ", ".join(task.organisation_names))))
        # permissions.is_responsible on the ids in hand.
        task.mine = any(pk == user.pk for pk, _ in people[task.pk]) or any(pk == org_id for pk, _ in organisations[task.pk])


def annotate_status(tasks: Iterable[Task]) -> None:
    """Overdue or not, and the status label, of each task of a list."""
    now = timezone.now()
    # The labels once per list (get_status_display builds the choices' dict per call).
    status_labels = {value: str(label) for value, label in Task.Status.choices}
    for task in tasks:
        task.overdue = task.is_overdue(now)
        task.status_label = status_labels.get(task.status, task.status)


def link_rows(tasks: Iterable[Task]) -> None:
    """Each row's links to its task and its status form, from one reverse per list (a reverse
    per row costs as much as the rest of the row's cells)."""
    prefix = reverse("workgroups:task", args=[0]).removesuffix("0/")
    for task in tasks:
        task.url = f"{prefix}{task.pk}/"
        task.status_url = f"{task.url}status/"


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    form = TaskFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    status, due = data.get("status") or "active", data.get("due") or "all"
    sort = data.get("sort") or "deadline"
    # A subquery rather than joins, so a task assigned to me and to my organisation shows once.
    mine = Task.objects.filter(permissions.my_tasks_q(request.user)).values("pk")
    qs = list_rows(Task.objects.filter(pk__in=mine))
    if status == "active":
        qs = qs.filter(status__in=Task.ACTIVE)
    elif status != "all":
        qs = qs.filter(status=status)
    if due == "overdue":
        qs = qs.filter(overdue_q(permissions.member_project_ids(request.user)))
    elif due in DUE_DAYS:
        qs = qs.filter(deadline__lte=timezone.localdate() + timedelta(days=DUE_DAYS[due]), status__in=Task.ACTIVE)
    ordering = {
        "deadline": ["deadline", "pk"],
        "-deadline": ["-deadline", "-pk"],
        "title": ["title", "deadline"],
        "project": ["work_group__project__title", "work_group__name", "deadline"],
        "status": ["status", "deadline"],
    }[sort]
    page = Paginator(qs.order_by(*ordering), PAGE_SIZE).get_page(request.GET.get("page"))
    annotate_rows(page.object_list, request.user)
    # A page's tasks lie in a few work groups: each group's link is reversed once, not per row.
    group_urls = {pk: reverse("workgroups:group", args=[pk]) for pk in {task.work_group_id for task in page.object_list}}
    link_rows(page.object_list)
    for task in page.object_list:
        task.group_url = group_urls[task.work_group_id]
        task.project_label = task.work_group.project.acronym or task.work_group.project.title
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "workgroups/my_tasks.html", {
        "form": form, "page": page, "tasks": page.object_list, "query": query.urlencode(),
        "status": status, "due": due, "sort": sort,
    })


@login_required
def project_groups(request: HttpRequest, slug: str) -> HttpResponse:
    project = permissions.get_for_member_or_404(Project.objects.all(), request.user, path="", slug=slug)
    groups = list(
        WorkGroup.objects.filter(project=project)
        .select_related("lead_organisation")
        .annotate(
            open_count=Count("tasks", filter=Q(tasks__status__in=Task.ACTIVE), distinct=True),
            member_count=Count("members", distinct=True),
        )
        .order_by("name")
    )
    overdue = dict(
        Task.objects.filter(work_group__project=project).filter(overdue_q({project.pk}))
        .values("work_group").annotate(n=Count("pk")).values_list("work_group", "n")
    )
    for group in groups:
        group.overdue_count = overdue.get(group.pk, 0)
    return render(request, "workgroups/project_groups.html", {"project": project, "groups": groups})


def _group_for(request: HttpRequest, pk: int) -> WorkGroup:
    return permissions.get_for_member_or_404(
        WorkGroup.objects.select_related("project", "lead_organisation").prefetch_related("members__person__organisation"),
        request.user, path="project", pk=pk,
    )


@login_required
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group_for(request, pk)
    tasks = list(_tasks().filter(work_group=group).order_by("deadline", "pk"))
    annotate_rows(tasks, request.user)
    active = [t for t in tasks if t.is_active]
    closed = [t for t in tasks if not t.is_active]
    return render(request, "workgroups/group_detail.html", {
        "group": group, "project": group.project, "active": active, "closed": closed,
        "can_manage": permissions.can_manage_tasks(request.user, group),
        "is_lead": permissions.is_work_group_lead(request.user, group),
    })


def _task_fields(form: TaskForm) -> dict[str, Any]:
    """What create_task and update_task take from the task form."""
    return {name: form.cleaned_data[name] for name in ("responsible_people", "responsible_organisations", *services.EDITABLE_FIELDS)}


@login_required
def task_create(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group_for(request, pk)
    if not permissions.can_manage_tasks(request.user, group):
        raise Http404
    form = TaskForm(request.POST or None, work_group=group)
    if request.method == "POST" and form.is_valid():
        task = services.create_task(group, by=request.user, **_task_fields(form))
        messages.success(request, _("The task “%(title)s” was created.") % {"title": task.title})
        return redirect("workgroups:task", pk=task.pk)
    return render(request, "workgroups/task_form.html", {"form": form, "group": group, "project": group.project, "task": None})


def _task_for(request: HttpRequest, pk: int) -> Task:
    return permissions.get_for_member_or_404(
        _tasks().select_related("work_group__lead_organisation", "created_by").prefetch_related("work_group__members"),
        request.user, path="work_group__project", pk=pk,
    )


def _task_to_update(request: HttpRequest, pk: int) -> Task:
    """A task whose status the user may change and comment on; 404 like any task they cannot."""
    task = _task_for(request, pk)
    if not permissions.can_update_task(request.user, task):
        raise Http404
    return task


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_for(request, pk)
    return _task_page(request, task, permissions.can_update_task(request.user, task))


def _task_page(request: HttpRequest, task: Task, can_update: bool, comment_form: CommentForm | None = None,
               status: int = 200) -> HttpResponse:
    annotate_rows([task], request.user)
    return render(request, "workgroups/task_detail.html", {
        "task": task, "group": task.work_group, "project": task.work_group.project,
        "events": task.events.select_related("author").order_by("created_at", "pk"),
        "can_update": can_update, "can_manage": permissions.can_manage_tasks(request.user, task.work_group),
        "status_form": StatusForm(initial={"status": task.status}) if can_update else None,
        "comment_form": (comment_form or CommentForm()) if can_update else None,
    }, status=status)


@login_required
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_for(request, pk)
    group = task.work_group
    if not permissions.can_manage_tasks(request.user, group):
        raise Http404
    form = TaskForm(request.POST or None, instance=Task.objects.get(pk=task.pk), work_group=group)
    if request.method == "POST" and form.is_valid():
        services.update_task(task, by=request.user, **_task_fields(form))
        messages.success(request, _("The task was saved."))
        return redirect("workgroups:task", pk=task.pk)
    return render(request, "workgroups/task_form.html", {"form": form, "group": group, "project": group.project, "task": task})


@require_POST
@login_required
def task_status(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_to_update(request, pk)
    back = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure()):
        back = reverse("workgroups:task", args=[task.pk])  # no "next", or one leading off the portal
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid status."))
        return HttpResponseRedirect(back)
    changed = services.change_status(task, form.cleaned_data["status"], by=request.user, comment=form.cleaned_data["comment"])
    if changed:
        messages.success(request, _("“%(title)s” is now: %(status)s.") % {"title": task.title, "status": task.get_status_display()})
    else:
        messages.info(request, _("“%(title)s” already was: %(status)s.") % {"title": task.title, "status": task.get_status_display()})
    return HttpResponseRedirect(back)


@require_POST
@login_required
def task_comment(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_to_update(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.add_comment(task, form.cleaned_data["text"], by=request.user)
        messages.success(request, _("Your update was added to the task's history."))
        return redirect("workgroups:task", pk=task.pk)
    return _task_page(request, task, True, comment_form=form, status=400)  # the form with its errors

