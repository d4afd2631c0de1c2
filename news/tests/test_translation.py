"""One article, six languages: translations, the original-language fallback and hreflang."""
from __future__ import annotations

import re

import pytest
from django.utils import translation

pytestmark = pytest.mark.django_db

URL = "/{lang}/news/age/projekta-administration-go-europe-zinas/"

# What a reader of each language sees of the seed article.
EXPECTED = {
    "lv": ("Projekta „Administration go Europe!” ziņas", "Partneru tikšanās notika saskaņā", None),
    "en": ("News from the project “Administration go Europe!”", "The partner meeting followed the work programme", None),
    "de": ("Neuigkeiten aus dem Projekt „Administration go Europe!“", "Das Partnertreffen verlief nach", None),
    "it": ("Notizie dal progetto “Administration go Europe!”", "L’incontro si è svolto secondo", None),
    "da": ("Nyt fra projektet »Administration go Europe!«", "Partnermødet fulgte det arbejdsprogram", None),
    # Hungarian has its title only: the text comes in English (before the Latvian original),
    # with a note in Hungarian naming English.
    "hu": ("Az „Administration go Europe!” projekt hírei", "The partner meeting followed the work programme", "angol"),
}


@pytest.mark.parametrize("lang", list(EXPECTED))
def test_article_reads_in_each_language_and_falls_back_to_english_where_untranslated(client, seed_article, lang):
    title, body_phrase, note_word = EXPECTED[lang]
    response = client.get(URL.format(lang=lang))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1 lang=\"{lang}\">{title}</h1>" in html
    assert body_phrase in html
    if note_word:
        note = re.search(r'<div class="news-fallback" role="note">(.*?)</div>', html, re.S).group(1)
        assert note_word in note.lower()  # "angol": names the language the text is shown in
        assert '<div class="news-body" lang="en">' in html
        # It links the languages the article exists in (not Hungarian itself).
        for code in ("lv", "en", "de", "it", "da"):
            assert f'href="/{code}/news/age/projekta-administration-go-europe-zinas/" hreflang="{code}"' in html
        assert 'hreflang="hu" lang="hu"' not in html
    else:
        assert "news-fallback" not in html
        assert f'<div class="news-body" lang="{lang}">' in html


def test_a_language_without_any_text_shows_english_then_the_original_with_a_note(client, make_article):
    article = make_article(title_en="Meeting in Magdeburg", body_en="<p>The first partner meeting took place in Magdeburg.</p>")
    response = client.get(f"/it/news/age/{article.slug}/")
    html = response.content.decode()
    assert response.status_code == 200
    # Nothing Italian exists: the English version is shown (not the Latvian original), with a note in Italian.
    assert '<h1 lang="en">Meeting in Magdeburg</h1>' in html
    assert "non è ancora disponibile in italiano" in html
    assert "inglese" in html and "lettone" not in html.split('role="note"')[1].split("</div>")[0]
    assert f'href="/en/news/age/{article.slug}/" hreflang="en"' in html
    assert f'href="/lv/news/age/{article.slug}/" hreflang="lv"' in html

    # Without an English version the original comes next.
    latvian_only = make_article(title_lv="Darba grupu sanāksme", body_lv="<p>Darba grupas vienojās par termiņiem.</p>")
    html = client.get(f"/it/news/age/{latvian_only.slug}/").content.decode()
    assert '<h1 lang="lv">Darba grupu sanāksme</h1>' in html and "lettone" in html


def test_page_head_lists_hreflang_alternates_of_existing_languages_only(client, seed_article):
    html = client.get(URL.format(lang="de")).content.decode()
    head = html.split("</head>")[0]
    alternates = dict(re.findall(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)">', head))
    assert alternates == {
        "en": "http://testserver" + URL.format(lang="en"),
        "lv": "http://testserver" + URL.format(lang="lv"),
        "de": "http://testserver" + URL.format(lang="de"),
        "it": "http://testserver" + URL.format(lang="it"),
        "da": "http://testserver" + URL.format(lang="da"),
        "x-default": "http://testserver" + URL.format(lang="lv"),
    }


def test_slug_is_the_same_in_every_language_and_unique_per_project(make_article, other_project):
    from django.core.exceptions import ValidationError

    from news.models import Article

    first = make_article()
    assert first.slug == "partneru-tiksanas-magdeburga"
    # Same title again: the address gets a suffix instead of clashing.
    assert make_article().slug == "partneru-tiksanas-magdeburga-2"
    # Another project may use the same address.
    assert make_article(project=other_project).slug == "partneru-tiksanas-magdeburga"
    clash = Article(project=first.project, slug=first.slug, original_language="lv", title_lv="X", body_lv="<p>Y</p>")
    with pytest.raises(ValidationError) as excinfo:
        clash.full_clean()
    assert "slug" in excinfo.value.message_dict


def test_original_language_title_and_text_are_required(project):
    from django.core.exceptions import ValidationError

    from news.models import Article

    article = Article(project=project, original_language="de", title_en="Only English", body_en="<p>Text</p>")
    with pytest.raises(ValidationError) as excinfo:
        article.full_clean()
    assert set(excinfo.value.message_dict) >= {"title_de", "body_de"}


def test_localized_text_does_not_depend_on_the_active_language(seed_article):
    # Outside a request (emails, tasks) the article is read in an explicit language.
    with translation.override("en"):
        text = seed_article.localized("de")
    assert text.title.value.startswith("Neuigkeiten")
    assert seed_article.missing_languages() == ("hu",)
