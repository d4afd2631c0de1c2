"""The report's charts in a real browser, under the portal's CSP (no unsafe-inline)."""
from __future__ import annotations

from typing import Any

import pytest

from conftest import browser_login
from reports.tests.builders import build_small

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_charts_draw_without_a_single_csp_violation(page: Any, project: Any, coordinator: Any, partner: Any,
                                                        organisation: Any, partner_organisation: Any) -> None:
    build_small(project, coordinator, partner, organisation, partner_organisation)
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    browser_login(page, coordinator.email)
    page.wait_for_url("**/dashboard/")
    page.goto(f"/en/reports/projects/{project.slug}/report/")
    charts = page.locator("svg.chart")
    assert charts.count() == 3
    for i in range(3):
        box = charts.nth(i).bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 50
    # The bars take their colour from the vendored stylesheet, not from inline styles.
    fill = page.locator("svg.chart rect.bar-mobility").nth(1).evaluate("e => getComputedStyle(e).fill")
    assert fill == "rgb(0, 51, 153)"
    page.get_by_text("The figures as a table").first.click()
    assert page.locator("details.chart-table-details table").first.is_visible()
    page.goto(f"/en/projects/{project.slug}/")
    assert page.locator("svg.chart").count() == 3
    assert not [p for p in problems if "Content Security Policy" in p], problems
