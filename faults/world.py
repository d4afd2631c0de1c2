"""Data for the fault tests, built through the portal's own services."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

PASSWORD = "fault-test-password-2013"


@dataclass
class World:
    project: Any
    coordinator: Any
    partners: list[Any]
    tasks: list[Any]


def build(partners: int = 5, *, with_due_reminders: bool = True) -> World:
    """A partnership whose partners each have one task with a reminder due now.

    Each person is reminded 7 days ahead at midnight of their own time zone, and each
    deadline is 7 days from today: the reminder moment is today at 00:00, already past.
    """
    from projects.models import Organisation, Partner, Person, Project
    from projects.services import add_membership, create_user
    from workgroups.models import Task, WorkGroup

    org = Organisation.objects.create(name="Daugavpils City Council", kind="municipality", country="LV", city="Daugavpils")
    other = Organisation.objects.create(name="City of Magdeburg", kind="municipality", country="DE", city="Magdeburg")
    project = Project.objects.create(
        title="Administration go Europe!", slug="age", acronym="AGE", start_date=date(2012, 8, 1),
        end_date=date(2099, 7, 31), coordinating_organisation=org, time_zone="Europe/Riga",
    )
    Partner.objects.create(project=project, organisation=org, role="coordinator")
    Partner.objects.create(project=project, organisation=other, role="partner")
    coordinator = create_user("inese@daugavpils.example", first_name="Inese", last_name="Kalniņa", password=PASSWORD,
                              organisation=org, language="lv", time_zone="Europe/Riga")
    add_membership(coordinator, project, "coordinator")
    group = WorkGroup.objects.create(project=project, name="Public procurement")
    people, tasks = [], []
    deadline = timezone.localdate(timezone=project.tz) + timedelta(days=7)
    for i in range(partners):
        user = create_user(f"partner{i:03d}@magdeburg.example", first_name="Partner", last_name=f"{i:03d}",
                           password=PASSWORD, organisation=other, language="de", time_zone="Europe/Riga")
        add_membership(user, project, "member")
        Person.objects.filter(user=user).update(reminder_hour=0, reminder_days="7")
        people.append(user)
        if with_due_reminders:
            task = Task.objects.create(work_group=group, title=f"Collect procurement example {i:03d}", deadline=deadline,
                                       created_by=coordinator)
            task.responsible_people.add(user)
            tasks.append(task)
    return World(project, coordinator, people, tasks)


def advance_outbox_clock(seconds: int) -> None:
    """Simulate the passing of time for the outbox: every retry moment and claim moves
    ``seconds`` into the past, as if the clock had moved forward that much."""
    from datetime import timedelta as td

    from django.db.models import F

    from outbox.models import OutgoingEmail

    OutgoingEmail.objects.update(next_attempt_at=F("next_attempt_at") - td(seconds=seconds))
    OutgoingEmail.objects.filter(claimed_at__isnull=False).update(claimed_at=F("claimed_at") - td(seconds=seconds))


def queue_emails(count: int, prefix: str = "wave") -> list[int]:
    """``count`` emails recorded and handed to the worker after commit, as a digest wave
    is (one row each, queued in chunks by outbox.services.record_emails)."""
    from django.db import transaction

    from outbox.services import Draft, Rendered, record_emails

    drafts = [
        Draft(key=f"{prefix}:{i}", category="digest", to_email=f"{prefix}{i:04d}@magdeburg.example", language="de",
              rendered=Rendered(f"Zusammenfassung {i}", "Neues aus der Partnerschaft.\n", ""))
        for i in range(count)
    ]
    with transaction.atomic():
        rows = record_emails(drafts)
    return [row.pk for row in rows if row is not None]
