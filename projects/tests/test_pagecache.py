"""The per-viewer page cache (projects/pagecache.py) as partners notice it.

A page seen again comes from the cache; but whatever anyone changes shows on the next
load, nobody ever sees another person's page, forms on a cached page still post, a
one-time message shows once, and leaving a project closes its pages at once.
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from meetings.tests.factories import make_meeting
from projects import pagecache
from workgroups import services as task_services
from workgroups.models import WorkGroup

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _get(client: Client, path: str) -> tuple[str, int]:
    """The page's text and how many queries it cost."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode(), len(ctx.captured_queries)


def _warm(client: Client, path: str) -> None:
    """The first visit gets the browser its CSRF cookie; the second puts the page in the cache."""
    client.get(path)
    client.get(path)


def _url(name: str, *args: Any, lang: str = "en") -> str:
    with translation.override(lang):
        return reverse(name, args=args)


def _csrf(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def _answer(client: Client, meeting: Any, page_html: str, response: str) -> Any:
    """Post the answer form of ``page_html`` as the browser would, with its CSRF token."""
    return client.post(_url("meetings:answer", meeting.pk), {
        "csrfmiddlewaretoken": _csrf(page_html), "response": response, "arrival_date": "", "departure_date": "", "notes": "",
    })


def _csrf_client(user: Any) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


@pytest.fixture
def group(project: Any, coordinator: Any, partner: Any) -> WorkGroup:
    group = WorkGroup.objects.create(project=project, name="Skills and training needs", purpose="Skills.")
    group.members.add(coordinator, partner)
    return group


def test_a_page_seen_again_is_served_from_the_cache_with_the_queries_of_the_bare_stack(partner: Any, project: Any) -> None:
    make_meeting(project, title="Second partner meeting in Riga")
    client = _client(partner)
    path = _url("dashboard")
    client.get(path)  # the first page gives the browser its CSRF cookie
    first, rendered = _get(client, path)
    again, cached = _get(client, path)
    assert again == first and "Second partner meeting in Riga" in again
    # /healthz's database probe is the bare stack's one query (its outbox part adds two).
    from outbox.models import Heartbeat
    from django.utils import timezone

    for name in ("beat", "worker"):
        Heartbeat.objects.create(name=name, at=timezone.now())
    healthz = _get(client, "/healthz")[1] - 2
    assert cached == healthz < rendered


def test_a_change_by_someone_else_shows_on_the_next_load(partner: Any, coordinator: Any, project: Any, group: WorkGroup) -> None:
    meeting = make_meeting(project, title="Partner meeting")
    client = _client(partner)
    for path in (_url("dashboard"), _url("meetings:detail", meeting.pk), _url("workgroups:my_tasks")):
        _warm(client, path)

    meeting.title = "Partner meeting in Riga, moved to April"
    meeting.save()
    task_services.create_task(group, title="Collect training needs", deadline=date.today() + timedelta(days=9),
                              by=coordinator, responsible_people=[partner])

    assert "moved to April" in _get(client, _url("meetings:detail", meeting.pk))[0]
    dashboard = _get(client, _url("dashboard"))[0]
    assert "moved to April" in dashboard and "Collect training needs" in dashboard
    assert "Collect training needs" in _get(client, _url("workgroups:my_tasks"))[0]


def test_two_people_on_the_same_address_never_see_each_others_page(partner: Any, coordinator: Any, project: Any) -> None:
    make_meeting(project)
    path = _url("dashboard")
    pages = {}
    for user in (partner, coordinator, partner, coordinator):
        client = _client(user)
        client.get(path)
        pages.setdefault(user.email, set()).add(_get(client, path)[0].count(user.get_full_name()) > 0)
    assert pages == {partner.email: {True}, coordinator.email: {True}}
    assert coordinator.get_full_name() not in _get(_client(partner), path)[0]


def test_each_language_has_its_own_page(partner: Any, project: Any) -> None:
    client = _client(partner)
    for lang in ("en", "de", "lv", "de"):
        path = _url("dashboard", lang=lang)
        _warm(client, path)
        assert f'<html lang="{lang}">' in _get(client, path)[0], lang


def test_the_answer_form_of_a_cached_page_still_posts_and_its_thank_you_shows_once(partner: Any, project: Any) -> None:
    meeting = make_meeting(project)
    client = _csrf_client(partner)
    path = _url("meetings:detail", meeting.pk)
    _warm(client, path)
    html, _queries = _get(client, path)  # from the cache
    assert _answer(client, meeting, html, "attending").status_code == 302
    after = _get(client, path)[0]
    assert "Thank you, your answer is saved" in after
    assert after.count('class="messages"') == 1
    again = _get(client, path)[0]
    assert 'class="messages"' not in again  # shown once, never kept in a cached page
    assert partner.participations.get(meeting=meeting).response == "attending"


def test_a_new_login_rotates_the_csrf_secret_and_the_cached_forms_follow(partner: Any, project: Any) -> None:
    meeting = make_meeting(project)
    client = _csrf_client(partner)
    path = _url("meetings:detail", meeting.pk)
    _warm(client, path)
    client.logout()
    client.force_login(partner)
    client.get(_url("dashboard"))  # a page of the new session sets the new CSRF cookie
    response = _answer(client, meeting, _get(client, path)[0], "maybe")
    assert response.status_code == 302, response.content[:300]


def test_leaving_a_project_closes_its_pages_at_once(partner: Any, project: Any) -> None:
    meeting = make_meeting(project, title="Partner meeting")
    client = _client(partner)
    path = _url("meetings:detail", meeting.pk)
    _warm(client, path)
    partner.memberships.get(project=project).delete()
    assert client.get(path).status_code == 404
    assert "Partner meeting" not in _get(client, _url("dashboard"))[0]


def test_a_meeting_moved_to_another_project_leaves_the_old_members_pages(partner: Any, project: Any, other_project: Any) -> None:
    meeting = make_meeting(project, title="Partner meeting")
    client = _client(partner)
    path = _url("meetings:detail", meeting.pk)
    _warm(client, path)
    meeting.project = other_project
    meeting.save()
    assert client.get(path).status_code == 404


def test_a_profile_change_shows_in_the_header_at_once(partner: Any) -> None:
    client = _client(partner)
    path = _url("dashboard")
    _warm(client, path)
    partner.first_name = "Katharina"
    partner.save()
    assert "Katharina Hoffmann" in _get(client, path)[0]


def test_time_alone_brings_a_scheduled_article_within_the_cache_period(partner: Any, project: Any, coordinator: Any,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from news.models import Article

    start = timezone.now()
    article = Article(project=project, original_language="en", title_en="Second partner meeting in Riga",
                      body_en="<p>Agenda.</p>", audience=Article.Audience.PUBLIC, status=Article.Status.PUBLISHED,
                      publish_at=start + timedelta(seconds=60), author=coordinator)
    article.full_clean()
    article.save()
    client = _client(partner)
    path = _url("news:list")
    client.get(path)
    assert "Second partner meeting in Riga" not in _get(client, path)[0]
    later = start + timedelta(seconds=pagecache.page_cache_seconds() + 61)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "Second partner meeting in Riga" in _get(client, path)[0]


def test_superusers_always_get_a_fresh_page(superuser: Any, project: Any) -> None:
    client = _client(superuser)
    path = _url("dashboard")
    client.get(path)
    assert _get(client, path)[1] == _get(client, path)[1] > 5  # rendered every time


def test_a_visitors_cached_news_page_switches_language(project: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    path = _url("news:list")
    for _ in range(3):
        html, _queries = _get(client, path)
    response = client.post(reverse("set_language"), {"csrfmiddlewaretoken": _csrf(html), "language": "lv", "next": path})
    assert response.status_code == 302 and response["Location"].startswith("/lv/")


def test_without_a_reachable_redis_the_cache_stands_aside(partner: Any, project: Any, settings: Any) -> None:
    """Each process would keep generations of its own and could serve what another one invalidated."""
    settings.CACHES = {"default": {"BACKEND": "accounts.cache.ResilientRedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}
    meeting = make_meeting(project, title="Partner meeting")
    client = _client(partner)
    path = _url("meetings:detail", meeting.pk)
    _warm(client, path)
    meeting.title = "Partner meeting in Riga"
    meeting.save()  # its bump lands in this process's fallback memory only
    assert not pagecache.enabled()
    assert "Partner meeting in Riga" in _get(client, path)[0]


def test_with_redis_a_change_in_one_process_reaches_the_page_of_another(partner: Any, project: Any, settings: Any) -> None:
    """Production: the generations live in Redis, shared by every web process."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    url = "redis://127.0.0.1:6379/14"
    settings.CACHES = {"default": {"BACKEND": "accounts.cache.ResilientRedisCache", "LOCATION": url}}
    caches["default"].clear()
    meeting = make_meeting(project, title="Partner meeting")
    client = _client(partner)
    path = _url("meetings:detail", meeting.pk)
    _warm(client, path)
    assert any(k.startswith(b":1:" + pagecache.PAGE_PREFIX.encode()) for k in caches["default"]._cache.get_client().keys())
    # Another web process renews the project's generation in the shared Redis.
    other_process = RedisCache(url, {})
    other_process.set(pagecache.GEN_PREFIX + pagecache.project_scope(project.pk), "renewed-elsewhere", None)
    meeting.title = "Partner meeting in Riga"
    type(meeting).objects.filter(pk=meeting.pk).update(title=meeting.title)  # no signal in this process
    assert "Partner meeting in Riga" in _get(client, path)[0]
    caches["default"].clear()


def test_a_cache_that_refuses_to_store_still_gives_the_page(partner: Any, project: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Redis out of memory, say: storing the page is an optimisation, never a 500."""
    make_meeting(project, title="Partner meeting in Riga")
    client = _client(partner)
    path = _url("dashboard")
    client.get(path)

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("OOM command not allowed when used memory > 'maxmemory'")

    monkeypatch.setattr(pagecache.cache, "set", refuse)
    assert "Partner meeting in Riga" in _get(client, path)[0]
