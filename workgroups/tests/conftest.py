"""People and tasks for the work-group tests, built through the same services the portal uses."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
from django.db import transaction

from conftest import PASSWORD
from outbox.models import OutgoingEmail
from workgroups import services
from workgroups.models import Task, WorkGroup


def at(iso: str) -> datetime:
    """An aware moment from an ISO string with offset, e.g. "2026-03-29T05:00+00:00"."""
    moment = datetime.fromisoformat(iso)
    assert moment.tzinfo is not None, "give the offset: the sweep's moments are never naive"
    return moment


@pytest.fixture
def dane(project: Any) -> Any:
    """A partner member in Vejle, Denmark, reading Danish, in Copenhagen's time zone."""
    from projects.models import Organisation, Partner
    from projects.services import add_membership, create_user

    org = Organisation.objects.create(name="Municipality of Vejle", kind="municipality", country="DK", city="Vejle")
    Partner.objects.create(project=project, organisation=org, role="partner")
    user = create_user(
        "mette@vejle.example", first_name="Mette", last_name="Jensen", password=PASSWORD,
        organisation=org, language="da", time_zone="Europe/Copenhagen",
    )
    add_membership(user, project, "member")
    return user


@pytest.fixture
def work_group(project: Any, coordinator: Any, partner: Any, partner_organisation: Any) -> WorkGroup:
    """Led by Magdeburg: the partner (a member of the group from the lead organisation) leads it."""
    group = WorkGroup.objects.create(
        project=project, name="Skills and training needs", purpose="Identify the skills local governments need.",
        lead_organisation=partner_organisation,
    )
    group.members.add(coordinator, partner)
    return group


@pytest.fixture
def make_task(work_group: WorkGroup, coordinator: Any) -> Callable[..., Task]:
    counter = {"n": 0}

    def make(
        deadline: date, *, people: tuple[Any, ...] = (), organisations: tuple[Any, ...] = (),
        title: str | None = None, status: str = Task.Status.OPEN, group: WorkGroup | None = None,
    ) -> Task:
        counter["n"] += 1
        with transaction.atomic():
            task = services.create_task(
                group or work_group, title=title or f"Task {counter['n']}", deadline=deadline, by=coordinator,
                responsible_people=people, responsible_organisations=organisations, status=status,
            )
            # The tests of reminders count reminder emails: the assignment emails of their
            # set-up go in the same transaction, so none reaches the worker
            # (test_task_emails.py tests those).
            links = Task.responsible_people.through.objects.filter(task=task).values_list("pk", flat=True)
            OutgoingEmail.objects.filter(key__in=[f"workgroups:assigned:{pk}" for pk in links]).delete()
        return task

    return make
