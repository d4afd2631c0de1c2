from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from projects import permissions
from projects.models import Project


def home(request: HttpRequest) -> HttpResponse:
    projects = Project.objects.filter(is_public=True).select_related("coordinating_organisation")
    return render(request, "projects/home.html", {"projects": projects})


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    projects = permissions.member_projects(request.user).select_related("coordinating_organisation")
    return render(request, "projects/dashboard.html", {"projects": projects})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return render(request, "projects/profile.html", {"person": request.user.person})
