"""Evidence for the grant: attendance sheets and mobilities per partner."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils.translation import gettext as _

from meetings.models import Meeting, Participation
from projects.models import Membership, Partner, Project, country_name


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
                _csv_safe(meeting.title), day, _csv_safe(org.name if org else ""),
                country_name(org.country) if org else "",
                _csv_safe(p.user.get_full_name() or p.user.email), _csv_safe(person.position),
                p.user.email, p.get_response_display(),
                p.arrival_date.isoformat() if p.arrival_date else "",
                p.departure_date.isoformat() if p.departure_date else "",
                {True: _("yes"), False: _("no"), None: ""}[p.attended],
                _csv_safe(p.notes),
            ])
    return buffer.getvalue()


def _csv_safe(value: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas; neutralise them."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@dataclass
class MobilityRow:
    partner: Partner
    mobilities: int
    people: int

    @property
    def contracted(self) -> int:
        return self.partner.contracted_mobilities

    @property
    def remaining(self) -> int:
        return max(0, self.contracted - self.mobilities)

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.mobilities / self.contracted)) if self.contracted else 0


def mobility_counts(project: Project) -> list[MobilityRow]:
    """Per partner: attendances of its people at meetings held in another country.

    Online meetings and meetings without a country are no mobility; one person at two
    meetings abroad counts twice (two mobilities).
    """
    partners = list(project.partners.select_related("organisation"))
    rows = (
        Participation.objects.filter(meeting__project=project, attended=True)
        .exclude(meeting__kind=Meeting.Kind.ONLINE)
        .exclude(meeting__country="")
        .exclude(meeting__country=F("user__person__organisation__country"))
        .filter(user__person__organisation__in=[p.organisation_id for p in partners])
        .values("user__person__organisation")
        .annotate(mobilities=Count("pk"), people=Count("user", distinct=True))
    )
    counts = {row["user__person__organisation"]: (row["mobilities"], row["people"]) for row in rows}
    return [MobilityRow(p, *counts.get(p.organisation_id, (0, 0))) for p in partners]
