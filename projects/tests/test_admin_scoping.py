"""A coordinator of project A manages A in the admin and cannot list, open, change,
choose, act on or export anything of project B. Superusers see everything.

``coordinator`` coordinates ``project`` (A); ``outsider`` coordinates ``other_project`` (B).
"""
from __future__ import annotations

import re
from typing import Any

import pytest

from projects.models import Invitation, Membership, Organisation, Partner, Person
from projects.services import add_membership, create_user, invite

pytestmark = pytest.mark.django_db


@pytest.fixture
def b_side(other_project: Any, outsider: Any) -> dict[str, Any]:
    """Objects of project B that A's coordinator must never meet."""
    org = Organisation.objects.get(name="Tartu City Government")
    partner = Partner.objects.create(project=other_project, organisation=org, role="coordinator")
    stranger = create_user("kadri@tartu.example", first_name="Kadri", last_name="Kask", organisation=org, position="Secret agent")
    membership = add_membership(stranger, other_project, "member")
    invitation, _token = invite(project=other_project, email="peeter@tartu.example", first_name="Peeter",
                                last_name="Saar", organisation=org)
    return {"org": org, "partner": partner, "user": stranger, "membership": membership, "invitation": invitation}


@pytest.fixture
def a_admin(client: Any, coordinator: Any, partner: Any) -> Any:
    client.force_login(coordinator)
    return client


def _select_options(html: str, name: str) -> set[str]:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select {name}"
    return {label.strip() for label in re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1)) if label.strip("- ")}


def test_changelists_show_only_the_coordinators_projects(a_admin: Any, b_side: dict[str, Any], project: Any) -> None:
    for url in ["/en/admin/projects/project/", "/en/admin/projects/membership/", "/en/admin/projects/person/",
                "/en/admin/projects/invitation/"]:
        html = a_admin.get(url).content.decode()
        assert "Other partnership" not in html, url
        assert "Kadri" not in html and "Peeter" not in html, url
    assert "Administration go Europe!" in a_admin.get("/en/admin/projects/project/").content.decode()
    assert "Katrin" in a_admin.get("/en/admin/projects/person/").content.decode()


def test_list_filters_offer_only_the_coordinators_projects(a_admin: Any, b_side: dict[str, Any]) -> None:
    html = a_admin.get("/en/admin/projects/membership/").content.decode()
    assert "Administration go Europe!" in html
    assert "Other partnership" not in html


def test_objects_of_another_project_cannot_be_opened_or_changed(a_admin: Any, b_side: dict[str, Any], other_project: Any) -> None:
    urls = [
        f"/en/admin/projects/project/{other_project.pk}/change/",
        f"/en/admin/projects/membership/{b_side['membership'].pk}/change/",
        f"/en/admin/projects/person/{b_side['user'].person.pk}/change/",
        f"/en/admin/projects/invitation/{b_side['invitation'].pk}/change/",
        f"/en/admin/projects/project/{other_project.pk}/history/",
        f"/en/admin/projects/membership/{b_side['membership'].pk}/delete/",
    ]
    for url in urls:
        response = a_admin.get(url)
        # Django's admin answers a missing object with a redirect to the index, never the page.
        assert response.status_code in (302, 404), url
        assert "/admin/" in response.get("Location", "/admin/")
    response = a_admin.post(f"/en/admin/projects/person/{b_side['user'].person.pk}/change/",
                            {"position": "Changed by A", "language": "en", "time_zone": "Europe/Riga", "reminder_hour": 8})
    assert response.status_code in (302, 404)
    assert Person.objects.get(pk=b_side["user"].person.pk).position == "Secret agent"


def test_add_forms_offer_only_choices_of_the_coordinators_projects(a_admin: Any, b_side: dict[str, Any]) -> None:
    html = a_admin.get("/en/admin/projects/membership/add/").content.decode()
    assert _select_options(html, "project") == {"Administration go Europe!"}
    users = _select_options(html, "user")
    assert any("katrin@magdeburg.example" in u or "Katrin" in u for u in users)
    assert not any("tartu" in u or "Kadri" in u or "Mari" in u for u in users)

    html = a_admin.get("/en/admin/projects/invitation/add/").content.decode()
    assert _select_options(html, "project") == {"Administration go Europe!"}


def test_choosing_another_projects_object_by_hand_is_refused(a_admin: Any, b_side: dict[str, Any], other_project: Any, partner: Any) -> None:
    response = a_admin.post("/en/admin/projects/membership/add/", {"user": partner.pk, "project": other_project.pk, "role": "coordinator"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Membership.objects.filter(user=partner, project=other_project).exists()

    response = a_admin.post("/en/admin/projects/invitation/add/", {
        "first_name": "Eve", "last_name": "Spy", "email": "eve@example.org", "organisation": b_side["org"].pk,
        "project": other_project.pk, "role": "coordinator", "language": "en",
    })
    assert response.status_code == 200
    assert not Invitation.objects.filter(email="eve@example.org").exists()


def test_actions_and_exports_skip_objects_of_another_project(a_admin: Any, b_side: dict[str, Any], partner: Any) -> None:
    response = a_admin.post("/en/admin/projects/person/", {
        "action": "export_contacts_csv", "_selected_action": [b_side["user"].person.pk, partner.person.pk],
    })
    assert response.status_code == 200
    csv_text = response.content.decode()
    assert "katrin@magdeburg.example" in csv_text
    assert "kadri@tartu.example" not in csv_text

    a_admin.post("/en/admin/projects/membership/", {
        "action": "delete_selected", "_selected_action": [b_side["membership"].pk], "post": "yes",
    })
    assert Membership.objects.filter(pk=b_side["membership"].pk).exists()

    a_admin.post("/en/admin/projects/invitation/", {"action": "resend", "_selected_action": [b_side["invitation"].pk]})
    assert Invitation.objects.get(pk=b_side["invitation"].pk).token_hash == b_side["invitation"].token_hash


def test_organisations_are_public_but_only_changeable_when_all_their_projects_are_yours(a_admin: Any, b_side: dict[str, Any], organisation: Any) -> None:
    html = a_admin.get("/en/admin/projects/organisation/").content.decode()
    assert "Tartu City Government" in html  # public information

    response = a_admin.post(f"/en/admin/projects/organisation/{b_side['org'].pk}/change/",
                            {"name": "Renamed by A", "kind": "other", "country": "EE"})
    assert response.status_code == 403 or "Renamed by A" not in Organisation.objects.get(pk=b_side["org"].pk).name
    assert Organisation.objects.get(pk=b_side["org"].pk).name == "Tartu City Government"

    response = a_admin.post(f"/en/admin/projects/organisation/{organisation.pk}/change/",
                            {"name": "Daugavpils City Council", "kind": "municipality", "country": "LV", "city": "Daugavpils",
                             "website": "https://www.daugavpils.lv"})
    assert response.status_code == 302
    assert Organisation.objects.get(pk=organisation.pk).website == "https://www.daugavpils.lv"

    # A new partner organisation: added, then chosen in the project's partner list.
    response = a_admin.post("/en/admin/projects/organisation/add/", {"name": "Municipality of Vejle", "kind": "municipality", "country": "DK", "city": "Vejle"})
    assert response.status_code == 302
    assert Organisation.objects.filter(name="Municipality of Vejle").exists()


def test_coordinators_cannot_create_or_delete_projects(a_admin: Any, project: Any) -> None:
    assert a_admin.get("/en/admin/projects/project/add/").status_code == 403
    a_admin.post(f"/en/admin/projects/project/{project.pk}/delete/", {"post": "yes"})
    assert type(project).objects.filter(pk=project.pk).exists()


def test_superuser_sees_every_project(client: Any, superuser: Any, b_side: dict[str, Any], project: Any, other_project: Any) -> None:
    client.force_login(superuser)
    html = client.get("/en/admin/projects/membership/").content.decode()
    assert "Other partnership" in html and "Kadri" in html
    assert client.get(f"/en/admin/projects/project/{other_project.pk}/change/").status_code == 200
    html = client.get("/en/admin/projects/membership/add/").content.decode()
    assert _select_options(html, "project") == {"Administration go Europe!", "Other partnership"}


def test_members_who_are_not_coordinators_have_no_admin(client: Any, partner: Any) -> None:
    client.force_login(partner)
    response = client.get("/en/admin/projects/project/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_coordinator_edits_their_project_with_partner_and_membership_inlines(a_admin: Any, project: Any, b_side: dict[str, Any]) -> None:
    html = a_admin.get(f"/en/admin/projects/project/{project.pk}/change/").content.decode()
    assert "aim_lv" in html and "partners-TOTAL_FORMS" in html and "memberships-TOTAL_FORMS" in html
    # The contact-people choices of the partner inline hold only people of the project.
    assert "Kadri" not in html and "Katrin" in html


def test_coordinator_opens_their_own_invitation_and_the_add_form_preselects_their_project(a_admin: Any, project: Any, partner_organisation: Any) -> None:
    invitation, _token = invite(project=project, email="zsofia@eger.example", first_name="Zsófia", last_name="Nagy",
                                organisation=partner_organisation, language="hu")
    html = a_admin.get(f"/en/admin/projects/invitation/{invitation.pk}/change/").content.decode()
    assert "zsofia@eger.example" in html and "Zsófia" in html
    html = a_admin.get("/en/admin/projects/invitation/add/").content.decode()
    assert re.search(rf'<option value="{project.pk}" selected>', html)


def test_a_scoped_admin_for_a_model_without_a_scope_fails_the_system_check() -> None:
    """A new app's admin cannot forget projects.admin_scope.ADMIN_SCOPES: `manage.py check` says so."""
    from django.contrib import admin

    from communication.models import Digest
    from projects.admin_scope import ProjectScopedAdmin

    assert [error.id for error in ProjectScopedAdmin(Digest, admin.site).check()] == ["projects.E001"]
