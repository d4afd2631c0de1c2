"""Demo data: the partners' daily exchange after the first meeting in Magdeburg.

Threads with replies in the partners' languages and shared documents with versions
(data: ``demo.toml``). Recorded as history (no emails go out); idempotent by project and title.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from communication import discussions, documents
from communication.models import Document, NotificationPreference, Thread
from projects.demo import content
from projects.demo_dates import moved
from workgroups.models import WorkGroup

CONTENT = content(__file__)


def simple_pdf(text: str) -> bytes:
    """A small, valid one-page PDF (Helvetica, ASCII) for demo documents."""
    lines = [line.encode("latin-1", "replace").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
             for line in text.splitlines()]
    stream = b"BT /F1 12 Tf 56 780 Td 16 TL\n" + b"".join(b"(" + line + b") '\n" for line in lines) + b"ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _work_group(ctx: Any) -> Any:
    groups = WorkGroup.objects.filter(project=ctx.project).order_by("name")
    return groups.filter(name__icontains="skill").first() or groups.first()


def seed(ctx: Any) -> None:
    project = ctx.project
    if project is None:
        return
    users = ctx.users
    work_group = _work_group(ctx)

    def when(spec: dict[str, Any]) -> datetime:
        """The moment of a post or upload, at the author's local time."""
        return ctx.moment(spec["at"], users[spec["author"]].person.time_zone)

    def text(seed_text: str) -> str:
        return moved(seed_text, "en", ctx.offset)

    for spec in CONTENT["threads"]:
        if Thread.objects.filter(project=project, title=spec["title"]).exists():
            continue
        thread = discussions.start_thread(
            project, users[spec["author"]], spec["title"], text(spec["body"]),
            work_group=work_group if spec["work_group"] else None, at=when(spec), notify=False,
        )
        for reply in spec["replies"]:
            discussions.reply(thread, users[reply["author"]], text(reply["text"]), at=when(reply), notify=False)
        discussions.set_pinned(thread, spec["pinned"])
        discussions.set_closed(thread, spec["closed"])

    for spec in CONTENT["documents"]:
        if Document.objects.filter(project=project, title=spec["title"]).exists():
            continue
        document = None
        for version in spec["versions"]:
            body = text(version["text"])
            name = version["file_name"]
            upload = SimpleUploadedFile(name, simple_pdf(body) if name.endswith(".pdf") else body.encode("utf-8"))
            author, comment = users[version["author"]], version["comment"]
            if document is None:
                document = documents.add_document(
                    project, author, title=spec["title"], upload=upload, description=text(spec["description"]),
                    language=spec["language"], work_group=work_group if spec["work_group"] else None,
                    comment=comment, at=when(version), notify=False,
                )
            else:
                documents.add_version(document, author, upload, comment=comment, at=when(version), notify=False)

    # As Mette wrote: Vejle reads a daily digest.
    NotificationPreference.objects.update_or_create(
        user=users["denmark"], project=project, defaults={"mode": NotificationPreference.Mode.DIGEST}
    )
