"""The action log as CSV and XLSX, the project report as XLSX: the page's figures, cell for cell.

Column headers come from the same gettext messages as the page. Text cells go through the
meetings' spreadsheet guard, so a title starting with "=" stays text in Excel.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from meetings.exports import csv_safe
from reports.figures import Action, TaskCounts
from reports.selectors import Report

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value: Any) -> Any:
    return csv_safe(value) if isinstance(value, str) else value


def _action_header() -> list[str]:
    return [_("Meeting"), _("Meeting date"), _("Decision"), _("Work group"), _("Owner"), _("Organisation"),
            _("Deadline"), _("Status"), _("Completed on")]


def _action_row(a: Action) -> list[Any]:
    return [
        a.meeting.title, a.meeting.local_starts_at.date(), a.title, a.work_group.name if a.work_group else "",
        a.owner_names, a.organisation_names, a.deadline, a.status_label, a.completed_on,
    ]


def action_log_csv(actions: Iterable[Action]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_action_header())
    for a in actions:
        writer.writerow(["" if v is None else (v.isoformat() if hasattr(v, "isoformat") else _cell(v)) for v in _action_row(a)])
    return buffer.getvalue()


def _sheet(book: Workbook, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]], first: bool = False) -> None:
    sheet = book.active if first else book.create_sheet()
    assert sheet is not None
    sheet.title = title[:31]  # Excel's limit for a sheet name
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_cell(v) for v in row])
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, min(50, len(name) + 4))
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells:
            if hasattr(cell.value, "isoformat"):
                cell.number_format = "yyyy-mm-dd"


def _bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def action_log_xlsx(actions: Iterable[Action]) -> bytes:
    book = Workbook()
    _sheet(book, _("Action log"), _action_header(), (_action_row(a) for a in actions), first=True)
    return _bytes(book)


def _counts_header() -> list[str]:
    return [_("Done"), _("of which late"), _("Open"), _("Late"), _("Cancelled"), _("Total"), _("Deadlines met in time (%)")]


def _counts(c: TaskCounts) -> list[int]:
    return [c.done, c.done_late, c.open, c.late, c.cancelled, c.total, c.met_percent]


def report_xlsx(report: Report) -> bytes:
    """One sheet per section. The meetings sheet has one row per meeting (start, end,
    country, city, participants per organisation): the Beneficiary Module's shape."""
    book = Workbook()
    organisations = [p.organisation.name for p in report.partners]
    _sheet(
        book, _("Meetings"),
        [_("Start"), _("End"), _("Country"), _("City"), _("Meeting"), *organisations, _("Participants"), _("Mobilities")],
        ([r.start, r.end, str(r.meeting.country.name) if r.meeting.country else "", r.meeting.city, r.meeting.title,
          *r.cells, r.total, r.mobilities] for r in report.meetings),
        first=True,
    )
    _sheet(
        book, _("Mobilities"), [_("Partner"), _("Country"), _("Mobilities"), _("People"), _("Contracted"), _("Still to do")],
        ([r.organisation.name, str(r.organisation.country.name), r.mobilities, r.people, r.contracted, r.remaining]
         for r in report.mobilities),
    )
    _sheet(book, _("Work groups"), [_("Work group"), *_counts_header()],
           ([r.work_group.name, *_counts(r.counts)] for r in report.work_groups))
    _sheet(book, _("Deadlines by organisation"), [_("Organisation"), *_counts_header()],
           ([r.organisation.name, *_counts(r.counts)] for r in report.organisations))
    _sheet(book, _("Decisions"), _action_header(), (_action_row(a) for a in report.actions))
    d = report.dissemination
    _sheet(
        book, _("Dissemination"), [_("Published"), _("Article"), _("Public"), *[name for _code, name, _n in d.by_language]],
        ([a.published, a.title, _("yes") if a.public else _("no"), *[_("yes") if code in a.languages else "" for code, _n, _c in d.by_language]]
         for a in d.articles),
    )
    _sheet(
        book, _("Documents"), [_("Work group"), _("Document"), _("Version"), _("File name"), _("Uploaded"), _("Language")],
        ([group.name if group else _("Whole project"), v.document.title, v.number, v.file_name, localtime(v.uploaded_at, report.project.tz).date(),
          v.document.get_language_display()] for group, versions in report.documents for v in versions),
    )
    return _bytes(book)
