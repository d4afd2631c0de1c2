"""Every main page, for a partner and a coordinator, in Chromium: accessible (axe-core,
WCAG 2.1 A/AA), valid HTML (the Nu HTML Checker) and readable on a 390 px phone.

One browser, one login per role, one JVM for all saved pages: the checks stay quick.
"""
from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from agepartners.tests import pagecheck
from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def partnership(project: Any, coordinator: Any, partner: Any, organisation: Any, partner_organisation: Any) -> Any:
    """One of each thing the main pages show, with names long enough to wrap."""
    from communication import discussions, documents
    from meetings.models import AgendaItem, Decision, Participation
    from meetings.tests.factories import make_meeting
    from news.models import Article
    from projects.services import invite
    from workgroups.models import Task, WorkGroup

    meeting = make_meeting(project, title="Second partner meeting in Magdeburg", starts_at=timezone.now() + timedelta(days=30),
                           venue_time_zone="Europe/Berlin", city="Magdeburg", country="DE", host_organisation=partner_organisation)
    group = WorkGroup.objects.create(project=project, name="Skills analysis and training needs", lead_organisation=organisation)
    AgendaItem.objects.create(meeting=meeting, order=1, title="Welcome and the work programme", day=meeting.local_starts_at.date(),
                              description="Presentation of the partners' administrations", responsible_organisation=partner_organisation,
                              work_group=group)
    Participation.objects.create(meeting=meeting, user=partner, invited_at=timezone.now())
    Participation.objects.create(meeting=meeting, user=coordinator, invited_at=timezone.now())
    Decision.objects.create(meeting=meeting, order=1, title="Questionnaire to every partner", owner=coordinator)
    task = Task.objects.create(work_group=group, title="Send the questionnaire on training needs", deadline=timezone.localdate() + timedelta(days=7))
    task.responsible_people.add(partner, coordinator)
    thread = discussions.start_thread(project, partner, "Questions about the Magdeburg programme", "Which hotel do we book?")
    hotels = documents.add_document(project, coordinator, title="Hotels near the venue in Magdeburg",
                                    upload=SimpleUploadedFile("hotels-near-the-venue-magdeburg.txt", b"Hotels\n", content_type="text/plain"))
    # Attached to the reply as an answer by email attaches it: the thread page lists it.
    discussions.reply(thread, coordinator, "The list of hotels is in the documents.", documents=[hotels])
    Article.objects.create(project=project, slug="kick-off", original_language="en", status=Article.Status.PUBLISHED,
                           publish_at=timezone.now() - timedelta(hours=1), title_en="The partnership has started",
                           body_en="<p>The partners met in Daugavpils.</p>")
    invite(project=project, email="new.partner@eger.example", first_name="Zsófia", last_name="Nagy",
           organisation=partner_organisation, invited_by=coordinator)
    return project


def _login(browser: Any, base_url: str, email: str) -> tuple[Any, Any]:
    # bypass_csp: axe-core is injected into the page (the portal's own CSP forbids that, rightly).
    context = browser.new_context(base_url=base_url, locale="en-GB", bypass_csp=True, viewport=pagecheck.DESKTOP)
    context.add_init_script(path=str(pagecheck.AXE_JS))  # parsed with each page: far cheaper than a script tag after it
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto("/en/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/dashboard/$"))
    return context, page


def test_every_main_page_is_accessible_valid_and_fits_a_phone(_browser, live_server, partnership, partner, coordinator, tmp_path):
    assert pagecheck.AXE_JS.exists() and pagecheck.VNU_JAR.exists(), "run scripts/ensure_test_services.sh (npm tools)"
    problems: list[str] = []
    saved: list[Path] = []
    for role, user in (("partner", partner), ("coordinator", coordinator)):
        context, page = _login(_browser, live_server.url, user.email)
        urls = pagecheck.main_pages(user) + (pagecheck.admin_pages() if role == "coordinator" else [])
        for number, url in enumerate(urls):
            page.set_viewport_size(pagecheck.DESKTOP)
            response = page.goto(url)
            if response is None or response.status != 200:
                problems.append(f"{role} {url}: HTTP {response.status if response else '?'}")
                continue
            for violation in pagecheck.axe_violations(page):
                problems.append(f"{role} {url}: axe {violation['id']} ({violation['impact']}): {violation['nodes']}")
            saved.append(tmp_path / f"{role}-{number:02d}.html")
            saved[-1].write_text(response.text(), encoding="utf-8")
            if "/admin/" in url:
                # The admin is for desktops, but its forms fit a 1280 px window.
                if wide := pagecheck.overflow(page):
                    problems.append(f"{role} {url}: wider than 1280 px: {wide}")
                continue
            page.set_viewport_size(pagecheck.PHONE)
            width = page.evaluate("() => document.documentElement.scrollWidth")
            if width > pagecheck.PHONE["width"]:
                problems.append(f"{role} {url}: scrolls sideways at 390 px ({width} px): {pagecheck.overflow(page)}")
        context.close()
    problems += [f"Nu HTML Checker: {error}" for error in pagecheck.vnu_errors(saved)]
    assert len(saved) > 40
    assert not problems, "\n".join(problems)


def test_on_a_phone_the_menu_folds_and_every_action_stays_reachable(_browser, live_server, partnership, partner):
    context, page = _login(_browser, live_server.url, partner.email)
    page.set_viewport_size(pagecheck.PHONE)
    page.goto("/en/workgroups/")
    nav = page.get_by_role("navigation", name="Main")
    menu = page.get_by_role("button", name="Menu")
    assert menu.is_visible() and not nav.is_visible()
    menu.click()
    assert menu.get_attribute("aria-expanded") == "true"
    assert nav.get_by_role("link", name="Discussions").is_visible()
    # The task's row is a card of its own: its "Mark done" lies inside the screen, and works.
    done = page.get_by_role("button", name=re.compile("Mark done"))
    box = done.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= pagecheck.PHONE["width"]
    done.click()
    page.wait_for_load_state()
    from workgroups.models import Task

    assert Task.objects.get(title="Send the questionnaire on training needs").status == "done"
    context.close()


def test_the_language_switch_works_without_javascript_and_without_a_go_button(_browser, live_server, partnership, partner):
    from projects.models import Person

    context = _browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/en/accounts/login/")
    page.fill("input[name=login]", partner.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/de/dashboard/$"))
    assert page.get_by_role("button", name="Go").count() == 0
    page.locator("details.lang-switch summary").click()
    page.get_by_role("button", name="Latviešu").click()
    page.wait_for_url(re.compile(r"/lv/dashboard/$"))
    assert page.locator("html").get_attribute("lang") == "lv"
    assert Person.objects.get(user=partner).language == "lv"
    context.close()
