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


def test_dates_inside_the_demos_texts_move_with_its_timeline() -> None:
    from news import demo as news_demo
    from news.demo import SEED_SLUG
    from news.models import Article
    from projects.demo_dates import day_month, full_date

    ctx = _seed()
    news_demo.seed(ctx)
    project = ctx.project
    article = Article.objects.get(slug=SEED_SLUG)
    # The project's dates moved (2024-2026 here); the article says the same dates, in each language.
    assert project.start_date.year == 2024 and project.end_date.year == 2026
    assert f"vom {full_date('de', project.start_date)} bis zum {full_date('de', project.end_date)}" in article.body_de
    assert f"from {full_date('en', project.start_date)} to {full_date('en', project.end_date)}" in article.body_en
    assert f"No {full_date('lv', project.start_date, 'gen')} līdz {full_date('lv', project.end_date, 'dat')}" in article.body_lv
    for lang in ("lv", "en", "de", "it", "da"):
        body = getattr(article, f"body_{lang}")
        assert "2012" not in body and "2014" not in body and "{" not in body, lang

    # Discussions and documents say the moved dates too (here the first meeting is in 2024).
    from communication import demo as communication_demo
    from communication.models import Document, Post
    from meetings import demo as meetings_demo
    from workgroups import demo as workgroups_demo

    for module in (meetings_demo, workgroups_demo, communication_demo):
        module.seed(ctx)
    texts = [p.body for p in Post.objects.all()] + [d.description for d in Document.objects.all()]
    assert texts and not any("2012" in t or "{" in t for t in texts)
    assert any(f"**{day_month('en', ctx.day(date(2012, 10, 26)))}**" in t for t in texts)


def test_the_historical_demo_keeps_the_seeds_own_dates_in_its_texts() -> None:
    from news import demo as news_demo
    from news.demo import SEED_SLUG
    from news.models import Article

    ctx = demo.DemoContext(password="partners2012", historical=True, today=date(2025, 3, 1), out=io.StringIO())
    demo.seed(ctx)
    news_demo.seed(ctx)
    article = Article.objects.get(slug=SEED_SLUG)
    assert "vom 1. August 2012 bis zum 31. Juli 2014" in article.body_de
    assert "No 2012. gada 1. augusta līdz 2014. gada 31. jūlijam" in article.body_lv
