"""Work groups and tasks in the browser's place: the Django test client."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from conftest import PASSWORD
from workgroups.models import Task, TaskEvent

pytestmark = pytest.mark.django_db


def today() -> date:
    return timezone.localdate()


# --- My tasks --------------------------------------------------------------------------------------


def test_my_tasks_lists_mine_and_my_organisations_not_others(client, partner, coordinator, partner_organisation, make_task):
    make_task(today() + timedelta(days=3), people=(partner,), title="Mine by name")
    make_task(today() + timedelta(days=4), organisations=(partner_organisation,), title="Mine by organisation")
    make_task(today() + timedelta(days=5), people=(partner,), organisations=(partner_organisation,), title="Mine twice")
    make_task(today() + timedelta(days=2), people=(coordinator,), title="Somebody else's")

    client.force_login(partner)
    page = client.get("/en/workgroups/").content.decode()

    assert "Mine by name" in page and "Mine by organisation" in page
    assert page.count("Mine twice</a>") == 1
    assert "Somebody else&#x27;s" not in page and "Somebody else's" not in page


def test_my_tasks_marks_overdue_and_filters_by_status_and_deadline(client, partner, make_task):
    overdue = make_task(today() - timedelta(days=2), people=(partner,), title="Late report")
    make_task(today() + timedelta(days=20), people=(partner,), title="Later plan")
    make_task(today() - timedelta(days=9), people=(partner,), title="Finished list", status=Task.Status.DONE)
    client.force_login(partner)

    page = client.get("/en/workgroups/").content.decode()
    assert "Finished list" not in page  # open and in progress by default
    row = page[page.index(f'data-task="{overdue.pk}"'):]
    assert row.index("Overdue") < row.index("</tr>")

    only_overdue = client.get("/en/workgroups/?due=overdue").content.decode()
    assert "Late report" in only_overdue and "Later plan" not in only_overdue
    week = client.get("/en/workgroups/?due=week").content.decode()
    assert "Later plan" not in week and "Late report" in week
    done = client.get("/en/workgroups/?status=done").content.decode()
    assert "Finished list" in done and "Late report" not in done


def test_my_tasks_sorts_by_deadline_either_way_and_by_title(client, partner, make_task):
    make_task(today() + timedelta(days=1), people=(partner,), title="Bravo")
    make_task(today() + timedelta(days=9), people=(partner,), title="Alpha")
    client.force_login(partner)

    earliest = client.get("/en/workgroups/?sort=deadline").content.decode()
    latest = client.get("/en/workgroups/?sort=-deadline").content.decode()
    by_title = client.get("/en/workgroups/?sort=title").content.decode()
    assert earliest.index("Bravo") < earliest.index("Alpha")
    assert latest.index("Alpha") < latest.index("Bravo")
    assert by_title.index("Alpha") < by_title.index("Bravo")


def test_my_tasks_ignores_nonsense_filters(client, partner, make_task):
    make_task(today() + timedelta(days=1), people=(partner,), title="Bravo")
    client.force_login(partner)
    response = client.get("/en/workgroups/?status=nonsense&sort=drop+table&page=abc")
    assert response.status_code == 200
    assert "Bravo" in response.content.decode()


def test_my_tasks_shows_25_tasks_a_page_and_the_rest_on_the_next(client, partner, make_task):
    from workgroups.views import PAGE_SIZE

    for i in range(PAGE_SIZE + 3):
        make_task(today() + timedelta(days=i + 1), people=(partner,), title=f"Task number {i:02d}")
    client.force_login(partner)
    first = client.get("/en/workgroups/").content.decode()
    second = client.get("/en/workgroups/?page=2").content.decode()

    assert PAGE_SIZE == 25
    assert first.count('data-task="') == 25 and "Task number 24" in first and "Task number 25" not in first
    assert "Page 1 of 2" in first and 'href="?page=2"' in first
    assert second.count('data-task="') == 3 and "Task number 27" in second and "Page 2 of 2" in second


@pytest.mark.parametrize("count", [5, 50])
def test_my_tasks_needs_a_fixed_number_of_queries(client, partner, coordinator, partner_organisation, make_task, count, django_assert_max_num_queries):
    for i in range(count):
        make_task(today() + timedelta(days=i % 9 - 3), people=(partner, coordinator), organisations=(partner_organisation,))
    client.force_login(partner)
    with django_assert_max_num_queries(8):
        response = client.get("/en/workgroups/")
    assert response.status_code == 200


# --- Work group pages ------------------------------------------------------------------------------


def test_the_work_group_page_shows_its_tasks_and_members(client, observer, work_group, partner, make_task, project):
    make_task(today() + timedelta(days=3), people=(partner,), title="Draft the questionnaire")
    make_task(today() - timedelta(days=3), people=(partner,), title="Old thing", status=Task.Status.DONE)
    client.force_login(observer)
    page = client.get(f"/en/workgroups/{work_group.pk}/").content.decode()
    assert "Skills and training needs" in page
    assert "Draft the questionnaire" in page and "Old thing" in page
    assert "Katrin Hoffmann" in page
    assert "New task" not in page  # observers only read
    overview = client.get(f"/en/workgroups/project/{project.slug}/").content.decode()
    assert "Skills and training needs" in overview and "1 open task" in overview


@pytest.mark.parametrize("count", [5, 50])
def test_the_work_group_page_needs_a_fixed_number_of_queries(client, coordinator, partner, work_group, make_task, count, django_assert_max_num_queries):
    for _ in range(count):
        make_task(today() + timedelta(days=3), people=(partner, coordinator))
    client.force_login(coordinator)
    with django_assert_max_num_queries(12):
        assert client.get(f"/en/workgroups/{work_group.pk}/").status_code == 200


def test_strangers_get_404_for_work_groups_and_tasks(client, outsider, work_group, partner, make_task):
    task = make_task(today(), people=(partner,))
    client.force_login(outsider)
    assert client.get(f"/en/workgroups/{work_group.pk}/").status_code == 404
    assert client.get(f"/en/workgroups/tasks/{task.pk}/").status_code == 404
    assert client.post(f"/en/workgroups/tasks/{task.pk}/status/", {"status": "done"}).status_code == 404
    task.refresh_from_db()
    assert task.status == Task.Status.OPEN


# --- Creating and editing ----------------------------------------------------------------------------


def test_a_coordinator_creates_a_task_with_responsibilities(client, coordinator, partner, partner_organisation, work_group):
    client.force_login(coordinator)
    response = client.post(f"/en/workgroups/{work_group.pk}/tasks/new/", {
        "title": "Prepare the skills questionnaire", "description": "Ten questions at most.",
        "deadline": "2026-05-04", "responsible_people": [partner.pk],
        "responsible_organisations": [partner_organisation.pk],
    })
    task = Task.objects.get(title="Prepare the skills questionnaire")
    assert response.status_code == 302 and response["Location"].endswith(f"/workgroups/tasks/{task.pk}/")
    assert list(task.responsible_people.all()) == [partner]
    assert list(task.responsible_organisations.all()) == [partner_organisation]
    assert task.created_by == coordinator
    assert task.events.get().kind == TaskEvent.Kind.CREATED


def test_the_work_group_lead_may_assign_tasks_but_other_members_may_not(client, project, partner, work_group, make_task):
    from projects.models import Organisation
    from projects.services import add_membership, create_user

    client.force_login(partner)  # of Magdeburg, the lead organisation, and a member of the group
    assert client.get(f"/en/workgroups/{work_group.pk}/tasks/new/").status_code == 200

    eger = Organisation.objects.create(name="Eger Municipal Training Centre", country="HU")
    zsofia = create_user("zsofia@eger.example", first_name="Zsófia", last_name="Nagy", password=PASSWORD, organisation=eger, language="hu")
    add_membership(zsofia, project, "member")
    work_group.members.add(zsofia)
    task = make_task(today(), people=(partner,))
    client.force_login(zsofia)
    assert client.get(f"/en/workgroups/{work_group.pk}/tasks/new/").status_code == 404
    assert client.post(f"/en/workgroups/{work_group.pk}/tasks/new/", {"title": "x", "deadline": "2026-05-04", "responsible_people": [zsofia.pk]}).status_code == 404
    assert client.get(f"/en/workgroups/tasks/{task.pk}/edit/").status_code == 404
    assert client.post(f"/en/workgroups/tasks/{task.pk}/status/", {"status": "done"}).status_code == 404
    assert not Task.objects.filter(title="x").exists()


def test_a_task_without_anybody_responsible_is_refused_with_a_clear_message(client, coordinator, work_group):
    client.force_login(coordinator)
    response = client.post(f"/en/workgroups/{work_group.pk}/tasks/new/", {"title": "Orphan", "deadline": "2026-05-04"})
    assert response.status_code == 200
    assert "Choose at least one responsible person or organisation" in response.content.decode()
    assert 'value="Orphan"' in response.content.decode()  # what was typed is kept
    assert not Task.objects.filter(title="Orphan").exists()


def test_a_bad_deadline_is_refused(client, coordinator, partner, work_group):
    client.force_login(coordinator)
    response = client.post(f"/en/workgroups/{work_group.pk}/tasks/new/", {
        "title": "Wrong date", "deadline": "2026-02-30", "responsible_people": [partner.pk],
    })
    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()
    assert not Task.objects.filter(title="Wrong date").exists()


def test_moving_a_deadline_is_recorded_in_the_history(client, coordinator, partner, make_task):
    task = make_task(date(2026, 5, 4), people=(partner,), title="Agenda for Eger")
    client.force_login(coordinator)
    response = client.post(f"/en/workgroups/tasks/{task.pk}/edit/", {
        "title": "Agenda for Eger", "deadline": "2026-05-11", "responsible_people": [partner.pk],
    })
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.deadline == date(2026, 5, 11)
    page = client.get(f"/en/workgroups/tasks/{task.pk}/").content.decode()
    assert "moved the deadline from 4 May 2026 to 11 May 2026." in page  # European format (issue 14)


# --- Status and comments --------------------------------------------------------------------------


def test_a_responsible_person_updates_the_status_and_comments(client, partner, make_task):
    task = make_task(today() + timedelta(days=2), people=(partner,), title="Translate the questionnaire")
    client.force_login(partner)

    response = client.post(f"/de/workgroups/tasks/{task.pk}/status/", {"status": "in_progress", "comment": "Halfway."})
    assert response.status_code == 302
    client.post(f"/de/workgroups/tasks/{task.pk}/comment/", {"text": "German version sent for review."})
    client.post(f"/de/workgroups/tasks/{task.pk}/status/", {"status": "done"})

    task.refresh_from_db()
    assert task.status == Task.Status.DONE and task.completed_on is not None
    page = client.get(f"/de/workgroups/tasks/{task.pk}/").content.decode()
    assert "hat den Status von „Offen“ auf „In Bearbeitung“ geändert." in page
    assert "German version sent for review." in page and "Halfway." in page
    assert page.index("Halfway.") < page.index("German version sent for review.")


def test_marking_done_twice_leaves_one_history_entry(client, partner, make_task):
    task = make_task(today(), people=(partner,))
    client.force_login(partner)
    client.post(f"/en/workgroups/tasks/{task.pk}/status/", {"status": "done"})
    client.post(f"/en/workgroups/tasks/{task.pk}/status/", {"status": "done"})
    assert task.events.filter(kind=TaskEvent.Kind.STATUS).count() == 1


def test_an_empty_comment_is_refused_with_a_message(client, partner, make_task):
    task = make_task(today(), people=(partner,))
    client.force_login(partner)
    response = client.post(f"/en/workgroups/tasks/{task.pk}/comment/", {"text": "   "})
    assert response.status_code == 400
    assert "Write something before you post the update." in response.content.decode()
    assert not task.events.filter(kind=TaskEvent.Kind.COMMENT).exists()


def test_an_unknown_status_changes_nothing(client, partner, make_task):
    task = make_task(today(), people=(partner,))
    client.force_login(partner)
    response = client.post(f"/en/workgroups/tasks/{task.pk}/status/", {"status": "archived"}, follow=True)
    assert "Choose a valid status." in response.content.decode()
    task.refresh_from_db()
    assert task.status == Task.Status.OPEN


def test_the_status_form_returns_only_to_pages_of_this_site(client, partner, make_task):
    task = make_task(today(), people=(partner,))
    client.force_login(partner)
    response = client.post(f"/en/workgroups/tasks/{task.pk}/status/", {"status": "done", "next": "https://evil.example/"})
    assert response["Location"] == f"/en/workgroups/tasks/{task.pk}/"


def test_observers_read_tasks_but_cannot_change_them(client, observer, partner, make_task):
    task = make_task(today(), people=(partner,))
    client.force_login(observer)
    page = client.get(f"/en/workgroups/tasks/{task.pk}/").content.decode()
    assert "Change status" not in page
    assert client.post(f"/en/workgroups/tasks/{task.pk}/comment/", {"text": "hi"}).status_code == 404


# --- Dashboard panel -----------------------------------------------------------------------------


@pytest.mark.parametrize("count", [3, 30])
def test_the_dashboard_panel_lists_my_open_tasks_with_few_queries(rf, partner, make_task, count, django_assert_max_num_queries):
    from workgroups.dashboard import panel

    for i in range(count):
        make_task(today() + timedelta(days=i - 1), people=(partner,), title=f"Panel task {i}")
    make_task(today(), people=(partner,), title="Closed one", status=Task.Status.DONE)
    request = rf.get("/en/dashboard/")
    request.user = partner
    with django_assert_max_num_queries(4):
        result = panel(request)
    tasks = result["tasks"]
    assert "Closed one" not in [t.title for t in tasks]
    assert tasks[0].title == "Panel task 0" and tasks[0].overdue
    assert all(t.mine for t in tasks)  # each one offers "Mark done"
    assert result["more"] == max(0, count - 8)
