"""Password reset travels the whole email path: outbox row, Redis, worker, SMTP."""
from __future__ import annotations

import re

import pytest

from conftest import body_html, body_text, wait_until
from outbox.models import OutgoingEmail

pytestmark = pytest.mark.django_db(transaction=True)


def test_password_reset_email_arrives_once_and_its_link_sets_a_new_password(client, partner, smtp_server, celery_worker):
    response = client.post("/de/accounts/password/reset/", {"email": partner.email})
    assert response.status_code == 302

    [message] = smtp_server.wait_for(1)
    assert message["To"] == partner.email
    text = body_text(message)
    # Asked for on a German page, the email speaks German, in both its parts, with the
    # portal's layout and the same one-time link.
    assert message["Subject"] == "[agepartners] Neues Passwort wählen"
    assert "Passwort" in text and "Katrin Hoffmann" in text
    link = re.search(r"http://testserver(/de/accounts/password/reset/key/\S+)", text).group(1)
    html = body_html(message)
    assert f'href="http://testserver{link}"' in html and "Passwort" in html and "Kommission" in html  # the funding statement, in German
    wait_until(lambda: OutgoingEmail.objects.get().status == OutgoingEmail.Status.SENT)

    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    response = client.post(form_url, {"password1": "a-new-Secret-2013", "password2": "a-new-Secret-2013"})
    assert response.status_code == 302
    assert client.login(username=partner.email, password="a-new-Secret-2013")
    assert len(smtp_server.messages) == 1


def test_password_reset_for_an_unknown_address_sends_nothing_and_looks_the_same(client, partner, smtp_server, celery_worker):
    """Nobody can use the reset form to make the portal mail a stranger (issue 18)."""
    unknown = client.post("/en/accounts/password/reset/", {"email": "nobody@example.org"})
    known = client.post("/en/accounts/password/reset/", {"email": partner.email})
    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"]
    page = client.get(unknown["Location"]).content.decode()
    assert partner.email not in page and "nobody@example.org" not in page

    # The known address's email arrives; for the unknown one there is no row and no message.
    smtp_server.wait_for(1)
    wait_until(lambda: OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENT).count() == 1)
    assert not OutgoingEmail.objects.filter(to_email__iexact="nobody@example.org").exists()
    assert [m["To"] for m in smtp_server.messages] == [partner.email]
