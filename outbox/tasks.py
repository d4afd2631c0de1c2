from __future__ import annotations

from celery import shared_task

from outbox import services


@shared_task(name="outbox.tasks.deliver", ignore_result=True)
def deliver(ids: list[int]) -> dict[str, int]:
    """Send the given outgoing emails; rows already claimed or sent are skipped."""
    return services.deliver(ids)


@shared_task(name="outbox.tasks.sweep_outbox", ignore_result=True)
def sweep_outbox() -> dict[str, int]:
    """Periodic catch-up: retries after backoff, rows the broker never saw, dead claims."""
    return services.sweep()
