"""The demo partnership's meetings: Magdeburg held, Eger planned; seeding twice changes nothing."""
from __future__ import annotations

import io
from datetime import date

import pytest
from django.utils import timezone

from meetings import demo as meetings_demo
from meetings.models import AgendaItem, Attachment, Decision, Meeting, Participation
from projects import demo as projects_demo

pytestmark = pytest.mark.django_db


def _seed() -> projects_demo.DemoContext:
    ctx = projects_demo.DemoContext(password="x", historical=False, today=timezone.localdate(), out=io.StringIO())
    projects_demo.seed(ctx)
    meetings_demo.seed(ctx)
    return ctx


def _counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Meeting, AgendaItem, Participation, Decision, Attachment))


def test_demo_meetings_tell_the_story_of_the_partnership_and_seed_idempotently(client):
    ctx = _seed()
    first = Meeting.objects.get(title=meetings_demo.FIRST_MEETING)
    second = Meeting.objects.get(title=meetings_demo.SECOND_MEETING)
    assert first.status == "held" and first.city == "Magdeburg"
    assert first.local_starts_at.date() == ctx.day(date(2012, 10, 4)) and first.local_starts_at.hour == 9
    assert first.starts_at < timezone.now() < second.starts_at
    countries = set(first.participations.filter(attended=True).values_list("user__person__organisation__country", flat=True))
    assert countries == {"LV", "DE", "HU", "IT", "DK"}
    assert first.decisions.count() >= 4 and first.minutes
    photo = first.attachments.get(kind="photo")
    assert photo.caption == "Participants of the first partner meeting" and photo.photo_consent
    assert second.status == "planned"
    assert second.participations.filter(invited_at__isnull=False).count() == len(meetings_demo.PARTICIPANTS)
    assert 0 < second.participations.exclude(response="no_answer").count() < len(meetings_demo.PARTICIPANTS)

    before = _counts()
    _seed()
    assert _counts() == before

    client.force_login(type(ctx.users["magdeburg"]).objects.get(pk=ctx.users["magdeburg"].pk))  # fresh: seeding reset the password
    response = client.get(f"/de/meetings/{first.pk}/")
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    page = response.content.decode()
    assert "Participants of the first partner meeting" in page
    assert client.get(f"/de/meetings/files/{photo.pk}/photo/")["Content-Type"] == "image/jpeg"
