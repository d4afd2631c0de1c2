"""The meetings panel of the dashboard: the next meetings and the viewer's answer."""
from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Subquery
from django.http import HttpRequest
from django.utils import timezone

from meetings.models import Meeting, Participation
from projects import permissions

ROWS = 3


def panel(request: HttpRequest) -> dict[str, Any] | None:
    if not request.user.is_authenticated:
        return None
    answer = Participation.objects.filter(meeting=OuterRef("pk"), user=request.user).values("response")[:1]
    rows = (
        permissions.scope_for_member(Meeting.objects.all(), request.user)
        .filter(ends_at__gt=timezone.now())
        .exclude(status=Meeting.Status.CANCELLED)
        .annotate(my_response=Subquery(answer))
        .order_by("starts_at", "pk")
        # Only what the panel shows, as plain values (no model instances of every column).
        .values("pk", "title", "starts_at", "venue_time_zone", "city", "my_response")[:ROWS]
    )
    labels = dict(Participation.Response.choices)
    no_answer = Participation.Response.NO_ANSWER
    return {"meetings": [dict(row, my_response_label=labels.get(row["my_response"] or no_answer)) for row in rows]}
