from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from celery.signals import beat_init, before_task_publish

from outbox import services

log = logging.getLogger(__name__)


@shared_task(name="outbox.tasks.deliver", ignore_result=True)
def deliver(ids: list[int]) -> dict[str, int]:
    """Send the given outgoing emails; rows already claimed or sent are skipped."""
    services.record_heartbeat("worker")
    return services.deliver(ids)


@shared_task(name="outbox.tasks.sweep_outbox", ignore_result=True)
def sweep_outbox() -> dict[str, int]:
    """Periodic catch-up: retries after backoff, rows the broker never saw, dead claims."""
    services.record_heartbeat("worker")
    return services.sweep()


# Beat's heartbeat for /healthz: beat itself runs no task, so it notes each periodic task
# it publishes (the outbox sweep every OUTBOX_SWEEP_SECONDS). Beat imports this module
# like the worker does (Celery's autodiscovery), so the handlers are connected there.
_in_beat = False


@beat_init.connect
def _beat_started(sender: Any = None, **kwargs: Any) -> None:
    global _in_beat
    _in_beat = True
    _beat_alive()  # a beat just started is alive before its first period is over


@before_task_publish.connect
def _beat_published(sender: str | None = None, **kwargs: Any) -> None:
    if _in_beat:
        _beat_alive()


def _beat_alive() -> None:
    from django.db import connection

    try:
        services.record_heartbeat("beat")
    except services.DATABASE_GONE as exc:
        # Publishing goes on without the database; /healthz reports the database then.
        log.warning("Could not record beat's heartbeat: %s", exc)
        connection.close()

