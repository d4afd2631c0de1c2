"""RSS/Atom per language with public news only; full-text search in the reader's language."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from news.models import Article

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def articles(seed_article, make_article):
    make_article(title_lv="Tikai partneriem", title_de="Nur für Partner", body_de="<p>Intern</p>", audience=Article.Audience.MEMBERS)
    make_article(title_lv="Melnraksts", status=Article.Status.DRAFT)
    return seed_article


def test_rss_feed_is_valid_xml_in_the_feed_language_with_public_articles_only(client, articles):
    response = client.get("/de/news/feed/rss/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    assert channel.findtext("language") == "de"
    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == ["Neuigkeiten aus dem Projekt „Administration go Europe!“"]
    assert items[0].findtext("link") == "http://testserver/de/news/age/projekta-administration-go-europe-zinas/"
    assert "Das Partnertreffen verlief" in items[0].findtext("description")


def test_atom_feed_is_valid_and_falls_back_to_english_before_the_original_language(client, articles):
    response = client.get("/hu/news/feed/atom/")
    assert response.status_code == 200
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 1
    entry = entries[0]
    assert entry.findtext(f"{ATOM}title") == "Az „Administration go Europe!” projekt hírei"
    summary = entry.findtext(f"{ATOM}summary")
    # Hungarian title; the text is not in Hungarian, so it comes in English, not in Latvian.
    assert "Partneru tikšanās notika" not in summary
    assert "angol nyelven látható" in summary  # the note names English
    assert "Tikai partneriem" not in response.content.decode()
    assert "Melnraksts" not in response.content.decode()


def test_feed_ids_are_absolute_and_an_article_without_author_has_no_empty_author(client, articles):
    articles.prepared_by_name = ""
    articles.save()
    rss = ET.fromstring(client.get("/en/news/feed/rss/").content)
    guid = rss.find("channel/item/guid")
    assert guid.text == "http://testserver/en/news/age/projekta-administration-go-europe-zinas/"
    assert guid.get("isPermaLink") == "true"  # the guid is the article's address
    atom = ET.fromstring(client.get("/en/news/feed/atom/").content)
    entry = atom.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}id").startswith("http://testserver/en/news/")  # RFC 4287: an absolute IRI
    assert entry.find(f"{ATOM}author") is None  # no <author><name/></author>


def test_search_in_latvian_matches_words_of_the_latvian_text(client, articles):
    response = client.get("/lv/news/search/?q=Magdeburgā")
    html = response.content.decode()
    assert "Projekta „Administration go Europe!” ziņas" in html
    assert 'class="news-items"' in html
    # 'simple' configuration: a word of the Latvian text matches, a German one does not.
    html = client.get("/lv/news/search/?q=Partnertreffen").content.decode()
    assert 'class="news-items"' not in html
    assert "Projekta „Administration go Europe!” ziņas" not in html.split("<main")[1]


def test_search_in_german_uses_german_stemming_and_only_german_text(client, articles, partner):
    # "Partnertreffens" is found through the stem of "Partnertreffen" in the German text.
    html = client.get("/de/news/search/?q=Partnertreffens").content.decode()
    assert "Neuigkeiten aus dem Projekt" in html
    # A Latvian word is not searched on a German page.
    html = client.get("/de/news/search/?q=tikšanās").content.decode()
    assert "Neuigkeiten aus dem Projekt" not in html
    # Members-only news is found by members only.
    assert "Nur für Partner" not in client.get("/de/news/search/?q=intern").content.decode()
    client.force_login(partner)
    assert "Nur für Partner" in client.get("/de/news/search/?q=intern").content.decode()


def test_search_uses_the_languages_gin_index(articles):
    from django.db import connection

    from news.selectors import search

    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            plan = search(Article.objects.all(), "Partnertreffen", "de").explain()
        finally:
            cursor.execute("SET enable_seqscan = on")
    assert "news_article_fts_de" in plan
