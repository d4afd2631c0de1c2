"""Every news URL as every role (see projects/tests/access.py)."""
from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from news.models import Article
from projects.tests.access import LOGIN, Case, World


def _with_cover(article: Article) -> str:
    """Give ``article`` a (one-pixel) cover image; return the address pages embed."""
    from io import BytesIO

    from django.core.files.base import ContentFile
    from PIL import Image

    png = BytesIO()
    Image.new("RGB", (1, 1), "navy").save(png, "PNG")
    article.cover_image.save(f"{article.slug}.png", ContentFile(png.getvalue()))
    return article.cover_image.url


def build(world: World) -> list[Case]:
    project = world.project  # public project page; the outsider is not a member
    common = {"project": project, "original_language": "lv", "status": Article.Status.PUBLISHED,
              "publish_at": timezone.now() - timedelta(hours=1)}
    public = Article.objects.create(slug="public-news", title_lv="Publiska ziņa", body_lv="<p>Visiem.</p>", **common)
    members = Article.objects.create(slug="members-news", title_lv="Iekšēja ziņa", body_lv="<p>Partneriem.</p>",
                                     audience=Article.Audience.MEMBERS, **common)
    draft = Article.objects.create(
        slug="draft-news", title_lv="Melnraksts", body_lv="<p>Vēl nav.</p>",
        **{**common, "status": Article.Status.DRAFT},
    )
    everyone = {"anonymous": 200, "outsider": 200}
    covers = {a.slug: _with_cover(a) for a in (public, members, draft)}
    return [
        Case("news:list", "/en/news/", **everyone),
        Case("news:search", "/en/news/search/?q=ziņa", **everyone),
        Case("news:rss", "/lv/news/feed/rss/", **everyone),
        Case("news:atom", "/de/news/feed/atom/", **everyone),
        Case("news:detail", f"/en/news/{project.slug}/{public.slug}/", **everyone),
        # Members-only news: a 404 for anyone outside the project, also when logged out.
        Case("news:detail", f"/en/news/{project.slug}/{members.slug}/", anonymous=404),
        # Drafts are not published to anyone; coordinators use the preview.
        Case("news:detail", f"/en/news/{project.slug}/{draft.slug}/", anonymous=404, observer=404, member=404,
             coordinator=404, superuser=404),
        Case("news:preview", f"/en/news/preview/{draft.pk}/", anonymous=LOGIN, observer=404, member=404),
        # Cover images (/media/news/…), served by the portal with the article's permission check.
        Case("news_cover", covers["public-news"], **everyone),
        Case("news_cover", covers["members-news"], anonymous=404),
        Case("news_cover", covers["draft-news"], anonymous=404, observer=404, member=404),
        Case("news:subscription", f"/en/news/emails/{project.slug}/", method="post", data={"subscribe": "1"},
             anonymous=LOGIN, observer=302, member=302, coordinator=302, superuser=302),
    ]
