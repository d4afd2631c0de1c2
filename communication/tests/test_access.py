"""Threads and documents of a project are invisible to everyone outside it."""
from __future__ import annotations

import pytest

from communication import discussions, documents
from communication.models import Post
from communication.tests.conftest import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(project, partner):
    thread = discussions.start_thread(project, partner, "Secret budget question", "How much is left for mobilities?")
    document = documents.add_document(
        project, partner, title="Internal skills report", upload=upload("report.txt", b"internal numbers\n"), language="de"
    )
    return thread, document


def test_outsiders_see_no_thread_or_document_of_another_project(client, outsider, shared):
    thread, document = shared
    client.force_login(outsider)
    index = client.get("/en/discussions/")
    assert index.status_code == 200
    assert "Secret budget question" not in index.content.decode()
    for url in [
        f"/en/discussions/t/{thread.pk}/",
        f"/en/discussions/documents/{document.pk}/",
        f"/en/discussions/documents/{document.pk}/download/",
        f"/en/discussions/documents/{document.pk}/versions/1/download/",
        "/en/discussions/p/age/",
        "/en/discussions/p/age/documents/",
        "/en/discussions/p/age/activity/",
    ]:
        assert client.get(url).status_code == 404, url
    response = client.post(f"/en/discussions/t/{thread.pk}/reply/", {"body": "let me in"})
    assert response.status_code == 404
    assert not Post.objects.filter(body="let me in").exists()


def test_outsiders_do_not_see_project_activity_on_their_dashboard_panel(rf, outsider, shared):
    from communication.dashboard import panel

    request = rf.get("/")
    request.user = outsider
    result = panel(request)
    titles = [a.title for a in result["activities"]] if result else []
    assert "Secret budget question" not in titles


def test_anonymous_visitors_are_sent_to_login_for_downloads(client, shared):
    _thread, document = shared
    response = client.get(f"/en/discussions/documents/{document.pk}/download/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_observers_read_but_cannot_write(client, observer, shared):
    thread, document = shared
    client.force_login(observer)
    page = client.get(f"/en/discussions/t/{thread.pk}/").content.decode()
    assert "How much is left for mobilities?" in page
    assert 'action="/en/discussions/t/%d/reply/"' % thread.pk not in page
    assert "observer" in page.lower()
    assert client.post(f"/en/discussions/t/{thread.pk}/reply/", {"body": "observer reply"}).status_code == 404
    assert not Post.objects.filter(body="observer reply").exists()
    assert client.get(f"/en/discussions/documents/{document.pk}/download/").status_code == 200
