"""Demo data: the work groups formed at the first partner meeting in Magdeburg and their
tasks, each with its history (data: ``demo.toml``)."""
from __future__ import annotations

from typing import Any

from django.db import transaction

from projects.demo import content
from workgroups.models import Task, TaskEvent, WorkGroup

CONTENT = content(__file__)


@transaction.atomic
def seed(ctx: Any) -> None:
    from meetings.models import Meeting

    project = ctx.project
    meeting = Meeting.objects.filter(project=project, title="First partner meeting").first()
    groups: dict[str, WorkGroup] = {}
    for spec in CONTENT["groups"]:
        group, _ = WorkGroup.objects.update_or_create(
            project=project, name=spec["name"],
            defaults={"purpose": spec["purpose"], "lead_organisation": ctx.organisations[spec["lead_organisation"]]},
        )
        group.members.add(*[ctx.users[key] for key in spec["members"]])
        groups[spec["name"]] = group

    coordinator = ctx.users["coordinator"]
    for spec in CONTENT["tasks"]:
        people = [ctx.users[key] for key in spec.get("responsible_people", [])]
        completed = spec.get("completed_on")
        task, created = Task.objects.update_or_create(
            work_group=groups[spec["work_group"]], title=spec["title"],
            defaults={
                "description": spec["description"], "deadline": ctx.day(spec["deadline"]), "status": spec["status"],
                "completed_on": ctx.day(completed) if completed else None, "meeting": meeting,
                "created_by": coordinator,
            },
        )
        task.responsible_people.set(people)
        task.responsible_organisations.set([ctx.organisations[key] for key in spec.get("responsible_organisations", [])])
        if created:
            TaskEvent.objects.create(task=task, author=coordinator, kind=TaskEvent.Kind.CREATED, new_value=Task.Status.OPEN)
            if spec["status"] != Task.Status.OPEN:
                TaskEvent.objects.create(task=task, author=people[0] if people else coordinator, kind=TaskEvent.Kind.STATUS,
                                         old_value=Task.Status.OPEN, new_value=spec["status"])
            if "comment" in spec:
                TaskEvent.objects.create(task=task, author=ctx.users[spec["comment"]["author"]],
                                         kind=TaskEvent.Kind.COMMENT, text=spec["comment"]["text"])
