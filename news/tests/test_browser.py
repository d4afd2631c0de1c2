"""A reader opens the seed article in Latvian and switches the page to German."""
from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reader_reads_the_seed_article_in_latvian_then_switches_to_german(page, seed_article):
    page.goto("/lv/news/")
    page.click("text=Projekta „Administration go Europe!” ziņas")
    assert page.locator("h1").inner_text() == "Projekta „Administration go Europe!” ziņas"
    assert "Partneru tikšanās notika saskaņā" in page.locator(".news-body").inner_text()

    page.click("details.lang-switch summary")
    page.click("details.lang-switch button[value=de]")
    page.wait_for_url("**/de/news/age/projekta-administration-go-europe-zinas/")
    assert page.locator("h1").inner_text() == "Neuigkeiten aus dem Projekt „Administration go Europe!“"
    assert "Das Partnertreffen verlief nach" in page.locator(".news-body").inner_text()
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator(".news-fallback").count() == 0
