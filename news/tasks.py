from __future__ import annotations

from celery import shared_task

from news import services


@shared_task
def sweep_published_news() -> int:
    """Beat, every five minutes: emails for articles published (or come due) since."""
    return services.sweep_published()


@shared_task
def notify_published_article(article_id: int) -> int:
    return services.notify_subscribers(article_id)
