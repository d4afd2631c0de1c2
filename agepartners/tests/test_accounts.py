"""Accounts: login by email, closed signup, languages in the address, the switcher."""
from __future__ import annotations

import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model

from conftest import PASSWORD
from projects.models import Person

pytestmark = pytest.mark.django_db
LANGUAGES = ["en", "lv", "de", "hu", "it", "da"]


def _main_text(response) -> str:
    html = response.content.decode()
    main = html.split('<main id="main">', 1)[1].split("</main>", 1)[0]
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))).strip()


def _html_lang(response) -> str:
    return re.search(r'<html lang="([a-z-]+)"', response.content.decode()).group(1)


def test_people_log_in_with_their_email_not_a_username(client, partner):
    page = client.get("/en/accounts/login/")
    html = page.content.decode()
    assert 'type="email"' in html and 'name="login"' in html
    assert "Username" not in html

    response = client.post("/en/accounts/login/", {"login": partner.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/de/dashboard/"  # Katrin reads German
    assert client.get("/de/dashboard/").status_code == 200


def test_email_is_matched_without_regard_to_case(client, partner):
    response = client.post("/en/accounts/login/", {"login": partner.email.upper(), "password": PASSWORD})
    assert response.status_code == 302


def test_a_wrong_password_is_refused_with_a_clear_message(client, partner):
    response = client.post("/en/accounts/login/", {"login": partner.email, "password": "wrong-password"})
    assert response.status_code == 200
    assert "not correct" in _main_text(response)
    assert client.get("/en/dashboard/").status_code == 302  # still anonymous


def test_repeated_failed_logins_are_rate_limited(client, partner):
    for _ in range(5):
        client.post("/en/accounts/login/", {"login": partner.email, "password": "wrong-password"})
    response = client.post("/en/accounts/login/", {"login": partner.email, "password": PASSWORD})
    assert "Too many failed login attempts" in _main_text(response)
    assert client.get("/en/dashboard/").status_code == 302


def test_logging_out_ends_the_session(client, partner):
    client.force_login(partner)
    assert client.get("/de/accounts/logout/").status_code == 200  # a confirmation page, not a GET logout
    response = client.post("/de/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/de/"
    response = client.get("/de/dashboard/")
    assert response.status_code == 302 and response["Location"].startswith("/de/accounts/login/")


def test_pages_for_members_send_strangers_to_the_login_in_their_language(client, db):
    response = client.get("/it/dashboard/")
    assert response.status_code == 302
    assert response["Location"] == "/it/accounts/login/?next=/it/dashboard/"


def test_the_admin_login_is_the_portal_login(client, db):
    response = client.get("/en/admin/login/?next=/en/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")


def test_signup_is_closed_and_says_how_to_join(client, db):
    response = client.get("/en/accounts/signup/")
    assert response.status_code == 200
    assert "Joining is by invitation" in _main_text(response)
    assert "<form" not in response.content.decode().split('<main id="main">', 1)[1]

    client.post("/en/accounts/signup/", {"email": "stranger@example.org", "password1": "A-long-pass-2012", "password2": "A-long-pass-2012"})
    assert not get_user_model().objects.filter(email="stranger@example.org").exists()


def test_the_login_page_does_not_invite_people_to_sign_up(client, db):
    text = _main_text(client.get("/en/accounts/login/"))
    assert "sign up" not in text.lower()
    assert "invitation" in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_pages_and_account_pages_answer_under_every_language_prefix(client, lang):
    for path in ["", "accounts/login/", "accounts/password/reset/", "accounts/signup/", "news/"]:
        response = client.get(f"/{lang}/{path}")
        assert response.status_code == 200, path
        assert _html_lang(response) == lang, path


def test_an_address_without_language_goes_to_the_browser_language(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="da,en;q=0.5")
    assert response.status_code == 302 and response["Location"] == "/da/"
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response["Location"] == "/en/accounts/login/"


def test_the_switcher_shows_the_same_page_in_the_chosen_language(client, db):
    page = client.get("/en/accounts/password/reset/")
    assert 'action="/i18n/setlang/"' in page.content.decode()
    response = client.post("/i18n/setlang/", {"language": "hu", "next": "/en/accounts/password/reset/"})
    assert response.status_code == 302 and response["Location"] == "/hu/accounts/password/reset/"
    assert response.cookies["django_language"].value == "hu"
    assert _html_lang(client.get(response["Location"])) == "hu"
    # Later visits without a prefix keep the chosen language.
    assert client.get("/")["Location"] == "/hu/"


def test_the_switcher_refuses_to_redirect_elsewhere(client, db):
    response = client.post("/i18n/setlang/", {"language": "lv", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert not response["Location"].startswith("https://evil.example")


def test_a_logged_in_persons_choice_is_stored_on_their_profile(client, partner):
    client.force_login(partner)
    response = client.post("/i18n/setlang/", {"language": "it", "next": "/de/dashboard/"})
    assert response["Location"] == "/it/dashboard/"
    assert Person.objects.get(user=partner).language == "it"


def test_an_unknown_language_changes_nothing(client, partner):
    client.force_login(partner)
    client.post("/i18n/setlang/", {"language": "xx", "next": "/de/dashboard/"})
    assert Person.objects.get(user=partner).language == "de"


def test_a_latvian_person_logging_in_on_an_english_page_continues_in_latvian(client, coordinator):
    response = client.post("/en/accounts/login/", {"login": coordinator.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/lv/dashboard/"
    dashboard = client.get("/lv/dashboard/")
    assert _html_lang(dashboard) == "lv"
    # The "logged in" message is shown in Latvian too, and later visits stay in Latvian.
    assert "Successfully signed in" not in dashboard.content.decode()
    assert client.get("/")["Location"] == "/lv/"


def test_the_page_asked_for_before_login_opens_in_the_persons_language(client, coordinator):
    response = client.post("/en/accounts/login/?next=/en/news/", {"login": coordinator.email, "password": PASSWORD})
    assert response["Location"] == "/lv/news/"


ACCOUNT_PAGES = [
    "accounts/login/", "accounts/signup/", "accounts/password/reset/", "accounts/password/reset/done/",
    "accounts/password/reset/key/1-set-password/", "accounts/password/reset/key/done/", "accounts/inactive/",
]


def _sentences(text: str) -> set[str]:
    return {s.strip() for s in re.split(r"[.!?:]\s|\s·\s", text) if len(s.split()) >= 2}


@pytest.mark.parametrize("lang", ["lv", "de", "hu", "it", "da"])
def test_account_pages_show_no_english_in_other_languages(client, partner, lang):
    pages = [(path, None) for path in ACCOUNT_PAGES] + [("accounts/logout/", partner), ("accounts/password/change/", partner)]
    for path, user in pages:
        if user:
            client.force_login(user)
        english_page, translated_page = client.get(f"/en/{path}"), client.get(f"/{lang}/{path}")
        assert english_page.status_code == translated_page.status_code == 200, path
        english, translated = _sentences(_main_text(english_page)), _main_text(translated_page)
        left = sorted(s for s in english if re.search(rf"(?<!\w){re.escape(s)}(?!\w)", translated))
        assert not left, f"/{lang}/{path} shows English: {left}"
        client.logout()


def test_form_errors_stand_next_to_their_labelled_field(client, db):
    response = client.post("/en/accounts/password/reset/", {"email": "not-an-address"})
    assert response.status_code == 200
    html = response.content.decode()
    field = html.split('class="field has-error', 1)[1].split("</div>", 1)[0]
    assert '<label for="id_email"' in field and 'class="errorlist' in field
    assert "valid email address" in field
