"""A partner clears a task from the dashboard in a real browser."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import browser_login
from workgroups.models import Task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_partner_marks_a_task_done_and_it_leaves_the_dashboards_open_list(page, partner, make_task):
    today = timezone.localdate()
    done = make_task(today - timedelta(days=1), people=(partner,), title="Send the list of participants")
    make_task(today + timedelta(days=5), people=(partner,), title="Book the hotel in Eger")

    browser_login(page, partner.email)
    page.goto("/en/dashboard/")
    panel = page.locator("#my-open-tasks")
    row = panel.locator(f'li[data-task="{done.pk}"]')
    assert "Overdue" in row.inner_text()
    row.get_by_role("button", name="Mark done").click()

    page.wait_for_url("**/en/dashboard/")
    assert "Send the list of participants" not in panel.inner_text()
    assert "Book the hotel in Eger" in panel.inner_text()
    assert "is now: Done" in page.locator(".messages").inner_text()
    done.refresh_from_db()
    assert done.status == Task.Status.DONE
