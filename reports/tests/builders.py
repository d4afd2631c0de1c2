"""A small project whose report was counted by hand (the figures are in ``EXPECTED``).

Dates are relative to today (T) so that "open" and "late" mean what they mean on the day
the test runs: the project runs from T-365 to T+365.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from meetings.models import Decision, Meeting, Participation
from workgroups.models import Task, WorkGroup


@dataclass
class Small:
    today: date
    meetings: dict[str, Meeting] = field(default_factory=dict)
    tasks: dict[str, Task] = field(default_factory=dict)
    groups: dict[str, WorkGroup] = field(default_factory=dict)


def _at(day: date, tz: str = "Europe/Berlin", hour: int = 9) -> datetime:
    import zoneinfo

    return datetime.combine(day, time(hour), tzinfo=zoneinfo.ZoneInfo(tz))


def meeting(project: Any, title: str, day: date, *, country: str = "DE", city: str = "Magdeburg",
            kind: str = Meeting.Kind.PARTNER_MEETING, status: str = Meeting.Status.HELD, **extra: Any) -> Meeting:
    return Meeting.objects.create(
        project=project, title=title, kind=kind, status=status, country=country, city=city,
        venue_time_zone="Europe/Berlin", starts_at=_at(day), ends_at=_at(day + timedelta(days=1), hour=16), **extra,
    )


def attended(m: Meeting, *users: Any) -> None:
    for user in users:
        Participation.objects.create(meeting=m, user=user, response=Participation.Response.ATTENDING, attended=True)


def task(group: WorkGroup, title: str, deadline: date, status: str = Task.Status.OPEN, *, completed: date | None = None,
         people: tuple[Any, ...] = (), organisations: tuple[Any, ...] = (), meeting: Meeting | None = None) -> Task:
    t = Task.objects.create(work_group=group, title=title, deadline=deadline, status=status, completed_on=completed, meeting=meeting)
    t.responsible_people.set(people)
    t.responsible_organisations.set(organisations)
    return t


def pdf_upload(name: str) -> SimpleUploadedFile:
    from communication.demo import simple_pdf

    return SimpleUploadedFile(name, simple_pdf(name), content_type="application/pdf")


def build_small(project: Any, coordinator: Any, partner: Any, organisation: Any, partner_organisation: Any) -> Small:
    from communication.documents import add_document, add_version
    from news.models import Article

    T = timezone.localdate(timezone=project.tz)
    d = lambda n: T + timedelta(days=n)  # noqa: E731
    project.start_date, project.end_date = d(-365), d(365)
    project.save()
    s = Small(today=T)
    m1 = s.meetings["m1"] = meeting(project, "Kick-off in Magdeburg", d(-300))  # DE: the Latvian travels
    m2 = s.meetings["m2"] = meeting(project, "Online check-in", d(-200), kind=Meeting.Kind.ONLINE, country="", city="")
    m3 = s.meetings["m3"] = meeting(project, "Meeting in Daugavpils", d(-100), country="LV", city="Daugavpils")
    m4 = s.meetings["m4"] = meeting(project, "Cancelled meeting", d(-50), status=Meeting.Status.CANCELLED)
    s.meetings["m5"] = meeting(project, "Next meeting in Vejle", d(30), country="DK", city="Vejle", status=Meeting.Status.PLANNED)
    attended(m1, coordinator, partner)
    attended(m2, coordinator, partner)
    attended(m3, coordinator, partner)
    attended(m4, coordinator)

    skills = s.groups["skills"] = WorkGroup.objects.create(project=project, name="Skills analysis")
    dissemination = s.groups["dissemination"] = WorkGroup.objects.create(project=project, name="Dissemination")
    t1 = s.tasks["t1"] = task(skills, "Questionnaire drafted", d(-250), Task.Status.DONE, completed=d(-251), people=(partner,))
    s.tasks["t2"] = task(skills, "Survey of Latvian staff", d(-150), Task.Status.DONE, completed=d(-140),
                         organisations=(organisation,), meeting=m1)
    t3 = s.tasks["t3"] = task(skills, "Analysis of the survey", d(-20), Task.Status.IN_PROGRESS, people=(coordinator, partner))
    s.tasks["t4"] = task(skills, "Second survey", d(-10), Task.Status.CANCELLED, organisations=(partner_organisation,))
    s.tasks["t5"] = task(dissemination, "Leaflet in every language", d(20), organisations=(organisation,))
    s.tasks["t6"] = task(dissemination, "Final conference", d(400))  # after the project: outside the period

    Decision.objects.create(meeting=m1, order=1, title="Šķirot darba grupas: ā ē ī ū ļ ņ ģ ķ š ž č", owner=partner, task=t1,
                            work_group=skills, deadline=t1.deadline)
    Decision.objects.create(meeting=m1, order=2, title="Partnertalálkozó Egerben: ő ű, og næste møde i Vejle: ø æ å")
    Decision.objects.create(meeting=m3, order=1, title="Analyse bis März: ä ö ü ß, à è ì ò ù", owner=coordinator, task=t3,
                            work_group=skills, deadline=t3.deadline)

    now = timezone.now()
    Article.objects.create(project=project, slug="public-news", original_language="en", title_en="Kick-off", body_en="Text.",
                           title_lv="Sākums", body_lv="Teksts.", status=Article.Status.PUBLISHED,
                           audience=Article.Audience.PUBLIC, publish_at=now - timedelta(days=100))
    Article.objects.create(project=project, slug="members-news", original_language="en", title_en="For partners", body_en="Text.",
                           status=Article.Status.PUBLISHED, audience=Article.Audience.MEMBERS, publish_at=now - timedelta(days=50))
    Article.objects.create(project=project, slug="draft", original_language="en", title_en="Draft", body_en="Text.",
                           status=Article.Status.DRAFT, publish_at=now - timedelta(days=40))
    Article.objects.create(project=project, slug="too-early", original_language="en", title_en="Old", body_en="Text.",
                           status=Article.Status.PUBLISHED, publish_at=now - timedelta(days=400))

    doc = add_document(project, coordinator, title="Survey questionnaire", upload=pdf_upload("questionnaire-v1.pdf"),
                       work_group=skills, at=now - timedelta(days=260), notify=False)
    add_version(doc, partner, pdf_upload("questionnaire-v2.pdf"), at=now - timedelta(days=240), notify=False)
    add_document(project, coordinator, title="Old plan", upload=pdf_upload("plan.pdf"), at=now - timedelta(days=500), notify=False)
    return s


# The report of the whole period, counted by hand from build_small.
EXPECTED = {
    "meetings": ["Kick-off in Magdeburg", "Online check-in", "Meeting in Daugavpils"],  # held only; m4 cancelled, m5 planned
    "participants": [2, 2, 2],
    "mobilities": {"Daugavpils City Council": 1, "City of Magdeburg": 1},  # m1 for the Latvian, m3 for the German
    "contracted": {"Daugavpils City Council": 12, "City of Magdeburg": 8},
    # work group: done, done late, open, late, cancelled, total, met %
    "groups": {"Dissemination": (0, 0, 1, 0, 0, 1, 0), "Skills analysis": (2, 1, 0, 1, 1, 4, 33)},
    "organisations": {"Daugavpils City Council": (1, 1, 1, 1, 0, 3, 0), "City of Magdeburg": (1, 0, 0, 1, 1, 3, 50)},
    "actions": 4,  # d1 (done), d2 (recorded), t2 (done, no decision), d3 (late)
    "action_status": {"done": 2, "recorded": 1, "late": 1},
    "articles": 2, "public_articles": 1, "languages": {"en": 2, "lv": 1, "de": 0},
    "documents": {"Skills analysis": [("Survey questionnaire", 2)]},
}
