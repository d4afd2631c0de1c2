"""Walk every URL pattern of the portal as every role and assert what each may see.

A new URL without a Case in some ``<app>/tests/access_cases.py`` fails
``test_every_url_pattern_has_a_case``.
"""
from __future__ import annotations

import importlib
import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from projects.models import Project
from projects.tests.access import LOGIN, ROLES, Case, World


def _portal_apps() -> list[str]:
    """The portal's own apps (those inside the repository), so a new app is walked too."""
    root = Path(settings.BASE_DIR).resolve()
    return [
        config.name for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(root) and ".venv" not in Path(config.path).parts
    ]


APPS = _portal_apps()
# ACCESS_MATRIX_APPS=projects,agepartners walks only those apps' cases (while others are
# still being written); test_every_url_pattern_has_a_case still looks at every URL.
ONLY = {name for name in os.environ.get("ACCESS_MATRIX_APPS", "").split(",") if name}

# Patterns that are not the portal's own pages: allauth's account machinery (covered by
# the login/reset tests), the Django admin (walked below, and by test_admin_scoping.py),
# and static/media serving.
EXEMPT_NAMESPACES = {"admin"}
EXEMPT_PREFIXES = ("account_", "socialaccount_", "mfa_", "admin")


def _pattern_names(resolver: URLResolver | None = None, namespace: str = "", prefix: str = "") -> set[str]:
    names: set[str] = set()
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            if ns in EXEMPT_NAMESPACES:
                continue
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            module = getattr(entry.urlconf_module, "__name__", "")
            if module.startswith("allauth"):
                continue
            names |= _pattern_names(entry, full, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            if entry.name.startswith(EXEMPT_PREFIXES):
                continue
            names.add(f"{namespace}:{entry.name}" if namespace else entry.name)
    return names


def build_world(project: Any, other_project: Any, organisation: Any, partner_organisation: Any, users: dict[str, Any]) -> World:
    return World(project=project, other_project=other_project, users=users,
                 organisation=organisation, partner_organisation=partner_organisation)


def all_cases(world: World) -> list[Case]:
    cases: list[Case] = []
    for app in APPS:
        if ONLY and app not in ONLY:
            continue
        try:
            module = importlib.import_module(f"{app}.tests.access_cases")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.tests.access_cases":
                raise
            continue
        cases.extend(module.build(world))
    return cases


@pytest.fixture
def world(project, other_project, organisation, partner_organisation, coordinator, partner, observer, outsider, superuser) -> World:
    users = {"coordinator": coordinator, "member": partner, "observer": observer, "outsider": outsider, "superuser": superuser}
    return build_world(project, other_project, organisation, partner_organisation, users)


def test_every_url_pattern_has_a_case(world: World) -> None:
    if ONLY:
        pytest.skip("ACCESS_MATRIX_APPS limits the cases; the coverage check needs them all")
    covered = {case.name for case in all_cases(world)}
    missing = sorted(_pattern_names() - covered)
    assert not missing, f"URL patterns without an access-matrix Case: {missing}"


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(role: str, world: World, client: Any) -> None:
    if role != "anonymous":
        client.force_login(world.users[role])
    failures = []
    for case in all_cases(world):
        method = getattr(client, case.method)
        response = method(case.url, case.data or {})
        expected = case.expected(role)
        if expected == LOGIN:
            ok = response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            ok = response.status_code == expected
        if not ok:
            failures.append(f"{case.name} {case.method.upper()} {case.url}: expected {expected}, got {response.status_code}")
    assert not failures, f"{role}:\n" + "\n".join(failures)


# --- The admin ---------------------------------------------------------------------------
# The admin is walked as the demo coordinator: every registered model's changelist (with
# its filter sidebar, also with a forged filter value), add form, change and delete pages
# of their own objects, and the autocomplete endpoint. Another coordinator's project, and
# everything in it, carries a marker that must never appear (issue 18: "By project" and
# "By work group" used to list every project and work group of the portal).

SECRET = "ZZSECRETZZ"


def _project_with_everything(name: str, slug: str, also_coordinated_by: Any = None) -> dict[type, Any]:
    """A project with an object of every model the admin shows, every text naming ``name``;
    its coordinator is a new person named ``name`` (and ``also_coordinated_by``)."""
    from datetime import date, timedelta
    from uuid import uuid4

    from django.utils import timezone

    from accounts.models import ProjectSecurityPolicy
    from communication.models import Activity, Document, DocumentVersion, NotificationPreference, Post, Thread
    from meetings.models import AgendaItem, Attachment, Decision, Meeting, Participation
    from news.models import Article, NewsSubscription
    from outbox.models import OutgoingEmail
    from projects.models import Invitation, Membership, Organisation, Partner, Person, Project
    from projects.services import add_membership, create_user
    from workgroups.models import DeadlineReminder, Task, TaskEvent, WorkGroup

    now = timezone.now()
    # Organisations are public (projects.permissions): their names are not secret.
    org = Organisation.objects.create(name=f"City office {slug}", kind="municipality", country="EE", city="Tallinn")
    project = Project.objects.create(title=f"{name} Project", acronym=name[:20], slug=slug,
                                     start_date=date(2025, 1, 1), end_date=date(2027, 12, 31),
                                     coordinating_organisation=org, is_public=False)
    user = create_user(f"{slug}@tallinn.example", first_name=name, last_name=name, organisation=org)
    membership = add_membership(user, project, "coordinator")
    if also_coordinated_by is not None:
        add_membership(also_coordinated_by, project, "coordinator")
    meeting = Meeting.objects.create(project=project, title=f"{name} meeting", starts_at=now + timedelta(days=9),
                                     ends_at=now + timedelta(days=10), city=name)
    group = WorkGroup.objects.create(project=project, name=f"{name} work group", lead_organisation=org)
    group.members.add(user)
    task = Task.objects.create(work_group=group, title=f"{name} task", deadline=date(2026, 6, 1), meeting=meeting)
    task.responsible_people.add(user)
    email = OutgoingEmail.objects.create(key=f"{name}-1", category="reminder", to_email=f"{slug}@tallinn.example",
                                         language="en", subject=f"{name} subject", body_text=name, project=project, user=user)
    thread = Thread.objects.create(project=project, work_group=group, title=f"{name} thread", author=user)
    document = Document.objects.create(project=project, work_group=group, title=f"{name} document", created_by=user)
    version = DocumentVersion.objects.create(document=document, number=1, file="private/zz.pdf", file_name=f"{name}.pdf",
                                             content_type="application/pdf", size=1, sha256="0" * 64, uploaded_by=user)
    return {
        Project: project,
        Membership: membership,
        Person: Person.objects.get(user=user),
        type(user): user,
        Partner: Partner.objects.create(project=project, organisation=org, role="coordinator"),
        Invitation: Invitation.objects.create(project=project, email=f"{slug}-invited@tallinn.example", first_name=name, last_name=name,
                                              organisation=org, token_hash=name, expires_at=now + timedelta(days=9)),
        ProjectSecurityPolicy: ProjectSecurityPolicy.objects.create(project=project),
        OutgoingEmail: email,
        Meeting: meeting,
        AgendaItem: AgendaItem.objects.create(meeting=meeting, title=f"{name} item", work_group=group),
        Participation: Participation.objects.create(meeting=meeting, user=user, notes=name),
        Attachment: Attachment.objects.create(meeting=meeting, file="private/zz.jpg", caption=name, original_name=name),
        Decision: Decision.objects.create(meeting=meeting, title=f"{name} decision", work_group=group, owner=user),
        WorkGroup: group,
        Task: task,
        TaskEvent: TaskEvent.objects.create(task=task, author=user, kind="comment", text=name),
        DeadlineReminder: DeadlineReminder.objects.create(task=task, recipient=user, occasion=name, kind="before",
                                                          role="responsible", deadline=task.deadline, due_at=now,
                                                          sweep=uuid4(), email=email),
        Article: Article.objects.create(project=project, slug=slug, title_en=f"{name} news", cover_image="news/zz.png",
                                        author=user),
        NewsSubscription: NewsSubscription.objects.create(user=user, project=project),
        Thread: thread,
        Post: Post.objects.create(thread=thread, author=user, body=name),
        Document: document,
        DocumentVersion: version,
        Activity: Activity.objects.create(project=project, work_group=group, kind="thread", key=name, title=name, actor=user),
        NotificationPreference: NotificationPreference.objects.create(user=user, project=project),
    }


def _admin_urls(user: Any, secret: dict[type, Any]) -> list[str]:
    """Every page of the admin that ``user`` could reach for the objects they may see."""
    from django.contrib import admin
    from django.contrib.admin.utils import get_fields_from_path
    from django.urls import reverse

    from projects import permissions
    from projects.admin_scope import ADMIN_SCOPES

    urls = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        changelist = reverse("admin:%s_%s_changelist" % info)
        urls += [changelist, reverse("admin:%s_%s_add" % info)]
        for entry in model_admin.list_filter:
            path = entry if isinstance(entry, str) else entry[0] if isinstance(entry, tuple) else None
            if path is None:
                continue
            field = get_fields_from_path(model, path)[-1]
            target = secret.get(field.related_model) if field.is_relation else None
            if target is not None:
                # A forged "By project" link to the other project names nothing of it either.
                urls.append(f"{changelist}?{path}__{field.target_field.name}__exact={target.pk}")
        if model in ADMIN_SCOPES:
            mine = permissions.scope_for_coordinator(model._default_manager.all(), user, ADMIN_SCOPES[model])
            for pk in mine.order_by("pk").values_list("pk", flat=True).distinct()[:2]:
                urls += [reverse("admin:%s_%s_change" % info, args=[pk]), reverse("admin:%s_%s_delete" % info, args=[pk]),
                         reverse("admin:%s_%s_history" % info, args=[pk])]
        for field in model._meta.get_fields():
            if field.is_relation and field.concrete:
                urls.append(f"{reverse('admin:autocomplete')}?app_label={info[0]}&model_name={info[1]}&field_name={field.name}")
    return urls


@pytest.fixture
def demo_coordinator(db: Any) -> Any:
    from io import StringIO

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("seed_demo", stdout=StringIO())
    return get_user_model().objects.get(email="coordinator@daugavpils.example")


def _secret_project() -> dict[type, Any]:
    return _project_with_everything(SECRET, "zz-secret")


def test_admin_pages_never_name_another_coordinators_project(client: Any, demo_coordinator: Any) -> None:
    secret = _secret_project()
    client.force_login(demo_coordinator)
    leaks, seen = [], 0
    for url in _admin_urls(demo_coordinator, secret):
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code == 200:
            seen += 1
            if SECRET.lower() in response.content.decode().lower():
                leaks.append(url)
    assert not leaks, f"{SECRET} named on: {leaks}"
    assert seen > 100  # the walk did open the pages


def test_admin_filter_sidebars_offer_only_the_coordinators_projects_and_work_groups(client: Any, demo_coordinator: Any) -> None:
    from projects import permissions
    from workgroups.models import WorkGroup

    secret = _secret_project()
    # A second project of the demo coordinator, so that the sidebars have a choice to make.
    _project_with_everything("Second partnership", "second", also_coordinated_by=demo_coordinator)
    client.force_login(demo_coordinator)
    own = permissions.coordinated_project_ids(demo_coordinator)
    assert len(own) == 2
    for url, parameter in [
        ("/en/admin/meetings/meeting/", "project__id__exact"),
        ("/en/admin/workgroups/workgroup/", "project__id__exact"),
        ("/en/admin/workgroups/task/", "work_group__project__id__exact"),
        ("/en/admin/communication/thread/", "project__id__exact"),
        ("/en/admin/communication/document/", "project__id__exact"),
        ("/en/admin/communication/activity/", "project__id__exact"),
        ("/en/admin/communication/notificationpreference/", "project__id__exact"),
        ("/en/admin/news/article/", "project__id__exact"),
        ("/en/admin/projects/membership/", "project__id__exact"),
    ]:
        html = client.get(url).content.decode()
        offered = {int(pk) for pk in re.findall(rf"[?&]{parameter}=(\d+)", html)}
        assert offered == own, url
        assert secret[Project].pk not in offered

    html = client.get("/en/admin/workgroups/task/").content.decode()
    groups = {int(pk) for pk in re.findall(r"[?&]work_group__id__exact=(\d+)", html)}
    assert groups and groups <= set(WorkGroup.objects.filter(project__in=own).values_list("pk", flat=True))


def test_superusers_see_the_other_project_in_the_same_sidebars(client: Any, superuser: Any, project: Any) -> None:
    """The marker is real: the walk above would see it if the scope let it through."""
    secret = _secret_project()
    _project_with_everything("Second partnership", "second")
    client.force_login(superuser)
    for url in ["/en/admin/meetings/meeting/", "/en/admin/workgroups/task/", "/en/admin/communication/thread/"]:
        assert f"{SECRET} Project" in client.get(url).content.decode(), url
    assert f"{SECRET} work group" in client.get("/en/admin/workgroups/task/").content.decode()
    assert secret[Project].pk
