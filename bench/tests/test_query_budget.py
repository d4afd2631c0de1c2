"""The pages the benchmark drives stay within 12 queries, however much data there is.

The partner of the benchmark's data set (bench/seed.py) is measured on each page; then
their projects get twice as many meetings, tasks, news articles and discussions, and
every page must cost exactly as many queries as before. Seconds are the benchmark's
business (make bench); queries are checked here.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.seed import BENCH_PARTNER_EMAIL, Seeder

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
    return {name: path for name, path in pages.items() if path}


def _queries(client: Any, path: str) -> int:
    """Queries of rendering the page."""
    client.get(path)  # warm per-process caches, as a running server has them
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(ctx.captured_queries)


def _double_the_data(user: Any) -> None:
    """Copy every meeting, task, article and discussion of the partner's projects once."""
    from django.apps import apps

    from meetings.models import Meeting, Participation
    from projects import permissions
    from workgroups.models import Task

    project_ids = permissions.member_project_ids(user)
    for meeting in list(Meeting.objects.filter(project_id__in=project_ids)):
        parts = list(meeting.participations.all())
        meeting.pk = None
        meeting.starts_at += timedelta(days=3)
        meeting.ends_at += timedelta(days=3)
        meeting.save()
        Participation.objects.bulk_create([Participation(meeting=meeting, user_id=p.user_id, response=p.response) for p in parts])
    through = Task.responsible_people.through
    for task in list(Task.objects.filter(work_group__project_id__in=project_ids).prefetch_related("responsible_people")):
        people = list(task.responsible_people.all())
        task.pk = None
        task.save()
        through.objects.bulk_create([through(task_id=task.pk, user_id=p.pk) for p in people])
    Article = apps.get_model("news", "Article")
    for article in list(Article.objects.filter(project_id__in=project_ids)):
        article.pk = None
        article.slug = f"{article.slug}-copy"
        article.save()
    Thread = apps.get_model("communication", "Thread")
    Post = apps.get_model("communication", "Post")
    for thread in list(Thread.objects.filter(project_id__in=project_ids)):
        posts = list(thread.posts.all())
        thread.pk = None
        thread.save()
        Post.objects.bulk_create([Post(thread=thread, author_id=p.author_id, body=p.body, body_html=p.body_html) for p in posts])


@pytest.mark.django_db
def test_the_benchmark_pages_cost_the_same_few_queries_with_twice_the_data(client):
    Seeder(0.01, out=lambda _line: None).run()
    user = get_user_model().objects.select_related("person").get(email=BENCH_PARTNER_EMAIL)
    client.force_login(user)
    pages = _pages(user)
    before = {name: _queries(client, path) for name, path in pages.items()}

    _double_the_data(user)
    after = {name: _queries(client, path) for name, path in pages.items()}

    assert after == before, f"queries grew with the data: {before} -> {after}"
    assert {n: q for n, q in before.items() if q > BUDGET} == {}, f"over {BUDGET} queries: {before}"

