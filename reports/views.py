"""The reports' pages and files. Thin: permissions decide, selectors read, templates draw."""
from __future__ import annotations

import io
import zipfile
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from meetings.models import Meeting
from projects import permissions
from projects.models import Project
from reports import charts, exports, figures, selectors, services
from reports.forms import ActionFilterForm, PeriodForm, RecordLanguageForm


def _project(request: HttpRequest, slug: str, allowed: Any) -> Project:
    """The project if ``allowed(user, project)``; a 404 otherwise, so existence does not leak."""
    project = permissions.get_for_member_or_404(Project.objects.select_related("coordinating_organisation"), request.user, path="", slug=slug)
    if not allowed(request.user, project):
        raise Http404
    return project


def _download(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- The action log ------------------------------------------------------------------------


def _filtered_actions(request: HttpRequest, project: Project) -> tuple[ActionFilterForm, list[figures.Action]]:
    form = ActionFilterForm(request.GET or None, project=project)
    actions = figures.filter_actions(selectors.action_log(project), **form.filters())
    return form, actions


@login_required
def action_log(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project(request, slug, permissions.can_read_action_log)
    form, actions = _filtered_actions(request, project)
    can_carry = permissions.can_carry_open_actions(request.user, project)
    return render(request, "reports/action_log.html", {
        "project": project, "form": form, "actions": actions, "query": request.GET.urlencode(),
        "can_carry": can_carry, "next_meeting": selectors.next_meeting(project) if can_carry else None,
    })


@login_required
def action_log_csv(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project(request, slug, permissions.can_read_action_log)
    _form, actions = _filtered_actions(request, project)
    # The BOM lets spreadsheet programs read the names of all five countries correctly.
    return _download("\ufeff" + exports.action_log_csv(actions), "text/csv; charset=utf-8", f"actions-{project.slug}.csv")


@login_required
def action_log_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project(request, slug, permissions.can_read_action_log)
    _form, actions = _filtered_actions(request, project)
    return _download(exports.action_log_xlsx(actions), exports.XLSX_TYPE, f"actions-{project.slug}.xlsx")


@login_required
@require_POST
def carry_open_actions(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project(request, slug, permissions.can_carry_open_actions)
    carried = services.carry_open_actions(project)
    if carried.meeting is None:
        messages.error(request, _("There is no coming meeting to carry the open actions to. Plan the next meeting first."))
    elif carried.item is None:
        messages.info(request, _("No open actions: nothing was added to the agenda of “%(meeting)s”.") % {"meeting": carried.meeting})
    else:
        messages.success(request, ngettext(
            "%(count)d open action is on the agenda of “%(meeting)s”.",
            "%(count)d open actions are on the agenda of “%(meeting)s”.", carried.count,
        ) % {"count": carried.count, "meeting": carried.meeting})
        return redirect("meetings:detail", carried.meeting.pk)
    return redirect("reports:action_log", project.slug)


# --- The project report -------------------------------------------------------------------


def _report(request: HttpRequest, slug: str) -> tuple[PeriodForm, selectors.Report]:
    project = _project(request, slug, permissions.can_view_report)
    form = PeriodForm(request.GET or None, project=project)
    return form, selectors.project_report(project, form.period())


def _report_context(form: PeriodForm, report: selectors.Report) -> dict[str, Any]:
    return {
        "project": report.project, "report": report, "form": form,
        **charts.chart_context(report.mobilities, report.months, report.deadlines_ahead, report.today),
    }


@login_required
def report(request: HttpRequest, slug: str) -> HttpResponse:
    form, data = _report(request, slug)
    return render(request, "reports/report.html", {**_report_context(form, data), "query": request.GET.urlencode()})


@login_required
def report_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    form, data = _report(request, slug)
    language = translation.get_language()
    pdf = render_pdf("reports/pdf/report.html", _report_context(form, data), language=language)
    return _download(pdf, "application/pdf", f"report-{data.project.slug}-{data.period.start}-{data.period.end}.pdf")


@login_required
def report_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    _form, data = _report(request, slug)
    return _download(exports.report_xlsx(data), exports.XLSX_TYPE,
                     f"report-{data.project.slug}-{data.period.start}-{data.period.end}.xlsx")


# --- Meeting records ---------------------------------------------------------------------


def render_pdf(template: str, context: dict[str, Any], *, language: str, attachments: Any = ()) -> bytes:
    # WeasyPrint loads on the first PDF, not with every web and worker process.
    from reports.pdf import render_pdf as render

    return render(template, context, language=language, attachments=attachments)


def _record_pdf(meeting: Meeting, language: str) -> bytes:
    record = selectors.meeting_record(meeting)
    return render_pdf("reports/pdf/record.html", {"record": record, "project": record.project, "meeting": meeting},
                      language=language, attachments=record.photos)


def _record_language(request: HttpRequest) -> str:
    form = RecordLanguageForm(request.GET)
    chosen = form.cleaned_data.get("lang") if form.is_valid() else ""
    return chosen or translation.get_language()


@login_required
def meeting_record(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = permissions.get_for_member_or_404(
        Meeting.objects.select_related("project", "host_organisation"), request.user, pk=pk
    )
    if not permissions.can_read_meeting_record(request.user, meeting):
        raise Http404
    language = _record_language(request)
    return _download(_record_pdf(meeting, language), "application/pdf", f"meeting-record-{meeting.pk}-{language}.pdf")


@login_required
def records_zip(request: HttpRequest, slug: str) -> HttpResponse:
    """Every held meeting's record at once, for the final report."""
    project = _project(request, slug, permissions.can_export_records_in_bulk)
    language = _record_language(request)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for meeting in selectors.project_meetings_for_records(project):
            day = meeting.local_starts_at.date().isoformat()
            archive.writestr(f"{day}-meeting-{meeting.pk}-{language}.pdf", _record_pdf(meeting, language))
    return _download(buffer.getvalue(), "application/zip", f"meeting-records-{project.slug}-{language}.zip")
