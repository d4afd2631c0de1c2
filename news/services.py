"""Operations on news that touch several objects: subscriptions and publication emails."""
from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from news.models import Article, NewsSubscription
from outbox.services import queue_for_user, recipient_locale
from projects.models import Project

log = logging.getLogger(__name__)
User = get_user_model()


def set_subscription(user: Any, project: Project, subscribed: bool) -> bool:
    """Switch a member's publication emails for ``project`` on or off; returns the new state."""
    if subscribed:
        NewsSubscription.objects.get_or_create(user=user, project=project)
    else:
        NewsSubscription.objects.filter(user=user, project=project).delete()
    return subscribed


def subscribers(project: Project) -> list[Any]:
    """Opted-in people who still belong to the project (members-only news stays inside)."""
    return list(
        User.objects.filter(
            is_active=True, news_subscriptions__project=project, memberships__project=project,
        ).select_related("person").distinct().order_by("pk")
    )


def email_context(article: Article, language: str) -> dict[str, Any]:
    with translation.override(language):
        list_url = reverse("news:list") + f"?project={article.project.slug}"
    return {
        "article": article,
        "text": article.localized(language),
        "url": settings.SITE_URL + article.url_in(language),
        "list_url": settings.SITE_URL + list_url,
    }


def notify_subscribers(article_id: int) -> int:
    """Queue one email per opted-in member for a live article, once.

    The article row is locked and marked inside one transaction, and every email's
    outbox key names the article and the recipient: a second sweep, a second worker
    or a re-published article never sends again. Returns the number of emails queued.
    """
    with transaction.atomic():
        article = (
            Article.objects.live().select_for_update(skip_locked=True, of=("self",))
            .select_related("project").filter(pk=article_id, notified_at__isnull=True).first()
        )
        if article is None:
            return 0
        queued = 0
        for user in subscribers(article.project):
            language, _time_zone = recipient_locale(user)
            email = queue_for_user(
                user, key=f"news:published:{article.pk}:{user.pk}", category="news",
                template="news/emails/published", context=email_context(article, language),
                project=article.project,
            )
            queued += email is not None
        Article.objects.filter(pk=article.pk).update(notified_at=timezone.now())
    return queued


def sweep_published() -> int:
    """Notify for every article whose publish time has come, scheduled ones included."""
    ids = list(
        Article.objects.live().filter(notified_at__isnull=True).order_by("publish_at").values_list("pk", flat=True)[:500]
    )
    return sum(notify_subscribers(pk) for pk in ids)


def queue_notification(article: Article) -> None:
    """After an editor saves a live article, notify now rather than at the next sweep."""
    if not article.is_live or article.notified_at is not None:
        return
    pk = article.pk

    def send() -> None:
        from news.tasks import notify_published_article

        try:
            notify_published_article.delay(pk)
        except Exception as exc:  # kombu raises several types for an unreachable broker
            log.warning("Broker unavailable, article %s left for the news sweep: %s", pk, exc)

    transaction.on_commit(send)
