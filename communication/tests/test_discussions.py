"""Threads, replies, editing, moderation and safe rendering."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from communication import discussions
from communication.models import Notification, Post, Thread

pytestmark = pytest.mark.django_db

XSS = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "[click me](javascript:alert(1))",
    '<a href="javascript:alert(2)">link</a>',
    "<iframe src='https://evil.example'></iframe>",
    '<p style="background:url(javascript:alert(3))" onclick="alert(4)">styled</p>',
    "<svg onload=alert(5)>",
    '<span class="mention" onmouseover="alert(6)">x</span>',
]


def test_a_partner_starts_a_discussion_and_another_replies(client, project, coordinator, partner):
    client.force_login(coordinator)
    response = client.post("/en/discussions/p/age/new/", {"title": "Learning content", "body": "Drafts by **Friday**?"})
    thread = Thread.objects.get(title="Learning content")
    assert response.status_code == 302 and response["Location"] == f"/en/discussions/t/{thread.pk}/"
    client.force_login(partner)
    response = client.post(f"/en/discussions/t/{thread.pk}/reply/", {"body": "Ja, bis Freitag."})
    assert response.status_code == 302
    page = client.get(f"/en/discussions/t/{thread.pk}/").content.decode()
    assert "<strong>Friday</strong>" in page and "Ja, bis Freitag." in page
    thread.refresh_from_db()
    assert thread.reply_count == 1


def test_empty_messages_are_refused_with_a_clear_message(client, project, partner, thread):
    client.force_login(partner)
    response = client.post(f"/en/discussions/t/{thread.pk}/reply/", {"body": "   "})
    assert response.status_code == 200
    assert "Please write a message." in response.content.decode()
    assert thread.posts.count() == 1


@pytest.mark.parametrize("payload", XSS)
def test_html_and_scripts_in_posts_are_rendered_harmless(client, project, partner, thread, payload):
    discussions.reply(thread, partner, f"Before {payload} after")
    client.force_login(partner)
    html = client.get(f"/en/discussions/t/{thread.pk}/").content.decode()
    body = html.split('class="comm-posts"')[1].split("</ol>")[0]
    for bad in ("<script", "onerror", "javascript:", "<iframe", "onclick", "onload", "onmouseover", "style=", "<svg"):
        assert bad not in body.lower(), (bad, body)
    assert "Before" in body and "after" in body


def test_author_edits_within_the_window_and_gets_a_clear_message_afterwards(client, project, coordinator, thread):
    post = thread.posts.get()
    client.force_login(coordinator)
    response = client.post(f"/en/discussions/posts/{post.pk}/edit/", {"body": "Thank you all for coming!"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.body == "Thank you all for coming!" and post.edited_at is not None

    Post.objects.filter(pk=post.pk).update(created_at=timezone.now() - timedelta(minutes=31))
    response = client.post(f"/en/discussions/posts/{post.pk}/edit/", {"body": "Too late"}, follow=True)
    assert "only within 30 minutes" in response.content.decode()
    post.refresh_from_db()
    assert post.body == "Thank you all for coming!"
    page = client.get(f"/en/discussions/t/{thread.pk}/").content.decode()
    assert f"/posts/{post.pk}/edit/" not in page


def test_nobody_edits_someone_elses_post(client, partner, thread):
    client.force_login(partner)
    post = thread.posts.get()
    assert client.get(f"/en/discussions/posts/{post.pk}/edit/").status_code == 404
    assert client.post(f"/en/discussions/posts/{post.pk}/edit/", {"body": "hijack"}).status_code == 404


def test_closed_threads_refuse_replies_with_a_clear_message(client, coordinator, partner, thread):
    client.force_login(coordinator)
    client.post(f"/en/discussions/t/{thread.pk}/moderate/", {"action": "close"})
    client.force_login(partner)
    response = client.post(f"/en/discussions/t/{thread.pk}/reply/", {"body": "One more thing"}, follow=True)
    text = response.content.decode()
    assert "This discussion is closed" in text
    assert 'id="reply"' not in text
    assert not Post.objects.filter(body="One more thing").exists()
    with pytest.raises(discussions.ThreadClosed):
        discussions.reply(thread, partner, "via service")


def test_coordinators_pin_a_thread_to_the_top(client, project, coordinator, partner, thread):
    later = discussions.start_thread(project, partner, "Newer question", "Anything?")
    client.force_login(coordinator)
    page = client.get("/en/discussions/p/age/").content.decode()
    assert page.index("Newer question") < page.index("After Magdeburg")
    client.post(f"/en/discussions/t/{thread.pk}/moderate/", {"action": "pin"})
    page = client.get("/en/discussions/p/age/").content.decode()
    assert page.index("After Magdeburg") < page.index("Newer question")
    client.force_login(partner)
    assert client.post(f"/en/discussions/t/{later.pk}/moderate/", {"action": "pin"}).status_code == 404


def test_mentions_are_highlighted_and_notify_the_member_once(project, coordinator, partner, thread):
    post = discussions.reply(thread, coordinator, "@katrin.hoffmann could you check? Also @nobody.here")
    assert '<span class="mention">@katrin.hoffmann</span>' in post.body_html
    assert Notification.objects.filter(recipient=partner, kind="mention").count() == 1
    discussions.edit_post(post, "@katrin.hoffmann could you check the draft?")
    assert Notification.objects.filter(recipient=partner).count() == 1


def test_unfollowing_stops_reply_notifications_but_not_mentions(client, project, coordinator, partner, thread):
    client.force_login(coordinator)
    client.post(f"/en/discussions/t/{thread.pk}/follow/", {"follow": "0"})
    discussions.reply(thread, partner, "A reply without a mention")
    assert not Notification.objects.filter(recipient=coordinator).exists()
    discussions.reply(thread, partner, "But @inese.kalnina should see this")
    assert Notification.objects.filter(recipient=coordinator, kind="mention").count() == 1


def test_discussion_list_query_count_is_flat(client, django_assert_max_num_queries, project, coordinator, partner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/en/discussions/").status_code == 200
            assert client.get("/en/discussions/p/age/").status_code == 200
        return len(ctx.captured_queries)

    client.force_login(partner)
    for i in range(5):
        discussions.start_thread(project, coordinator if i % 2 else partner, f"Thread {i}", "text")
    few = count()
    for i in range(5, 40):
        discussions.start_thread(project, coordinator if i % 2 else partner, f"Thread {i}", "text")
    assert count() == few
    with django_assert_max_num_queries(10):
        client.get("/en/discussions/p/age/")
