"""Small builders shared by the meetings tests."""
from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from PIL import Image

from meetings.models import Meeting


def jpeg_bytes(size: tuple[int, int] = (40, 30), colour: tuple[int, int, int] = (0, 51, 153)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="JPEG")
    return buffer.getvalue()


def make_meeting(project: Any, *, starts_at: datetime | None = None, hours: int = 8, **kwargs: Any) -> Meeting:
    starts_at = starts_at or timezone.now() + timedelta(days=30)
    defaults = {"title": "Partner meeting", "venue_time_zone": "Europe/Berlin", "city": "Magdeburg", "country": "DE"}
    defaults.update(kwargs)
    return Meeting.objects.create(project=project, starts_at=starts_at, ends_at=starts_at + timedelta(hours=hours), **defaults)
