"""The pages of the projects app as their readers see them."""
from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from projects.models import Partner, Person

pytestmark = pytest.mark.django_db


def test_public_project_page_shows_aim_partners_by_country_with_flags_and_funding(client: Any, project: Any) -> None:
    project.aim_de = "Wettbewerbsfähige Kommunalverwaltungen."
    project.agreement_number = "2012-1-LV1-LEO04-03426 1"
    project.save()

    response = client.get("/de/projects/age/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Wettbewerbsfähige Kommunalverwaltungen." in html  # the aim in the reader's language
    assert "/static/flags/lv.gif" in html and "/static/flags/de.gif" in html
    assert "Lettland" in html and "Deutschland" in html  # country names in German
    assert "City of Magdeburg" in html and "Daugavpils City Council" in html
    assert '<progress class="project-progress" max="100" value="100"' in html  # the seed project has ended
    assert "2012-1-LV1-LEO04-03426 1" in html
    assert "img/eu-emblem.svg" in html


def test_project_page_falls_back_to_english_where_a_translation_is_missing(client: Any, project: Any) -> None:
    response = client.get("/hu/projects/age/")
    assert "Competitive local governments." in response.content.decode()


def test_private_project_page_is_hidden_from_everyone_but_its_members(client: Any, other_project: Any, outsider: Any, partner: Any) -> None:
    assert client.get("/en/projects/other/").status_code == 404
    client.force_login(partner)
    assert client.get("/en/projects/other/").status_code == 404
    client.force_login(outsider)
    assert client.get("/en/projects/other/").status_code == 200


def test_dashboard_lists_my_projects_with_my_role(client: Any, partner: Any, project: Any, other_project: Any) -> None:
    client.force_login(partner)
    html = client.get("/en/dashboard/").content.decode()
    assert "Administration go Europe!" in html
    assert "Partner member" in html
    assert "Other partnership" not in html


def test_partner_directory_shows_contact_people_with_position_email_and_phone(client: Any, project: Any, partner: Any, coordinator: Any, observer: Any) -> None:
    Person.objects.filter(user=partner).update(phone="+49 391 540 2000")
    Partner.objects.get(project=project, organisation__name="City of Magdeburg").contacts.add(partner.person)

    client.force_login(observer)
    html = client.get("/en/projects/age/partners/").content.decode()

    assert "Katrin Hoffmann" in html and "International officer" in html
    assert 'href="mailto:katrin@magdeburg.example"' in html
    assert 'href="tel:+493915402000"' in html
    assert "Contact person" in html
    assert "Inese Kalniņa" in html and "Project coordinator" in html  # a member of an organisation listed under it
    assert "Laura Bērziņa" in html  # members without an organisation are listed too


def test_partner_directory_is_for_members_only(client: Any, project: Any, outsider: Any) -> None:
    response = client.get("/en/projects/age/partners/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(outsider)
    assert client.get("/en/projects/age/partners/").status_code == 404


def _profile_data(**changes: Any) -> dict[str, Any]:
    data = {"language": "lv", "time_zone": "Europe/Riga", "position": "Project coordinator", "phone": "",
            "reminder_hour": "8", "reminder_days": "7,1,0"}
    data.update(changes)
    return data


def test_profile_saves_reminder_preferences_normalised(client: Any, coordinator: Any) -> None:
    client.force_login(coordinator)
    response = client.post("/lv/profile/", _profile_data(reminder_days=" 1, 7,0,7 ", reminder_hour="6", phone="+371 654 04300"))
    assert response.status_code == 302
    person = Person.objects.get(user=coordinator)
    assert (person.reminder_days, person.reminder_hour, person.phone) == ("7,1,0", 6, "+371 654 04300")


@pytest.mark.parametrize("value, message", [
    ("7,x", "“x” is not a number of days"),
    ("7,-1", "“-1” is not a number of days"),
    ("90", "90 days is too far ahead"),
])
def test_profile_rejects_bad_reminder_days_with_a_clear_message_and_keeps_the_old_value(client: Any, coordinator: Any, value: str, message: str) -> None:
    client.force_login(coordinator)
    response = client.post("/en/profile/", _profile_data(reminder_days=value, phone="+371 1"))
    assert response.status_code == 200
    assert message in response.content.decode()
    person = Person.objects.get(user=coordinator)
    assert person.reminder_days == "" and person.phone == ""


def test_changing_the_language_moves_the_profile_into_it_and_remembers_it(client: Any, coordinator: Any) -> None:
    client.force_login(coordinator)
    response = client.post("/lv/profile/", _profile_data(language="de", time_zone="Europe/Berlin"))
    assert response.status_code == 302
    assert response["Location"] == "/de/profile/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"
    page = client.get(response["Location"]).content.decode()
    assert "Ihr Profil wurde gespeichert." in page
    person = Person.objects.get(user=coordinator)
    assert (person.language, person.time_zone) == ("de", "Europe/Berlin")
