"""The meeting record PDF (read back with pypdf) and the SVG charts (parsed as XML)."""
from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from typing import Any

import pytest
from django.core.files.base import ContentFile
from pypdf import PdfReader

from meetings.models import Attachment
from meetings.tests.factories import jpeg_bytes
from reports.models import SignedSheet
from reports.tests.builders import build_small

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def small(project: Any, coordinator: Any, partner: Any, organisation: Any, partner_organisation: Any) -> Any:
    return build_small(project, coordinator, partner, organisation, partner_organisation)


def _photo(meeting: Any, caption: str, consent: bool) -> Attachment:
    photo = Attachment(meeting=meeting, kind="photo", caption=caption, photo_consent=consent,
                       original_name="p.jpg", content_type="image/jpeg", size=100)
    photo.file.save("p.jpg", ContentFile(jpeg_bytes()), save=False)
    photo.save()
    return photo


def _text(pdf: bytes) -> str:
    """The PDF's words, with the line breaks of table cells folded into spaces."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def _images(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize(("language", "heading"), [("lv", "Dalībnieki"), ("hu", "Résztvevők"), ("da", "Deltagere")])
def test_the_record_keeps_every_letter_in_latvian_hungarian_and_danish(client: Any, small: Any, partner: Any,
                                                                       language: str, heading: str) -> None:
    meeting = small.meetings["m1"]
    meeting.minutes = "Protokols: ā ē ī ū ļ ņ ģ ķ š ž č; jegyzőkönyv: ő ű; referat: ø æ å"
    meeting.save()
    client.force_login(partner)  # a partner reads the record too
    response = client.get(f"/en/reports/meetings/{meeting.pk}/record.pdf", {"lang": language})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _text(response.content)
    assert heading in text  # the record speaks the chosen language
    for expected in ("Inese Kalniņa", "Katrin Hoffmann",  # participants
                     "Šķirot darba grupas: ā ē ī ū ļ ņ ģ ķ š ž č",  # decisions
                     "Partnertalálkozó Egerben: ő ű, og næste møde i Vejle: ø æ å",
                     "Protokols: ā ē ī ū ļ ņ ģ ķ š ž č; jegyzőkönyv: ő ű; referat: ø æ å",
                     "Daugavpils City Council"):
        assert expected in text
    # Every letter comes from the vendored DejaVu Sans, never from whatever the system has.
    fonts = {str(font.get_object()["/BaseFont"]).split("+")[-1]
             for page in PdfReader(io.BytesIO(response.content)).pages for font in page["/Resources"]["/Font"].values()}
    assert fonts == {"DejaVu-Sans", "DejaVu-Sans-Bold"}
    # The task's owner (Katrin Hoffmann, the decision's task) is named beside the decision.
    assert re.search(r"Šķirot darba grupas: ā ē ī ū ļ ņ ģ ķ š ž č .{0,40}Katrin Hoffmann", text)


def test_photos_without_consent_never_reach_the_record(client: Any, small: Any, coordinator: Any) -> None:
    meeting = small.meetings["m1"]
    _photo(meeting, "Everyone agreed", consent=True)
    _photo(meeting, "Nobody asked", consent=False)
    client.force_login(coordinator)  # even the coordinator, who sees both photos on the page
    pdf = client.get(f"/en/reports/meetings/{meeting.pk}/record.pdf").content
    text = _text(pdf)
    assert "Everyone agreed" in text and "Nobody asked" not in text
    # one picture for the photo with consent (the emblem is drawn as vectors)
    assert _images(pdf) == 1


def test_the_record_notes_a_signed_sheet_and_the_mobilities(client: Any, small: Any, coordinator: Any) -> None:
    meeting = small.meetings["m1"]
    scan = Attachment(meeting=meeting, kind="document", original_name="signed.pdf", content_type="application/pdf", size=10)
    scan.file.save("signed.pdf", ContentFile(b"%PDF-1.4"), save=False)
    scan.save()
    client.force_login(coordinator)
    assert "signed.pdf" not in _text(client.get(f"/en/reports/meetings/{meeting.pk}/record.pdf").content)
    SignedSheet.objects.create(attachment=scan)
    text = _text(client.get(f"/en/reports/meetings/{meeting.pk}/record.pdf").content)
    assert "A scanned attendance sheet signed by the participants is kept in the portal (signed.pdf)" in text
    assert "Mobility" in text


def test_a_non_member_gets_404_for_the_record(client: Any, small: Any, outsider: Any) -> None:
    client.force_login(outsider)
    assert client.get(f"/en/reports/meetings/{small.meetings['m1'].pk}/record.pdf").status_code == 404


def test_coordinators_download_every_held_meetings_record_at_once(client: Any, project: Any, small: Any, coordinator: Any) -> None:
    client.force_login(coordinator)
    response = client.get(f"/en/reports/projects/{project.slug}/records.zip", {"lang": "da"})
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert len(names) == 3 and all(n.endswith("-da.pdf") for n in names)


def test_the_report_pdf_carries_the_figures(client: Any, project: Any, small: Any, coordinator: Any) -> None:
    client.force_login(coordinator)
    text = _text(client.get(f"/lv/reports/projects/{project.slug}/report.pdf").content)
    assert "Meeting in Daugavpils" in text and "Analyse bis März: ä ö ü ß, à è ì ò ù" in text


def _svgs(html: str) -> list[ET.Element]:
    return [ET.fromstring(block) for block in re.findall(r"<svg\b.*?</svg>", html, flags=re.S)]


def test_the_charts_are_valid_svg_with_titles_and_their_tables_match(client: Any, project: Any, small: Any,
                                                                     coordinator: Any) -> None:
    client.force_login(coordinator)
    html = client.get(f"/de/reports/projects/{project.slug}/report/").content.decode()
    charts = [svg for svg in _svgs(html) if "chart" in svg.get("class", "")]
    assert len(charts) == 3
    for svg in charts:
        assert svg.get("role") == "img"
        assert svg.find(f"{SVG}title").text.strip() and svg.find(f"{SVG}desc").text.strip()
    mobility, months, deadlines = charts
    # Bars: the figures written beside the bars are the table's figures.
    drawn = [t.text for t in mobility.iter(f"{SVG}text") if t.text and "/" in t.text]
    assert drawn == ["1 / 8", "1 / 12"]  # Magdeburg (DE), then Daugavpils (LV): the partners by country
    rows = re.findall(r"<th scope=\"row\">([^<]+)</th><td class=\"num\">(\d+)</td><td class=\"num\">(\d+)</td>", html)
    assert ("Daugavpils City Council", "1", "12") in rows and ("City of Magdeburg", "1", "8") in rows
    # Months: one stacked segment per non-zero cell of the table beside it.
    segments = [r for r in months.iter(f"{SVG}rect") if r.get("class", "").startswith("seg-") and r.get("y") != "4"]
    months_table = re.search(r'id="report-fig-months".*?<tbody>(.*?)</tbody>', html, flags=re.S)
    cells = re.findall(r'<td class="num">(\d+)</td>', months_table.group(1))
    assert len(segments) == sum(1 for c in cells if c != "0") >= 4  # t1..t5 fall in at least four months
    assert sum(int(c) for c in cells) == 5  # t6 lies after the project
    # Deadlines ahead: one point per open task to come (t5, t6).
    assert len(list(deadlines.iter(f"{SVG}circle"))) == 2


def test_members_see_the_charts_on_the_project_page_and_others_do_not(client: Any, project: Any, small: Any,
                                                                      partner: Any) -> None:
    anonymous = client.get(f"/en/projects/{project.slug}/").content.decode()
    assert "<svg" not in anonymous
    client.force_login(partner)
    page = client.get(f"/en/projects/{project.slug}/").content.decode()
    assert len(_svgs(page)) == 3
    assert 'href="/en/reports/projects/age/actions/"' in page
    assert "/report/" not in page  # the report is the coordinators'
    assert "style=" not in "".join(re.findall(r"<svg\b.*?</svg>", page, flags=re.S))  # nothing the CSP would block
