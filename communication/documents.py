"""Shared documents and their versions: every upload is kept, the newest is current."""
from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from communication.activity import default_language_path, record_activity
from communication.models import Activity, Document, DocumentVersion, Notification
from communication.notifications import deliver, members_only
from projects.models import Project
from projects.uploads import check_upload

User = get_user_model()


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
    """The document and its first version; a refused upload (ValidationError) leaves no row."""
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
    checked = check_upload(upload)
    document = Document.objects.select_for_update().get(pk=document.pk)
    now = at or timezone.now()
    number = (document.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = DocumentVersion(
        document=document, number=number, file_name=checked.name, content_type=checked.content_type,
        size=checked.size, sha256=_sha256(upload), comment=comment.strip(), uploaded_by=user, uploaded_at=now,
    )
    version.file.save(checked.name, upload, save=False)
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
        _notify(version, document)
    return version


def _notify(version: DocumentVersion, document: Document) -> list[Notification]:
    if document.work_group_id is None:
        return []
    members = User.objects.filter(work_groups=document.work_group_id, is_active=True).select_related("person")
    recipients: dict[int, tuple[Any, str]] = {
        user.pk: (user, Notification.Kind.DOCUMENT)
        for user in members_only(document.project_id, members) if user.pk != version.uploaded_by_id
    }
    return deliver(recipients, project_id=document.project_id, event=f"version:{version.pk}",
                    actor=version.uploaded_by, version=version)
