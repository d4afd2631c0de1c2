"""Operations of the communication platform that change several objects at once.

Views, the demo and the tests all go through these functions, so threads, documents,
the activity feed and notifications stay consistent with each other.
"""
from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone, translation

from communication.markup import handle_for, mentioned_handles, plain_excerpt
from communication.models import (
    Activity,
    Digest,
    Document,
    DocumentVersion,
    Follow,
    Notification,
    NotificationPreference,
    Post,
    Thread,
)
from communication.uploads import check_upload, clean_file_name
from outbox.services import queue_for_user
from projects.models import Membership, Project

log = logging.getLogger(__name__)
User = get_user_model()


class ThreadClosed(Exception):
    """Replies to a closed thread are refused."""


class EditWindowClosed(Exception):
    """The post is older than the edit window."""


# --- Mentions ----------------------------------------------------------------------------


def mention_directory(project: Project | int) -> dict[str, list[Any]]:
    """handle -> project members with that handle (namesakes are all mentioned)."""
    directory: dict[str, list[Any]] = defaultdict(list)
    users = User.objects.filter(memberships__project=project, is_active=True).select_related("person")
    for user in users:
        handle = handle_for(user.first_name, user.last_name, user.email)
        if handle:
            directory[handle].append(user)
    return dict(directory)


def mentioned_members(project: Project | int, text: str) -> list[Any]:
    handles = mentioned_handles(text)
    if not handles:
        return []
    directory = mention_directory(project)
    found: dict[int, Any] = {}
    for handle in handles:
        for user in directory.get(handle, []):
            found[user.pk] = user
    return list(found.values())


# --- Activity ------------------------------------------------------------------------------


def default_language_path(url_name: str, *args: Any) -> str:
    """Stored once in the default language; pages translate it to the reader's."""
    with translation.override(settings.LANGUAGE_CODE):
        return reverse(url_name, args=args)


def record_activity(
    *, key: str, project_id: int, kind: str, title: str, url: str = "", actor: Any = None,
    work_group_id: int | None = None, at: datetime | None = None, titles: dict[str, str] | None = None,
    move: bool = True,
) -> Activity:
    """Write (or refresh) the activity identified by ``key``. ``move=False`` keeps the
    original time when the same thing is saved again."""
    defaults: dict[str, Any] = {
        "project_id": project_id, "kind": kind, "title": title[:300], "url": url[:300],
        "work_group_id": work_group_id, "titles": titles or {},
    }
    if actor is not None:
        defaults["actor"] = actor
    if move:
        defaults["at"] = at or timezone.now()
        activity, _created = Activity.objects.update_or_create(key=key, defaults=defaults)
        return activity
    activity, created = Activity.objects.get_or_create(key=key, defaults={**defaults, "at": at or timezone.now()})
    if not created:
        Activity.objects.filter(pk=activity.pk).update(**defaults)
    return activity


def forget_activity(prefix: str) -> None:
    Activity.objects.filter(key__startswith=prefix).delete()  # one signal per row: pages follow


def activity_feed(user: Any, project: Project | None = None) -> Any:
    """Newest first, only what has happened yet (scheduled news appears at its time)."""
    from projects import permissions

    qs = Activity.objects.filter(at__lte=timezone.now())
    qs = qs.filter(project=project) if project is not None else permissions.scope_for_member(qs, user)
    # Only what a feed row shows (communication/partials/activity_list.html): not the
    # project's six-language texts nor the actor's password and dates.
    return qs.select_related("actor", "project", "work_group").only(
        "project_id", "work_group_id", "actor_id", "kind", "title", "titles", "url", "at",
        "project__slug", "project__title", "project__acronym", "work_group__name",
        "actor__first_name", "actor__last_name", "actor__email",
    ).order_by("-at", "-pk")


# --- Discussions ---------------------------------------------------------------------------


def _follow(thread: Thread, user: Any) -> None:
    Follow.objects.update_or_create(thread=thread, user=user, defaults={"active": True})


def set_following(thread: Thread, user: Any, following: bool) -> None:
    Follow.objects.update_or_create(thread=thread, user=user, defaults={"active": following})


@transaction.atomic
def start_thread(project: Project, author: Any, title: str, body: str, work_group: Any = None,
                 at: datetime | None = None, notify: bool = True) -> Thread:
    """``notify=False`` records history (the demo's past exchange) without emailing anyone."""
    now = at or timezone.now()
    thread = Thread.objects.create(
        project=project, work_group=work_group, title=title.strip(), author=author,
        created_at=now, last_activity_at=now,
    )
    post = Post.objects.create(thread=thread, author=author, body=body, created_at=now)
    _follow(thread, author)
    record_activity(
        key=f"communication.thread:{thread.pk}:created", project_id=project.pk, kind=Activity.Kind.THREAD,
        title=thread.title, url=default_language_path("communication:thread", thread.pk), actor=author,
        work_group_id=thread.work_group_id, at=now,
    )
    if notify:
        _notify_post(post, followers=False)
    return thread


@transaction.atomic
def reply(thread: Thread, author: Any, body: str, at: datetime | None = None, notify: bool = True) -> Post:
    thread = Thread.objects.select_for_update().get(pk=thread.pk)
    if thread.is_closed:
        raise ThreadClosed
    now = at or timezone.now()
    post = Post.objects.create(thread=thread, author=author, body=body, created_at=now)
    Thread.objects.filter(pk=thread.pk).update(reply_count=F("reply_count") + 1, last_activity_at=now)
    _follow(thread, author)
    record_activity(
        key=f"communication.post:{post.pk}:created", project_id=thread.project_id, kind=Activity.Kind.REPLY,
        title=thread.title, url=default_language_path("communication:thread", thread.pk) + f"#post-{post.pk}",
        actor=author, work_group_id=thread.work_group_id, at=now,
    )
    if notify:
        _notify_post(post, followers=True)
    return post


@transaction.atomic
def edit_post(post: Post, body: str, now: datetime | None = None) -> Post:
    if not post.within_edit_window(now):
        raise EditWindowClosed
    post.body = body
    post.edited_at = now or timezone.now()
    post.save()
    # People mentioned for the first time hear of it; everyone else was told already
    # (the notification key is the post, not the edit).
    _notify_post(post, followers=False)
    return post


def set_pinned(thread: Thread, pinned: bool) -> None:
    Thread.objects.filter(pk=thread.pk).update(is_pinned=pinned)
    thread.is_pinned = pinned


def set_closed(thread: Thread, closed: bool) -> None:
    Thread.objects.filter(pk=thread.pk).update(is_closed=closed)
    thread.is_closed = closed


# --- Documents -----------------------------------------------------------------------------


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


@transaction.atomic
def add_document(project: Project, user: Any, *, title: str, upload: UploadedFile, description: str = "",
                 language: str = "en", work_group: Any = None, comment: str = "",
                 at: datetime | None = None, notify: bool = True) -> Document:
    check_upload(upload)
    now = at or timezone.now()
    document = Document.objects.create(
        project=project, work_group=work_group, title=title.strip(), description=description,
        language=language, created_by=user, created_at=now, updated_at=now,
    )
    document.current_version = add_version(document, user, upload, comment=comment, at=now, notify=notify,
                                           _new_document=True)
    return document


@transaction.atomic
def add_version(document: Document, user: Any, upload: UploadedFile, comment: str = "",
                at: datetime | None = None, notify: bool = True, _new_document: bool = False) -> DocumentVersion:
    """A new upload becomes the current version; earlier versions stay downloadable."""
    file_type = check_upload(upload)
    document = Document.objects.select_for_update().get(pk=document.pk)
    now = at or timezone.now()
    number = (document.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    file_name = clean_file_name(upload.name or "")
    version = DocumentVersion(
        document=document, number=number, file_name=file_name, content_type=file_type.content_type,
        size=upload.size or 0, sha256=_sha256(upload), comment=comment.strip(), uploaded_by=user, uploaded_at=now,
    )
    version.file.save(file_name, upload, save=False)
    try:
        version.save()
    except Exception:
        version.file.delete(save=False)  # no orphan file for a row that was never written
        raise
    Document.objects.filter(pk=document.pk).update(current_version=version, updated_at=now)
    document.current_version = version
    kind = Activity.Kind.DOCUMENT if _new_document else Activity.Kind.VERSION
    record_activity(
        key=f"communication.documentversion:{version.pk}:created", project_id=document.project_id, kind=kind,
        title=document.title if _new_document else f"{document.title} (v{number})",
        url=default_language_path("communication:document", document.pk), actor=user,
        work_group_id=document.work_group_id, at=now,
    )
    if notify:
        _notify_document(version, document)
    return version


# --- Notifications -------------------------------------------------------------------------


def preferences(project_id: int, user_ids: Iterable[int]) -> dict[int, str]:
    return dict(
        NotificationPreference.objects.filter(project_id=project_id, user_id__in=list(user_ids))
        .values_list("user_id", "mode")
    )


def set_preference(user: Any, project: Project, mode: str) -> NotificationPreference:
    pref, _created = NotificationPreference.objects.update_or_create(user=user, project=project, defaults={"mode": mode})
    return pref


def _members_only(project_id: int, users: Iterable[Any]) -> list[Any]:
    users = list(users)
    member_ids = set(
        Membership.objects.filter(project_id=project_id, user_id__in=[u.pk for u in users]).values_list("user_id", flat=True)
    )
    return [u for u in users if u.pk in member_ids and u.is_active]


def _deliver(recipients: dict[int, tuple[Any, str]], *, project_id: int, event: str, actor: Any,
             post: Post | None = None, version: DocumentVersion | None = None) -> list[Notification]:
    """Record one notification per recipient and event; email it now, keep it for the
    digest, or not at all, as each person chose for this project."""
    modes = preferences(project_id, recipients)
    created: list[Notification] = []
    for user, kind in recipients.values():
        mode = modes.get(user.pk, NotificationPreference.Mode.IMMEDIATE)
        state = {
            NotificationPreference.Mode.IMMEDIATE: Notification.State.EMAILED,
            NotificationPreference.Mode.DIGEST: Notification.State.PENDING,
            NotificationPreference.Mode.NEVER: Notification.State.MUTED,
        }[mode]
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
    queue_for_user(
        user, key=f"communication:{notification.event}:{user.pk}", category=f"communication.{notification.kind}",
        template=template, context=context, project=notification.project,
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
    if user is None:
        return ""
    return user.get_full_name() or user.email


def _notify_post(post: Post, followers: bool) -> list[Notification]:
    thread = post.thread
    recipients: dict[int, tuple[Any, str]] = {}
    if followers:
        follower_users = User.objects.filter(
            thread_follows__thread=thread, thread_follows__active=True, is_active=True
        ).select_related("person")
        for user in _members_only(thread.project_id, follower_users):
            recipients[user.pk] = (user, Notification.Kind.REPLY)
    for user in mentioned_members(thread.project_id, post.body):
        recipients[user.pk] = (user, Notification.Kind.MENTION)  # a mention says more than a reply
    if post.author_id is not None:
        recipients.pop(post.author_id, None)
    return _deliver(recipients, project_id=thread.project_id, event=f"post:{post.pk}", actor=post.author, post=post)


def _notify_document(version: DocumentVersion, document: Document) -> list[Notification]:
    if document.work_group_id is None:
        return []
    members = User.objects.filter(work_groups=document.work_group_id, is_active=True).select_related("person")
    recipients = {
        user.pk: (user, Notification.Kind.DOCUMENT)
        for user in _members_only(document.project_id, members) if user.pk != version.uploaded_by_id
    }
    return _deliver(recipients, project_id=document.project_id, event=f"version:{version.pk}",
                    actor=version.uploaded_by, version=version)


# --- Daily digest --------------------------------------------------------------------------


def _reminder_moment(person: Any, now: datetime) -> tuple[Any, datetime]:
    local = now.astimezone(person.tz)
    day = local.date()
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
        person = getattr(user, "person", None)
        if person is None:
            continue
        day, moment = _reminder_moment(person, now)
        if now < moment:
            continue
        if _send_digest(user, day, moment):
            sent += 1
    return sent


@transaction.atomic
def _send_digest(user: Any, day: Any, cutoff: datetime) -> bool:
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

