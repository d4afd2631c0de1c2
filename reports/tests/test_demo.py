"""``seed_demo`` gives the report something in every section, and seeding twice changes nothing."""
from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command

from meetings.models import AgendaItem, Attachment, Decision
from projects.models import Project
from reports import selectors
from reports.figures import Period
from reports.models import SignedSheet
from workgroups.models import Task

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (Task.objects.count(), Decision.objects.filter(task__isnull=False).count(), SignedSheet.objects.count(),
            Attachment.objects.count(), AgendaItem.objects.count())


def test_the_demo_report_has_something_in_every_section(client: Any) -> None:
    call_command("seed_demo", password="x", stdout=io.StringIO())
    project = Project.objects.get(slug="administration-go-europe")
    report = selectors.project_report(project, Period.of(project))
    assert report.meetings and report.participants_total >= 7
    assert report.mobilities_total > 0 and report.contracted_total == 50
    assert sum(r.counts.total for r in report.work_groups) >= 10
    assert {str(a.status) for a in report.actions} >= {"done", "late", "open", "recorded"}
    assert report.decisions.decisions >= 5 and any(a.task is not None and a.decision is not None for a in report.actions)
    assert report.dissemination.published >= 1 and report.dissemination.public >= 1
    assert report.documents
    assert report.deadlines_ahead

    record = selectors.meeting_record(report.meetings[0].meeting)
    assert record.signed_sheet is not None and record.photos and record.agenda and record.minutes
    assert any(p.mobility for _org, people in record.participants for p in people)

    before = _counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert _counts() == before
