"""Walk every URL pattern of the portal as every role and assert what each may see.

A new URL without a Case in some ``<app>/tests/access_cases.py`` fails
``test_every_url_pattern_has_a_case``.
"""
from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

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
# the login/reset tests), the Django admin (covered by the admin scoping tests),
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
