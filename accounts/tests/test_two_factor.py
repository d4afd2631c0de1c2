"""Two-factor login with an authenticator app (TOTP) and recovery codes, and the
project policy that makes it compulsory for coordinators."""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP

from accounts.models import ProjectSecurityPolicy
from conftest import PASSWORD


def totp_code(secret: str, at: float | None = None) -> str:
    """RFC 6238 with the app defaults (SHA-1, 30 s, 6 digits), computed independently of allauth."""
    counter = int((at or time.time()) // 30)
    digest = hmac.new(base64.b32decode(secret, casefold=True), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _password_step(client, user):
    response = client.post("/en/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response["Location"]


def test_partner_activates_an_authenticator_app_from_the_setup_page(client, partner):
    client.force_login(partner)
    client.post("/en/accounts/reauthenticate/", {"password": PASSWORD})
    page = client.get("/en/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"|value="([A-Z2-7]{32})"', page.content.decode())
    secret = next(g for g in secret.groups() if g)
    assert "data:image/svg+xml" in page.content.decode()  # the QR code, allowed by img-src data:

    wrong = client.post("/en/accounts/2fa/totp/activate/", {"code": "000000" if totp_code(secret) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert not Authenticator.objects.filter(user=partner).exists()

    response = client.post("/en/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=partner, type=Authenticator.Type.TOTP).exists()


def test_login_with_totp_needs_the_current_code_and_refuses_a_replay(client, partner):
    TOTP.activate(partner, SECRET)
    stage = _password_step(client, partner)
    assert "/accounts/2fa/authenticate/" in stage
    # Password alone does not log in.
    assert client.get("/en/dashboard/").status_code == 302
    wrong = client.post(stage, {"code": "12345"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session

    code = totp_code(SECRET)
    response = client.post(stage, {"code": code})
    assert response.status_code == 302
    assert client.get("/en/dashboard/").status_code == 200

    # Someone who watched the code being typed cannot use it again.
    other = client.__class__()
    stage = _password_step(other, partner)
    replay = other.post(stage, {"code": code})
    assert replay.status_code == 200 and "_auth_user_id" not in other.session


def test_a_recovery_code_logs_in_once(client, partner):
    TOTP.activate(partner, SECRET)
    codes = RecoveryCodes.activate(partner).get_unused_codes()
    stage = _password_step(client, partner)
    assert client.post(stage, {"code": codes[0]}).status_code == 302
    client.logout()
    stage = _password_step(client, partner)
    assert client.post(stage, {"code": codes[0]}).status_code == 200
    assert client.post(stage, {"code": codes[1]}).status_code == 302


@pytest.fixture
def strict_project(project):
    return ProjectSecurityPolicy.objects.create(project=project, require_2fa_for_coordinators=True)


def test_coordinator_of_a_strict_project_is_sent_to_the_authenticator_setup(client, coordinator, strict_project):
    client.force_login(coordinator)
    for url in ("/en/admin/", "/en/dashboard/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == "/en/accounts/2fa/totp/activate/"
    # The way out stays open: the setup itself, personal data, logging out.
    assert client.get("/en/me/").status_code == 200
    assert client.get("/en/accounts/2fa/").status_code == 200


def test_coordinator_with_totp_works_normally_under_the_policy(client, coordinator, strict_project):
    TOTP.activate(coordinator, SECRET)
    client.force_login(coordinator)
    assert client.get("/en/admin/").status_code == 200
    assert client.get("/en/dashboard/").status_code == 200


def test_the_policy_asks_nothing_of_partners_and_nothing_of_other_projects(client, partner, outsider, strict_project):
    client.force_login(partner)
    assert client.get("/en/dashboard/").status_code == 200
    client.force_login(outsider)  # coordinates another project
    assert client.get("/en/admin/").status_code == 200


def test_without_a_policy_coordinators_are_free_to_choose(client, coordinator):
    client.force_login(coordinator)
    assert client.get("/en/admin/").status_code == 200


def test_coordinator_switches_the_policy_on_for_their_own_project_only(client, coordinator, project, other_project):
    client.force_login(coordinator)
    form = client.get("/en/admin/accounts/projectsecuritypolicy/add/")
    assert form.status_code == 200
    html = form.content.decode()
    assert f'value="{project.pk}"' in html and f'value="{other_project.pk}"' not in html
    refused = client.post("/en/admin/accounts/projectsecuritypolicy/add/",
                          {"project": other_project.pk, "require_2fa_for_coordinators": "on"})
    assert refused.status_code == 200  # "select a valid choice"
    assert not ProjectSecurityPolicy.objects.filter(project=other_project).exists()
    client.post("/en/admin/accounts/projectsecuritypolicy/add/", {"project": project.pk, "require_2fa_for_coordinators": "on"})
    policy = ProjectSecurityPolicy.objects.get(project=project)
    assert policy.require_2fa_for_coordinators and policy.updated_by == coordinator
    # From now on the coordinator too must set up the authenticator.
    assert client.get("/en/admin/")["Location"] == "/en/accounts/2fa/totp/activate/"


def test_outsider_cannot_see_another_projects_policy_in_the_admin(client, outsider, strict_project):
    client.force_login(outsider)
    response = client.get(f"/en/admin/accounts/projectsecuritypolicy/{strict_project.pk}/change/")
    assert response.status_code in (302, 404)
    assert "Administration go Europe" not in client.get("/en/admin/accounts/projectsecuritypolicy/").content.decode()
