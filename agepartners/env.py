"""Small helpers that read settings from the environment and refuse nonsense.

A typo such as ``DJANGO_DEBUG=ture`` must stop the process at start-up rather
than silently fall back to a default nobody chose.
"""
from __future__ import annotations

import os
from pathlib import Path
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
    return os.environ.get(name) or default


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if not value:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigurationError(f"{name}={value!r} is not a boolean; use true or false.")


def env_int(name: str, default: int, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if not value:
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
    """INBOUND_EMAIL_URL checked at start-up: imaps://, imap:// (STARTTLS) or folder://, with
    the options ``?ca=/path/ca.pem`` and ``?starttls=yes|no`` (imap:// on loopback only)."""
    if not url:
        return url
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in ("imap", "imaps", "folder"):
        raise ConfigurationError(
            f"INBOUND_EMAIL_URL has the scheme {scheme!r}; use imaps://user:password@host/INBOX, imap://… or folder://path."
        )
    if scheme in ("imap", "imaps"):
        from inbound.mailbox import url_options  # the mailbox's own reading of ?ca= and ?starttls=

        try:
            url_options(url)
        except ValueError as exc:
            raise ConfigurationError(f"INBOUND_EMAIL_URL: {exc}.") from None
    return url


def files_settings(files_url: str, *, private_root: str) -> dict[str, dict[str, Any]]:
    """The "default" and "private" entries of Django's STORAGES for ``FILES_URL``.

    ``""`` keeps the folders of a single server (MEDIA_ROOT, PRIVATE_MEDIA_ROOT);
    ``file:///path`` puts both under one folder; ``s3://access:secret@host:port/bucket?region=…``
    puts them under ``public/`` and ``private/`` of one bucket.
    """
    private = "projects.uploads.PrivateFileSystemStorage"
    if not files_url:
        # Public media follow MEDIA_ROOT (Django reads it at each use); private files their folder.
        return {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "private": {"BACKEND": private, "OPTIONS": {"location": private_root}},
        }
    parsed = urlparse(files_url)
    if parsed.scheme == "file":
        root = Path(unquote(parsed.path))
        if not parsed.path or not root.is_absolute() or parsed.netloc:
            raise ConfigurationError(f"FILES_URL={files_url!r}: a folder is file:///absolute/path")
        return {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(root / "media")}},
            "private": {"BACKEND": private, "OPTIONS": {"location": str(root / "private")}},
        }
    if parsed.scheme == "s3":
        options = s3_options(files_url)
        return {
            "default": {"BACKEND": "agepartners.storage.ObjectStorage", "OPTIONS": {**options, "location": "public"}},
            "private": {"BACKEND": "agepartners.storage.PrivateObjectStorage", "OPTIONS": {**options, "location": "private"}},
        }
    raise ConfigurationError(
        f"FILES_URL={files_url!r}: use file:///path/to/folder or s3://access:secret@host:port/bucket?region=…"
    )


def s3_options(files_url: str) -> dict[str, Any]:
    """django-storages' S3Storage options for one ``s3://`` address; refuses incomplete ones."""
    parsed = urlparse(files_url)
    query = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    unknown = set(query) - {"region", "tls"}
    bucket = parsed.path.strip("/")
    try:
        port = parsed.port
    except ValueError:
        raise ConfigurationError(f"FILES_URL: the port of {parsed.hostname!r} is not a number") from None
    if not (parsed.username and parsed.password and parsed.hostname and bucket) or "/" in bucket or unknown:
        raise ConfigurationError(
            "FILES_URL must be s3://access:secret@host:port/bucket?region=… (access key, secret, host and "
            "one bucket name; percent-encode / and @ in the secret; options: region, tls)"
            + (f"; unknown option(s): {', '.join(sorted(unknown))}" if unknown else "")
        )
    tls = query.get("tls", "0").lower() in _TRUE
    host = parsed.hostname if ":" not in parsed.hostname else f"[{parsed.hostname}]"
    from botocore.config import Config

    return {
        "access_key": unquote(parsed.username),
        "secret_key": unquote(parsed.password),
        "bucket_name": bucket,
        "endpoint_url": f"{'https' if tls else 'http'}://{host}{f':{port}' if port else ''}",
        "region_name": query.get("region", "us-east-1"),
        # Path-style: bucket in the path, so the store needs no wildcard DNS name per bucket.
        # Short timeouts and few retries: a request waiting on a dead store would hold a web
        # thread for minutes (botocore's default) before saying what is wrong.
        "client_config": Config(
            s3={"addressing_style": "path"}, signature_version="s3v4",
            connect_timeout=3, read_timeout=20, retries={"total_max_attempts": 2, "mode": "standard"},
        ),
        # A second upload of "report.pdf" gets its own name instead of replacing the first.
        "file_overwrite": False,
        "default_acl": None,
        # Public media get signed links (an hour); private files get no link at all.
        "querystring_auth": True,
        "querystring_expire": 3600,
    }
