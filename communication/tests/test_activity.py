"""The activity feed: what happened, newest first, with a flat number of queries."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone as dt_timezone

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communication import activity, discussions, documents
from communication.models import Activity
from communication.tests.conftest import upload

pytestmark = pytest.mark.django_db


def _make_activity(project, people, work_group, n: int) -> None:
    for i in range(n):
        who = people[i % len(people)]
        if i % 3 == 0:
            thread = discussions.start_thread(project, who, f"Topic {i}", "text", work_group=work_group if i % 2 else None)
        elif i % 3 == 1:
            thread = project.threads.first()
            discussions.reply(thread, who, f"Reply {i}")
        else:
            documents.add_document(project, who, title=f"Doc {i}", upload=upload(f"d{i}.txt", b"x\n"),
                                  work_group=work_group)


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200
    return len(ctx.captured_queries)


def test_activity_page_and_dashboard_queries_stay_flat_as_activity_grows(
    client, project, coordinator, partner, work_group, django_assert_max_num_queries
):
    client.force_login(partner)
    _make_activity(project, [coordinator, partner], work_group, 5)
    few_page = _queries(client, "/en/discussions/p/age/activity/")
    few_dashboard = _queries(client, "/en/dashboard/")
    _make_activity(project, [coordinator, partner], work_group, 50)
    assert Activity.objects.count() >= 55
    assert _queries(client, "/en/discussions/p/age/activity/") == few_page
    assert _queries(client, "/en/dashboard/") == few_dashboard
    with django_assert_max_num_queries(8):
        client.get("/en/discussions/p/age/activity/?page=2")


def test_feed_lists_newest_first_and_paginates(client, project, coordinator, partner):
    base = timezone.now() - timedelta(days=10)
    for i in range(30):
        discussions.start_thread(project, partner, f"Thread number {i:02d}", "text", at=base + timedelta(hours=i))
    client.force_login(coordinator)
    first = client.get("/en/discussions/p/age/activity/").content.decode()
    assert first.index("Thread number 29") < first.index("Thread number 28")
    assert "Thread number 04" not in first
    second = client.get("/en/discussions/p/age/activity/?page=2").content.decode()
    assert "Thread number 04" in second and "Thread number 29" not in second


def test_threads_replies_and_documents_enter_the_feed(client, project, coordinator, partner, thread):
    discussions.reply(thread, partner, "Danke!")
    documents.add_document(project, partner, title="Work programme", upload=upload("wp.txt", b"wp\n"))
    kinds = list(Activity.objects.filter(project=project).values_list("kind", flat=True))
    assert kinds == ["document", "reply", "thread"]
    client.force_login(coordinator)
    page = client.get("/lv/discussions/p/age/activity/").content.decode()
    assert f'href="/lv/discussions/t/{thread.pk}/' in page  # links follow the reader's language
    assert "Katrin Hoffmann" in page


def test_done_tasks_meeting_minutes_and_published_news_enter_the_feed(project, coordinator, partner, work_group):
    from meetings.models import Meeting
    from workgroups.models import Task

    task = Task.objects.create(work_group=work_group, title="Send skills questionnaire", deadline=date(2012, 11, 30))
    assert not Activity.objects.filter(kind="task_done").exists()
    task.status = "done"
    task.completed_on = date(2012, 11, 20)
    task.save()
    done = Activity.objects.get(kind="task_done")
    assert done.title == "Send skills questionnaire" and done.work_group == work_group

    start = datetime(2012, 10, 4, 7, tzinfo=dt_timezone.utc)
    meeting = Meeting.objects.create(project=project, title="Partner meeting in Magdeburg", starts_at=start,
                                     ends_at=start + timedelta(days=2))
    assert not Activity.objects.filter(kind="minutes").exists()
    meeting.minutes = "Decisions: work groups formed."
    meeting.save()
    meeting.save()
    assert Activity.objects.filter(kind="minutes", title="Partner meeting in Magdeburg").count() == 1

    from news.models import Article

    article = Article(project=project, slug="magdeburg", title="Partners met in Magdeburg", status="draft")
    article.save()
    assert not Activity.objects.filter(kind="news").exists()
    article.status = "published"
    article.publish_at = timezone.now() + timedelta(hours=2)
    article.save()
    scheduled = Activity.objects.get(kind="news")
    assert scheduled not in activity.activity_feed(coordinator, project)  # appears at its publish time
    Activity.objects.filter(pk=scheduled.pk).update(at=timezone.now() - timedelta(minutes=1))
    assert scheduled in activity.activity_feed(coordinator, project)


def test_deleting_a_thread_removes_its_activity(project, partner, thread):
    discussions.reply(thread, partner, "x")
    assert Activity.objects.count() == 2
    thread.delete()
    assert Activity.objects.count() == 0


def test_an_article_becoming_published_records_its_activity_and_unpublishing_removes_it(client, project, coordinator, partner):
    from news.models import Article

    article = Article.objects.create(project=project, slug="vejle", title_en="Seminar in Vejle", title_lv="Seminārs Vejlē",
                                     status="draft", author=coordinator)
    assert not Activity.objects.filter(kind="news").exists()

    published_at = timezone.now() - timedelta(hours=1)
    article.status = "published"
    article.publish_at = published_at
    article.save()
    activity = Activity.objects.get(kind="news")
    assert (activity.title, activity.actor, activity.at) == ("Seminar in Vejle", coordinator, published_at)
    assert activity.titles["lv"] == "Seminārs Vejlē" and activity.url == article.url_in("en")
    client.force_login(partner)
    page = client.get("/lv/discussions/p/age/activity/").content.decode()
    assert "Seminārs Vejlē" in page

    article.status = "draft"
    article.save()
    assert not Activity.objects.filter(kind="news").exists()
