"""Hostile input never breaks the portal: fuzzed URLs, query strings and forms give no
500, and markup typed into any free-text field stays inert on every page and in emails.

The URLs come from every app's access-matrix cases (one real URL per named pattern, with
real objects behind it), so a new page is fuzzed without a change here.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from hypothesis import HealthCheck, given, settings, strategies as st

from projects.tests.test_access_matrix import all_cases, build_world

NASTY = [
    "", " ", "0", "-1", "00", "1.5", "99999999999999999999999", "1e309", "NaN", "true", "null",
    "../../../etc/passwd", "%00", "\x00", "a\x00b", "\ud7ff", "😀" * 5, "ﷺ", "\u202e", "<script>alert(1)</script>",
    "' OR 1=1 --", '"; DROP TABLE projects_project; --', "{{ 7*7 }}", "{% debug %}", "${7*7}",
    "2012-02-30", "9999-12-31", "0000-00-00", "12:99", "x" * 5000, "[]", "{}", "javascript:alert(1)",
    "http://evil.example/", "//evil.example", "@evil.example", "\r\nSet-Cookie: a=b",
]
HOSTILE = st.one_of(st.sampled_from(NASTY), st.text(max_size=40), st.integers(-(2**70), 2**70).map(str))
# Every request sets all of these at once (the names the portal's pages read).
QUERY_KEYS = ["page", "q", "sort", "status", "due", "project", "next", "lang", "year", "month", "week",
              "group", "kind", "filter", "o", "p", "language", "format", "token", "id", "date", "tag"]
# Each URL gets these in every query parameter / every form field, then random ones.
QUERY_EVERY_TIME = ["NaN", "-1", "99999999999999999999999", "a\x00b", "2012-02-30"]
FORM_EVERY_TIME = ["", "NaN", "99999999999999999999999", "a\x00b", "x" * 3000]
FUZZ = settings(max_examples=1, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


class _FormFields(HTMLParser):
    """Names of the fields of the forms on a page (file inputs left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("input", "textarea", "select") and a.get("name") and a.get("type") != "file":
            if a["name"] != "csrfmiddlewaretoken":
                self.names.add(a["name"] or "")


def _fields(html: str) -> list[str]:
    parser = _FormFields()
    parser.feed(html)
    return sorted(parser.names)


@pytest.fixture
def world(project, other_project, organisation, partner_organisation, coordinator, partner, observer, outsider, superuser):
    users = {"coordinator": coordinator, "member": partner, "observer": observer, "outsider": outsider, "superuser": superuser}
    return build_world(project, other_project, organisation, partner_organisation, users)


def _check(response: Any, what: str) -> None:
    assert response.status_code < 500, f"{what} -> {response.status_code}"


def test_fuzzed_urls_query_strings_and_forms_never_give_a_server_error(client, world):
    client.raise_request_exception = False  # a crash must show up as a 500, not stop the walk
    client.force_login(world.users["coordinator"])
    cases = all_cases(world)
    assert cases

    for case in cases:
        url = case.url

        for value in QUERY_EVERY_TIME:
            params = dict.fromkeys(QUERY_KEYS, value)
            _check(client.get(url, params), f"GET {url} {params!r}")

        @FUZZ
        @given(params=st.fixed_dictionaries({key: HOSTILE for key in QUERY_KEYS}))
        def query_string(params: dict[str, str]) -> None:
            _check(client.get(url, params), f"GET {url} {params!r}")

        @FUZZ
        @given(number=st.integers(0, 2**80), slug=st.from_regex(r"[-a-zA-Z0-9_]{1,70}", fullmatch=True))
        def path_parameters(number: int, slug: str) -> None:
            mutated = re.sub(r"/\d+(?=/|\.|$)", f"/{number}", url, count=1)
            if mutated == url:
                mutated = re.sub(r"/(p|projects|project|calendar|invitations)/[^/]+/", rf"/\1/{slug}/", url, count=1)
            _check(client.get(mutated), f"GET {mutated}")
            _check(client.post(mutated, {"x": slug}), f"POST {mutated}")

        query_string()
        path_parameters()

        page = client.get(url)
        _check(page, f"GET {url}")
        names = _fields(page.content.decode("utf-8", "replace")) if page.status_code == 200 and "html" in page.get("Content-Type", "") else []
        if case.method == "post":
            names = names or sorted((case.data or {}).keys()) or ["body", "title", "text"]
        if not names:
            continue  # nothing to submit here

        @settings(FUZZ, max_examples=2)
        @given(values=st.lists(HOSTILE, min_size=len(names), max_size=len(names)))
        def form_post(values: list[str]) -> None:
            data = dict(zip(names, values))
            _check(client.post(url, data), f"POST {url} {data!r}")

        for value in FORM_EVERY_TIME:
            data = dict.fromkeys(names, value)
            _check(client.post(url, data), f"POST {url} {data!r}")
        form_post()


def test_fuzzed_admin_lists_and_forms_never_give_a_server_error(client, world):
    """Coordinators work in the admin: its searches, filters, sorting, paging and forms too."""
    from django.contrib import admin

    all_cases(world)
    client.raise_request_exception = False
    client.force_login(world.users["coordinator"])
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        base = f"/en/admin/{opts.app_label}/{opts.model_name}/"
        for value in ("NaN", "99999999999999999999999"):  # the admin pages are heavy: a few values only
            params = {"q": value, "p": value, "o": value, **{str(f): value for f in model_admin.list_filter if isinstance(f, str)}}
            _check(client.get(base, params), f"GET {base} {params!r}")
        add = client.get(f"{base}add/")
        _check(add, f"GET {base}add/")
        if add.status_code != 200:
            continue
        names = _fields(add.content.decode("utf-8", "replace"))
        data = dict.fromkeys(names, "NaN")
        _check(client.post(f"{base}add/", data), f"POST {base}add/ {data!r}")


def test_a_nul_byte_anywhere_is_refused_with_400(client, partner):
    client.force_login(partner)
    assert client.get("/en/admin/projects/organisation/", {"kind": "a\x00b"}).status_code == 400
    assert client.get("/en/dashboard/", {"q": "\x00"}).status_code == 400
    assert client.post("/en/me/delete/", {"password": "a\x00b", "confirm": "on"}).status_code == 400
    assert client.get("/en/dashboard/", {"q": "ordinary"}).status_code == 200


# --- Markup in free text -------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"


class _LiveMarkup(HTMLParser):
    """Elements a browser would run: event-handler attributes, inline scripts with our payload."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        handlers = [name for name, _value in attrs if name.lower().startswith("on")]
        if handlers:
            self.found.append(f"<{tag} {' '.join(handlers)}>")
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and "alert(1)" in data:
            self.found.append(f"<script>{data[:40]}")


def live_markup(html: str) -> list[str]:
    parser = _LiveMarkup()
    parser.feed(html)
    return parser.found
PORTAL_APPS = ("projects", "meetings", "workgroups", "news", "communication", "accounts")  # not outbox: it holds rendered output


def _free_text_fields(model: type[models.Model]) -> list[models.Field]:
    fields = []
    for f in model._meta.concrete_fields:
        if type(f) not in (models.CharField, models.TextField) or f.choices or f.primary_key or not f.editable:
            continue
        if f.max_length is not None and f.max_length < len(IMG) + len(SCRIPT) + 2:
            continue
        if f.unique or "token" in f.name or f.name in ("slug", "key", "time_zone", "venue_time_zone", "language"):
            continue
        fields.append(f)
    return fields


def poison_every_free_text_field() -> int:
    """Write both payloads into every free-text field of every row of the portal's models."""
    count = 0
    for label in PORTAL_APPS:
        if not apps.is_installed(label):
            continue
        for model in apps.get_app_config(label).get_models():
            fields = _free_text_fields(model)
            if not fields:
                continue
            for row in model._default_manager.all():
                for f in fields:
                    setattr(row, f.attname, f"{IMG} {SCRIPT}"[: f.max_length or None])
                row.save(update_fields=[f.attname for f in fields])
                count += 1
    return count


def test_markup_in_every_free_text_field_stays_inert_on_every_page(client, world):
    cases = all_cases(world)  # builds every app's objects
    assert poison_every_free_text_field() > 10
    problems = []
    for role in ("coordinator", "member", "superuser"):
        client.force_login(world.users[role])
        for case in cases:
            if case.method != "get":
                continue
            response = client.get(case.url)
            if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
                continue
            found = live_markup(response.content.decode("utf-8", "replace"))
            if found:
                problems.append(f"{role} {case.url}: {found}")
    assert not problems, "\n".join(problems)


def test_markup_in_every_free_text_field_stays_inert_in_the_admin(client, world):
    """Lists and change forms of every registered model, where custom columns are built."""
    from django.contrib import admin

    all_cases(world)
    poison_every_free_text_field()
    client.force_login(world.users["superuser"])
    problems = []
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        base = f"/en/admin/{opts.app_label}/{opts.model_name}/"
        urls = [base]
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(f"{base}{first.pk}/change/")
        for url in urls:
            response = client.get(url)
            assert response.status_code < 500, url
            if response.status_code == 200:
                found = live_markup(response.content.decode("utf-8", "replace"))
                if found:
                    problems.append(f"{url}: {found}")
    assert not problems, "\n".join(problems)


def test_markup_in_free_text_stays_inert_in_emails(world, django_capture_on_commit_callbacks):
    from outbox.models import OutgoingEmail

    all_cases(world)
    poison_every_free_text_field()
    before = OutgoingEmail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    from workgroups import reminders

    reminders.sweep()
    from communication import discussions
    from communication.models import Thread

    for thread in Thread.objects.all():
        if not thread.is_closed:
            discussions.reply(thread, world.users["coordinator"], f"{IMG} {SCRIPT} a reply")
    # Every periodic sweep that composes emails from what partners typed.
    import importlib

    for dotted in ("meetings.tasks.sweep_meeting_reminders", "news.tasks.sweep_published_news",
                   "communication.tasks.send_daily_digests"):
        module, name = dotted.rsplit(".", 1)
        task = getattr(importlib.import_module(module), name, None)
        if task is not None:
            task()
    emails = list(OutgoingEmail.objects.filter(pk__gt=before))
    assert emails, "the sweep and the replies should have queued emails"
    problems = [f"{e.category} to {e.to_email}: {live_markup(e.body_html)}" for e in emails if live_markup(e.body_html)]
    assert not problems, problems
