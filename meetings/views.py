"""Partners' pages for meetings. Objects come through projects.permissions; forbidden is 404."""
from __future__ import annotations

from itertools import groupby
from operator import attrgetter
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import CharField, Count, F, Func, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_POST

from agepartners.http import AuthenticatedHttpRequest
from meetings import calendar as ical  # the module; `calendar` below is the page
from meetings import exports, invitations, services
from meetings.forms import AnswerForm, UploadForm
from meetings.models import Attachment, Meeting, Participation
from projects import permissions
from projects.models import Person, Project, country_name
from reports import selectors as report_selectors


@login_required
def meeting_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    now = timezone.now()
    meetings = list(
        permissions.scope_for_member(Meeting.objects.all(), request.user)
        .select_related("project", "host_organisation")
        .annotate(
            attending_count=Count("participations", filter=Q(participations__response=Participation.Response.ATTENDING)),
            my_response=Subquery(
                Participation.objects.filter(meeting=OuterRef("pk"), user=request.user).values("response")[:1]
            ),
        )
        .order_by("starts_at", "pk")
    )
    upcoming = [m for m in meetings if m.ends_at > now]
    past = [m for m in reversed(meetings) if m.ends_at <= now]
    responses = dict(Participation.Response.choices)
    for meeting in meetings:
        meeting.my_response_label = responses.get(meeting.my_response or Participation.Response.NO_ANSWER)
    return render(request, "meetings/list.html", {
        "upcoming": upcoming,
        "past": past,
        "coordinated_projects": permissions.coordinated_projects(request.user).order_by("title"),
    })


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = permissions.get_for_member_or_404(
        Meeting.objects.select_related("project", "host_organisation").only(*_DETAIL_COLUMNS), request.user, pk=pk
    )
    return render(request, "meetings/detail.html", _detail_context(request, meeting))


def _name(user: str) -> Coalesce:
    """A person's name as the pages show it (``get_full_name`` or else the email), by the database
    (names are never NULL; a plain || compiles faster than Concat's COALESCE and casts)."""
    full = Func(F(f"{user}__first_name"), F(f"{user}__last_name"), template="TRIM(%(expressions)s)", arg_joiner=" || ' ' || ")
    return Coalesce(NullIf(full, Value("")), f"{user}__email", output_field=CharField())


# What the page shows of the meeting, its project and its host (not, say, the project's long
# texts in every language, which its own page shows).
_DETAIL_COLUMNS = ("title", "kind", "status", "city", "country", "venue", "address", "venue_time_zone", "starts_at", "ends_at",
                   "online_url", "description", "minutes", "project__title", "project__acronym", "host_organisation__name")


def _detail_context(request: HttpRequest, meeting: Meeting, form: AnswerForm | None = None, upload_form: UploadForm | None = None) -> dict[str, Any]:
    user = request.user
    # What the "who is coming" list and the answer card read of each participation: its
    # person's organisation as columns, not two more instances per row. (Not the related
    # managers, here and below: they read each row's deferred meeting_id back.)
    participations = list(Participation.objects.filter(meeting=meeting).select_related("user").only(
        "user_id", "response", "arrival_date", "departure_date", "notes", "attended", "user__first_name", "user__last_name", "user__email",
    ).annotate(
        organisation_id=F("user__person__organisation"),
        organisation_name=F("user__person__organisation__name"), organisation_country=F("user__person__organisation__country"),
    ).order_by("organisation_country", "organisation_name", "user__last_name", "user__first_name"))
    by_response: dict[str, list[Any]] = {response: [] for response in Participation.Response.values}
    mine = None
    for p in participations:
        by_response[p.response].append(p)
        mine = p if p.user_id == user.pk else mine
    groups = [list(group) for _, group in groupby(by_response[Participation.Response.ATTENDING], key=attrgetter("organisation_id"))]
    attachments = list(
        permissions.meeting_attachments_visible(Attachment.objects.filter(meeting=meeting), user, meeting.project_id)
        .only("kind", "caption", "original_name", "photo_consent", "size")
    )
    can_answer = permissions.can_answer_meeting(user, meeting)
    is_coordinator = permissions.is_coordinator(user, meeting.project_id)
    if form is None and can_answer and meeting.accepts_answers:
        initial: dict[str, Any] = {"response": mine.response if mine and mine.response != Participation.Response.NO_ANSWER else None}
        if mine:
            initial.update(arrival_date=mine.arrival_date, departure_date=mine.departure_date, notes=mine.notes)
        form = AnswerForm(initial=initial, meeting=meeting)
    return {
        "meeting": meeting,
        "project": meeting.project,
        "agenda": list(meeting.agenda_items.select_related("responsible_organisation", "work_group")),
        # The first of each organisation's people carries its name and country.
        "by_organisation": [(group[0], country_name(group[0].organisation_country), group) for group in groups],
        "maybe": by_response[Participation.Response.MAYBE],
        "declined": by_response[Participation.Response.NOT_ATTENDING],
        "no_answer": by_response[Participation.Response.NO_ANSWER],
        "mine": mine,
        "decisions": list(meeting.decisions.select_related("owner", "responsible_organisation")),
        "tasks": _meeting_tasks(meeting),
        "photos": [a for a in attachments if a.is_photo],
        "documents": [a for a in attachments if not a.is_photo],
        "can_answer": can_answer,
        "is_coordinator": is_coordinator,
        # What the host must know (meals, access): for coordinators only, never on the sheet.
        "host_notes": [
            p for p in participations if p.notes.strip() and p.response != Participation.Response.NOT_ATTENDING
        ] if is_coordinator else [],
        "form": form,
        "upload_form": upload_form or (UploadForm() if can_answer else None),
        "same_tz": meeting.local_starts_at.utcoffset() == timezone.localtime(meeting.starts_at).utcoffset()
        and meeting.local_ends_at.utcoffset() == timezone.localtime(meeting.ends_at).utcoffset(),
    }


def _meeting_tasks(meeting: Meeting) -> QuerySet[Any]:
    """The tasks decided at the meeting as the task lists show them, in one query: the names
    of the people and organisations that answer for each come as arrays of the row."""
    from workgroups.models import Task

    people = Task.responsible_people.through.objects.filter(task=OuterRef("pk")).order_by("user_id").values(name=_name("user"))
    organisations = (
        Task.responsible_organisations.through.objects.filter(task=OuterRef("pk"))
        .order_by("organisation__name").values("organisation__name")
    )
    return Task.objects.filter(meeting=meeting).only("title", "deadline", "status").annotate(
        work_group_name=F("work_group__name"), people_list=ArraySubquery(people), organisation_list=ArraySubquery(organisations),
    ).order_by("deadline", "pk")


def _answerable_meeting(request: HttpRequest, pk: int) -> Meeting:
    meeting = permissions.get_for_member_or_404(
        Meeting.objects.select_related("project", "host_organisation"), request.user, pk=pk
    )
    if not permissions.can_answer_meeting(request.user, meeting):
        raise Http404
    return meeting


def _closed_message(request: HttpRequest, meeting: Meeting) -> None:
    if meeting.status == Meeting.Status.CANCELLED:
        messages.error(request, _("This meeting was cancelled; there is nothing to answer."))
    else:
        messages.error(request, _("The meeting has already started, so answers can no longer be changed. "
                                  "Please tell the coordinator directly."))


@login_required
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _answerable_meeting(request, pk)
    if not meeting.accepts_answers:
        _closed_message(request, meeting)
        return redirect("meetings:detail", pk=meeting.pk)
    if request.method != "POST":
        return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#answer")
    form = AnswerForm(request.POST, meeting=meeting)
    if not form.is_valid():
        messages.error(request, _("Your answer was not saved. Please correct the marked fields."))
        return render(request, "meetings/detail.html", _detail_context(request, meeting, form=form), status=400)
    try:
        participation = invitations.answer_invitation(meeting, request.user, **form.cleaned_data)
    except invitations.AnswersClosed:
        _closed_message(request, meeting)
    else:
        messages.success(request, _("Thank you, your answer is saved: %(answer)s.") % {"answer": participation.get_response_display()})
    return redirect("meetings:detail", pk=meeting.pk)


@login_required
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = permissions.get_for_member_or_404(Meeting.objects.select_related("project"), request.user, pk=pk)
    response = HttpResponse(ical.meeting_ics(meeting), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


@login_required
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _answerable_meeting(request, pk)
    if request.method != "POST":
        return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#files")
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("The file was not added. Please see the message next to the file field."))
        return render(request, "meetings/detail.html", _detail_context(request, meeting, upload_form=form), status=400)
    services.add_attachment(meeting, by=request.user, **form.cleaned_data)
    messages.success(request, _("The file was added to the meeting."))
    return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#files")


def _visible_attachment(request: HttpRequest, pk: int) -> Attachment:
    attachment = permissions.get_for_member_or_404(
        Attachment.objects.select_related("meeting"), request.user, path="meeting__project", pk=pk
    )
    visible = permissions.meeting_attachments_visible(
        Attachment.objects.filter(pk=attachment.pk), request.user, attachment.meeting.project_id
    )
    if not visible.exists():
        raise Http404
    return attachment


def _file_response(attachment: Attachment, *, as_attachment: bool) -> FileResponse:
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=as_attachment, filename=attachment.original_name or "file",
        content_type=attachment.content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, max-age=3600"
    # Even a file that somehow slipped through must not run as a page of the portal.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    return _file_response(_visible_attachment(request, pk), as_attachment=True)


@login_required
def photo(request: HttpRequest, pk: int) -> FileResponse:
    attachment = _visible_attachment(request, pk)
    if not (attachment.is_photo and attachment.content_type.startswith("image/")):
        raise Http404
    return _file_response(attachment, as_attachment=False)


def _coordinated_meeting(request: HttpRequest, pk: int) -> Meeting:
    return permissions.get_for_coordinator_or_404(
        Meeting.objects.select_related("project", "host_organisation"), request.user, pk=pk
    )


@login_required
def attendance_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _coordinated_meeting(request, pk)
    return render(request, "meetings/attendance.html", {
        "meeting": meeting,
        "participations": exports.attendance_participations(meeting),
        "blank_rows": range(5),
    })


@login_required
def attendance_csv(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _coordinated_meeting(request, pk)
    return csv_response(exports.attendance_csv([meeting]), f"attendance-{meeting.pk}.csv")


def csv_response(content: str, filename: str) -> HttpResponse:
    # The BOM lets spreadsheet programs read the names of all five countries correctly.
    response = HttpResponse("\ufeff" + content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def calendar(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "meetings/calendar.html", {"feed_url": ical.feed_url(request.user.person)})


@login_required
@require_POST
def renew_token(request: AuthenticatedHttpRequest) -> HttpResponse:
    ical.renew_calendar_token(request.user.person)
    messages.success(request, _("Your calendar address was renewed. The old address no longer works: update it in your calendar program."))
    return redirect("meetings:calendar")


def personal_feed(request: HttpRequest, token: str) -> HttpResponse:
    person = get_object_or_404(Person.objects.select_related("user"), calendar_token=token, user__is_active=True)

    # Calendar programs poll the feed every few minutes: answer "unchanged" (304) from a
    # fingerprint of its rows, without serialising a few hundred events each time.
    rows = ical.feed_rows(person.user)

    @condition(etag_func=lambda request: ical.feed_etag(person, *rows))
    def respond(request: HttpRequest) -> HttpResponse:
        response = HttpResponse(ical.personal_feed(person, rows=rows), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="agepartners.ics"'
        response["Cache-Control"] = "private, max-age=900"
        return response

    return respond(request)


@login_required
def mobility(request: HttpRequest, slug: str) -> HttpResponse:
    project = permissions.get_for_coordinator_or_404(Project.objects.all(), request.user, path="", slug=slug)
    rows = report_selectors.mobilities(project)
    return render(request, "meetings/mobility.html", {
        "project": project,
        "rows": rows,
        "total": sum(r.mobilities for r in rows),
        "total_contracted": sum(r.contracted for r in rows),
    })
