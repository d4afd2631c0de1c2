"""Invitations travel the whole path: the admin, the outbox row, Redis, the worker, SMTP,
the link, the password, the membership and the dashboard."""
from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from conftest import body_html, body_text, wait_until
from outbox.models import OutgoingEmail
from projects.models import Invitation, Membership, hash_token
from projects.services import accept_invitation, invite

LINK = re.compile(r"http://testserver(/\w\w/invitations/[\w-]+/)")


def _invite_from_admin(client: Any, coordinator: Any, project: Any, organisation: Any, **changes: Any) -> Any:
    client.force_login(coordinator)
    data = {
        "first_name": "Marco", "last_name": "Bianchi", "email": "Marco.Bianchi@ferrara.example",
        "organisation": organisation.pk, "position": "Project manager", "project": project.pk,
        "role": "member", "language": "it",
    }
    data.update(changes)
    response = client.post("/en/admin/projects/invitation/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    client.logout()
    return Invitation.objects.get(email=data["email"].lower())


@pytest.mark.django_db(transaction=True)
def test_invited_partner_gets_one_email_in_the_chosen_language_and_the_link_works_once(
    client: Any, coordinator: Any, project: Any, partner_organisation: Any, smtp_server: Any, celery_worker: Any,
) -> None:
    invitation = _invite_from_admin(client, coordinator, project, partner_organisation)
    assert len(invitation.token_hash) == 64  # only the hash is stored

    [message] = smtp_server.wait_for(1)
    assert message["To"] == "marco.bianchi@ferrara.example"
    assert "Invito al partenariato" in message["Subject"]
    text = body_text(message)
    assert "Inese Kalniņa la invita" in text
    link = LINK.search(text).group(1)
    assert link.startswith("/it/")
    assert link in body_html(message)
    wait_until(lambda: OutgoingEmail.objects.get(category="invitation").status == OutgoingEmail.Status.SENT)

    page = client.get(link)
    assert page.status_code == 200
    assert "Marco" in page.content.decode()

    response = client.post(link, {"password1": "Ferrara-Leonardo-2012", "password2": "Ferrara-Leonardo-2012"})
    assert response.status_code == 302
    assert response["Location"] == "/it/dashboard/"
    dashboard = client.get(response["Location"]).content.decode()
    assert "Administration go Europe!" in dashboard  # logged in, already a member

    membership = Membership.objects.get(project=project, user__email="marco.bianchi@ferrara.example")
    assert membership.role == "member"
    person = membership.user.person
    assert (person.language, person.organisation, person.position) == ("it", partner_organisation, "Project manager")
    assert person.time_zone == "Europe/Berlin"  # from the organisation's country
    assert Invitation.objects.get(pk=invitation.pk).accepted_by == membership.user

    client.logout()
    again = client.get(link)
    assert again.status_code == 410
    assert "/it/accounts/login/" in again.content.decode()  # a used link suggests logging in
    again = client.post(link, {"password1": "Another-Secret-2013", "password2": "Another-Secret-2013"})
    assert again.status_code == 410
    assert client.login(username="marco.bianchi@ferrara.example", password="Ferrara-Leonardo-2012")
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_resending_sends_a_new_link_and_kills_the_old_one(
    client: Any, coordinator: Any, project: Any, partner_organisation: Any, smtp_server: Any, celery_worker: Any,
) -> None:
    invitation = _invite_from_admin(client, coordinator, project, partner_organisation, language="de")
    [first] = smtp_server.wait_for(1)
    client.force_login(coordinator)
    response = client.post("/en/admin/projects/invitation/", {"action": "resend", "_selected_action": [invitation.pk]})
    assert response.status_code == 302
    client.logout()
    _first, second = smtp_server.wait_for(2)
    old_link = LINK.search(body_text(first)).group(1)
    new_link = LINK.search(body_text(second)).group(1)
    assert old_link != new_link
    assert "Einladung" in second["Subject"]

    response = client.get(old_link)
    assert response.status_code == 404
    assert "durch eine neuere Einladung ersetzt" in response.content.decode()
    assert client.get(new_link).status_code == 200


@pytest.mark.django_db
def test_expired_link_shows_a_clear_message_and_creates_nobody(client: Any, project: Any, partner_organisation: Any) -> None:
    invitation, token = invite(project=project, email="late@magdeburg.example", first_name="Lena", last_name="Spät",
                               organisation=partner_organisation, language="en")
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    for response in (client.get(f"/en/invitations/{token}/"),
                     client.post(f"/en/invitations/{token}/", {"password1": "Magdeburg-2012-x", "password2": "Magdeburg-2012-x"})):
        assert response.status_code == 410
        assert "This invitation has expired" in response.content.decode()
    assert not Membership.objects.filter(user__email="late@magdeburg.example").exists()


@pytest.mark.django_db
def test_unknown_link_shows_a_clear_message(client: Any) -> None:
    response = client.get("/en/invitations/abc123/")
    assert response.status_code == 404
    assert "This invitation link is not valid" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("password1, password2, message", [
    ("short", "short", "This password is too short."),
    ("password123", "password123", "This password is too common."),
    ("Ferrara-Leonardo-2012", "Ferrara-Leonardo-2013", "The two passwords differ."),
    ("Marco.Bianchi", "Marco.Bianchi", "The password is too similar"),
])
def test_weak_or_mistyped_password_is_refused_clearly_and_the_link_still_works(
    client: Any, project: Any, partner_organisation: Any, password1: str, password2: str, message: str,
) -> None:
    _invitation, token = invite(project=project, email="marco.bianchi@ferrara.example", first_name="Marco",
                                last_name="Bianchi", organisation=partner_organisation)
    response = client.post(f"/en/invitations/{token}/", {"password1": password1, "password2": password2})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Membership.objects.filter(user__email="marco.bianchi@ferrara.example").exists()
    assert client.get(f"/en/invitations/{token}/").status_code == 200


@pytest.mark.django_db
def test_invitation_of_an_existing_user_reuses_the_account_and_never_lowers_a_role(
    project: Any, other_project: Any, outsider: Any, partner_organisation: Any,
) -> None:
    _invitation, token = invite(project=other_project, email="MARI@tartu.example", first_name="Mari", last_name="Tamm",
                                organisation=partner_organisation, role="observer")
    user = accept_invitation(token, "Tartu-Partnership-2013")
    assert user.pk == outsider.pk
    assert Membership.objects.get(user=outsider, project=other_project).role == "coordinator"

    _invitation, token = invite(project=project, email="mari@tartu.example", first_name="Mari", last_name="Tamm",
                                organisation=partner_organisation, role="observer")
    accept_invitation(token, "Tartu-Partnership-2013")
    assert Membership.objects.get(user=outsider, project=project).role == "observer"


@pytest.mark.django_db
def test_inviting_a_member_again_is_refused_in_the_admin(client: Any, coordinator: Any, partner: Any, project: Any, partner_organisation: Any) -> None:
    client.force_login(coordinator)
    response = client.post("/en/admin/projects/invitation/add/", {
        "first_name": "Katrin", "last_name": "Hoffmann", "email": "KATRIN@magdeburg.example",
        "organisation": partner_organisation.pk, "project": project.pk, "role": "member", "language": "de",
    })
    assert response.status_code == 200
    assert "already a member of the project" in response.content.decode()
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_only_the_hash_of_the_token_is_stored(project: Any, partner_organisation: Any) -> None:
    invitation, token = invite(project=project, email="x@example.org", first_name="X", last_name="Y",
                               organisation=partner_organisation)
    stored = Invitation.objects.get(pk=invitation.pk)
    assert stored.token_hash == hash_token(token) and token not in stored.token_hash
    email = OutgoingEmail.objects.get(category="invitation")
    assert token in email.body_text  # it travels only in the email
