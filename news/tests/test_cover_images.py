"""Cover images are served by the portal with DEBUG off (the documented deployment):
public ones to everyone, members-only ones after the article's permission check."""
from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver
from PIL import Image

from news.models import Article


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _png() -> bytes:
    data = BytesIO()
    Image.new("RGB", (4, 3), "navy").save(data, "PNG")
    return data.getvalue()


def _covered(make_article: Any, **fields: Any) -> Article:
    return make_article(cover_image=SimpleUploadedFile("cover.png", _png(), content_type="image/png"), **fields)


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def test_debug_is_off_and_nothing_but_the_portal_serves_media():
    assert settings.DEBUG is False
    assert "media/<path:path>" not in {str(p.pattern) for p in get_resolver().url_patterns}


@pytest.mark.django_db
def test_the_public_article_page_embeds_a_cover_that_answers_to_everyone(client, make_article, project):
    article = _covered(make_article)
    page = client.get(f"/en/news/{project.slug}/{article.slug}/").content.decode()
    src = article.cover_image.url
    assert src.startswith("/media/news/") and f'src="{src}"' in page

    response = client.get(src)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png" and _body(response) == _png()
    assert "public" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_members_only_cover_is_shown_to_members_and_is_a_404_for_others(client, make_article, partner, outsider):
    article = _covered(make_article, audience=Article.Audience.MEMBERS)
    src = article.cover_image.url
    assert client.get(src).status_code == 404

    client.force_login(outsider)
    assert client.get(src).status_code == 404

    client.force_login(partner)
    response = client.get(src)
    assert response.status_code == 200 and _body(response) == _png()
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]


@pytest.mark.django_db
def test_a_drafts_cover_is_for_the_coordinators_preview_only(client, make_article, partner, coordinator):
    article = _covered(make_article, status=Article.Status.DRAFT)
    src = article.cover_image.url
    assert client.get(src).status_code == 404
    client.force_login(partner)
    assert client.get(src).status_code == 404
    client.force_login(coordinator)
    assert f'src="{src}"' in client.get(f"/en/news/preview/{article.pk}/").content.decode()
    assert client.get(src).status_code == 200


@pytest.mark.django_db
def test_an_address_no_article_uses_is_a_404(client, make_article):
    article = _covered(make_article)
    assert client.get(article.cover_image.url.replace("cover", "other")).status_code == 404
    assert client.get("/media/news/../logos/x.png").status_code == 404
