"""The coordinators' admin is the portal's: its emblem and stylesheet, people by name, labelled fields."""
from __future__ import annotations

import re

import pytest
from django.urls import reverse

from meetings.models import Decision
from meetings.tests.factories import make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(project, coordinator, partner):
    meeting = make_meeting(project, title="Second partner meeting")
    Decision.objects.create(meeting=meeting, order=1, title="Questionnaire", owner=partner)
    return meeting


def _options(html: str, select_id: str) -> list[str]:
    select = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select #{select_id}"
    return [re.sub(r"\s+", " ", text).strip() for text in re.findall(r"<option[^>]*>(.*?)</option>", select.group(1), re.S)]


def test_the_decision_owner_and_participants_are_chosen_by_name(client, coordinator, partner, meeting):
    client.force_login(coordinator)
    html = client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk])).content.decode()
    owners = _options(html, "id_decisions-0-owner")
    assert "Katrin Hoffmann" in owners and "Inese Kalniņa" in owners
    assert not any("@" in option for option in owners)
    assert owners[1:] == sorted(owners[1:])  # by first name, after the empty choice


def test_the_admin_wears_the_portal_header_and_labels_every_inline_field(client, coordinator, meeting):
    client.force_login(coordinator)
    html = client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk])).content.decode()
    assert "css/admin.css" in html and "img/eu-emblem.svg" in html
    assert 'id="nav-sidebar"' not in html  # the form gets the width
    # Every input of the programme's table has a label naming its column.
    for field in ("order", "day", "start_time", "title", "description", "responsible_organisation", "work_group"):
        assert f'for="id_agenda_items-0-{field}"' in html, field


def test_split_date_and_time_inputs_have_labels(client, coordinator):
    client.force_login(coordinator)
    html = client.get(reverse("admin:news_article_add")).content.decode()
    assert 'for="id_publish_at_0"' in html and 'for="id_publish_at_1"' in html
