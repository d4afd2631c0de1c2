"""Files attached to an answer by email to a discussion.

They become documents of the thread's project exactly as a browser upload does: through
communication.documents, so projects/uploads.py (type by content, UPLOAD_MAX_MB, clean
names, the private storage) is the one policy that decides. The post shows them and its
notification emails name them. Files the policy refuses are listed, with the policy's own
words in the sender's language, in one short answer to that message; the text still posts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import EmailMessage, Message
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import translation

from inbound.models import InboundMessage
from outbox.services import queue_for_user, recipient_locale
from projects.uploads import clean_file_name

_CID = re.compile(r"""cid:([^"'\s>)]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class AttachedFile:
    name: str
    content: bytes


@dataclass(frozen=True)
class Refused:
    name: str
    reason: str  # the upload policy's message, in the sender's language


def _leaves(part: Message) -> list[Message]:
    # Only multipart/* is opened: a forwarded message (message/rfc822) is one attachment,
    # not a source of more.
    if part.get_content_maintype() == "multipart":
        return [leaf for sub in part.get_payload() if isinstance(sub, Message) for leaf in _leaves(sub)]
    return [part]


def attached_files(message: EmailMessage) -> list[AttachedFile]:
    """The files a person attached: parts marked as attachments or carrying a file name,
    except the text bodies and the pictures the HTML body shows inline (a signature logo
    is part of the text, not a document for the project)."""
    bodies = [message.get_body(preferencelist=(kind,)) for kind in ("plain", "html")]
    html = bodies[1]
    shown_inline = set(_CID.findall(str(html.get_content()))) if html is not None else set()
    files: list[AttachedFile] = []
    for part in _leaves(message):
        if any(part is body for body in bodies):
            continue
        disposition = part.get_content_disposition()
        name = part.get_filename() or ""
        if disposition != "attachment" and not name:
            continue
        content_id = str(part.get("Content-ID", "")).strip().strip("<>")
        if disposition != "attachment" and content_id and content_id in shown_inline:
            continue
        if part.get_content_type() == "message/rfc822":
            inner = part.get_payload()
            payload: Any = inner[0].as_bytes() if isinstance(inner, list) and inner and isinstance(inner[0], Message) else b""
            name = name or "message.eml"
        else:
            payload = part.get_payload(decode=True)
        files.append(AttachedFile(name or "attachment", payload if isinstance(payload, bytes) else b""))
    return files


def _title(name: str) -> str:
    stem, dot, _ext = name.rpartition(".")
    return stem if dot and stem else name


def reply_with_files(thread: Any, user: Any, text: str, files: list[AttachedFile]) -> tuple[Any, list[Refused]]:
    """The reply with its files saved as documents; the post is None when there is neither
    text nor a saved file. Raises ThreadClosed (and saves nothing) for a closed thread."""
    from communication import discussions
    from communication.documents import add_document

    if thread.is_closed:
        raise discussions.ThreadClosed  # before any file is written to the storage
    language = recipient_locale(user)[0]
    documents: list[Any] = []
    refused: list[Refused] = []
    with transaction.atomic():
        for attached in files:
            # The policy's messages name the file, its size and the limit: in the sender's language.
            with translation.override(language):
                try:
                    documents.append(add_document(
                        thread.project, user, title=_title(clean_file_name(attached.name)),
                        upload=SimpleUploadedFile(attached.name, attached.content),
                        language=language, work_group=thread.work_group,
                    ))
                except ValidationError as exc:
                    refused.append(Refused(clean_file_name(attached.name), " ".join(exc.messages)))
        if not text and not documents:
            return None, refused
        post = discussions.reply(thread, user, text, documents=documents)
    return post, refused


def answer_refused(user: Any, row: InboundMessage, refused: list[Refused], *, posted: bool) -> None:
    """One answer per inbound message that had refused files (the key is the message's row):
    the person learns which files are missing and can upload them in the portal."""
    from communication.models import Thread

    thread = Thread.objects.select_related("project").filter(pk=row.object_id or 0).first()
    queue_for_user(
        user, key=f"inbound:refused:{row.pk}", category="inbound.refused_attachments",
        template="inbound/emails/attachments_refused", project=thread.project if thread else None,
        context={"refused": refused, "posted": posted, "thread": thread, "subject": row.subject},
    )
