"""The demo partnership of the seed article, built twice, is the same partnership."""
from __future__ import annotations

import io
from datetime import date

import pytest

from projects import demo
from projects.models import Invitation, Membership, Organisation, Partner, Person, Project

pytestmark = pytest.mark.django_db


def _seed() -> demo.DemoContext:
    ctx = demo.DemoContext(password="partners2012", historical=False, today=date(2025, 3, 1), out=io.StringIO())
    demo.seed(ctx)
    return ctx


def _counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Organisation, Project, Partner, Person, Membership, Invitation))


def test_demo_partnership_has_the_seeds_partners_contacts_and_the_project_assistant() -> None:
    ctx = _seed()
    project = ctx.project
    assert project.coordinating_organisation.name == "Daugavpils City Council"
    assert sorted(str(p.organisation.country) for p in project.partners.all()) == ["DE", "DK", "HU", "IT", "LV", "LV"]
    jolanta = Person.objects.get(user__email="jolanta.uzulina@daugavpils.example")
    assert (jolanta.full_name, jolanta.position, jolanta.language) == ("Jolanta Ūzuliņa", "Project assistant", "lv")
    daugavpils = project.partners.get(organisation__name="Daugavpils City Council")
    assert jolanta in daugavpils.contacts.all()
    assert all(p.contacts.exists() for p in project.partners.all())
    assert Membership.objects.get(user=ctx.users["magdeburg"], project=project).role == "member"
    # Today stands where the seed article stands: the project is running.
    assert 0 < project.progress_percent(date(2025, 3, 1)) < 100


def test_seeding_twice_creates_nothing_new() -> None:
    _seed()
    first = _counts()
    _seed()
    assert _counts() == first
