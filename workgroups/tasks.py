from __future__ import annotations

from celery import shared_task

from workgroups import reminders


@shared_task(name="workgroups.tasks.sweep_deadline_reminders", ignore_result=True)
def sweep_deadline_reminders() -> dict[str, int]:
    """Beat runs this every 15 minutes; the digests go to the outbox, delivered after commit."""
    result = reminders.sweep()
    return {"reminders": len(result.planned), "emails": len(result.email_ids)}
