"""Marking the signed attendance sheet in the admin: documents of the coordinator's own meetings only."""
from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.base import ContentFile

from meetings.models import Attachment
from meetings.tests.factories import jpeg_bytes, make_meeting
from reports.models import SignedSheet

pytestmark = pytest.mark.django_db


def _attachment(meeting: Any, name: str, kind: str) -> Attachment:
    a = Attachment(meeting=meeting, kind=kind, caption=name, original_name=name,
                   content_type="image/jpeg" if kind == "photo" else "application/pdf", size=10)
    a.file.save(name, ContentFile(jpeg_bytes() if kind == "photo" else b"%PDF-1.4"), save=False)
    a.save()
    return a


def test_a_coordinator_marks_a_scan_of_their_own_meeting_and_nothing_else(client: Any, project: Any, other_project: Any,
                                                                          coordinator: Any, outsider: Any) -> None:
    mine = make_meeting(project, title="Ours")
    scan = _attachment(mine, "signed-sheet.pdf", "document")
    _attachment(mine, "group.jpg", "photo")
    _attachment(make_meeting(other_project, title="Theirs"), "their-sheet.pdf", "document")
    client.force_login(coordinator)
    html = client.get("/en/admin/reports/signedsheet/add/").content.decode()
    select = re.search(r'<select[^>]*name="attachment"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None
    options = {o.strip() for o in re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1)) if o.strip("- \n")}
    assert options == {"signed-sheet.pdf"}  # not the photo, not the other project's scan
    response = client.post("/en/admin/reports/signedsheet/add/", {"attachment": scan.pk})
    assert response.status_code == 302
    assert SignedSheet.objects.get().attachment == scan
    client.force_login(outsider)
    assert client.get(f"/en/admin/reports/signedsheet/{SignedSheet.objects.get().pk}/change/").status_code in (302, 404)
