"""The demo partnership's work groups: a believable state on the demo timeline, seeded idempotently."""
from __future__ import annotations

from io import StringIO

import pytest
from django.utils import timezone

from projects import demo as project_demo
from projects.models import Person
from workgroups import demo
from workgroups.models import Task, TaskEvent, WorkGroup
from workgroups.reminders import plan

pytestmark = pytest.mark.django_db


def _seed() -> project_demo.DemoContext:
    ctx = project_demo.DemoContext(password="demo-password-1", historical=False, today=timezone.localdate(), out=StringIO())
    project_demo.seed(ctx)
    demo.seed(ctx)
    return ctx


def test_the_demo_has_the_magdeburg_work_groups_with_done_overdue_and_due_tasks():
    ctx = _seed()
    assert WorkGroup.objects.filter(project=ctx.project).count() == 4
    tasks = list(Task.objects.select_related("work_group__project"))
    assert sum(t.status == Task.Status.DONE for t in tasks) >= 2
    assert sum(t.is_overdue() for t in tasks) == 1
    assert any(t.responsible_organisations.exists() for t in tasks)
    # Something is due for a reminder right now, as the demo's reminder email shows (at
    # the person's hour: reminded at midnight, the test passes at any hour of the run).
    Person.objects.update(reminder_hour=0)
    assert plan(timezone.now())


def test_seeding_the_demo_twice_creates_nothing_new():
    _seed()
    counts = (WorkGroup.objects.count(), Task.objects.count(), TaskEvent.objects.count())
    _seed()
    assert (WorkGroup.objects.count(), Task.objects.count(), TaskEvent.objects.count()) == counts
