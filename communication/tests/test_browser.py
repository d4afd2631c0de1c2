"""Two partners talk in a browser: one posts, the other replies, the first sees the reply."""
from __future__ import annotations

import pytest

from conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_one_partner_posts_another_replies_and_the_first_sees_the_reply(page, _browser, live_server, project, coordinator, partner):
    browser_login(page, coordinator.email)
    page.goto("/en/discussions/p/age/")
    page.get_by_role("link", name="Start a discussion").click()
    page.get_by_label("Subject").fill("Learning content for municipal staff")
    page.get_by_label("Your message").fill("Dear partners, please send your **drafts** by Friday. @katrin.hoffmann")
    page.get_by_role("button", name="Post").click()
    page.wait_for_url("**/discussions/t/*/")
    thread_url = page.url
    assert page.locator(".comm-body strong").inner_text() == "drafts"

    other = _browser.new_context(base_url=live_server.url, locale="de-DE")
    try:
        katrin = other.new_page()
        katrin.set_default_timeout(15000)
        browser_login(katrin, partner.email)
        katrin.goto(thread_url.replace("/en/", "/de/"))
        katrin.get_by_label("Ihre Nachricht").fill("Wir schicken den Entwurf am Donnerstag.")
        katrin.get_by_role("button", name="Antwort senden").click()
        katrin.wait_for_selector("text=Wir schicken den Entwurf am Donnerstag.")
    finally:
        other.close()

    page.goto(thread_url)
    reply = page.locator(".comm-post").nth(1)
    assert "Wir schicken den Entwurf am Donnerstag." in reply.inner_text()
    assert "Katrin Hoffmann" in reply.inner_text()
