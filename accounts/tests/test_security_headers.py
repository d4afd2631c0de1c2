"""What a browser is told about the portal: CSP, HSTS, framing, sniffing, referrers, cookies."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def _csp(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def test_pages_forbid_inline_scripts_framing_and_sniffing(client, db):
    response = client.get("/en/")
    assert response.status_code == 200
    csp = _csp(response)
    assert csp["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in csp["style-src"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["default-src"] == ["'self'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]


def test_logged_in_pages_and_the_admin_carry_the_policy_too(client, coordinator):
    client.force_login(coordinator)
    for url in ("/en/dashboard/", "/en/admin/", "/en/me/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert _csp(response)["script-src"] == ["'self'"], url


def test_login_session_cookie_is_http_only_and_same_site(client, partner, settings):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    response = client.post("/en/accounts/login/", {"login": partner.email, "password": PASSWORD}, secure=True)
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"] and session["secure"]
    assert session["samesite"] == "Lax"


def test_https_pages_announce_hsts(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/en/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_production_settings_turn_every_protection_on():
    """The settings a deployment gets with DJANGO_DEBUG off and nothing else overridden."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DJANGO_SECRET_KEY="p" * 60, DJANGO_ALLOWED_HOSTS="partners.example.eu", DJANGO_DEBUG="false",
               DJANGO_SETTINGS_MODULE="agepartners.settings")
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in ['SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', "
        "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'SESSION_COOKIE_SAMESITE', "
        "'CSRF_COOKIE_SAMESITE', 'X_FRAME_OPTIONS', 'SECURE_CONTENT_TYPE_NOSNIFF', 'LANGUAGE_COOKIE_SECURE']}))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    values = json.loads(out.stdout.strip().splitlines()[-1])
    assert values == {
        "SECURE_SSL_REDIRECT": True, "SECURE_HSTS_SECONDS": 31536000, "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True, "SESSION_COOKIE_HTTPONLY": True, "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SAMESITE": "Lax", "X_FRAME_OPTIONS": "DENY", "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "LANGUAGE_COOKIE_SECURE": True,
    }


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_chromium_reports_no_policy_violation_on_portal_and_admin_pages(page, live_server, coordinator, project):
    """The policy is strict; the pages must still work under it (admin and its widgets included)."""
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.goto("/en/accounts/login/")
    page.fill("input[name=login]", coordinator.email)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url("**/dashboard/")
    for url in (
        "/en/", "/en/dashboard/", "/en/me/", "/en/accounts/2fa/",
        "/en/admin/", "/en/admin/projects/project/", f"/en/admin/projects/project/{project.pk}/change/",
        "/en/admin/accounts/projectsecuritypolicy/add/",
        "/en/admin/news/article/add/",  # modeltranslation's tabbed editing (jQuery UI)
        "/en/admin/meetings/meeting/add/",  # date and time widgets
        "/en/admin/outbox/outgoingemail/",
    ):
        response = page.goto(url)
        assert response is not None and response.status < 400, url
        page.wait_for_load_state("load")
    assert violations == []
    # The scripts did run under the policy: the translated fields are in tabs.
    page.goto("/en/admin/news/article/add/")
    page.wait_for_selector(".ui-tabs", timeout=10000)
