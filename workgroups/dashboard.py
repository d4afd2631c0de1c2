"""The "my open tasks" panel of the dashboard (a constant number of queries)."""
from __future__ import annotations

from django.db.models import Count, Window
from django.http import HttpRequest

from projects import permissions
from workgroups.models import Task
from workgroups.views import annotate_status, link_rows, list_rows

LIMIT = 8


def panel(request: HttpRequest) -> dict | None:
    user = request.user
    if not user.is_authenticated:
        return None
    mine = Task.objects.filter(permissions.my_tasks_q(user)).values("pk")
    # The panel names nobody responsible: no annotate_rows (its two queries of names).
    qs = list_rows(Task.objects.filter(pk__in=mine, status__in=Task.ACTIVE)).order_by("deadline", "pk")
    # The total comes with the rows (a window count), so 5 or 500 tasks cost the same queries.
    tasks = list(qs.annotate(total=Window(Count("pk")))[:LIMIT])
    more = tasks[0].total - len(tasks) if tasks else 0
    annotate_status(tasks)
    link_rows(tasks)
    for task in tasks:
        task.mine = True  # my_tasks_q chose them: the user or their organisation is responsible
    return {"tasks": tasks, "more": more}
