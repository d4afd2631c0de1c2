"""Shared fixtures: named people per role, and the real services the portal talks to.

People are built through the same service functions the portal uses (projects.services).
"""
from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import date
from email.message import EmailMessage
from typing import Any

import pytest

# The one SMTP test server, shared with faults/ and bench/; free_port is imported from here by tests.
from smtpsink import SMTPServer, Sink, free_port  # noqa: F401

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API beside live_server

PASSWORD = "correct-horse-battery-staple"


# --- People and projects -------------------------------------------------------------


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    """allauth's rate limits live in the cache: every test starts with a clean slate."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def organisation(db: Any) -> Any:
    from projects.models import Organisation

    return Organisation.objects.create(name="Daugavpils City Council", kind="municipality", country="LV", city="Daugavpils")


@pytest.fixture
def partner_organisation(db: Any) -> Any:
    from projects.models import Organisation

    return Organisation.objects.create(name="City of Magdeburg", kind="municipality", country="DE", city="Magdeburg")


@pytest.fixture
def project(organisation: Any, partner_organisation: Any) -> Any:
    from projects.models import Partner, Project

    project = Project.objects.create(
        title="Administration go Europe!", slug="age", acronym="AGE",
        programme="Lifelong Learning Programme", sub_programme="Leonardo da Vinci Partnerships",
        start_date=date(2012, 8, 1), end_date=date(2014, 7, 31),
        coordinating_organisation=organisation, aim_en="Competitive local governments.",
    )
    Partner.objects.create(project=project, organisation=organisation, role="coordinator", contracted_mobilities=12)
    Partner.objects.create(project=project, organisation=partner_organisation, role="partner", contracted_mobilities=8)
    return project


@pytest.fixture
def other_project(db: Any) -> Any:
    from projects.models import Organisation, Project

    org = Organisation.objects.create(name="Tartu City Government", kind="municipality", country="EE", city="Tartu")
    return Project.objects.create(
        title="Other partnership", slug="other", start_date=date(2013, 1, 1), end_date=date(2014, 12, 31),
        coordinating_organisation=org, is_public=False,
    )


def _person(email: str, first: str, last: str, org: Any, language: str, tz: str, **kw: Any) -> Any:
    from projects.services import create_user

    return create_user(
        email, first_name=first, last_name=last, password=PASSWORD, organisation=org,
        language=language, time_zone=tz, **kw,
    )


@pytest.fixture
def coordinator(project: Any, organisation: Any) -> Any:
    from projects.services import add_membership

    user = _person("inese@daugavpils.example", "Inese", "Kalniņa", organisation, "lv", "Europe/Riga", position="Project coordinator")
    add_membership(user, project, "coordinator")
    return user


@pytest.fixture
def partner(project: Any, partner_organisation: Any) -> Any:
    """A partner member of ``project``, in Magdeburg, reading German."""
    from projects.services import add_membership

    user = _person("katrin@magdeburg.example", "Katrin", "Hoffmann", partner_organisation, "de", "Europe/Berlin", position="International officer")
    add_membership(user, project, "member")
    return user


@pytest.fixture
def observer(project: Any) -> Any:
    from projects.services import add_membership

    user = _person("laura@viaa.example", "Laura", "Bērziņa", None, "en", "Europe/Riga")
    add_membership(user, project, "observer")
    return user


@pytest.fixture
def outsider(other_project: Any) -> Any:
    """A coordinator of another project: logged in, but a stranger to ``project``."""
    from projects.services import add_membership

    user = _person("mari@tartu.example", "Mari", "Tamm", None, "en", "Europe/Tallinn")
    add_membership(user, other_project, "coordinator")
    return user


@pytest.fixture
def superuser(db: Any) -> Any:
    return _person("admin@agepartners.example", "Portal", "Admin", None, "en", "Europe/Riga", is_superuser=True)


# --- SMTP ------------------------------------------------------------------------------

@pytest.fixture
def smtp_server(settings: Any) -> Iterator[Sink]:
    server = SMTPServer()
    try:
        server.start()
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = server.host
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        yield server.sink
    finally:
        server.stop()


def body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part else ""


def body_html(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    return part.get_content() if part else ""


# --- Celery ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _celery_session_worker(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Any]:
    """A real Celery worker on the Redis broker, in a thread of this process.

    It sees only committed rows: tests that use it are ``django_db(transaction=True)``.
    """
    from celery.contrib.testing.worker import start_worker

    from agepartners.celery import app

    app.control.purge()
    with django_db_blocker.unblock():
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, loglevel="WARNING") as worker:
            yield worker


@pytest.fixture
def celery_worker(_celery_session_worker: Any, transactional_db: Any) -> Any:
    from agepartners.celery import app

    app.control.purge()
    return _celery_session_worker


def wait_until(predicate: Any, timeout: float = 20.0, interval: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError("condition not met within %.0fs" % timeout)


# --- Browser ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(_browser: Any, live_server: Any) -> Iterator[Any]:
    context = _browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def browser_login(page: Any, email: str, password: str = PASSWORD, lang: str = "en") -> None:
    page.goto(f"/{lang}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")  # not the header's language switch
