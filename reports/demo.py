"""Demo data for the reports: the Magdeburg decisions followed up as tasks, and the
signed attendance sheet of that meeting, so that every section of the report and of the
meeting record has something to show (seeded last, after the other apps' demos)."""
from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile

from communication.demo import simple_pdf
from meetings.models import Attachment, Decision, Meeting
from meetings.services import create_task_for_decision
from reports.models import SignedSheet
from workgroups.models import Task, WorkGroup

SHEET_NAME = "attendance-signed.pdf"

# decision order -> the work group's task that follows it up (None: the decision creates
# its own task in the group named)
FOLLOW_UP = {
    2: ("Skills and training needs", "Run the skills questionnaire in each partner municipality"),
    3: ("Internationalisation strategies", "Compare the municipalities' internationalisation strategies"),
    4: ("Communication and dissemination", None),
}


def seed(ctx: Any) -> None:
    meeting = Meeting.objects.filter(project=ctx.project, title="First partner meeting").first()
    if meeting is None:
        return
    for order, (group_name, task_title) in FOLLOW_UP.items():
        decision = Decision.objects.filter(meeting=meeting, order=order).select_related("owner__person__organisation").first()
        group = WorkGroup.objects.filter(project=ctx.project, name=group_name).first()
        if decision is None or group is None or decision.task_id:
            continue
        if task_title is None:
            decision.work_group = group
            decision.save(update_fields=["work_group"])
            create_task_for_decision(decision, by=ctx.users["coordinator"])
        else:
            task = Task.objects.filter(work_group=group, title=task_title).first()
            if task is not None and not hasattr(task, "decision"):
                decision.work_group, decision.task = group, task
                decision.save(update_fields=["work_group", "task"])
    if not SignedSheet.objects.filter(attachment__meeting=meeting).exists():
        content = ContentFile(simple_pdf("Attendance sheet - First partner meeting, Magdeburg (signed)"), name=SHEET_NAME)
        scan = Attachment(
            meeting=meeting, kind=Attachment.Kind.DOCUMENT, caption="Signed attendance sheet",
            uploaded_by=ctx.users["coordinator"], original_name=SHEET_NAME, content_type="application/pdf",
            size=content.size,
        )
        scan.file.save(SHEET_NAME, content, save=False)
        scan.save()
        SignedSheet.objects.create(attachment=scan)
