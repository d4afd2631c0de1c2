"""Pages of the projects app. Views stay thin: the rules live in projects.permissions,
the operations in projects.services."""
from __future__ import annotations

import unicodedata
from itertools import groupby
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from agepartners.http import AuthenticatedHttpRequest
from communication import dashboard as communication_dashboard
from meetings import dashboard as meetings_dashboard
from news import dashboard as news_dashboard
from news import selectors as news_selectors
from projects import permissions, services
from projects.forms import AcceptInvitationForm, ProfileForm
from projects.models import Membership, Person, Project, country_name
from workgroups import dashboard as workgroups_dashboard

LATEST_NEWS = 5


def home(request: HttpRequest) -> HttpResponse:
    projects = Project.objects.filter(is_public=True).select_related("coordinating_organisation")
    return render(request, "projects/home.html", {"projects": projects})


def _sort_key(text: str) -> str:
    # "Ārzemes" sorts beside "Austrija", not after "Zviedrija".
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()


def _by_country(items: list[Any], organisation: Any) -> list[tuple[Any, list[Any]]]:
    """[(country, [item, …]), …] ordered by the country names in the reader's language."""
    ordered = sorted(items, key=lambda i: (_sort_key(country_name(organisation(i).country)), _sort_key(organisation(i).name)))
    return [(country, list(group)) for country, group in groupby(ordered, key=lambda i: organisation(i).country)]


def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    project = get_object_or_404(Project.objects.select_related("coordinating_organisation"), slug=slug)
    if not permissions.can_view_public_project(request.user, project):
        raise Http404
    partners = list(project.partners.select_related("organisation"))
    language, news = translation.get_language(), news_selectors.latest_public(project, LATEST_NEWS)
    return render(request, "projects/project_detail.html", {
        "project": project,
        "countries": _by_country(partners, lambda p: p.organisation),
        "partner_count": len(partners),
        "progress": project.progress_percent(),
        # Each title as the reader sees it: in their language, else in the article's original one.
        "news": [{"article": article, "title": article.localized(language).title} for article in news],
        "is_member": permissions.is_member(request.user, project),
        "is_coordinator": permissions.is_coordinator(request.user, project),
    })


@login_required
def partner_directory(request: HttpRequest, slug: str) -> HttpResponse:
    project = get_object_or_404(Project, slug=slug)
    if not permissions.can_view_directory(request.user, project):
        raise Http404
    partners = list(
        project.partners.select_related("organisation").prefetch_related(
            Prefetch("contacts", queryset=Person.objects.select_related("user"))
        )
    )
    memberships = (
        Membership.objects.filter(project=project, user__is_active=True)
        .select_related("user__person")
        .order_by("user__first_name", "user__last_name")
    )
    # Members listed under their organisation, beside its contact people.
    by_organisation: dict[int | None, list[Membership]] = {}
    for membership in memberships:
        by_organisation.setdefault(membership.user.person.organisation_id, []).append(membership)
    rows = []
    for partner in partners:
        contact_ids = {person.user_id for person in partner.contacts.all()}
        others = [m for m in by_organisation.pop(partner.organisation_id, []) if m.user_id not in contact_ids]
        rows.append({"partner": partner, "contacts": list(partner.contacts.all()), "others": others})
    unaffiliated = [m for group in by_organisation.values() for m in group]
    countries = _by_country(rows, lambda r: r["partner"].organisation)
    return render(request, "projects/partner_directory.html", {
        "project": project, "countries": countries, "unaffiliated": unaffiliated,
    })


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    roles = permissions.project_roles(request.user)  # cached for the request: no second query
    # Only what the list shows (not the funding details, nor the six-language texts).
    projects = list(permissions.member_projects(request.user).only("title", "slug", "start_date", "end_date"))
    for project in projects:
        project.my_role = Membership.Role(roles[project.pk]).label if project.pk in roles else None
        project.i_coordinate = permissions.is_coordinator(request.user, project)
    return render(request, "projects/dashboard.html", {
        "projects": projects,
        "meetings_panel": meetings_dashboard.panel(request),
        "workgroups_panel": workgroups_dashboard.panel(request),
        "news_panel": news_dashboard.panel(request),
        "communication_panel": communication_dashboard.panel(request),
    })


def remember_language(response: HttpResponse, language: str) -> None:
    """The language cookie, as Django's set_language view sets it: the one place the portal does."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@login_required
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    person = request.user.person
    old_language = person.language
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=person)
    if form.is_valid():
        person = form.save()
        language = person.language
        # Say it in the language just chosen, on the page in that language.
        with translation.override(language):
            messages.success(request, _("Your profile has been saved."))
            url = reverse("profile")
        response = HttpResponseRedirect(url)
        if language != old_language or request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            remember_language(response, language)
        return response
    memberships = Membership.objects.filter(user=request.user).select_related("project").order_by("project__title")
    return render(request, "projects/profile.html", {
        "person": person, "form": form, "memberships": memberships,
    })


def _invitation_unavailable(request: HttpRequest, state: str) -> HttpResponse:
    status = 404 if state == services.InvitationState.UNKNOWN else 410  # expired or used: gone for good
    return render(request, "projects/invitation_unavailable.html", {"state": state}, status=status)


@never_cache
@sensitive_post_parameters("password1", "password2")
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.find_invitation(token)
    except services.InvitationUnavailable as exc:
        return _invitation_unavailable(request, exc.state)
    existing_user = services.invitee_user(invitation)
    form = AcceptInvitationForm(request.POST or None, user=existing_user)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept_invitation(token, form.cleaned_data["password1"])
        except services.InvitationUnavailable as exc:  # used or expired since the page was opened
            return _invitation_unavailable(request, exc.state)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        language = invitation.language
        translation.activate(language)  # the welcome and the redirect in the invitation's language
        messages.success(request, _("Welcome to %(project)s! You are now a member.") % {"project": invitation.project.title})
        response = redirect(reverse("dashboard"))
        remember_language(response, language)
        return response
    return render(request, "projects/invitation_accept.html", {
        "invitation": invitation, "form": form, "has_account": existing_user.pk is not None,
    })
