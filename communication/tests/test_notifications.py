"""Mention and follower notifications travel the whole path: outbox row, Redis, the real
Celery worker and a real SMTP server; each arrives once, in the recipient's language."""
from __future__ import annotations

import pytest

from communication.models import Post, Thread
from conftest import body_html, body_text, wait_until
from outbox import services as outbox
from outbox.models import OutgoingEmail

pytestmark = pytest.mark.django_db(transaction=True)


def test_mention_and_follower_emails_arrive_once_each_in_the_recipients_language(
    client, project, coordinator, partner, smtp_server, celery_worker
):
    # Inese (Latvian) starts a discussion and mentions Katrin (German).
    client.force_login(coordinator)
    response = client.post("/lv/discussions/p/age/new/", {
        "title": "Prasmju analīze", "body": "@katrin.hoffmann, vai varat nosūtīt anketu līdz piektdienai?",
    })
    assert response.status_code == 302
    [mention] = smtp_server.wait_for(1)
    assert mention["To"] == partner.email
    assert mention["Content-Language"] == "de"
    assert "hat Sie in „Prasmju analīze“ erwähnt" in mention["Subject"] or "erwähnt" in mention["Subject"]
    assert "Inese Kalniņa" in mention["Subject"]
    thread = Thread.objects.get()
    assert f"http://testserver/de/discussions/t/{thread.pk}/" in body_text(mention)
    assert "vai varat nosūtīt anketu" in body_text(mention)
    assert '<span class="mention">@katrin.hoffmann</span>' in body_html(mention)

    # Katrin replies: Inese follows her own thread and hears of it, in Latvian.
    client.force_login(partner)
    response = client.post(f"/de/discussions/t/{thread.pk}/reply/", {"body": "Ja, die Umfrage kommt am Freitag."})
    assert response.status_code == 302
    messages = smtp_server.wait_for(2)
    reply = smtp_server.to(coordinator.email)[0]
    assert reply["Content-Language"] == "lv"
    assert "atbildēja" in reply["Subject"]
    assert "Katrin Hoffmann" in reply["Subject"]
    assert "Ja, die Umfrage kommt am Freitag." in body_text(reply)
    wait_until(lambda: OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENT).count() == 2)

    # Saving the same posts again (an edit with the same mention) and sweeping the outbox
    # send nothing twice.
    client.force_login(coordinator)
    opening = Post.objects.filter(thread=thread).order_by("pk").first()
    client.post(f"/lv/discussions/posts/{opening.pk}/edit/", {"body": opening.body + " Paldies!"})
    outbox.sweep()
    assert len(smtp_server.messages) == 2
    assert len(messages) == 2
    assert OutgoingEmail.objects.count() == 2


def test_a_mentioned_follower_gets_one_email_not_two(project, coordinator, partner, smtp_server, celery_worker):
    from communication import discussions

    thread = discussions.start_thread(project, partner, "Mobility dates", "When do we travel to Ferrara?")
    discussions.reply(thread, coordinator, "@katrin.hoffmann in April, see the plan.")
    [message] = smtp_server.wait_for(1)
    assert message["To"] == partner.email
    assert "erwähnt" in message["Subject"]
    wait_until(lambda: OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENT).count() == 1)
    assert len(smtp_server.messages) == 1
