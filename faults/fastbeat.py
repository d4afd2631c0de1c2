"""The portal's Celery app with its beat schedule sped up (every 2 seconds), so that
the fault tests see many periodic rounds in a short time. Same tasks, same names."""
from __future__ import annotations

from agepartners.celery import app

app.conf.beat_schedule = {
    name: {**entry, "schedule": 2.0} for name, entry in app.conf.beat_schedule.items()
}

__all__ = ["app"]
