"""Settings of agepartners, read from environment variables (see README)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Final

from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from agepartners.env import (
    ConfigurationError, database_settings, email_settings, env_bool, env_int, env_list, env_str, env_url,
    files_settings, inbound_email_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("AGEPARTNERS_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DJANGO_DEBUG", False)

_DEV_SECRET = "dev-only-insecure-secret-key-do-not-use-in-production"
SECRET_KEY = env_str("DJANGO_SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not DEBUG and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50):
    raise ConfigurationError(
        "DJANGO_SECRET_KEY must be set to a random value of at least 50 characters "
        "when DJANGO_DEBUG is off (production). Generate one with: "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
SITE_URL = env_url("SITE_URL", "http://127.0.0.1:8000")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [SITE_URL])

INSTALLED_APPS = [
    # modeltranslation patches the admin, so it must come before it.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",  # the built-in widget templates, for FORM_RENDERER below
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_countries",
    "agepartners",
    "outbox",
    "projects",
    "meetings",
    "workgroups",
    "news",
    "inbound",
    "communication",
    "accounts",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "accounts.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "accounts.middleware.RejectNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.RequireTwoFactorMiddleware",
    "agepartners.middleware.UserTimezoneMiddleware",
    "agepartners.middleware.StorageUnavailableMiddleware",
]

ROOT_URLCONF = "agepartners.urls"
WSGI_APPLICATION = "agepartners.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "agepartners.context_processors.site",
            ],
        },
    },
]

# Widgets render through TEMPLATES, so templates/ can correct Django's widget markup
# (templates/admin/widgets/: labels the admin leaves out).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database -------------------------------------------------------------
# The embedded default needs no server: SQLite under var/. Production and the
# test suite use PostgreSQL through DATABASE_URL.
_DATABASE_URL = env_str("DATABASE_URL", "")
if not _DATABASE_URL:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    _DATABASE_URL = f"sqlite:///{VAR_DIR / 'agepartners.sqlite3'}"
DATABASES = {"default": database_settings(_DATABASE_URL, env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Covering indexes (INCLUDE) speed up PostgreSQL only; on the embedded SQLite default the
# index simply has no extra columns, which is harmless, so its warning (W040) is not shown.
SILENCED_SYSTEM_CHECKS = [] if DATABASES["default"]["ENGINE"].endswith("postgresql") else ["models.W040"]

# --- Cache ------------------------------------------------------------------
# allauth's rate limits live in the cache, so it must be a real one.
_CACHE_URL = env_str("CACHE_URL", "locmem://")
if _CACHE_URL.startswith("redis://"):
    # django-redis, because its IGNORE_EXCEPTIONS keeps logins working while Redis is down
    # (Django's own RedisCache raises on every call then; agepartners/cache.py says why
    # add() needs one more answer); short timeouts, so a dead Redis cannot hold a request.
    CACHES = {"default": {
        "BACKEND": "agepartners.cache.OutageTolerantRedisCache", "LOCATION": _CACHE_URL,
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 1},
    }}
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True  # an outage shows in the log
elif _CACHE_URL.startswith("locmem://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ConfigurationError(f"CACHE_URL={_CACHE_URL!r}: use redis://… or locmem://")

# --- Accounts (django-allauth) -------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "projects.adapters.AccountAdapter"
# A reset asked for an address without an account sends nothing (allauth's default mails
# it "there is no account"): otherwise anyone could make the portal mail strangers. The
# page says the same in both cases (ACCOUNT_PREVENT_ENUMERATION, allauth's default).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[agepartners] "
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("ALLAUTH_TRUSTED_PROXY_COUNT", 0, minimum=0)
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages and time ---------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("lv", _("Latvian")),
    ("de", _("German")),
    ("hu", _("Hungarian")),
    ("it", _("Italian")),
    ("da", _("Danish")),
]
LANGUAGE_CODES = [code for code, _name in LANGUAGES]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["agepartners.formats"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Riga")
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = tuple(LANGUAGE_CODES)
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)

# --- Static and media -------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Finders stay on so a checkout serves its vendored assets without collectstatic;
# collectstatic (see README) adds compressed copies for production.
WHITENOISE_USE_FINDERS = True
# Files browsers ask for at the site's root (/favicon.ico, /apple-touch-icon.png).
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Shared documents and meeting files: outside MEDIA_ROOT (in DEBUG, /media/ serves that to
# anyone); only the permission-checked download views read them (projects/uploads.py).
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
# Where uploads live: those two folders (the default), or S3-compatible object storage that
# every web node and worker reaches (docs/deploy.md). "private" holds documents and meeting
# files, "default" the public media (logos, news images).
FILES_URL = env_str("FILES_URL", "")
STORAGES = {
    **files_settings(FILES_URL, private_root=str(PRIVATE_MEDIA_ROOT)),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# One limit for every upload (documents, meeting files, photos); the web server in front
# must accept request bodies at least this big.
UPLOAD_MAX_MB = env_int("UPLOAD_MAX_MB", 20, minimum=1)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024

# --- Email -------------------------------------------------------------------------
# The embedded default writes each email as a file under var/mail/.
globals().update(email_settings(env_str("EMAIL_URL", f"file://{VAR_DIR / 'mail'}"), str(BASE_DIR)))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "agepartners <noreply@agepartners.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Answers by email (issue 15): the mailbox the portal reads, e.g.
# imaps://user:password@mail.example.org/INBOX, imap://… (STARTTLS) or folder://var/inbox
# (.eml files). Unset, the feature is off and no email offers to be answered.
INBOUND_EMAIL_URL = inbound_email_url(env_str("INBOUND_EMAIL_URL", ""))
# The address of that mailbox; replies go to <local>+<signed token>@<domain> of it.
INBOUND_EMAIL_ADDRESS = env_str("INBOUND_EMAIL_ADDRESS", "")
# Polls that may fail on one message (an error while processing it, the database gone
# midway) before it is moved to the mailbox folder agepartners-failed for a person.
INBOUND_MAX_ATTEMPTS = env_int("INBOUND_MAX_ATTEMPTS", 5, minimum=1)

# --- Celery ---------------------------------------------------------------------------
# With no broker configured, kombu's filesystem transport needs no server.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery" / "queue"
    _queue_dir.mkdir(parents=True, exist_ok=True)  # kombu expects the folder to exist
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        # Exchange tables; kombu's default is ./control in the working directory.
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
else:
    # Messages of a dead worker come back after this long; no ETA may exceed it.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A queued web request must not hang when Redis is down; the outbox sweep
# picks up whatever could not be queued.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# Publishing is bounded by the timeout above (kombu gives up after it); the worker and
# beat must keep reconnecting for as long as Redis is away, or they exit (see faults/).
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_TASK_PUBLISH_RETRY = False
# The outbox sweep: retries, rows the broker never saw, claims of dead workers. Every 30 s
# by default, so that mail resumes within a minute of a mail server coming back.
OUTBOX_SWEEP_SECONDS = env_int("OUTBOX_SWEEP_SECONDS", 30, minimum=1)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "outbox-retry": {"task": "outbox.tasks.sweep_outbox", "schedule": float(OUTBOX_SWEEP_SECONDS)},
    "deadline-reminders": {"task": "workgroups.tasks.sweep_deadline_reminders", "schedule": crontab(minute="*/15")},
    "meeting-reminders": {"task": "meetings.tasks.sweep_meeting_reminders", "schedule": crontab(minute="*/15")},
    "news-notifications": {"task": "news.tasks.sweep_published_news", "schedule": crontab(minute="*/5")},
    "communication-digests": {"task": "communication.tasks.send_daily_digests", "schedule": crontab(minute=0)},
    # Answers by email; does nothing while INBOUND_EMAIL_URL is unset.
    "inbound-poll": {"task": "inbound.tasks.poll_inbound", "schedule": 60.0},
}

# --- Security ------------------------------------------------------------------------
# In production HTTPS is assumed. Behind a proxy that terminates TLS set
# DJANGO_SECURE_SSL_REDIRECT=false (the proxy redirects) and
# DJANGO_BEHIND_TLS_PROXY=true (trust its X-Forwarded-Proto header).
_PROD = not DEBUG
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", _PROD)
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000 if _PROD else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _PROD
SECURE_HSTS_PRELOAD = _PROD
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", _PROD)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SAMESITE: Final = "Lax"
# Django's defaults, relied on (accounts/tests/test_security_headers.py checks them):
# HttpOnly, SameSite=Lax session and CSRF cookies, X-Frame-Options DENY, nosniff, and
# Referrer-Policy and Cross-Origin-Opener-Policy "same-origin".
if not SECURE_SSL_REDIRECT and env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    # The proxy does the redirect to HTTPS; tell check --deploy so.
    SILENCED_SYSTEM_CHECKS += ["security.W008"]

# --- Content-Security-Policy and hardening (reliability; see docs/reliability.md) ---
# No inline scripts anywhere (templates put JS in static/js/); styles stay 'self' only,
# checked against the portal and the admin in accounts/tests/test_security_headers.py.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # data: for the TOTP QR code
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
# Failed logins, the admin login included. Per account (the email): 5 failures in 5
# minutes lock that account, from any address. Per client address: a partner office
# behind one NAT address shares it, so that limit is sized for a whole office, not one
# person (README, "Login limits"); per-account locks stop guessing at any one password.
LOGIN_ATTEMPTS_PER_ADDRESS = env_int("LOGIN_ATTEMPTS_PER_ADDRESS", 120, minimum=1)  # a minute, failed or not
LOGIN_FAILURES_PER_ADDRESS = env_int("LOGIN_FAILURES_PER_ADDRESS", 60, minimum=1)  # a minute
ACCOUNT_RATE_LIMITS = {
    "login": f"{LOGIN_ATTEMPTS_PER_ADDRESS}/m/ip",
    "login_failed": f"{LOGIN_FAILURES_PER_ADDRESS}/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reauthenticate": "10/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "agepartners"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint (reports' PDFs) narrates every rendering step at INFO.
    "loggers": {"django.db.backends": {"level": "INFO"}, "weasyprint.progress": {"level": "WARNING"}},
}

# --- Portal ----------------------------------------------------------------------------
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "partners2012")
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 14, minimum=1)
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8, minimum=1)
# A worker's claim on the emails it is sending lasts this long unless renewed (it renews
# every third of it while a batch runs); a dead worker's rows go back to the queue after it.
OUTBOX_CLAIM_SECONDS = env_int("OUTBOX_CLAIM_SECONDS", 30, minimum=3)
# How long a worker keeps retrying to record an answer of the mail server through a
# database outage before it gives up (and says so: the email may then be sent twice).
OUTBOX_RECORD_RETRY_SECONDS = env_int("OUTBOX_RECORD_RETRY_SECONDS", 300, minimum=0)
# /healthz answers 503 when the oldest due email has waited longer than this, when beat
# has not published a periodic task for this long, or when no worker answered for this
# long (see README, "Monitoring"). Seconds.
HEALTHZ_OUTBOX_MAX_AGE = env_int("HEALTHZ_OUTBOX_MAX_AGE", 300, minimum=1)
HEALTHZ_BEAT_MAX_AGE = env_int("HEALTHZ_BEAT_MAX_AGE", 180, minimum=1)
HEALTHZ_WORKER_MAX_AGE = env_int("HEALTHZ_WORKER_MAX_AGE", 120, minimum=1)
