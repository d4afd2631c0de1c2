"""The project report, the action log and their exports, against a hand-counted project."""
from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from meetings.models import AgendaItem
from reports import selectors
from reports.figures import Period
from reports.tests.builders import EXPECTED, build_small

pytestmark = pytest.mark.django_db


@pytest.fixture
def small(project: Any, coordinator: Any, partner: Any, organisation: Any, partner_organisation: Any) -> Any:
    return build_small(project, coordinator, partner, organisation, partner_organisation)


def _report(project: Any) -> selectors.Report:
    project.refresh_from_db()
    return selectors.project_report(project, Period.of(project))


def test_the_report_matches_the_hand_count(project: Any, small: Any) -> None:
    report = _report(project)
    assert [r.meeting.title for r in report.meetings] == EXPECTED["meetings"]
    assert [r.total for r in report.meetings] == EXPECTED["participants"]
    assert {r.organisation.name: r.mobilities for r in report.mobilities} == EXPECTED["mobilities"]
    assert {r.organisation.name: r.contracted for r in report.mobilities} == EXPECTED["contracted"]
    c = lambda r: (r.counts.done, r.counts.done_late, r.counts.open, r.counts.late, r.counts.cancelled,  # noqa: E731
                   r.counts.total, r.counts.met_percent)
    assert {r.work_group.name: c(r) for r in report.work_groups} == EXPECTED["groups"]
    assert {r.organisation.name: c(r) for r in report.organisations} == EXPECTED["organisations"]
    assert len(report.actions) == EXPECTED["actions"]
    assert report.decisions.by_status == EXPECTED["action_status"]
    assert report.dissemination.published == EXPECTED["articles"]
    assert report.dissemination.public == EXPECTED["public_articles"]
    languages = {code: n for code, _name, n in report.dissemination.by_language}
    assert {k: languages[k] for k in EXPECTED["languages"]} == EXPECTED["languages"]
    assert {g.name if g else None: [(v.document.title, v.number) for v in vs] for g, vs in report.documents} == EXPECTED["documents"]


def test_the_report_and_the_mobility_page_count_the_same_mobilities(project: Any, small: Any) -> None:
    """One rule (reports.figures.mobility_rows): over the whole project the report's
    mobilities are the coordinators' mobility page's."""
    report = _report(project)
    assert [(r.partner.pk, r.mobilities, r.people) for r in report.mobilities] == [
        (r.partner.pk, r.mobilities, r.people) for r in selectors.mobilities(project)
    ]


def test_a_period_restricts_every_figure(project: Any, small: Any) -> None:
    project.refresh_from_db()
    # From the day after the online meeting to today: only the Daugavpils meeting; t2, t3, t4.
    period = Period(small.meetings["m2"].starts_at.date() + timedelta(days=1), small.today)
    report = selectors.project_report(project, period)
    assert [r.meeting.title for r in report.meetings] == ["Meeting in Daugavpils"]
    assert {r.organisation.name: r.mobilities for r in report.mobilities} == {"Daugavpils City Council": 0, "City of Magdeburg": 1}
    skills = next(r for r in report.work_groups if r.work_group.name == "Skills analysis")
    assert (skills.counts.done_late, skills.counts.late, skills.counts.cancelled, skills.counts.total) == (1, 1, 1, 3)
    assert [a.title for a in report.actions] == ["Analyse bis März: ä ö ü ß, à è ì ò ù"]
    assert report.dissemination.published == 2  # both live articles are younger than 200 days
    assert report.documents == []


def test_the_report_page_shows_the_figures_and_its_xlsx_sums_equal_them(client: Any, project: Any, coordinator: Any, small: Any) -> None:
    client.force_login(coordinator)
    page = client.get(f"/en/reports/projects/{project.slug}/report/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<td class="num" id="participants-total">6</td>' in html
    assert '<td class="num" id="mobilities-total">2</td>' in html
    assert '<td class="num" id="contracted-total">20</td>' in html
    assert '<dd id="decisions-count">3</dd>' in html
    assert '<dd id="articles-count">2</dd>' in html

    response = client.get(f"/en/reports/projects/{project.slug}/report.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Meetings", "Mobilities", "Work groups", "Deadlines by organisation", "Decisions",
                               "Dissemination", "Documents"]
    meetings = list(book["Meetings"].iter_rows(values_only=True))
    header = meetings[0]
    assert header[:5] == ("Start", "End", "Country", "City", "Meeting")
    assert [row[4] for row in meetings[1:]] == EXPECTED["meetings"]
    participants = header.index("Participants")
    assert sum(row[participants] for row in meetings[1:]) == 6
    # the columns per organisation add up to the participants of each meeting
    assert all(sum(row[5:participants]) == row[participants] for row in meetings[1:])
    assert meetings[1][2] == "Germany" and meetings[3][3] == "Daugavpils"
    mobilities = list(book["Mobilities"].iter_rows(values_only=True))[1:]
    assert sum(r[2] for r in mobilities) == 2 and sum(r[4] for r in mobilities) == 20
    groups = {r[0]: r[1:] for r in list(book["Work groups"].iter_rows(values_only=True))[1:]}
    assert groups == EXPECTED["groups"]
    assert len(list(book["Decisions"].iter_rows())) - 1 == EXPECTED["actions"]


@pytest.mark.parametrize("page", ["report/", "actions/", "report.xlsx", "actions.csv"])
def test_the_reports_keep_their_query_budget_as_the_project_doubles(client: Any, project: Any, coordinator: Any,
                                                                      partner: Any, small: Any, page: str) -> None:
    """No query per meeting, decision, task, article or document: twice the project, the same queries."""
    from reports.tests import builders

    client.force_login(coordinator)
    url = f"/en/reports/projects/{project.slug}/{page}"
    client.get(url)  # warm up (the session, the sites framework)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = queries()
    # Double everything: meetings with attendance, decisions with tasks, articles, documents.
    more = builders.Small(today=small.today)
    for name, m in list(small.meetings.items()):
        copy = builders.meeting(project, f"{m.title} (2)", m.starts_at.date() + timedelta(days=1), country=m.country.code if m.country else "",
                                kind=m.kind, status=m.status)
        builders.attended(copy, coordinator, partner)
        more.meetings[name] = copy
    for name, t in list(small.tasks.items()):
        copy = builders.task(t.work_group, f"{t.title} (2)", t.deadline, t.status, completed=t.completed_on,
                             people=tuple(t.responsible_people.all()), organisations=tuple(t.responsible_organisations.all()),
                             meeting=more.meetings["m3"])
        from meetings.models import Decision

        Decision.objects.create(meeting=more.meetings["m3"], order=10, title=f"Decision {name}", owner=partner, task=copy)
    from communication.documents import add_document

    add_document(project, coordinator, title="Second document", upload=builders.pdf_upload("second.pdf"),
                 work_group=small.groups["dissemination"], notify=False)
    after = queries()
    assert after == before, f"{before} queries before, {after} after doubling the project"
    assert before <= 40


def test_the_action_log_filters_and_exports_what_it_shows(client: Any, project: Any, partner: Any, small: Any,
                                                           partner_organisation: Any) -> None:
    client.force_login(partner)
    base = f"/en/reports/projects/{project.slug}/actions"
    page = client.get(f"{base}/")
    assert page.status_code == 200
    assert "Šķirot darba grupas: ā ē ī ū ļ ņ ģ ķ š ž č" in page.content.decode()
    assert "Carry open actions" not in page.content.decode()  # the coordinators' button

    late = client.get(f"{base}/", {"status": "late"}).context["actions"]
    assert [a.title for a in late] == ["Analyse bis März: ä ö ü ß, à è ì ò ù"]
    done = client.get(f"{base}/", {"status": "done"}).context["actions"]
    assert sorted(a.title for a in done) == ["Survey of Latvian staff", "Šķirot darba grupas: ā ē ī ū ļ ņ ģ ķ š ž č"]
    by_meeting = client.get(f"{base}/", {"meeting": small.meetings["m3"].pk}).context["actions"]
    assert len(by_meeting) == 1
    by_org = client.get(f"{base}/", {"organisation": partner_organisation.pk}).context["actions"]
    assert sorted(a.title for a in by_org) == ["Analyse bis März: ä ö ü ß, à è ì ò ù", "Šķirot darba grupas: ā ē ī ū ļ ņ ģ ķ š ž č"]
    by_group = client.get(f"{base}/", {"work_group": small.groups["dissemination"].pk}).context["actions"]
    assert by_group == []

    exported = client.get(f"{base}.csv", {"status": "done"})
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Meeting" and len(rows) == 3
    book = load_workbook(io.BytesIO(client.get(f"{base}.xlsx", {"status": "late"}).content))
    assert [r[2] for r in book.active.iter_rows(min_row=2, values_only=True)] == ["Analyse bis März: ä ö ü ß, à è ì ò ù"]


def test_a_title_that_looks_like_a_formula_stays_text_in_the_exports(client: Any, project: Any, coordinator: Any, small: Any) -> None:
    from meetings.models import Decision

    Decision.objects.create(meeting=small.meetings["m1"], order=9, title='=HYPERLINK("http://evil.example")')
    client.force_login(coordinator)
    book = load_workbook(io.BytesIO(client.get(f"/en/reports/projects/{project.slug}/actions.xlsx").content))
    titles = [r[2] for r in book.active.iter_rows(min_row=2, values_only=True)]
    assert "'=HYPERLINK(\"http://evil.example\")" in titles


def test_carrying_open_actions_adds_one_agenda_item_to_the_next_meeting(client: Any, project: Any, coordinator: Any,
                                                                        partner: Any, small: Any) -> None:
    url = f"/en/reports/projects/{project.slug}/actions/carry/"
    client.force_login(partner)
    assert client.post(url).status_code == 404  # a partner does not prepare meetings
    client.force_login(coordinator)
    response = client.post(url)
    nxt = small.meetings["m5"]
    assert response.status_code == 302 and response["Location"].endswith(f"/meetings/{nxt.pk}/")
    items = list(AgendaItem.objects.filter(meeting=nxt))
    assert len(items) == 1
    assert "Analyse bis März" in items[0].description and "Survey of Latvian staff" not in items[0].description
    client.post(url)  # again: the same item is rewritten, not doubled
    assert AgendaItem.objects.filter(meeting=nxt).count() == 1


def test_without_a_coming_meeting_carrying_says_so(client: Any, project: Any, coordinator: Any, small: Any) -> None:
    small.meetings["m5"].delete()
    client.force_login(coordinator)
    response = client.post(f"/en/reports/projects/{project.slug}/actions/carry/", follow=True)
    assert "There is no coming meeting" in response.content.decode()
    assert not AgendaItem.objects.exists()


def test_only_coordinators_see_the_report_and_a_partner_cannot_reach_another_projects(
    client: Any, project: Any, other_project: Any, partner: Any, observer: Any, outsider: Any, coordinator: Any
) -> None:
    for user in (partner, observer):
        client.force_login(user)
        for suffix in ("report/", "report.pdf", "report.xlsx", "records.zip"):
            assert client.get(f"/en/reports/projects/{project.slug}/{suffix}").status_code == 404
    client.force_login(coordinator)  # a coordinator of this project, not of the other one
    assert client.get(f"/en/reports/projects/{other_project.slug}/report.xlsx").status_code == 404
    assert client.get(f"/en/reports/projects/{other_project.slug}/actions/").status_code == 404
    client.force_login(outsider)
    assert client.get(f"/en/reports/projects/{project.slug}/actions/").status_code == 404
    assert client.get(f"/en/reports/projects/{other_project.slug}/report/").status_code == 200


def test_a_period_ending_before_it_starts_is_refused_with_a_message(client: Any, project: Any, coordinator: Any, small: Any) -> None:
    client.force_login(coordinator)
    response = client.get(f"/en/reports/projects/{project.slug}/report/", {"start": "2026-06-01", "end": "2026-01-01"})
    assert "The end of the period lies before its start." in response.content.decode()
    # the figures then cover the whole project, not an empty or reversed period
    assert response.context["report"].period == Period.of(response.context["project"])
