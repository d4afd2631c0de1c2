"""Uploaded files (shared documents, meeting files) are never run as pages of the portal:
HTML and SVG are refused whatever they are called, names are flattened, sizes bounded,
and every download is an attachment that the browser may not sniff or script."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from communication.models import Document
from meetings.models import Attachment, Meeting

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HOSTILE_FILES = [
    ("report.html", b"<!doctype html><script>alert(document.cookie)</script>"),
    ("report.htm", b"<html><body onload=alert(1)></body></html>"),
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ("notes.txt", b"<!doctype html><script>alert(1)</script>"),
    ("minutes.pdf", b"<html><script>alert(1)</script></html>"),  # a name that lies
    ("photo.jpg", b"<script>alert(1)</script>"),
]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    monkeypatch.setattr(storages["private"], "location", str(tmp_path / "private"))


@pytest.fixture
def meeting(project):
    start = timezone.now() + timedelta(days=30)
    return Meeting.objects.create(project=project, title="Partner meeting in Magdeburg", status="confirmed",
                                  city="Magdeburg", country="DE", venue_time_zone="Europe/Berlin",
                                  starts_at=start, ends_at=start + timedelta(days=2))


def _share(client, project, name: str, content: bytes):
    return client.post(f"/en/discussions/p/{project.slug}/documents/new/", {
        "title": "Study visit report", "description": "", "language": "en", "comment": "",
        "file": SimpleUploadedFile(name, content, content_type="text/html"),
    })


def _attach(client, meeting, name: str, content: bytes, kind: str = "document"):
    return client.post(f"/en/meetings/{meeting.pk}/files/", {
        "kind": kind, "caption": "", "photo_consent": "on",
        "file": SimpleUploadedFile(name, content, content_type="text/html"),
    })


@pytest.mark.parametrize(("name", "content"), HOSTILE_FILES)
def test_markup_files_are_refused_as_documents_and_meeting_files(client, partner, project, meeting, name, content):
    client.force_login(partner)
    response = _share(client, project, name, content)
    assert response.status_code in (200, 400), response.status_code
    assert not Document.objects.exists()
    for kind in ("document", "photo"):
        response = _attach(client, meeting, name, content, kind=kind)
        assert response.status_code == 400
        assert "The file was not added" in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_hostile_file_name_is_flattened_and_the_download_is_an_inert_attachment(client, partner, project, meeting, settings):
    client.force_login(partner)
    response = _share(client, project, '../../../etc/<evil> name;.pdf', PDF)
    assert response.status_code == 302, response.content.decode()[:500]
    document = Document.objects.get()
    stored = document.current_version.file.name
    assert ".." not in stored and "\n" not in stored

    download = client.get(f"/en/discussions/documents/{document.pk}/download/")
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "/" not in disposition.split("filename", 1)[1] and "\n" not in disposition
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]

    assert _attach(client, meeting, "..\\..\\minutes.pdf", PDF).status_code == 302
    attachment = Attachment.objects.get()
    download = client.get(f"/en/meetings/files/{attachment.pk}/download/")
    assert download["Content-Disposition"].startswith("attachment;")
    assert "\\" not in download["Content-Disposition"] and ".." not in download["Content-Disposition"]
    assert not download["Content-Type"].startswith("text/html")
    assert "sandbox" in download["Content-Security-Policy"]


def test_oversized_uploads_are_refused_with_a_message(client, partner, project, meeting, settings):
    settings.UPLOAD_MAX_MB = 1
    big = PDF + b"0" * (1024 * 1024 + 10)
    client.force_login(partner)
    response = _share(client, project, "big.pdf", big)
    assert response.status_code in (200, 400)
    assert "at most" in response.content.decode()
    assert _attach(client, meeting, "big.pdf", big).status_code == 400
    assert not Document.objects.exists() and not Attachment.objects.exists()
