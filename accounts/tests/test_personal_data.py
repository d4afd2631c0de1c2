"""A person downloads what the portal knows about them, and can have their account erased."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone as dt_timezone

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.db import models

from conftest import PASSWORD
from meetings.models import Meeting, Participation
from news.models import NewsSubscription
from outbox.models import OutgoingEmail
from projects.models import Membership, Person
from workgroups.models import Task, WorkGroup

User = get_user_model()


def _meeting(project, title: str, status: str, start: datetime) -> Meeting:
    return Meeting.objects.create(
        project=project, title=title, status=status, city="Magdeburg", country="DE",
        venue_time_zone="Europe/Berlin", starts_at=start, ends_at=start + timedelta(days=2),
    )


@pytest.fixture
def history(project, partner, coordinator):
    held = _meeting(project, "Kick-off in Daugavpils", Meeting.Status.HELD, datetime(2012, 10, 4, 7, tzinfo=dt_timezone.utc))
    coming = _meeting(project, "Final conference", Meeting.Status.PLANNED, datetime(2099, 5, 1, 7, tzinfo=dt_timezone.utc))
    Participation.objects.create(meeting=held, user=partner, response="attending", attended=True,
                                 arrival_date=date(2012, 10, 3), departure_date=date(2012, 10, 6), notes="vegetarian, gluten-free")
    Participation.objects.create(meeting=coming, user=partner, response="maybe", notes="wheelchair access")
    group = WorkGroup.objects.create(project=project, name="Public procurement")
    group.members.add(partner)
    task = Task.objects.create(work_group=group, title="Collect procurement examples", deadline=date(2013, 3, 1), created_by=coordinator)
    task.responsible_people.add(partner)
    NewsSubscription.objects.create(user=partner, project=project)
    OutgoingEmail.objects.create(key="t:1", category="reminder", to_email=partner.email, language="de",
                                 subject="Erinnerung", body_text="Hallo Katrin", user=partner, status="sent")
    return {"held": held, "coming": coming, "group": group, "task": task}


def test_partner_downloads_their_data_as_json_without_secrets(client, partner, history):
    TOTP.activate(partner, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client.force_login(partner)
    response = client.get("/en/me/export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    raw = response.content.decode()
    data = json.loads(raw)
    assert data["account"]["email"] == "katrin@magdeburg.example"
    sections = data["data"]
    [profile] = sections["projects.person.user"]
    assert profile["organisation"] == "City of Magdeburg" and profile["language"] == "de"
    assert [m["role"] for m in sections["projects.membership.user"]] == ["member"]
    notes = {p["meeting"]: p["notes"] for p in sections["meetings.participation.user"]}
    assert notes == {"Kick-off in Daugavpils": "vegetarian, gluten-free", "Final conference": "wheelchair access"}
    assert sections["workgroups.task.responsible_people"][0]["title"] == "Collect procurement examples"
    assert sections["outbox.outgoingemail.user"][0]["subject"] == "Erinnerung"
    assert sections["mfa.authenticator.user"][0]["type"] == "totp"
    # Nothing that would let the file be used to log in or read the calendar feed.
    person = Person.objects.get(user=partner)
    assert person.calendar_token not in raw
    assert partner.password not in raw
    assert "JBSWY3DP" not in raw and "secret" not in raw


def test_export_is_only_ever_ones_own(client, partner, coordinator, history):
    client.force_login(coordinator)
    data = json.loads(client.get("/en/me/export/").content)
    assert data["account"]["email"] == coordinator.email
    assert "katrin@magdeburg.example" not in json.dumps(data)


def test_erasure_keeps_the_held_meetings_attendance_and_drops_everything_else(client, partner, history):
    client.force_login(partner)
    page = client.get("/en/me/")
    assert "Erase my account" in page.content.decode()
    response = client.post("/en/me/delete/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302 and response["Location"] == "/en/"
    assert client.get("/en/dashboard/").status_code == 302  # logged out

    user = User.objects.get(pk=partner.pk)
    assert not user.is_active and not user.has_usable_password()
    assert user.email == "" and "magdeburg" not in user.username
    # Katrin attended the kick-off: the grant's report needs her name on that list.
    assert user.get_full_name() == "Katrin Hoffmann"
    [kept] = Participation.objects.filter(user=user)
    assert kept.meeting == history["held"] and kept.attended and kept.notes == ""
    assert kept.arrival_date == date(2012, 10, 3)
    assert not Membership.objects.filter(user=user).exists()
    assert not history["group"].members.filter(pk=user.pk).exists()
    assert not history["task"].responsible_people.filter(pk=user.pk).exists()
    assert Task.objects.filter(pk=history["task"].pk).exists()  # the project's work stays
    person = Person.objects.get(user=user)
    assert person.phone == "" and person.position == "" and person.organisation.name == "City of Magdeburg"
    email = OutgoingEmail.objects.get(key="t:1")
    assert email.to_email == "erased@invalid.example" and email.body_text == ""
    assert not client.login(username="katrin@magdeburg.example", password=PASSWORD)
    # Nothing of hers that only makes sense with a living account is left, in any app.
    from accounts.services import KEEP_ON_ERASURE, _user_relations

    for model, field in _user_relations():
        f = model._meta.get_field(field)
        if f.many_to_many or (f.remote_field.on_delete is models.CASCADE and model._meta.label_lower not in KEEP_ON_ERASURE):
            assert not model._default_manager.filter(**{field: user}).exists(), model._meta.label
    assert not NewsSubscription.objects.exists()


def test_someone_who_attended_nothing_becomes_a_former_member(client, observer):
    client.force_login(observer)
    client.post("/en/me/delete/", {"password": PASSWORD, "confirm": "on"})
    user = User.objects.get(pk=observer.pk)
    assert user.get_full_name() == f"Former member {user.pk}"
    assert "Bērziņa" not in str(user.__dict__)


def test_a_wrong_password_erases_nothing(client, partner):
    client.force_login(partner)
    response = client.post("/en/me/delete/", {"password": "not-it", "confirm": "on"})
    assert response.status_code == 400
    assert "The password is not correct." in response.content.decode()
    assert User.objects.get(pk=partner.pk).is_active


def test_the_only_coordinator_of_a_running_project_must_hand_over_first(client, coordinator, project):
    project.end_date = date.today() + timedelta(days=365)
    project.save()
    client.force_login(coordinator)
    page = client.get("/en/me/").content.decode()
    assert "only coordinator" in page and "Erase my account" not in page
    response = client.post("/en/me/delete/", {"password": PASSWORD, "confirm": "on"}, follow=True)
    assert "only coordinator" in response.content.decode()
    assert User.objects.get(pk=coordinator.pk).is_active


def test_the_data_page_speaks_the_partners_language(client, partner):
    client.force_login(partner)
    page = client.get("/de/me/").content.decode()
    assert "Ihre Daten und Sicherheit" in page and "Meine Daten herunterladen" in page
