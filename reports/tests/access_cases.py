"""Access-matrix cases for every URL of the reports app (see projects/tests/access.py)."""
from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from meetings.models import Meeting
from projects.tests.access import Case, World


def build(world: World) -> list[Case]:
    project = world.project
    start = timezone.now() - timedelta(days=30)
    held = Meeting.objects.create(
        project=project, title="Matrix meeting held", starts_at=start, ends_at=start + timedelta(hours=8),
        venue_time_zone="Europe/Berlin", city="Magdeburg", country="DE", status=Meeting.Status.HELD,
    )
    base = f"/en/reports/projects/{project.slug}"
    coordinators_only = dict(observer=404, member=404)
    return [
        # Members (observers too) read the action log and a meeting's record.
        Case("reports:action_log", f"{base}/actions/"),
        Case("reports:action_log_csv", f"{base}/actions.csv"),
        Case("reports:action_log_xlsx", f"{base}/actions.xlsx"),
        Case("reports:meeting_record", f"/en/reports/meetings/{held.pk}/record.pdf"),
        # The report, the bulk export and preparing the next meeting are the coordinators'.
        Case("reports:report", f"{base}/report/", **coordinators_only),
        Case("reports:report_pdf", f"{base}/report.pdf", **coordinators_only),
        Case("reports:report_xlsx", f"{base}/report.xlsx", **coordinators_only),
        Case("reports:records_zip", f"{base}/records.zip", **coordinators_only),
        # No coming meeting in the matrix world: back to the action log with a message.
        Case("reports:carry_open_actions", f"{base}/actions/carry/", method="post",
             observer=404, member=404, coordinator=302, superuser=302),
    ]
