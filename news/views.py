"""Readers' pages: the news list, search, an article, the coordinator's preview."""
from __future__ import annotations

import mimetypes
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from news import selectors, services
from news.models import Article, NewsSubscription
from projects import permissions
from projects.models import Project

PAGE_SIZE = 10


def _language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


def _subscriptions(request: HttpRequest, own: list[Project]) -> list[dict[str, Any]]:
    """The reader's projects with their email choice, for the opt-in toggles (one query)."""
    user = request.user
    if not own or not user.is_authenticated:
        return []
    chosen = set(NewsSubscription.objects.filter(user=user).values_list("project_id", flat=True))
    return [{"project": p, "subscribed": p.pk in chosen} for p in own]


def _listing(request: HttpRequest, qs: QuerySet[Article], template: str, extra: dict[str, Any]) -> HttpResponse:
    lang = _language()
    readable = selectors.readable(request.user)
    # The filter offers the reader's own partnerships, not every project with public news:
    # that list grows with the portal (a thousand partnerships at BENCH_SCALE=10), the
    # reader's does not. Any readable project can still be chosen by its link (?project=).
    projects = list(
        Project.objects.filter(pk__in=permissions.member_project_ids(request.user)).order_by("title").only("pk", "slug", "title")
    ) if request.user.is_authenticated else []
    project_slug = request.GET.get("project", "")
    current_project = None
    if project_slug:
        current_project = next((p for p in projects if p.slug == project_slug), None) or (
            Project.objects.filter(slug=project_slug, pk__in=readable.values("project_id")).only("pk", "slug", "title").first()
        )
        qs = qs.filter(project=current_project) if current_project else qs.none()
    own = list(projects)
    if current_project and current_project not in projects:
        projects.append(current_project)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "items": [(article, article.localized(lang)) for article in page.object_list],
        "projects": projects,
        "current_project": current_project,
        "project_slug": project_slug,
        "querystring": query.urlencode(),
        "subscriptions": _subscriptions(request, own),
        **extra,
    }
    return render(request, template, context)


def article_list(request: HttpRequest) -> HttpResponse:
    return _listing(request, selectors.readable(request.user), "news/list.html", {})


def search(request: HttpRequest) -> HttpResponse:
    terms = request.GET.get("q", "").strip()[:200]
    qs = selectors.readable(request.user)
    qs = selectors.search(qs, terms, _language()) if terms else qs.none()
    return _listing(request, qs, "news/search.html", {"q": terms})


def _article_context(request: HttpRequest, article: Article, url_for: Any) -> dict[str, Any]:
    lang = _language()
    text = article.localized(lang)
    available = text.available_languages
    alternates = [(code, request.build_absolute_uri(url_for(code))) for code in available]
    default_code = article.original_language if article.original_language in available else (available[0] if available else None)
    subscribed = None
    if request.user.is_authenticated and permissions.is_member(request.user, article.project):
        subscribed = NewsSubscription.objects.filter(user=request.user, project=article.project).exists()
    return {
        "article": article,
        "text": text,
        "language_links": [(code, url_for(code)) for code in available if code != lang],
        "alternates": alternates,
        "x_default": request.build_absolute_uri(url_for(default_code)) if default_code else None,
        "subscribed": subscribed,
    }


def detail(request: HttpRequest, project: str, slug: str) -> HttpResponse:
    article = get_object_or_404(
        permissions.visible_articles(Article.objects.select_related("project", "author"), request.user),
        project__slug=project, slug=slug,
    )
    context = _article_context(request, article, article.url_in)
    return render(request, "news/detail.html", context)


@login_required
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """How the article will look, before (or after) it is published: coordinators only."""
    article = get_object_or_404(
        permissions.previewable_articles(Article.objects.select_related("project", "author"), request.user), pk=pk
    )

    def url_for(code: str) -> str:
        with translation.override(code):
            return reverse("news:preview", args=[article.pk])

    context = _article_context(request, article, url_for)
    context.update({"preview": True, "alternates": [], "x_default": None, "subscribed": None})
    response = render(request, "news/detail.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_POST
def subscription(request: HttpRequest, project: str) -> HttpResponse:
    """Switch the publication emails of one of the reader's projects on or off."""
    target = get_object_or_404(permissions.member_projects(request.user), slug=project)
    wanted = request.POST.get("subscribe") == "1"
    services.set_subscription(request.user, target, wanted)
    done = (_("You will get an email when news of %(project)s is published.") if wanted
            else _("You will no longer get emails about news of %(project)s."))
    messages.success(request, done % {"project": target.title})
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        return HttpResponseRedirect(next_url)
    return redirect("news:list")


def cover_image(request: HttpRequest, name: str) -> FileResponse:
    """An article's cover image, at the address its file field gives (``/media/news/…``).

    Served by the portal itself, so it works without DEBUG and with any storage: a public
    article's cover for everyone, a members-only article's only to those who may read it
    (the same permission check as the article), a draft's to its preview's coordinators.
    Anything else is a 404, as for the article.
    """
    qs = Article.objects.filter(cover_image=f"news/{name}")
    article = (
        permissions.visible_articles(qs, request.user) | permissions.previewable_articles(qs, request.user)
    ).select_related("project").first()
    if article is None:
        raise Http404
    try:
        handle = article.cover_image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=mimetypes.guess_type(name)[0] or "application/octet-stream")
    public = article.audience == Article.Audience.PUBLIC and article.project.is_public and article.is_live
    # A new image is a new file name (Django's storage never overwrites), so a day is safe;
    # members-only pictures stay in the reader's browser cache, not in shared caches.
    patch_cache_control(response, max_age=86400, **({"public": True} if public else {"private": True}))
    return response
