"""A coordinator invites a partner in the admin; the partner follows the emailed link,
chooses a password and lands on the dashboard, already a member."""
from __future__ import annotations

import re
from typing import Any

import pytest

from conftest import body_text, browser_login
from projects.models import Membership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_invites_a_partner_who_joins_through_the_emailed_link(
    page: Any, live_server: Any, settings: Any, coordinator: Any, project: Any, partner_organisation: Any,
    smtp_server: Any, celery_worker: Any,
) -> None:
    settings.SITE_URL = live_server.url

    browser_login(page, coordinator.email)
    page.wait_for_url(re.compile(r"/dashboard/$"))
    page.goto("/en/admin/projects/invitation/add/")
    page.fill("#id_first_name", "Thomas")
    page.fill("#id_last_name", "Krüger")
    page.fill("#id_email", "thomas.krueger@magdeburg.example")
    page.select_option("#id_organisation", label="City of Magdeburg")
    page.fill("#id_position", "Head of training")
    page.select_option("#id_project", label="Administration go Europe!")
    page.select_option("#id_role", "member")
    page.select_option("#id_language", "de")
    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r"/admin/projects/invitation/$"))
    assert "Thomas Krüger" in page.content()

    [message] = smtp_server.wait_for(1)
    assert message["To"] == "thomas.krueger@magdeburg.example"
    link = re.search(rf"{re.escape(live_server.url)}/de/invitations/\S+/", body_text(message)).group(0)

    page.context.clear_cookies()  # the partner's own browser
    page.goto(link)
    page.fill("input[name=password1]", "Magdeburg-Partner-2012")
    page.fill("input[name=password2]", "Magdeburg-Partner-2012")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/de/dashboard/$"))

    assert page.locator("h1").inner_text() == "Übersicht"
    assert page.get_by_role("link", name="Administration go Europe!").is_visible()
    assert Membership.objects.filter(project=project, user__email="thomas.krueger@magdeburg.example", role="member").exists()
