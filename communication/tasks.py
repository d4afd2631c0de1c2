from __future__ import annotations

from celery import shared_task

from communication import notifications


@shared_task(name="communication.tasks.send_daily_digests", ignore_result=True)
def send_daily_digests() -> int:
    """Hourly from beat: each person in digest mode gets one email a day at their reminder hour."""
    return notifications.send_daily_digests()
