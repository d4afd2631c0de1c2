"""seed_demo tells the seed article's story: Latvian original, partial Hungarian, a members-only update."""
from __future__ import annotations

import pytest
from django.core.management import call_command

from news.demo import SEED_SLUG, UPDATE_SLUG
from news.models import Article

pytestmark = pytest.mark.django_db


def test_demo_seeds_the_article_in_latvian_with_translations_and_runs_twice_without_duplicates(client):
    call_command("seed_demo", "--password", "demo-pass-2012", stdout=open("/dev/null", "w"))
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert Article.objects.count() == 2
    article = Article.objects.get(slug=SEED_SLUG)
    assert article.original_language == "lv" and article.is_live and article.audience == "public"
    assert article.missing_languages() == ("hu",)
    assert article.title_lv == "Projekta „Administration go Europe!” ziņas"
    assert article.prepared_by_name == "Jolanta Ūzuliņa"
    update = Article.objects.get(slug=UPDATE_SLUG)
    assert update.audience == "members" and update.is_live

    html = client.get(f"/hu/news/administration-go-europe/{SEED_SLUG}/").content.decode()
    assert "news-fallback" in html and "Az „Administration go Europe!” projekt hírei" in html
    assert client.get(f"/en/news/administration-go-europe/{UPDATE_SLUG}/").status_code == 404
