"""The "my open tasks" panel of the dashboard (a constant number of queries)."""
from __future__ import annotations

from django.http import HttpRequest

from projects import permissions
from workgroups.models import Task
from workgroups.views import _annotate

LIMIT = 8


def panel(request: HttpRequest) -> dict | None:
    user = request.user
    if not user.is_authenticated:
        return None
    mine = Task.objects.filter(permissions.my_tasks_q(user)).values("pk")
    qs = (
        Task.objects.filter(pk__in=mine, status__in=Task.ACTIVE)
        .select_related("work_group__project")
        .prefetch_related("responsible_people", "responsible_organisations")
        .order_by("deadline", "pk")
    )
    tasks = list(qs[: LIMIT + 1])
    more = 0
    if len(tasks) > LIMIT:
        more = qs.count() - LIMIT
        tasks = tasks[:LIMIT]
    return {"template": "workgroups/dashboard_panel.html", "context": {"tasks": _annotate(tasks, user), "more": more}}
