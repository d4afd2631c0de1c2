from __future__ import annotations

from celery import shared_task

from meetings import reminders


@shared_task(name="meetings.tasks.sweep_meeting_reminders", ignore_result=True)
def sweep_meeting_reminders() -> int:
    """Every 15 minutes (beat): queue the meeting reminders whose time has come."""
    return reminders.send_meeting_reminders()
