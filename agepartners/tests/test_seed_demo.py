"""`seed_demo` builds the partnership of the seed article, and running it again changes nothing."""
from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import models
from django.utils import timezone, translation

from projects.demo import ARTICLE_DATE
from projects.models import Project

pytestmark = pytest.mark.django_db
APPS = ["auth", "account", "outbox", "projects", "meetings", "workgroups", "news", "communication", "accounts"]


def _seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def _snapshot() -> dict[str, dict[object, dict[str, object]]]:
    """Every row of the portal's tables by primary key, minus timestamps a save refreshes by itself."""
    snapshot = {}
    for model in apps.get_models():
        if model._meta.app_label not in APPS:
            continue
        fields = [f.attname for f in model._meta.concrete_fields if not getattr(f, "auto_now", False)]
        snapshot[model._meta.label] = {row["pk"]: row for row in model.objects.order_by().values(*fields, pk=models.F("pk"))}
    return snapshot


def test_seed_demo_creates_the_partnership_of_the_seed_article():
    _seed()
    project = Project.objects.get(slug="administration-go-europe")
    assert project.title == "Administration go Europe!"
    assert project.programme == "Lifelong Learning Programme"
    assert project.sub_programme == "Leonardo da Vinci Partnerships"
    countries = set(project.partners.values_list("organisation__country", flat=True))
    assert countries == {"LV", "HU", "IT", "DE", "DK"}
    assert project.coordinating_organisation.name == "Daugavpils City Council"


def test_a_second_run_creates_nothing_and_changes_nothing():
    _seed()
    before = _snapshot()
    _seed()
    after = _snapshot()
    for label, rows in before.items():
        assert after[label].keys() == rows.keys(), f"{label}: the second run created or deleted rows"
        for pk, row in rows.items():
            changed = sorted(name for name, value in row.items() if after[label][pk][name] != value)
            assert not changed, f"{label} #{pk}: the second run changed {changed}"


def test_password_option_always_sets_the_demo_password():
    _seed("--password", "first-Password-1")
    user = get_user_model().objects.get(email="coordinator@daugavpils.example")
    assert user.check_password("first-Password-1")
    _seed()  # without --password an existing password stays
    user.refresh_from_db()
    assert user.check_password("first-Password-1")
    _seed("--password", "second-Password-2")
    user.refresh_from_db()
    assert user.check_password("second-Password-2")
    assert get_user_model().objects.get(email="partner@magdeburg.example").check_password("second-Password-2")


def test_first_run_uses_the_documented_default_password(settings):
    output = _seed()
    user = get_user_model().objects.get(email="partner@vejle.example")
    assert user.check_password(settings.DEMO_PASSWORD)
    assert settings.DEMO_PASSWORD in output


def test_historical_keeps_the_real_2012_2014_dates():
    _seed("--historical")
    project = Project.objects.get(slug="administration-go-europe")
    assert (project.start_date, project.end_date, project.agreement_date) == (
        date(2012, 8, 1), date(2014, 7, 31), date(2012, 8, 22))


def test_by_default_today_stands_where_the_seed_article_stands():
    _seed()
    project = Project.objects.get(slug="administration-go-europe")
    shift = timezone.localdate() - ARTICLE_DATE
    assert project.start_date == date(2012, 8, 1) + shift
    assert project.start_date < timezone.localdate() < project.end_date


def test_every_demo_login_is_printed_with_role_and_language():
    with translation.override("en"):  # the roles in English, whatever an earlier test left active
        output = _seed()
    lines = {line.split()[0]: line for line in output.splitlines() if "@" in line}
    expected = {
        "coordinator@daugavpils.example": ("Coordinator", "lv"),
        "partner@magdeburg.example": ("Partner member", "de"),
        "partner@eger.example": ("Partner member", "hu"),
        "partner@ferrara.example": ("Partner member", "it"),
        "partner@vejle.example": ("Partner member", "da"),
        "observer@viaa.example": ("Observer", "en"),
        "admin@agepartners.example": ("Superuser", "en"),
    }
    for email, (role, language) in expected.items():
        assert email in lines, f"{email} is not printed"
        assert role in lines[email] and f" {language} " in lines[email]
    # Every demo person can log in with what is printed.
    assert set(lines) <= set(get_user_model().objects.values_list("email", flat=True))
