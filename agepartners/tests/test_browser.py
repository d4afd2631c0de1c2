"""A real browser (Debian's Chromium) logs in and switches the portal's language."""
from __future__ import annotations

import re

import pytest

from conftest import browser_login
from projects.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_partner_logs_in_and_switches_language_in_the_browser(page, coordinator):
    # Inese reads Latvian: logging in on the English page takes her to her Latvian dashboard.
    browser_login(page, coordinator.email, lang="en")
    page.wait_for_url(re.compile(r"/lv/dashboard/$"))
    assert page.locator("html").get_attribute("lang") == "lv"
    assert page.get_by_role("navigation").get_by_role("link", name="Pārskats").is_visible()

    # The switcher in the header: the same page, now in German, and remembered on her profile.
    page.get_by_text("Valoda").locator("..").click()  # the switch's summary: "Valoda: Latviešu"
    page.get_by_role("button", name="Deutsch").click()
    page.wait_for_url(re.compile(r"/de/dashboard/$"))
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.get_by_role("navigation").get_by_role("link", name="Übersicht").is_visible()
    assert Person.objects.get(user=coordinator).language == "de"

    # Logging out and in again keeps German.
    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_url(re.compile(r"/de/$"))
    browser_login(page, coordinator.email, lang="en")
    page.wait_for_url(re.compile(r"/de/dashboard/$"))
