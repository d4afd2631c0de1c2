"""Small helpers that read settings from the environment and refuse nonsense.

A typo such as ``DJANGO_DEBUG=ture`` must stop the process at start-up rather
than silently fall back to a default nobody chose.
"""
from __future__ import annotations

import os
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured



class ConfigurationError(ImproperlyConfigured):
    """A setting read from the environment is missing or makes no sense.

    ``manage.py`` prints these as one clear line instead of a traceback.
    """


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str) -> str:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigurationError(f"{name}={value!r} is not a boolean; use true or false.")


def env_int(name: str, default: int, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigurationError(f"{name}={value!r} is not an integer.") from None
    if minimum is not None and number < minimum:
        raise ConfigurationError(f"{name}={number} must be at least {minimum}.")
    return number


def env_url(name: str, default: str) -> str:
    """An absolute http(s) address without a trailing slash (links in emails are built on it)."""
    value = env_str(name, default).rstrip("/")
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigurationError(f"{name}={value!r} must be an absolute address such as https://portal.example.org")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def database_settings(url: str, conn_max_age: int = 60) -> dict[str, Any]:
    """Translate ``DATABASE_URL`` into Django's database dict (PostgreSQL or SQLite only)."""
    import dj_database_url

    scheme = urlparse(url).scheme.lower()
    if scheme not in ("postgres", "postgresql", "pgsql", "sqlite"):
        raise ConfigurationError(
            f"DATABASE_URL={url!r}: use postgres://user:password@host:port/name (or sqlite:///path for trying it out)."
        )
    config = dict(dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True))
    if scheme != "sqlite" and not config.get("NAME"):
        raise ConfigurationError(f"DATABASE_URL={url!r} names no database.")
    if scheme == "sqlite":
        # Django's SQLite minus the PostgreSQL-only indexes (see agepartners/sqlite/base.py).
        config["ENGINE"] = "agepartners.sqlite"
        # A web process, a worker and beat share the file: readers never block the writer
        # (WAL), and a writer waits for the lock instead of failing at once.
        config["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    return config


def email_settings(url: str, base_dir: str) -> dict[str, object]:
    """Translate ``EMAIL_URL`` into Django's EMAIL_* settings.

    Supported: ``smtp://user:pass@host:port`` (``?tls=1`` for STARTTLS),
    ``smtps://…`` for implicit TLS, ``console://`` and ``file://path``
    (relative paths are under the project directory).
    """
    parsed = urlparse(url)
    scheme = parsed.scheme.lower()
    if scheme in ("smtp", "smtps"):
        if not parsed.hostname:
            raise ConfigurationError(f"EMAIL_URL={url!r} has no host.")
        query = parse_qs(parsed.query)
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parsed.hostname,
            "EMAIL_PORT": parsed.port or (465 if scheme == "smtps" else 25),
            "EMAIL_HOST_USER": unquote(parsed.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
            "EMAIL_USE_SSL": scheme == "smtps",
            "EMAIL_USE_TLS": query.get("tls", ["0"])[0].lower() in _TRUE,
            "EMAIL_TIMEOUT": 20,
        }
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "file":
        path = (parsed.netloc + parsed.path) or "var/mail"
        if not os.path.isabs(path):
            path = os.path.join(base_dir, path)
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": path,
        }
    raise ConfigurationError(
        f"EMAIL_URL={url!r}: use smtp://host:port, smtps://…, console:// or file://path."
    )


def inbound_email_url(url: str) -> str:
    """INBOUND_EMAIL_URL checked at start-up: imaps://, imap:// (STARTTLS) or folder://."""
    if not url:
        return url
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in ("imap", "imaps", "folder"):
        raise ConfigurationError(
            f"INBOUND_EMAIL_URL has the scheme {scheme!r}; use imaps://user:password@host/INBOX, imap://… or folder://path."
        )
    return url
