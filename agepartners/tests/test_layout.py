"""Layout details a visitor notices: the funding statement once, the header without a "Go" button."""
from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from meetings.tests.factories import make_meeting

pytestmark = pytest.mark.django_db
STATEMENT = "This project has been funded with support from the European Commission."


def test_the_public_project_page_shows_the_funding_statement_once(client, project):
    with translation.override("en"):  # the English statement, whatever an earlier test left active
        url = reverse("project", args=[project.slug])
    html = client.get(url).content.decode()
    assert html.count(STATEMENT) == 1


def test_the_attendance_sheet_shows_the_funding_statement_once(client, project, coordinator):
    meeting = make_meeting(project)
    client.force_login(coordinator)
    html = client.get("/en" + reverse("meetings:attendance", args=[meeting.pk])[3:]).content.decode()
    assert html.count(STATEMENT) == 1


def test_each_language_is_a_button_of_its_own(client, project):
    html = client.get("/en/").content.decode()
    for code in ("lv", "de", "hu", "it", "da", "en"):
        assert f'name="language" value="{code}"' in html
    assert ">Go<" not in html
