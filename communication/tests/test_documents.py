"""Shared documents: upload limits, content checks, version history and safe downloads."""
from __future__ import annotations

import pytest

from communication import documents
from communication.models import Document, DocumentVersion, Notification
from communication.tests.conftest import docx_bytes, pdf_bytes, upload
from projects.uploads import clean_file_name

pytestmark = pytest.mark.django_db


def _post(client, name, content, **extra):
    data = {"title": "Skills analysis", "description": "", "language": "de", "comment": "", **extra,
            "file": upload(name, content)}
    return client.post("/en/discussions/p/age/documents/new/", data)


def test_members_share_a_pdf_and_a_word_file(client, project, partner):
    client.force_login(partner)
    assert _post(client, "Analyse.pdf", pdf_bytes()).status_code == 302
    assert _post(client, "Draft.docx", docx_bytes(), title="Draft").status_code == 302
    types = set(DocumentVersion.objects.values_list("content_type", flat=True))
    assert "application/pdf" in types
    assert "application/vnd.openxmlformats-officedocument.wordprocessingml.document" in types


def test_files_over_the_size_limit_are_refused_with_a_clear_message(client, settings, project, partner):
    settings.UPLOAD_MAX_MB = 1
    client.force_login(partner)
    response = _post(client, "big.pdf", pdf_bytes() + b"0" * (1024 * 1024 + 10))
    assert response.status_code == 200
    text = response.content.decode()
    assert "files may be at most 1.0\xa0MB" in text
    assert "Please compress it or split it." in text
    assert 'value="Skills analysis"' in text  # what was typed is kept
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("page.html", b"<html><script>alert(1)</script></html>", "Files of type “.html” cannot be shared here."),
        ("tool.exe", b"MZ\x90\x00", "Files of type “.exe” cannot be shared here."),
        ("drawing.svg", b"<svg onload=alert(1)>", "Files of type “.svg” cannot be shared here."),
        ("report.pdf", b"just some text pretending", "The content of “report.pdf” is not a PDF file"),
        ("notes.txt", b"<!DOCTYPE html><html><script>alert(1)</script>", "is not a plain text file"),
        ("minutes.docx", b"PK\x03\x04not really a zip", "is not a Word file"),
        ("photo.png", pdf_bytes(), "is not a PNG file"),
        ("empty.txt", b"", "is empty"),
        ("noextension", b"hello", "Files of type “no extension” cannot be shared here."),
    ],
)
def test_wrong_types_and_disguised_content_are_refused(client, project, partner, name, content, message):
    client.force_login(partner)
    response = _post(client, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Document.objects.exists()


def test_a_new_upload_becomes_current_and_old_versions_stay(client, project, coordinator, partner):
    document = documents.add_document(
        project, partner, title="Learning content", language="en", upload=upload("content.txt", b"first draft\n"),
        comment="first draft",
    )
    client.force_login(coordinator)
    response = client.post(
        f"/en/discussions/documents/{document.pk}/versions/new/",
        {"file": upload("content v2.txt", b"second draft\n"), "comment": "Comments from Ferrara"},
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.current_version.number == 2
    assert list(document.versions.values_list("number", flat=True)) == [2, 1]

    current = client.get(f"/en/discussions/documents/{document.pk}/download/")
    assert b"".join(current.streaming_content) == b"second draft\n"
    first = client.get(f"/en/discussions/documents/{document.pk}/versions/1/download/")
    assert b"".join(first.streaming_content) == b"first draft\n"

    page = client.get(f"/en/discussions/documents/{document.pk}/").content.decode()
    assert "Comments from Ferrara" in page and "first draft" in page
    assert "content v2.txt" in page and "content.txt" in page


def test_a_refused_new_version_keeps_the_current_one(client, project, partner):
    document = documents.add_document(project, partner, title="Report", upload=upload("r.pdf", pdf_bytes()))
    client.force_login(partner)
    response = client.post(f"/en/discussions/documents/{document.pk}/versions/new/", {"file": upload("r.pdf", b"fake")})
    assert response.status_code == 400
    assert "is not a PDF file" in response.content.decode()
    document.refresh_from_db()
    assert document.current_version.number == 1 and document.versions.count() == 1


def test_downloads_are_attachments_with_safe_headers_and_names(client, project, partner):
    document = documents.add_document(
        project, partner, title="Plan", upload=upload('../../etc/"Plāns"<script>.txt', b"plan\n", "text/html"),
    )
    version = document.current_version
    assert version.file_name == "Plāns_script.txt"
    assert "/" not in version.file.name.split("documents/")[1].split("/", 1)[1]
    client.force_login(partner)
    response = client.get(f"/en/discussions/documents/{document.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"  # not the text/html the browser claimed
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''Pl%C4%81ns_script.txt" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("C:\\Users\\inese\\Atskaite.docx", "Atskaite.docx"),
        ("..\\..\\boot.ini.TXT", "boot.ini.txt"),
        ("  .hidden  ", "hidden"),
        ("a\x00b\x1fc.pdf", "abc.pdf"),
        ("Ügyrend: 2012/13?.pdf", "13.pdf"),
        ("x" * 300 + ".pdf", "x" * 146 + ".pdf"),
    ],
)
def test_file_names_are_sanitised(raw, clean):
    assert clean_file_name(raw) == clean


def test_new_work_group_documents_notify_its_members_once(project, coordinator, partner, observer, work_group):
    document = documents.add_document(
        project, partner, title="Skills matrix", work_group=work_group, upload=upload("m.csv", b"skill;level\n"),
    )
    assert list(Notification.objects.values_list("recipient__email", flat=True)) == [coordinator.email]
    documents.add_version(document, partner, upload("m.csv", b"skill;level\nlanguages;B2\n"))
    assert Notification.objects.filter(recipient=coordinator).count() == 2  # one per version
    assert not Notification.objects.filter(recipient__in=[partner, observer]).exists()
    from outbox.models import OutgoingEmail

    subjects = sorted(OutgoingEmail.objects.filter(to_email=coordinator.email).values_list("subject", flat=True))
    assert len(subjects) == 2


def test_document_list_query_count_is_flat(client, project, coordinator, partner, work_group):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/en/discussions/p/age/documents/").status_code == 200
        return len(ctx.captured_queries)

    client.force_login(partner)
    for i in range(3):
        documents.add_document(project, coordinator, title=f"Doc {i}", upload=upload(f"{i}.txt", b"x\n"), work_group=work_group)
    few = queries()
    for i in range(3, 25):
        document = documents.add_document(project, partner, title=f"Doc {i}", upload=upload(f"{i}.txt", b"x\n"))
        documents.add_version(document, coordinator, upload(f"{i}.txt", b"y\n"))
    assert queries() == few
