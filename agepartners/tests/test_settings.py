"""Settings come from the environment, and nonsense stops the portal at start-up."""
from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from agepartners.env import (
    ConfigurationError, database_settings, email_settings, env_bool, env_int, env_list, env_str, env_url,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("value, expected", [("true", True), ("1", True), ("Yes", True), ("on", True),
                                             ("false", False), ("0", False), ("NO", False), ("off", False)])
def test_boolean_settings_accept_the_usual_spellings(monkeypatch, value, expected):
    monkeypatch.setenv("AGE_FLAG", value)
    assert env_bool("AGE_FLAG", not expected) is expected


def test_unset_or_empty_settings_fall_back_to_their_default(monkeypatch):
    monkeypatch.delenv("AGE_FLAG", raising=False)
    assert env_bool("AGE_FLAG", True) is True
    monkeypatch.setenv("AGE_FLAG", "")
    assert env_bool("AGE_FLAG", False) is False
    assert env_int("AGE_FLAG", 7) == 7
    assert env_str("AGE_FLAG", "x") == "x"
    assert env_list("AGE_FLAG", ["a"]) == ["a"]


def test_a_typo_in_a_boolean_setting_refuses_to_start(monkeypatch):
    monkeypatch.setenv("DJANGO_DEBUG", "ture")
    with pytest.raises(ConfigurationError, match="DJANGO_DEBUG='ture' is not a boolean"):
        env_bool("DJANGO_DEBUG", False)


def test_numbers_must_be_numbers_and_not_below_their_minimum(monkeypatch):
    monkeypatch.setenv("OUTBOX_MAX_ATTEMPTS", "eight")
    with pytest.raises(ConfigurationError, match="not an integer"):
        env_int("OUTBOX_MAX_ATTEMPTS", 8, minimum=1)
    monkeypatch.setenv("OUTBOX_MAX_ATTEMPTS", "0")
    with pytest.raises(ConfigurationError, match="must be at least 1"):
        env_int("OUTBOX_MAX_ATTEMPTS", 8, minimum=1)
    monkeypatch.setenv("OUTBOX_MAX_ATTEMPTS", "12")
    assert env_int("OUTBOX_MAX_ATTEMPTS", 8, minimum=1) == 12


def test_host_lists_are_comma_separated_and_trimmed(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", " portal.example.org, www.portal.example.org ,,")
    assert env_list("DJANGO_ALLOWED_HOSTS", []) == ["portal.example.org", "www.portal.example.org"]


def test_the_site_address_must_be_absolute(monkeypatch):
    monkeypatch.setenv("SITE_URL", "https://portal.daugavpils.lv/")
    assert env_url("SITE_URL", "http://127.0.0.1:8000") == "https://portal.daugavpils.lv"
    monkeypatch.setenv("SITE_URL", "portal.daugavpils.lv")
    with pytest.raises(ConfigurationError, match="absolute address"):
        env_url("SITE_URL", "http://127.0.0.1:8000")


def test_smtp_email_url_with_credentials_and_starttls():
    config = email_settings("smtp://mailer%40city.lv:p%40ss@mail.city.lv:587?tls=1", "/srv/age")
    assert config == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.city.lv", "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "mailer@city.lv", "EMAIL_HOST_PASSWORD": "p@ss",
        "EMAIL_USE_SSL": False, "EMAIL_USE_TLS": True, "EMAIL_TIMEOUT": 20,
    }


def test_smtps_email_url_uses_implicit_tls_on_port_465():
    config = email_settings("smtps://mail.city.lv", "/srv/age")
    assert (config["EMAIL_PORT"], config["EMAIL_USE_SSL"], config["EMAIL_USE_TLS"]) == (465, True, False)


def test_file_and_console_email_urls():
    assert email_settings("file://var/mail", "/srv/age")["EMAIL_FILE_PATH"] == "/srv/age/var/mail"
    assert email_settings("file:///tmp/mails", "/srv/age")["EMAIL_FILE_PATH"] == "/tmp/mails"
    assert email_settings("console://", "/srv/age")["EMAIL_BACKEND"].endswith("console.EmailBackend")


@pytest.mark.parametrize("url", ["smtp://", "mailto:someone@example.org", "localhost:25"])
def test_email_urls_the_portal_cannot_use_are_refused(url):
    with pytest.raises(ConfigurationError, match="EMAIL_URL"):
        email_settings(url, "/srv/age")


def test_postgres_database_url_is_parsed():
    config = database_settings("postgres://age:s%40cret@db.internal:5433/agepartners", conn_max_age=30)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"], config["HOST"], config["PORT"]) == (
        "agepartners", "age", "s@cret", "db.internal", 5433)
    assert config["CONN_MAX_AGE"] == 30 and config["CONN_HEALTH_CHECKS"] is True


def test_sqlite_database_url_is_the_embedded_default():
    config = database_settings("sqlite:////tmp/age/portal.sqlite3")
    assert config["ENGINE"] == "agepartners.sqlite"  # Django's SQLite, minus PostgreSQL-only indexes
    assert config["NAME"] == "/tmp/age/portal.sqlite3"


@pytest.mark.parametrize("url", ["mysql://root@localhost/age", "postgres://localhost", "nonsense"])
def test_database_urls_the_portal_cannot_use_are_refused(url):
    with pytest.raises(ConfigurationError, match="DATABASE_URL"):
        database_settings(url)


def test_the_test_suite_itself_runs_on_postgresql(settings):
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert settings.CELERY_BROKER_URL.startswith("redis://")


# --- Production mode, as a real process ----------------------------------------------------

def _production_env(**extra: str) -> dict[str, str]:
    """A clean production environment: nothing inherited from the test settings."""
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "SYSTEMROOT"}
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(DJANGO_SETTINGS_MODULE="agepartners.settings", DJANGO_DEBUG="false", **extra)
    return env


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_production_refuses_to_start_without_a_real_secret_key(tmp_path):
    env = _production_env(AGEPARTNERS_VAR_DIR=str(tmp_path), DJANGO_ALLOWED_HOSTS="portal.example.org")
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr
    assert "Traceback" not in result.stderr  # one clear line, not a stack trace

    env["DJANGO_SECRET_KEY"] = "dev-only-insecure-secret-key-do-not-use-in-production"
    result = _manage("check", env=env)
    assert result.returncode != 0 and "DJANGO_SECRET_KEY must be set" in result.stderr

    env["DJANGO_SECRET_KEY"] = "short"
    result = _manage("check", env=env)
    assert result.returncode != 0 and "DJANGO_SECRET_KEY must be set" in result.stderr


def _deploy_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return _production_env(
        AGEPARTNERS_VAR_DIR=str(tmp_path),
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="portal.example.org",
        SITE_URL="https://portal.example.org",
        DATABASE_URL="postgres://age:secret@127.0.0.1:5432/agepartners",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        CACHE_URL="redis://127.0.0.1:6379/3",
        EMAIL_URL="smtp://mail.example.org:587?tls=1",
        **extra,
    )


def test_check_deploy_passes_without_warnings_in_production(tmp_path):
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_deploy_env(tmp_path))
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_check_deploy_stays_clean_behind_a_tls_terminating_proxy(tmp_path):
    env = _deploy_env(tmp_path, DJANGO_SECURE_SSL_REDIRECT="false", DJANGO_BEHIND_TLS_PROXY="true")
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_defaults_are_https_hsts_and_secure_cookies(tmp_path):
    code = ("from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
            "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, getattr(s, 'SECURE_PROXY_SSL_HEADER', None))")
    result = _manage("shell", "--no-imports", "-c", code, env=_deploy_env(tmp_path))
    assert result.stdout.split() == ["True", "31536000", "True", "True", "None"], result.stderr
    env = _deploy_env(tmp_path, DJANGO_SECURE_SSL_REDIRECT="false", DJANGO_BEHIND_TLS_PROXY="true")
    result = _manage("shell", "--no-imports", "-c", code, env=env)
    assert result.stdout.split()[:4] == ["False", "31536000", "True", "True"], result.stderr
    assert "HTTP_X_FORWARDED_PROTO" in result.stdout


def test_every_setting_read_from_the_environment_is_in_the_readme():
    import re

    names = set(re.findall(r'env_\w+\(\s*"([A-Z_]+)"', (ROOT / "agepartners" / "settings.py").read_text()))
    readme = (ROOT / "README.md").read_text()
    assert "UPLOAD_MAX_MB" in names and "PRIVATE_MEDIA_ROOT" in names
    assert sorted(n for n in names if f"| `{n}` |" not in readme) == []


def test_uploads_live_in_the_private_folder_under_one_sensible_limit(tmp_path):
    code = ("from django.conf import settings as s; from django.core.files.storage import storages; "
            "print(storages['private'].location, s.UPLOAD_MAX_MB)")
    result = _manage("shell", "--no-imports", "-c", code, env=_deploy_env(tmp_path))
    assert result.stdout.split() == [str(tmp_path / "private"), "20"], result.stderr
    env = _deploy_env(tmp_path, PRIVATE_MEDIA_ROOT=str(tmp_path / "files"), UPLOAD_MAX_MB="50")
    result = _manage("shell", "--no-imports", "-c", code, env=env)
    assert result.stdout.split() == [str(tmp_path / "files"), "50"], result.stderr
    result = _manage("check", env=_deploy_env(tmp_path, UPLOAD_MAX_MB="0"))
    assert result.returncode != 0 and "UPLOAD_MAX_MB=0 must be at least 1" in result.stderr
