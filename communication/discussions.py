"""Discussions: threads, replies, edits, pinning and closing, following, mentions."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from communication.activity import default_language_path, record_activity
from communication.markup import handle_for, mentioned_handles
from communication.models import Activity, Document, Follow, Notification, Post, Thread
from communication.notifications import deliver, members_only
from projects.models import Project

User = get_user_model()


class ThreadClosed(Exception):
    """Replies to a closed thread are refused."""


class EditWindowClosed(Exception):
    """The post is older than the edit window."""


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
    return list({user.pk: user for handle in handles for user in directory.get(handle, [])}.values())


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
    set_following(thread, author, True)
    record_activity(
        key=f"communication.thread:{thread.pk}:created", project_id=project.pk, kind=Activity.Kind.THREAD,
        title=thread.title, url=default_language_path("communication:thread", thread.pk), actor=author,
        work_group_id=thread.work_group_id, at=now,
    )
    if notify:
        _notify(post, followers=False)
    return thread


@transaction.atomic
def reply(thread: Thread, author: Any, body: str, at: datetime | None = None, notify: bool = True,
          documents: Sequence[Document] = ()) -> Post:
    """``documents`` are shown with the post (and named in its emails): the attachments of
    an answer by email, already saved as documents of the project."""
    thread = Thread.objects.select_for_update().get(pk=thread.pk)
    if thread.is_closed:
        raise ThreadClosed
    now = at or timezone.now()
    post = Post.objects.create(thread=thread, author=author, body=body, created_at=now)
    if documents:
        post.documents.set(documents)
    Thread.objects.filter(pk=thread.pk).update(reply_count=F("reply_count") + 1, last_activity_at=now)
    set_following(thread, author, True)
    record_activity(
        key=f"communication.post:{post.pk}:created", project_id=thread.project_id, kind=Activity.Kind.REPLY,
        title=thread.title, url=default_language_path("communication:thread", thread.pk) + f"#post-{post.pk}",
        actor=author, work_group_id=thread.work_group_id, at=now,
    )
    if notify:
        _notify(post, followers=True)
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
    _notify(post, followers=False)
    return post


def set_pinned(thread: Thread, pinned: bool) -> None:
    Thread.objects.filter(pk=thread.pk).update(is_pinned=pinned)
    thread.is_pinned = pinned


def set_closed(thread: Thread, closed: bool) -> None:
    Thread.objects.filter(pk=thread.pk).update(is_closed=closed)
    thread.is_closed = closed


def _notify(post: Post, followers: bool) -> list[Notification]:
    thread = post.thread
    recipients: dict[int, tuple[Any, str]] = {}
    if followers:
        follower_users = User.objects.filter(
            thread_follows__thread=thread, thread_follows__active=True, is_active=True
        ).select_related("person")
        for user in members_only(thread.project_id, follower_users):
            recipients[user.pk] = (user, Notification.Kind.REPLY)
    for user in mentioned_members(thread.project_id, post.body):
        recipients[user.pk] = (user, Notification.Kind.MENTION)  # a mention says more than a reply
    if post.author_id is not None:
        recipients.pop(post.author_id, None)
    return deliver(recipients, project_id=thread.project_id, event=f"post:{post.pk}", actor=post.author, post=post)
