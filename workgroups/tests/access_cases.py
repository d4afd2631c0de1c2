"""Who may open which work-group page (see projects/tests/access.py)."""
from __future__ import annotations

from datetime import date

from projects.tests.access import LOGIN, Case, World
from workgroups import services
from workgroups.models import WorkGroup


def build(world: World) -> list[Case]:
    # Led by the coordinating organisation, so the partner member is no lead here: they
    # may update the task they are responsible for, but not create or edit tasks.
    group = WorkGroup.objects.create(project=world.project, name="Dissemination", lead_organisation=world.organisation)
    group.members.add(world.users["member"], world.users["coordinator"])
    task = services.create_task(
        group, title="Write the first newsletter", deadline=date(2026, 5, 1), by=world.users["coordinator"],
        responsible_people=[world.users["member"]],
    )
    slug = world.project.slug
    update = {"anonymous": LOGIN, "outsider": 404, "observer": 404, "member": 302, "coordinator": 302, "superuser": 302}
    manage = {"observer": 404, "member": 404}
    return [
        Case("workgroups:my_tasks", "/en/workgroups/", outsider=200),
        Case("workgroups:project_groups", f"/en/workgroups/project/{slug}/"),
        Case("workgroups:group", f"/en/workgroups/{group.pk}/"),
        Case("workgroups:task", f"/en/workgroups/tasks/{task.pk}/"),
        Case("workgroups:task_create", f"/en/workgroups/{group.pk}/tasks/new/", **manage),
        Case("workgroups:task_edit", f"/en/workgroups/tasks/{task.pk}/edit/", **manage),
        Case("workgroups:task_status", f"/en/workgroups/tasks/{task.pk}/status/", method="post",
             data={"status": "in_progress"}, **update),
        Case("workgroups:task_comment", f"/en/workgroups/tasks/{task.pk}/comment/", method="post",
             data={"text": "Draft is with the designer."}, **update),
    ]
