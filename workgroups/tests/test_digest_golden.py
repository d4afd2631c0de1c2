"""The reminder emails people receive, compared with golden copies.

A fixed data set (two projects, people reading lv, de, da, hu, it and en in six time
zones; tasks due today, tomorrow and in a week, overdue and escalated, assigned to
people and to organisations) is built through the portal's services, the sweeps run at
a fixed moment, and every email they record is compared with the copy saved in
``golden/`` by the code before the reminders were split into parts (issue 13): same
subject, same words in the same language, same links. Markup and whitespace may change,
the information may not.

After a deliberate change of what people receive, regenerate the copies with
``AGEPARTNERS_WRITE_GOLDEN=1 pytest workgroups/tests/test_digest_golden.py`` and review
the diff like any other change.
"""
from __future__ import annotations

import difflib
import json
import os
import re
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from conftest import PASSWORD
from meetings.models import Meeting, Participation
from meetings.reminders import send_meeting_reminders
from meetings.tests.factories import make_meeting
from outbox.models import OutgoingEmail
from projects.models import Organisation, Partner, Person, Project
from projects.services import add_membership, create_user
from workgroups import services
from workgroups.models import Task, WorkGroup
from workgroups.reminders import sweep
from workgroups.tests.conftest import at

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).parent / "golden"
NOW = at("2026-04-15T10:00+00:00")  # 13:00 in Riga, 12:00 in Berlin, 11:00 in London


def _person(email: str, first: str, last: str, org: Any, language: str, tz: str, **settings: Any) -> Any:
    user = create_user(
        email, first_name=first, last_name=last, password=PASSWORD, organisation=org, language=language, time_zone=tz,
    )
    if settings:
        Person.objects.filter(user=user).update(**settings)
    return user


def _build(project: Any, coordinator: Any, partner: Any, observer: Any, organisation: Any, partner_organisation: Any) -> None:
    """Everything the golden emails show; ids differ between runs and are replaced by names."""
    vejle = Organisation.objects.create(name="Vejle Kommune", kind="municipality", country="DK", city="Vejle")
    Partner.objects.create(project=project, organisation=vejle, role="partner")
    dane = _person("mette@vejle.example", "Mette", "Jensen", vejle, "da", "Europe/Copenhagen")
    add_membership(dane, project, "member")
    Partner.objects.get(project=project, organisation=vejle).contacts.add(dane.person)

    pecs = Organisation.objects.create(name="Pécs Megyei Jogú Város", kind="municipality", country="HU", city="Pécs")
    bologna = Organisation.objects.create(name="Comune di Bologna", kind="municipality", country="IT", city="Bologna")
    danube = Project.objects.create(
        title="Danube & Baltic <Digital> Councils", slug="dbdc", acronym="DBDC",
        start_date=date(2025, 9, 1), end_date=date(2027, 8, 31), coordinating_organisation=pecs,
        time_zone="Europe/Budapest", reminder_days="3,0", overdue_repeat_days=2,
    )
    Partner.objects.create(project=danube, organisation=pecs, role="coordinator")
    Partner.objects.create(project=danube, organisation=bologna, role="partner")
    Partner.objects.create(project=danube, organisation=partner_organisation, role="partner")
    hungarian = _person("zsofia@pecs.example", "Zsófia", "Kovács", pecs, "hu", "Europe/Budapest")
    italian = _person("giulia@bologna.example", "Giulia", "Rossi", bologna, "it", "Europe/Rome", reminder_hour=7)
    # No first name: the greeting falls back to the address. Own reminder days.
    english = _person("desk@bologna.example", "", "", bologna, "en", "Europe/London", reminder_days="14,0")
    add_membership(hungarian, danube, "coordinator")
    add_membership(italian, danube, "member")
    add_membership(english, danube, "member")
    add_membership(partner, danube, "member")  # Katrin: one digest over both projects
    Partner.objects.get(project=danube, organisation=bologna).contacts.add(italian.person, english.person)

    age = WorkGroup.objects.create(project=project, name="Skills & training needs", lead_organisation=partner_organisation)
    age_two = WorkGroup.objects.create(project=project, name="Study visits")
    dig = WorkGroup.objects.create(project=danube, name="E-services", lead_organisation=pecs)

    def task(group: WorkGroup, by: Any, title: str, deadline: date, **kw: Any) -> Task:
        return services.create_task(group, title=title, deadline=deadline, by=by, **kw)

    today = NOW.date()
    task(age, coordinator, "Survey of training needs", today, responsible_people=(coordinator, partner, dane))
    task(age, coordinator, 'Budget & <draft> "report"', today + timedelta(days=1), responsible_people=(partner,))
    task(age_two, coordinator, "Programme of the study visit", today + timedelta(days=7),
         responsible_organisations=(vejle, partner_organisation), responsible_people=(observer,))
    # Escalated: the coordinators read who is responsible. One person per task here, as
    # create_task stores several in no fixed order (their names follow that order).
    task(age, coordinator, "Interim report to the agency", today - timedelta(days=5), responsible_people=(partner,),
         responsible_organisations=(vejle, partner_organisation))
    task(age_two, coordinator, "Minutes of the kick-off", today - timedelta(days=1), responsible_organisations=(vejle,))
    task(age, coordinator, "Dissemination plan", today - timedelta(days=2), responsible_people=(partner,),
         status=Task.Status.DONE)
    task(dig, hungarian, "Inventory of e-services", today, responsible_people=(italian, partner))
    task(dig, hungarian, "Accessibility audit", today + timedelta(days=3), responsible_organisations=(bologna,))
    task(dig, hungarian, "Translation of the guide", today - timedelta(days=2), responsible_people=(english,),
         responsible_organisations=(bologna,))
    task(dig, hungarian, "Pilot with citizens", today + timedelta(days=14), responsible_people=(english,))

    meeting = make_meeting(project, title="Partner meeting in Magdeburg", starts_at=NOW + timedelta(hours=20))
    Participation.objects.create(meeting=meeting, user=partner, response="attending",
                                 arrival_date=date(2026, 4, 15), departure_date=date(2026, 4, 18))
    Participation.objects.create(meeting=meeting, user=coordinator, response="no_answer")
    Participation.objects.create(meeting=meeting, user=dane, response="not_attending")
    later = make_meeting(danube, title="Steering group", starts_at=NOW + timedelta(days=6, hours=2),
                         venue_time_zone="Europe/Budapest", city="Pécs", country="HU")
    Participation.objects.create(meeting=later, user=italian, response="maybe")
    Participation.objects.create(meeting=later, user=hungarian, response="attending")


def _run_sweeps() -> None:
    sweep(NOW)
    send_meeting_reminders(NOW)


def _stable(value: str) -> str:
    """Ids differ from run to run: links name the task or meeting instead."""
    def slug(title: str) -> str:  # safe inside an attribute
        return re.sub(r"\W+", "-", title).strip("-").lower()

    titles = {str(pk): slug(title) for pk, title in Task.objects.values_list("pk", "title")}
    meetings = {str(pk): slug(title) for pk, title in Meeting.objects.values_list("pk", "title")}
    value = re.sub(r"/tasks/(\d+)/", lambda m: f"/tasks/{titles[m[1]]}/", value)
    return re.sub(r"/meetings/(\d+)/", lambda m: f"/meetings/{meetings[m[1]]}/", value)


class _Visible(HTMLParser):
    """The words a reader sees (title and body) and the links they can follow."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hrefs += [value or "" for name, value in attrs if tag == "a" and name == "href"]
        self.words.append(" ")  # a tag separates words (<br>, <li>, …)

    def handle_endtag(self, tag: str) -> None:
        self.words.append(" ")

    def handle_data(self, data: str) -> None:
        self.words.append(data)


def _squash(value: str) -> str:
    return " ".join(value.split())


def _digest(email: OutgoingEmail) -> dict[str, Any]:
    visible = _Visible()
    visible.feed(_stable(email.body_html))
    return {
        "category": email.category,
        "to": email.to_email,
        "language": email.language,
        "subject": _squash(_stable(email.subject)),
        "text": _squash(_stable(email.body_text)),
        "html_text": _squash("".join(visible.words)),
        "html_links": visible.hrefs,
    }


def _diff(expected: Any, produced: Any) -> str:
    """Where the words differ, one word per line (the values are single lines)."""
    def words(value: Any) -> list[str]:
        return value.split() if isinstance(value, str) else [str(v) for v in value]

    return "\n".join(difflib.unified_diff(words(expected), words(produced), "golden", "now", lineterm="", n=3))


def _name(email: OutgoingEmail) -> str:
    return f"{email.category}-{email.to_email.split('@')[0]}"


def test_every_reminder_email_says_what_the_golden_copy_says(
    project, coordinator, partner, observer, organisation, partner_organisation
):
    _build(project, coordinator, partner, observer, organisation, partner_organisation)
    # Building the tasks emailed their assignments: not reminders (test_task_emails.py).
    OutgoingEmail.objects.filter(category="workgroups.task_assigned").delete()
    _run_sweeps()
    emails = list(OutgoingEmail.objects.order_by("category", "to_email"))
    produced = {_name(e): _digest(e) for e in emails}
    if os.environ.get("AGEPARTNERS_WRITE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        for old in GOLDEN.glob("*"):
            old.unlink()
        for email in emails:
            # The raw parts for a person to read; the test compares the normalised JSON.
            name = _name(email)
            (GOLDEN / f"{name}.subject.txt").write_text(_stable(email.subject) + "\n")
            (GOLDEN / f"{name}.txt").write_text(_stable(email.body_text))
            (GOLDEN / f"{name}.html").write_text(_stable(email.body_html))
        (GOLDEN / "digests.json").write_text(json.dumps(produced, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    expected = json.loads((GOLDEN / "digests.json").read_text())
    assert sorted(produced) == sorted(expected)
    for name, digest in produced.items():
        for part, value in digest.items():
            assert value == expected[name][part], f"{name} {part}:\n{_diff(expected[name][part], value)}"
    # The data set covers what it claims to cover.
    assert {d["language"] for d in produced.values()} == {"lv", "de", "da", "hu", "it", "en"}
    assert {d["category"] for d in produced.values()} == {"deadline_reminder", "meeting_reminder"}
