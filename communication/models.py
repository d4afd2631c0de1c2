"""The partners' daily exchange: discussions, shared documents, the activity feed and
the notifications they cause."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from agepartners.i18n import url_in_language
from communication.markup import render_markdown
from projects.models import Project
from projects.uploads import private_storage

# Authors may correct a post for this long; later corrections are new replies, so a
# discussion that others have already answered does not change under their feet.
EDIT_WINDOW = timedelta(minutes=30)


class Thread(models.Model):
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="threads")
    work_group = models.ForeignKey(
        "workgroups.WorkGroup", verbose_name=_("work group"), on_delete=models.CASCADE,
        null=True, blank=True, related_name="threads",
    )
    title = models.CharField(_("title"), max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.SET_NULL, null=True,
        related_name="started_threads",
    )
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_closed = models.BooleanField(_("closed"), default=False)
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    # Kept on the thread so lists sort and count without touching the posts.
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    reply_count = models.PositiveIntegerField(_("replies"), default=0)

    class Meta:
        ordering = ["-is_pinned", "-last_activity_at", "-pk"]
        verbose_name = _("discussion")
        verbose_name_plural = _("discussions")
        indexes = [models.Index(fields=["project", "-is_pinned", "-last_activity_at"], name="comm_thread_list_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("communication:thread", args=[self.pk])


class Post(models.Model):
    thread = models.ForeignKey(Thread, verbose_name=_("discussion"), on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.SET_NULL, null=True, related_name="posts"
    )
    body = models.TextField(_("text"))
    # Rendered and sanitised once when the text changes; the page prints it as it is.
    body_html = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("posted"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    # Files that came with the post (attachments of a reply by email), kept as documents of
    # the project so they have versions, the documents list and its permission checks.
    documents: models.ManyToManyField[Document, Any] = models.ManyToManyField(
        "Document", verbose_name=_("attached documents"), blank=True, related_name="posts",
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")

    def __str__(self) -> str:
        return f"{self.thread} #{self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.body_html = render_markdown(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return f"{self.thread.get_absolute_url()}#post-{self.pk}"

    @property
    def edit_deadline(self) -> Any:
        return self.created_at + EDIT_WINDOW

    def within_edit_window(self, now: Any = None) -> bool:
        return (now or timezone.now()) < self.edit_deadline


class Follow(models.Model):
    """Who hears about new replies. Authors and repliers follow automatically; an explicit
    unfollow is kept (active=False) until the person posts in the thread again."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thread_follows")
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="comm_follow_unique")]


class Document(models.Model):
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="documents")
    work_group = models.ForeignKey(
        "workgroups.WorkGroup", verbose_name=_("work group"), on_delete=models.CASCADE,
        null=True, blank=True, related_name="documents",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="en")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    current_version = models.ForeignKey(
        "DocumentVersion", verbose_name=_("current version"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [models.Index(fields=["project", "-updated_at"], name="comm_document_list_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("communication:document", args=[self.pk])


def _version_path(instance: DocumentVersion, filename: str) -> str:
    # The stored name is never the uploader's: no traversal, no collisions, no guessing.
    import uuid

    suffix = Path(filename).suffix.lower()[:10]
    return f"documents/{instance.document.project_id}/{uuid.uuid4().hex}{suffix}"


class DocumentVersion(models.Model):
    document = models.ForeignKey(Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=_version_path, storage=private_storage, max_length=300)
    file_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64, editable=False)
    comment = models.CharField(_("what changed"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="comm_version_unique_number")]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"


class NotificationPreference(models.Model):
    class Mode(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediately, one email each")
        DIGEST = "digest", _("Daily digest")
        NEVER = "never", _("Never")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences")
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="+")
    mode = models.CharField(_("email notifications"), max_length=10, choices=Mode.choices, default=Mode.IMMEDIATE)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "project"], name="comm_pref_unique")]


class Digest(models.Model):
    """One row per person and local day: the claim that makes a digest go out once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("daily digest")
        verbose_name_plural = _("daily digests")
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="comm_digest_once_a_day")]


class Notification(models.Model):
    """One event for one person. ``(recipient, event)`` is unique, so a post that both
    mentions someone and reaches them as a follower notifies them once."""

    class Kind(models.TextChoices):
        MENTION = "mention", _("Mention")
        REPLY = "reply", _("Reply")
        DOCUMENT = "document", _("Document")

    class State(models.TextChoices):
        EMAILED = "emailed", _("Emailed")
        PENDING = "pending", _("Waiting for the digest")
        DIGESTED = "digested", _("Sent in a digest")
        MUTED = "muted", _("Not emailed")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    version = models.ForeignKey(DocumentVersion, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    digest = models.ForeignKey(Digest, on_delete=models.SET_NULL, null=True, blank=True, related_name="notifications")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["recipient", "event"], name="comm_notification_once")]
        indexes = [
            models.Index(fields=["state", "recipient"], name="comm_notif_pending_idx", condition=Q(state="pending")),
        ]


class Activity(models.Model):
    """What happened in a project, written once when it happens.

    Title and link are copied in, so the feed reads one table (plus actor and work
    group joins) however many kinds of things it shows.
    """

    class Kind(models.TextChoices):
        THREAD = "thread", _("New discussion")
        REPLY = "reply", _("Reply")
        DOCUMENT = "document", _("New document")
        VERSION = "version", _("New document version")
        TASK_DONE = "task_done", _("Task done")
        MINUTES = "minutes", _("Meeting minutes")
        NEWS = "news", _("News published")

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="activities")
    work_group = models.ForeignKey(
        "workgroups.WorkGroup", verbose_name=_("work group"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # "<app_label.model>:<pk>:<verb>": one activity per thing that happened, and the
    # handle to remove it when the thing is deleted.
    key = models.CharField(max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=300)
    titles = models.JSONField(default=dict, blank=True)  # per language, for translated sources (news)
    url = models.CharField(max_length=300, blank=True)  # path in the default language
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["project", "-at"], name="comm_activity_feed_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def display_title(self) -> str:
        return self.titles.get(get_language() or "", "") or self.title

    @property
    def localized_url(self) -> str:
        """The stored default-language path in the reader's language (a page that no longer
        exists keeps the stored link)."""
        return url_in_language(self.url, get_language() or settings.LANGUAGE_CODE) if self.url else ""
