from __future__ import annotations

import io
import zipfile
from datetime import date
from typing import Any

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def pdf_bytes(text: str = "Skills analysis") -> bytes:
    return b"%PDF-1.4\n1 0 obj <<>> endobj\n% " + text.encode() + b"\ntrailer <<>>\n%%EOF\n"


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def work_group(project: Any, coordinator: Any, partner: Any) -> Any:
    from workgroups.models import WorkGroup

    group = WorkGroup.objects.create(project=project, name="Skills analysis")
    group.members.add(coordinator, partner)
    return group


@pytest.fixture
def thread(project: Any, coordinator: Any) -> Any:
    from communication import discussions

    return discussions.start_thread(project, coordinator, "After Magdeburg", "Thank you all for coming to Magdeburg!")


@pytest.fixture
def meeting_day() -> date:
    return date(2012, 10, 8)


@pytest.fixture(autouse=True)
def _private_media(monkeypatch: Any, tmp_path: Any) -> None:
    """Uploaded documents of a test live and die with the test."""
    monkeypatch.setattr(storages["private"], "location", str(tmp_path / "private"))
