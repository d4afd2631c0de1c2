"""The one upload policy (projects/uploads.py), the same for shared documents and meeting
files: the content decides the type; the name may not lie about it; photos must be images.
The pages' messages are tested in communication/ and meetings/; here the rule itself."""
from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from projects.uploads import check_upload

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def image(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), (0, 51, 153)).save(buffer, format=fmt)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "photo", "stored", "content_type"),
    [
        ("Programme", PDF, False, "Programme.pdf", "application/pdf"),  # no extension: the content names it
        ("Agenda.PDF", PDF, False, "Agenda.pdf", "application/pdf"),
        ("notes.md", "# Eger – ütemterv\n".encode(), False, "notes.md", "text/markdown; charset=utf-8"),
        ("map.gif", image("GIF"), False, "map.gif", "image/gif"),  # meeting files' types, now for documents too
        ("group.jpeg", image("JPEG"), True, "group.jpeg", "image/jpeg"),
        ("IMG_0042.png", image("JPEG"), True, "IMG_0042.jpg", "image/jpeg"),  # a misnamed photo is still a photo
        ("scan", image("WEBP"), True, "scan.webp", "image/webp"),
    ],
)
def test_accepted_uploads_get_their_real_type_and_a_matching_name(name, content, photo, stored, content_type):
    checked = check_upload(SimpleUploadedFile(name, content, content_type="text/html"), photo=photo)
    assert (checked.name, checked.content_type, checked.size) == (stored, content_type, len(content))


@pytest.mark.parametrize(
    ("name", "content", "photo", "code"),
    [
        ("minutes.txt", PDF, True, "not_a_photo"),  # photos must be images, whatever the file is
        ("logo.svg", b"<svg onload=alert(1)>", True, "not_a_photo"),
        ("map.gif", image("PNG"), False, "content"),  # a document's name may not lie
        ("script", b"#!/bin/sh\nrm -rf /\n", False, "type"),  # text without a name says nothing
        ("budget.xls", PDF, False, "content"),
    ],
)
def test_refused_uploads_say_why(name, content, photo, code):
    with pytest.raises(ValidationError) as refused:
        check_upload(SimpleUploadedFile(name, content), photo=photo)
    assert refused.value.code == code
    assert name in refused.value.message or code == "type"


def test_one_size_limit_for_every_upload(settings):
    settings.UPLOAD_MAX_MB = 1
    big = PDF + b"0" * (1024 * 1024)
    for photo in (False, True):
        with translation.override("en"), pytest.raises(ValidationError) as refused:
            check_upload(SimpleUploadedFile("big.pdf", big), photo=photo)
        assert refused.value.code == "too_large"
        assert "files may be at most 1.0\xa0MB" in refused.value.message
