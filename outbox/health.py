"""Is email leaving? The outbox's part of /healthz.

Three questions, each with a threshold from the settings (README, "Monitoring"):
how long the oldest due email has waited (a dead worker, an unreachable mail server),
when beat last published a periodic task (nothing is retried without it), and whether a
worker answered recently (its heartbeat, or else a ping over the broker).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from outbox.models import Heartbeat
from outbox.services import oldest_due_age, record_heartbeat


@dataclass(frozen=True)
class OutboxHealth:
    oldest_due: timedelta | None
    beat_at: datetime | None
    worker_at: datetime | None
    worker_answered: bool

    @property
    def outbox_ok(self) -> bool:
        return self.oldest_due is None or self.oldest_due.total_seconds() <= settings.HEALTHZ_OUTBOX_MAX_AGE

    @property
    def beat_ok(self) -> bool:
        return _recent(self.beat_at, settings.HEALTHZ_BEAT_MAX_AGE)

    @property
    def ok(self) -> bool:
        return self.outbox_ok and self.beat_ok and self.worker_answered

    def as_dict(self) -> dict[str, Any]:
        return {
            "outbox": "ok" if self.outbox_ok else "stuck",
            "outbox_oldest_due_seconds": None if self.oldest_due is None else round(self.oldest_due.total_seconds()),
            "beat": "ok" if self.beat_ok else "late",
            "beat_last_run": _iso(self.beat_at),
            "worker": "ok" if self.worker_answered else "unavailable",
            "worker_last_seen": _iso(self.worker_at),
        }


def _recent(moment: datetime | None, max_age: int) -> bool:
    return moment is not None and (timezone.now() - moment).total_seconds() <= max_age


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="seconds")


def outbox_health(broker_ok: bool) -> OutboxHealth:
    beats = dict(Heartbeat.objects.values_list("name", "at"))
    worker_at = beats.get("worker")
    answered = _recent(worker_at, settings.HEALTHZ_WORKER_MAX_AGE)
    if not answered and broker_ok:
        # An idle worker writes no heartbeat (beat may be what is down): ask the workers over
        # the broker; the first answer is enough (one second at most).
        from agepartners.celery import app

        try:
            answered = bool(app.control.ping(timeout=1.0, limit=1))
        except Exception:  # an unreachable broker is reported by /healthz's broker part
            answered = False
        if answered:
            record_heartbeat("worker")
            worker_at = timezone.now()
    return OutboxHealth(oldest_due_age(), beats.get("beat"), worker_at, answered)
