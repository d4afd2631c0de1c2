"""Password guessing is slowed per client address and per account, the admin login included."""
from __future__ import annotations

from django.conf import settings

from conftest import PASSWORD

TOO_MANY = "Too many failed login attempts"
# Failures a minute one client address may have (an office behind NAT shares one).
PER_ADDRESS = settings.LOGIN_FAILURES_PER_ADDRESS


def _login(client, email: str, password: str, ip: str = "203.0.113.7", **headers) -> object:
    return client.post(
        "/en/accounts/login/", {"login": email, "password": password}, REMOTE_ADDR=ip, **headers
    )


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(client, partner, observer):
    for _ in range(5):
        response = _login(client, partner.email, "wrong-guess")
        assert response.status_code == 200
        assert TOO_MANY not in response.content.decode()
    # Another address, another case of the email: still the same account's bucket.
    response = _login(client, partner.email.upper(), PASSWORD, ip="198.51.100.20")
    assert response.status_code == 200
    assert TOO_MANY in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Other people are not locked out by someone guessing at Katrin's password.
    assert _login(client, observer.email, PASSWORD).status_code == 302


def test_one_address_guessing_many_accounts_is_stopped(client, db, partner):
    for i in range(PER_ADDRESS):
        _login(client, f"guess{i}@example.org", "wrong-guess")
    response = _login(client, partner.email, PASSWORD)
    assert TOO_MANY in response.content.decode()
    # A partner at another address logs in normally.
    assert _login(client, partner.email, PASSWORD, ip="192.0.2.44").status_code == 302


def test_admin_login_goes_through_the_same_limited_login(client, coordinator):
    response = client.get("/en/admin/login/?next=/en/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")
    for _ in range(5):
        _login(client, coordinator.email, "wrong-guess")
    response = _login(client, coordinator.email, PASSWORD)
    assert TOO_MANY in response.content.decode()
    assert client.get("/en/admin/").status_code == 302


def test_behind_a_proxy_each_client_has_its_own_bucket(client, db, partner, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for i in range(PER_ADDRESS):
        _login(client, f"guess{i}@example.org", "wrong-guess", ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.1")
    blocked = _login(client, partner.email, PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert TOO_MANY in blocked.content.decode()
    # The partner in Magdeburg behind the same proxy is not punished for the attacker.
    assert _login(client, partner.email, PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 302


def test_a_forged_forwarded_for_header_does_not_give_a_fresh_bucket(client, db, partner, settings):
    # Behind the proxy: the attacker's own header is followed by the address the proxy saw.
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for i in range(PER_ADDRESS):
        _login(client, f"guess{i}@example.org", "x", ip="10.0.0.2", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}, 198.51.100.66")
    response = _login(client, partner.email, PASSWORD, ip="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.99, 198.51.100.66")
    assert TOO_MANY in response.content.decode()


def test_without_a_trusted_proxy_the_forwarded_for_header_is_ignored(client, db, partner, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    for i in range(PER_ADDRESS):
        _login(client, f"guess{i}@example.org", "x", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
    response = _login(client, partner.email, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert TOO_MANY in response.content.decode()


def test_a_partner_office_behind_one_address_is_not_locked_out_by_its_own_typos(client, db, project, partner_organisation):
    """Forty colleagues in Magdeburg, one NAT address, each mistypes once, then logs in."""
    from projects.services import add_membership, create_user

    office = "198.51.100.77"
    colleagues = []
    for i in range(40):
        user = create_user(f"colleague{i}@magdeburg.example", first_name="Kollege", last_name=str(i), password=PASSWORD,
                           organisation=partner_organisation, language="de", time_zone="Europe/Berlin")
        add_membership(user, project, "member")
        colleagues.append(user)
    for user in colleagues:
        assert TOO_MANY not in _login(client, user.email, "Passwort-vertippt", ip=office).content.decode()
    for user in colleagues:
        client.logout()
        assert _login(client, user.email, PASSWORD, ip=office).status_code == 302, user.email


def test_the_per_address_limit_is_above_forty_and_the_per_account_lock_stays():
    assert settings.ACCOUNT_RATE_LIMITS["login_failed"] == f"{PER_ADDRESS}/m/ip,5/5m/key"
    assert PER_ADDRESS >= 40
