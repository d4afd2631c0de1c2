from __future__ import annotations

from celery import shared_task

from inbound import services


@shared_task(ignore_result=True)
def poll_inbound() -> dict[str, int]:
    """Read the portal's mailbox (beat runs it every minute); nothing when it is not configured."""
    return services.poll()
