"""Evidence for the grant: attendance sheets (the mobilities per partner are reports.selectors.mobilities)."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from meetings.models import Meeting, Participation
from projects.models import Membership, country_name


def attendance_participations(meeting: Meeting) -> list[Participation]:
    """Who is expected or was there: the lines of the attendance sheet, the grant's evidence.

    Only the project's members (someone recorded as attended stays, even after leaving)."""
    members = Membership.objects.filter(project_id=meeting.project_id, user=OuterRef("user"))
    return list(
        meeting.participations.filter(
            (Q(response__in=[Participation.Response.ATTENDING, Participation.Response.MAYBE]) & Exists(members))
            | Q(attended=True)
        )
        .select_related("user__person__organisation")
        .order_by("user__person__organisation__country", "user__person__organisation__name", "user__last_name", "user__first_name")
    )


def attendance_csv(meetings: Iterable[Meeting]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([
        _("Meeting"), _("Date"), _("Organisation"), _("Country"), _("Name"), _("Position"), _("Email"),
        _("Answer"), _("Arrival"), _("Departure"), _("Attended"), _("Notes for the host"),
    ])
    for meeting in meetings:
        day = meeting.local_starts_at.date().isoformat()
        for p in attendance_participations(meeting):
            person = p.user.person
            org = person.organisation
            writer.writerow([
                csv_safe(meeting.title), day, csv_safe(org.name if org else ""),
                country_name(org.country) if org else "",
                csv_safe(p.user.get_full_name() or p.user.email), csv_safe(person.position),
                p.user.email, p.get_response_display(),
                p.arrival_date.isoformat() if p.arrival_date else "",
                p.departure_date.isoformat() if p.departure_date else "",
                {True: _("yes"), False: _("no"), None: ""}[p.attended],
                csv_safe(p.notes),
            ])
    return buffer.getvalue()


def csv_safe(value: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas; neutralise them."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
