"""Files attached to an answer by email: saved as documents of the project under the one
upload policy (projects/uploads.py), shown with the post, refused ones listed to the sender.
Messages go into the real Dovecot; the real poller runs in the real Celery worker."""
from __future__ import annotations

import base64
import uuid

import pytest

from communication.models import Document, Post
from inbound.models import InboundMessage
from inbound.tests.test_inbound import _address, _poll, _replies
from outbox import replies
from outbox.models import OutgoingEmail

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# The smallest PNG: a signature logo.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def with_files(sender: str, to: str, text: str, files: list[tuple[str, str, bytes]], *, logo: bool = False) -> bytes:
    """A reply as Thunderbird or Outlook sends it: text (and HTML with an inline logo when
    ``logo``), then each file as a base64 attachment with an RFC 2231 file name."""
    mixed, related = f"=_mixed{uuid.uuid4().hex}", f"=_rel{uuid.uuid4().hex}"

    def b64(data: bytes) -> str:
        return base64.encodebytes(data).decode("ascii")

    parts = [f"--{mixed}\r\n"]
    if logo:
        html = f"<p>{text}</p><p><img src=\"cid:logo@magdeburg\" alt=\"Stadt Magdeburg\"></p>"
        parts.append(
            f"Content-Type: multipart/related; boundary=\"{related}\"\r\n\r\n"
            f"--{related}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            f"{b64(html.encode())}\r\n"
            f"--{related}\r\nContent-Type: image/png; name=\"image001.png\"\r\nContent-ID: <logo@magdeburg>\r\n"
            f"Content-Disposition: inline; filename=\"image001.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            f"{b64(PNG)}\r\n--{related}--\r\n"
        )
    else:
        parts.append(f"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{b64(text.encode())}\r\n")
    for name, content_type, content in files:
        encoded_name = "utf-8''" + "".join(c if c.isascii() and c.isalnum() or c in "._-" else
                                           "".join(f"%{b:02X}" for b in c.encode()) for c in name)
        parts.append(
            f"--{mixed}\r\nContent-Type: {content_type}\r\n"
            f"Content-Disposition: attachment; filename*={encoded_name}\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            f"{b64(content)}\r\n"
        )
    parts.append(f"--{mixed}--\r\n")
    headers = (
        f"From: {sender}\r\nTo: {to}\r\nSubject: Re: Questionnaire\r\nMessage-ID: <{uuid.uuid4().hex}@mail.example>\r\n"
        f"Date: Thu, 03 Dec 2026 10:00:00 +0100\r\nMIME-Version: 1.0\r\n"
        f"Content-Type: multipart/mixed; boundary=\"{mixed}\"\r\n\r\n"
    )
    return (headers + "".join(parts)).encode("utf-8")


def test_an_attachment_becomes_a_document_of_the_project_shown_with_the_post(
        dovecot, celery_worker, client, thread, coordinator, partner, outsider):
    dovecot.append(with_files(partner.email, _address(replies.THREAD, thread.pk, partner), "Anbei unsere Übersetzung.",
                              [("Fragebogen Übersetzung.pdf", "application/octet-stream", PDF)], logo=True))
    [row] = _poll(dovecot, 1)
    assert row.status == "processed", row.reason
    [post] = _replies(thread)
    assert post.body == "Anbei unsere Übersetzung." and post.author == partner
    # The file is a document of the project (the signature logo shown in the HTML is not).
    [document] = Document.objects.filter(project=thread.project)
    assert list(post.documents.all()) == [document]
    version = document.current_version
    assert document.title == "Fragebogen Übersetzung" and document.created_by == partner
    assert version.file_name == "Fragebogen Übersetzung.pdf" and version.content_type == "application/pdf"
    assert not version.file.name.endswith("Übersetzung.pdf")  # stored under a random name
    # The coordinator follows her thread: the notification names the document.
    notification = OutgoingEmail.objects.get(user=coordinator, category="communication.reply")
    assert "Fragebogen Übersetzung" in notification.body_text and f"/documents/{document.pk}/" in notification.body_text
    assert not OutgoingEmail.objects.filter(category="inbound.refused_attachments").exists()

    # A member sees it with the post and downloads it; somebody outside the project gets a 404.
    client.force_login(coordinator)
    page = client.get(f"/en/discussions/t/{thread.pk}/").content.decode()
    assert f'href="/en/discussions/documents/{document.pk}/download/"' in page and "Fragebogen Übersetzung.pdf" in page
    download = client.get(f"/en/discussions/documents/{document.pk}/download/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    client.force_login(outsider)
    assert client.get(f"/en/discussions/documents/{document.pk}/download/").status_code == 404
    assert client.get(f"/en/discussions/documents/{document.pk}/").status_code == 404


def test_files_over_the_limit_or_of_a_type_not_allowed_are_listed_to_the_sender_and_the_text_still_posts(
        dovecot, celery_worker, settings, thread, partner):
    settings.UPLOAD_MAX_MB = 1
    big = PDF + b"0" * (1024 * 1024)
    dovecot.append(with_files(partner.email, _address(replies.THREAD, thread.pk, partner), "Hier die Unterlagen.", [
        ("Protokoll.pdf", "application/pdf", PDF),
        ("Fotos Magdeburg.pdf", "application/pdf", big),
        ("setup.exe", "application/x-msdownload", b"MZ\x90\x00" + b"\x00" * 200),
    ]))
    [row] = _poll(dovecot, 1)
    assert row.status == "processed"
    [post] = _replies(thread)
    assert post.body == "Hier die Unterlagen."
    assert [d.title for d in post.documents.all()] == ["Protokoll"]
    assert Document.objects.filter(project=thread.project).count() == 1
    # One answer to this message, in her language (German), naming both files and why.
    [answer] = OutgoingEmail.objects.filter(category="inbound.refused_attachments")
    assert answer.user == partner and answer.language == "de" and answer.to_email == partner.email
    assert "Fotos Magdeburg.pdf" in answer.body_text and "höchstens 1,0" in answer.body_text
    assert "setup.exe" in answer.body_text and "„.exe“ können hier nicht geteilt werden" in answer.body_text
    assert "Protokoll" not in answer.body_text
    assert "wurde in die Diskussion „Questionnaire“ aufgenommen" in answer.body_text
    assert "Fotos Magdeburg.pdf" in answer.body_html and "setup.exe" in answer.body_html


def test_a_reply_of_only_refused_files_posts_nothing_and_says_so(dovecot, celery_worker, thread, coordinator):
    dovecot.append(with_files(coordinator.email, _address(replies.THREAD, thread.pk, coordinator), "",
                              [("macro.xlsm", "application/vnd.ms-excel.sheet.macroEnabled.12", b"PK\x03\x04junk")]))
    [row] = _poll(dovecot, 1)
    assert row.status == "failed" and "attachments were refused" in row.reason
    assert _replies(thread) == [] and not Document.objects.exists()
    [answer] = OutgoingEmail.objects.filter(category="inbound.refused_attachments", user=coordinator)
    assert answer.language == "lv" and "macro.xlsm" in answer.body_text
    assert InboundMessage.objects.count() == 1 and Post.objects.filter(thread=thread).count() == 1
