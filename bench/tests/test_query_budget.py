"""The pages the benchmark drives stay within 12 queries, however much data there is.

The partner of the benchmark's data set (bench/seed.py) is measured on each page; then
their projects get twice as many meetings, tasks, news articles and discussions, and
every page must cost exactly as many queries as before. Seconds are the benchmark's
business (make bench); queries are checked here.
"""
from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.seed import BENCH_PARTNER_EMAIL, Seeder, double_projects
from projects import permissions

BUDGET = 12


def _pages(user: Any) -> dict[str, str]:
    """The benchmark's pages for ``user`` (bench/driver.py picks them the same way)."""
    from django.utils import translation

    from bench import driver

    pages = {}
    with translation.override(user.person.language):
        from django.urls import reverse

        pages["dashboard"] = reverse("dashboard")
        pages["my tasks"] = driver._reverse_first(["workgroups:my_tasks"])
        from meetings.models import Meeting

        meeting = Meeting.objects.filter(participations__user=user).order_by("-starts_at").first()
        pages["meeting detail"] = driver._reverse_first(["meetings:detail"], (meeting.pk,))
        article = driver._bench_article(user)
        if article is not None:
            pages["news detail"] = article.get_absolute_url()
    with translation.override("lv"):
        pages["news list (lv)"] = driver._reverse_first(["news:list"])
    pages["calendar feed"] = driver._feed_url(user.person)
    pages["healthz"] = "/healthz"
    from outbox.services import record_heartbeat

    for part in ("beat", "worker"):  # /healthz is 200 while they run
        record_heartbeat(part)
    return {name: path for name, path in pages.items() if path}


def _queries(client: Any, path: str) -> int:
    """Queries of rendering the page."""
    client.get(path)  # warm per-process caches, as a running server has them
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_the_benchmark_pages_cost_the_same_few_queries_with_twice_the_data(client):
    Seeder(0.01, out=lambda _line: None).run()
    user = get_user_model().objects.select_related("person").get(email=BENCH_PARTNER_EMAIL)
    client.force_login(user)
    pages = _pages(user)
    before = {name: _queries(client, path) for name, path in pages.items()}

    double_projects(permissions.member_project_ids(user))
    after = {name: _queries(client, path) for name, path in pages.items()}

    assert after == before, f"queries grew with the data: {before} -> {after}"
    assert {n: q for n, q in before.items() if q > BUDGET} == {}, f"over {BUDGET} queries: {before}"

