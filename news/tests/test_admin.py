"""Coordinators in the admin: tabbed translations with vendored assets, missing languages, scope."""
from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_missing_translation_column_and_filter_show_which_languages_are_missing(client, coordinator, seed_article, make_article):
    complete = make_article(
        title_lv="Pilns", **{f"{f}_{lang}": f"{f} {lang}" for f in ("title", "body") for lang in ("en", "de", "hu", "it", "da")}
    )
    latvian_only = make_article(title_lv="Tikai latviski")
    client.force_login(coordinator)

    html = client.get("/en/admin/news/article/").content.decode()
    row = re.search(r'<tr>.*?Tikai latviski.*?</tr>', html, re.S).group(0)
    assert all(f'<abbr title="{name}">{code}</abbr>' in row for code, name in
               [("EN", "English"), ("DE", "German"), ("HU", "Hungarian"), ("IT", "Italian"), ("DA", "Danish")])
    assert "LV</abbr>" not in row

    def listed(query: str) -> set[int]:
        page = client.get(f"/en/admin/news/article/?{query}").content.decode()
        return {int(pk) for pk in re.findall(r'name="_selected_action" value="(\d+)"', page)}

    assert listed("missing=hu") == {seed_article.pk, latvian_only.pk}
    assert listed("missing=de") == {latvian_only.pk}
    assert listed("missing=any") == {seed_article.pk, latvian_only.pk}
    assert listed("missing=none") == {complete.pk}
    assert "Hungarian" in html and "missing translation" in html


def test_article_form_has_tabbed_translations_with_vendored_assets_only(client, coordinator, seed_article):
    client.force_login(coordinator)
    html = client.get(f"/en/admin/news/article/{seed_article.pk}/change/").content.decode()
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', html)
    assert "/static/vendor/jquery-ui-1.13.3/jquery-ui.min.js" in scripts
    assert "/static/modeltranslation/js/tabbed_translation_fields.js" in scripts
    assert not [s for s in scripts + re.findall(r'<link[^>]+href="([^"]+)"', html) if s.startswith(("http", "//"))]
    assert finders.find("vendor/jquery-ui-1.13.3/jquery-ui.min.js")
    for lang in ("en", "lv", "de", "hu", "it", "da"):
        assert f'name="title_{lang}"' in html and f'name="body_{lang}"' in html
    assert f'href="/en/news/preview/{seed_article.pk}/"' in html


def test_coordinator_adds_an_article_and_bad_input_gets_clear_messages(client, coordinator, project):
    client.force_login(coordinator)
    data = {
        "project": project.pk, "original_language": "lv", "title_lv": "", "body_lv": "",
        "title_de": "Nur Deutsch", "audience": "public", "status": "draft",
        "publish_at_0": "2030-04-01", "publish_at_1": "10:00:00", "slug": "",
        "author": coordinator.pk, "prepared_by_name": "", "prepared_by_phone": "",
    }
    response = client.post("/en/admin/news/article/add/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Write the title in the original language (Latvian)" in html
    assert "Nur Deutsch" in html  # nothing typed is lost

    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("photo.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    response = client.post("/en/admin/news/article/add/", {**data, "title_lv": "Ar attēlu", "body_lv": "<p>T</p>", "cover_image": fake})
    assert response.status_code == 200
    assert "Upload a valid image" in response.content.decode()

    data.update({"title_lv": "Jauna ziņa", "body_lv": "<p>Teksts<script>x()</script></p>"})
    response = client.post("/en/admin/news/article/add/", data)
    assert response.status_code == 302
    from news.models import Article

    article = Article.objects.get(slug="jauna-zina")
    assert article.body_lv == "<p>Teksts</p>" and article.author == coordinator


def test_admin_is_scoped_to_the_coordinators_projects(client, outsider, seed_article, project):
    client.force_login(outsider)
    assert seed_article.project == project
    html = client.get("/en/admin/news/article/").content.decode()
    assert "ziņas" not in html
    assert client.get(f"/en/admin/news/article/{seed_article.pk}/change/").status_code in (302, 404)
    # The project choice offers only the outsider's own project.
    form = client.get("/en/admin/news/article/add/").content.decode()
    assert "Administration go Europe!" not in form
