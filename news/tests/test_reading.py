"""Who reads what, and when: audiences, drafts, scheduled publishing, the list page."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from news.models import Article

pytestmark = pytest.mark.django_db


def _titles(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_members_only_news_is_shown_to_members_and_is_a_404_for_everybody_else(client, make_article, partner, observer, outsider):
    members = make_article(title_lv="Tikai partneriem", audience=Article.Audience.MEMBERS)
    public = make_article(title_lv="Visiem")
    url = f"/lv/news/age/{members.slug}/"

    assert client.get(url).status_code == 404
    assert "Tikai partneriem" not in _titles(client.get("/lv/news/"))
    assert "Visiem" in _titles(client.get("/lv/news/"))
    assert client.get(f"/lv/news/age/{public.slug}/").status_code == 200

    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert "Tikai partneriem" not in _titles(client.get("/lv/news/"))

    for reader in (partner, observer):
        client.force_login(reader)
        assert client.get(url).status_code == 200
        assert "Tikai partneriem" in _titles(client.get("/lv/news/"))


def test_drafts_are_not_published_and_coordinators_preview_them(client, make_article, coordinator, partner):
    draft = make_article(title_lv="Melnraksts", status=Article.Status.DRAFT)
    assert client.get(f"/lv/news/age/{draft.slug}/").status_code == 404
    client.force_login(partner)
    assert client.get(f"/lv/news/age/{draft.slug}/").status_code == 404
    assert client.get(f"/lv/news/preview/{draft.pk}/").status_code == 404  # members do not preview

    client.force_login(coordinator)
    assert "Melnraksts" not in _titles(client.get("/lv/news/"))
    response = client.get(f"/en/news/preview/{draft.pk}/")
    html = _titles(response)
    assert "Melnraksts" in html and "Draft: readers cannot see this article." in html
    assert response["X-Robots-Tag"] == "noindex"


def test_preview_is_scoped_to_the_coordinators_own_projects(client, make_article, outsider, other_project):
    draft = make_article(status=Article.Status.DRAFT)
    client.force_login(outsider)  # coordinates another project
    assert client.get(f"/en/news/preview/{draft.pk}/").status_code == 404


def test_scheduled_article_appears_by_itself_when_its_publish_time_comes(client, make_article):
    article = make_article(title_lv="Nākamā tikšanās aprīlī", publish_at=timezone.now() + timedelta(days=2))
    url = f"/lv/news/age/{article.slug}/"
    assert client.get(url).status_code == 404
    assert "Nākamā tikšanās" not in _titles(client.get("/lv/news/"))
    assert "Nākamā tikšanās" not in client.get("/lv/news/feed/rss/").content.decode()

    # Two days pass; nobody presses anything.
    Article.objects.filter(pk=article.pk).update(publish_at=timezone.now() - timedelta(minutes=1))
    assert client.get(url).status_code == 200
    assert "Nākamā tikšanās" in _titles(client.get("/lv/news/"))
    assert "Nākamā tikšanās" in client.get("/lv/news/feed/rss/").content.decode()


def test_list_filters_by_project_and_paginates(client, make_article, other_project, outsider):
    other_project.is_public = True
    other_project.save()
    for i in range(12):
        make_article(title_lv=f"AGE ziņa {i:02d}")
    make_article(project=other_project, title_lv="Tartu ziņa")

    html = _titles(client.get("/lv/news/?project=age"))
    assert "Tartu ziņa" not in html
    assert "AGE ziņa 11" in html and "AGE ziņa 01" not in html  # newest first, ten a page
    html = _titles(client.get("/lv/news/?project=age&page=2"))
    assert "AGE ziņa 01" in html and "AGE ziņa 11" not in html
    assert "Tartu ziņa" in _titles(client.get("/lv/news/"))
    # An unknown project shows nothing rather than everything.
    assert 'class="news-items"' not in _titles(client.get("/lv/news/?project=nope"))


def test_public_articles_of_a_private_project_stay_inside_it(client, make_article, other_project, outsider):
    article = make_article(project=other_project, title_lv="Privāta projekta ziņa")
    assert client.get(f"/lv/news/other/{article.slug}/").status_code == 404
    client.force_login(outsider)
    assert client.get(f"/lv/news/other/{article.slug}/").status_code == 200


def test_list_page_queries_stay_flat_as_articles_and_languages_grow(client, make_article, partner, django_assert_max_num_queries):
    client.force_login(partner)

    def fill(n: int, translated: bool) -> None:
        for i in range(n):
            extra = {}
            if translated:
                for lang in ("en", "de", "hu", "it", "da"):
                    extra[f"title_{lang}"] = f"Title {lang} {i}"
                    extra[f"summary_{lang}"] = f"Summary {lang} {i}"
                    extra[f"body_{lang}"] = f"<p>Body {lang} {i}</p>"
            make_article(title_lv=f"Ziņa {i}", audience="members" if i % 2 else "public", **extra)

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/de/news/").status_code == 200
        return len(ctx.captured_queries)

    fill(5, translated=False)
    few = count()
    fill(50, translated=True)
    many = count()
    assert many == few
    with django_assert_max_num_queries(10):
        client.get("/de/news/?page=3")
    with django_assert_max_num_queries(10):
        client.get("/de/news/search/?q=Body")


def test_dashboard_panel_shows_public_and_members_only_news_of_my_projects(rf, make_article, partner, django_assert_max_num_queries):
    from news.dashboard import panel

    make_article(title_lv="Publiska")
    make_article(title_lv="Iekšēja", audience="members")
    make_article(title_lv="Melnraksts", status="draft")
    request = rf.get("/lv/dashboard/")
    request.user = partner
    with django_assert_max_num_queries(2):
        result = panel(request)
    titles = [text.title.value for _article, text in result["news_items"]]
    assert titles == ["Iekšēja", "Publiska"]  # newest first, drafts never


def test_latest_public_gives_a_projects_public_news_newest_first_in_one_query(make_article, project, django_assert_num_queries):
    from news.selectors import latest_public

    old = make_article(title_lv="Vecā", publish_at=timezone.now() - timedelta(days=3))
    new = make_article(title_lv="Jaunā")
    make_article(title_lv="Iekšēja", audience="members")
    make_article(title_lv="Ieplānota", publish_at=timezone.now() + timedelta(days=1))
    with django_assert_num_queries(1):
        articles = latest_public(project)
        assert [a.project.slug for a in articles] == ["age", "age"]
    assert articles == [new, old]


def test_the_project_filter_offers_the_readers_own_partnerships(client, make_article, partner, other_project):
    # Public news of every partnership is readable, but a filter listing them all would grow
    # with the portal; the reader chooses among their own, or follows a project's link.
    other_project.is_public = True
    other_project.save()
    make_article(title_lv="AGE ziņa")
    make_article(project=other_project, title_lv="Tartu ziņa")
    client.force_login(partner)
    html = client.get("/lv/news/").content.decode()
    assert f'<option value="{other_project.slug}"' not in html
    assert "Tartu ziņa" in html and "AGE ziņa" in html
    html = client.get(f"/lv/news/?project={other_project.slug}").content.decode()
    assert f'<option value="{other_project.slug}" selected' in html
    assert "Tartu ziņa" in html and "AGE ziņa" not in html
