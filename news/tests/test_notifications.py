"""Members opt in to an email when news of their project is published: sent once, in
their language, through the outbox, Redis, the real worker and SMTP."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import body_text, wait_until
from news.demo import SEED_ARTICLE, on_timeline
from news.models import Article, NewsSubscription
from outbox.models import OutgoingEmail

pytestmark = pytest.mark.django_db(transaction=True)


def test_opted_in_member_gets_one_email_in_german_also_for_a_scheduled_article(
    client, project, coordinator, partner, observer, smtp_server, celery_worker
):
    from news import tasks

    # Katrin (German) switches the emails on from the news page; Laura does not.
    client.force_login(partner)
    response = client.post("/de/news/emails/age/", {"subscribe": "1", "next": "/de/news/"})
    assert response.status_code == 302 and response["Location"] == "/de/news/"
    assert NewsSubscription.objects.filter(user=partner, project=project).exists()

    article = Article(
        project=project, original_language="lv", status="published", audience="members",
        publish_at=timezone.now() + timedelta(hours=2), author=coordinator, **on_timeline(SEED_ARTICLE, timedelta(0)),
    )
    article.save()
    # Not due yet: the sweep sends nothing.
    tasks.sweep_published_news.apply()
    assert OutgoingEmail.objects.count() == 0

    # Its time comes; beat runs the sweep on the worker, twice (a second beat must not double it).
    Article.objects.filter(pk=article.pk).update(publish_at=timezone.now() - timedelta(minutes=1))
    tasks.sweep_published_news.delay()
    tasks.sweep_published_news.delay()
    [message] = smtp_server.wait_for(1)
    wait_until(lambda: OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENT).count() == 1)
    assert message["To"] == partner.email
    assert str(message["Subject"]).strip() == "Neuigkeiten von AGE: Neuigkeiten aus dem Projekt „Administration go Europe!“"
    text = body_text(message)
    assert "Hallo Katrin" in text
    assert "Der Vertrag ist unterzeichnet" in text  # the German summary
    assert "Das Partnertreffen verlief" not in text  # a teaser, not the whole article
    assert "http://testserver/de/news/age/projekta-administration-go-europe-zinas/" in text
    tasks.sweep_published_news.delay()
    tasks.notify_published_article.delay(article.pk)
    wait_until(lambda: Article.objects.get(pk=article.pk).notified_at is not None)
    assert OutgoingEmail.objects.count() == 1
    assert len(smtp_server.messages) == 1


def test_switching_off_stops_the_emails_and_non_members_cannot_opt_in(client, project, partner, outsider):
    from news import services

    client.force_login(partner)
    client.post("/en/news/emails/age/", {"subscribe": "1"})
    client.post("/en/news/emails/age/", {"subscribe": "0"})
    assert not NewsSubscription.objects.exists()
    client.force_login(outsider)
    assert client.post("/en/news/emails/age/", {"subscribe": "1"}).status_code == 404
    assert not NewsSubscription.objects.exists()
    assert services.subscribers(project) == []
