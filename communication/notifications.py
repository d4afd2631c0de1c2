"""Notifications: each person's choice per project, delivery (an email now, a line in
the daily digest, or nothing) and the daily digests themselves."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from communication.markup import plain_excerpt
from communication.models import Digest, DocumentVersion, Notification, NotificationPreference, Post
from outbox import replies
from outbox.services import queue_for_user
from projects.models import Membership, Project

User = get_user_model()


def preferences(project_id: int, user_ids: Iterable[int]) -> dict[int, str]:
    return dict(
        NotificationPreference.objects.filter(project_id=project_id, user_id__in=list(user_ids))
        .values_list("user_id", "mode")
    )


def set_preference(user: Any, project: Project, mode: str) -> NotificationPreference:
    return NotificationPreference.objects.update_or_create(user=user, project=project, defaults={"mode": mode})[0]


def members_only(project_id: int, users: Iterable[Any]) -> list[Any]:
    users = list(users)
    member_ids = set(
        Membership.objects.filter(project_id=project_id, user_id__in=[u.pk for u in users]).values_list("user_id", flat=True)
    )
    return [u for u in users if u.pk in member_ids and u.is_active]


STATE_FOR_MODE: dict[str, str] = {
    NotificationPreference.Mode.IMMEDIATE: Notification.State.EMAILED,
    NotificationPreference.Mode.DIGEST: Notification.State.PENDING,
    NotificationPreference.Mode.NEVER: Notification.State.MUTED,
}


def deliver(recipients: dict[int, tuple[Any, str]], *, project_id: int, event: str, actor: Any,
             post: Post | None = None, version: DocumentVersion | None = None) -> list[Notification]:
    """Record one notification per recipient and event; email it now, keep it for the
    digest, or not at all, as each person chose for this project."""
    modes = preferences(project_id, recipients)
    created: list[Notification] = []
    for user, kind in recipients.values():
        mode = modes.get(user.pk, NotificationPreference.Mode.IMMEDIATE)
        state = STATE_FOR_MODE[mode]
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    recipient=user, project_id=project_id, event=event, kind=kind, actor=actor,
                    post=post, version=version, state=state,
                )
        except IntegrityError:
            continue  # told about this event before
        created.append(notification)
        if state == Notification.State.EMAILED:
            _email_now(notification, user)
    return created


def _email_now(notification: Notification, user: Any) -> None:
    context = notification_context(notification)
    template = "communication/emails/document" if notification.version_id else "communication/emails/post"
    # A post's email can be answered: the answer becomes a reply in its thread.
    reply_to = (
        replies.reply_address(replies.THREAD, notification.post.thread_id, user.pk)
        if notification.post is not None else None
    )
    queue_for_user(
        user, key=f"communication:{notification.event}:{user.pk}", category=f"communication.{notification.kind}",
        template=template, context=context, project=notification.project, reply_to=reply_to,
    )


def notification_context(notification: Notification) -> dict[str, Any]:
    context: dict[str, Any] = {
        "notification": notification, "kind": notification.kind, "project": notification.project,
        "actor_name": _name(notification.actor),
    }
    if notification.post is not None:
        post = notification.post
        context.update(post=post, thread=post.thread, excerpt=plain_excerpt(post.body, 600))
    if notification.version is not None:
        version = notification.version
        context.update(version=version, document=version.document)
    return context


def _name(user: Any) -> str:
    return "" if user is None else user.get_full_name() or user.email


# --- Daily digest --------------------------------------------------------------------------


def _reminder_moment(person: Any, now: datetime) -> tuple[date, datetime]:
    day = now.astimezone(person.tz).date()
    moment = datetime.combine(day, time(person.reminder_hour), tzinfo=person.tz)
    return day, moment


def send_daily_digests(now: datetime | None = None) -> int:
    """Send each person in digest mode one email a day, at their reminder hour in their
    time zone, with what waited until then. Run hourly; a missed hour is caught up later
    the same day; the Digest row (one per person and local day) makes it happen once."""
    now = now or timezone.now()
    sent = 0
    waiting = (
        User.objects.filter(notifications__state=Notification.State.PENDING, is_active=True)
        .select_related("person").distinct()
    )
    for user in waiting:
        day, moment = _reminder_moment(user.person, now)
        if now >= moment and _send_digest(user, day, moment):
            sent += 1
    return sent


@transaction.atomic
def _send_digest(user: Any, day: date, cutoff: datetime) -> bool:
    notifications = list(
        Notification.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(recipient=user, state=Notification.State.PENDING, created_at__lt=cutoff)
        .select_related("project", "actor", "post__thread", "version__document")
        .order_by("project_id", "created_at", "pk")
    )
    if not notifications:
        return False
    try:
        with transaction.atomic():
            digest = Digest.objects.create(user=user, day=day)
    except IntegrityError:
        return False  # today's digest went out already; these wait for tomorrow's
    Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(
        state=Notification.State.DIGESTED, digest=digest
    )
    groups: dict[int, dict[str, Any]] = {}
    for notification in notifications:
        group = groups.setdefault(notification.project_id, {"project": notification.project, "items": []})
        group["items"].append(notification_context(notification))
    queue_for_user(
        user, key=f"communication:digest:{user.pk}:{day.isoformat()}", category="communication.digest",
        template="communication/emails/digest",
        context={"groups": list(groups.values()), "count": len(notifications), "day": day},
    )
    return True
