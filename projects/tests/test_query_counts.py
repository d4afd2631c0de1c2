"""The dashboard and the project page cost the same number of queries whether a project
has 5 or 500 tasks, meetings and news items."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

pytestmark = pytest.mark.django_db

BUDGET = 40  # the project pages need far fewer
DASHBOARD_BUDGET = 10  # session, user, roles, person, projects, the panels' meetings, tasks, news, links, activity


def _grow(project: Any, user: Any, count: int, start: int) -> None:
    """Add ``count`` tasks for ``user``, meetings and public news to ``project`` (bulk)."""
    from meetings.models import Meeting, Participation
    from workgroups.models import Task, WorkGroup

    now = timezone.now()
    group, _created = WorkGroup.objects.get_or_create(project=project, name="Training needs analysis")
    group.members.add(user)
    tasks = Task.objects.bulk_create(
        Task(work_group=group, title=f"Task {i}", deadline=(now + timedelta(days=i % 40 - 5)).date()) for i in range(start, start + count)
    )
    Task.responsible_people.through.objects.bulk_create(
        Task.responsible_people.through(task_id=task.pk, user_id=user.pk) for task in tasks
    )
    meetings = Meeting.objects.bulk_create(
        Meeting(project=project, title=f"Meeting {i}", starts_at=now + timedelta(days=i + 1),
                ends_at=now + timedelta(days=i + 2), venue_time_zone="Europe/Berlin")
        for i in range(start, start + count)
    )
    Participation.objects.bulk_create(Participation(meeting=m, user=user, response="attending") for m in meetings)
    if apps.is_installed("news"):
        from news.models import Article

        Article.objects.bulk_create(
            Article(project=project, slug=f"news-{i}", original_language="en", title_en=f"News {i}", body_en="Text.",
                    status=Article.Status.PUBLISHED, audience=Article.Audience.PUBLIC,
                    publish_at=now - timedelta(hours=i + 1))
            for i in range(start, start + count)
        )


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", ["/en/dashboard/", "/en/projects/age/", "/en/projects/age/partners/"])
def test_page_costs_the_same_queries_with_5_or_500_items(client: Any, project: Any, partner: Any, coordinator: Any,
                                                          url: str, django_assert_max_num_queries: Any) -> None:
    client.force_login(partner)
    _grow(project, partner, 5, start=0)
    small = _queries(client, url)
    _grow(project, partner, 495, start=5)
    with django_assert_max_num_queries(DASHBOARD_BUDGET if url == "/en/dashboard/" else BUDGET):
        large = _queries(client, url)
    assert large == small, f"{url}: {small} queries with 5 items, {large} with 500"


def test_project_page_for_anonymous_visitors_stays_small(client: Any, project: Any, partner: Any, django_assert_max_num_queries: Any) -> None:
    _grow(project, partner, 50, start=0)
    with django_assert_max_num_queries(6):
        response = client.get("/en/projects/age/")
    assert "News 0" in response.content.decode()  # latest public news are listed
