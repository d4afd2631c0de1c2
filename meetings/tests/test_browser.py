"""A partner answers an invitation in a real browser."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import browser_login
from meetings.models import Participation
from meetings.tests.factories import make_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_partner_answers_the_invitation_with_travel_dates(page, project, partner):
    meeting = make_meeting(project, title="Second partner meeting", starts_at=timezone.now() + timedelta(days=40),
                           venue_time_zone="Europe/Budapest", city="Eger", country="HU")
    Participation.objects.create(meeting=meeting, user=partner, invited_at=timezone.now())
    first_day = meeting.local_starts_at.date()

    browser_login(page, partner.email)
    page.wait_for_url("**/dashboard/")
    page.goto("/en/meetings/")
    page.get_by_role("link", name="Second partner meeting").click()
    page.get_by_label("Yes, I will attend").check()
    page.get_by_label("Arrival").fill((first_day - timedelta(days=1)).isoformat())
    page.get_by_label("Departure").fill((first_day + timedelta(days=1)).isoformat())
    page.get_by_label("Notes for the host").fill("Vegetarian meals, please.")
    page.get_by_role("button", name="Save my answer").click()

    page.get_by_text("your answer is saved").wait_for()
    assert "Katrin Hoffmann" in page.locator("#who-heading + ul").inner_text()
    p = Participation.objects.get(meeting=meeting, user=partner)
    assert p.response == "attending" and p.arrival_date == first_day - timedelta(days=1)
    assert p.notes == "Vegetarian meals, please."
