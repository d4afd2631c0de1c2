"""Settings for the test suite: the real stack, PostgreSQL and Redis, never SQLite."""
import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/agepartners")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/1")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-" + "x" * 50)
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "false")
os.environ.setdefault("DJANGO_HSTS_SECONDS", "0")
os.environ.setdefault("EMAIL_URL", "smtp://127.0.0.1:2525")
os.environ.setdefault("SITE_URL", "http://testserver")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("AGEPARTNERS_VAR_DIR", "/tmp/agepartners-test-var")

from agepartners.settings import *  # noqa: E402,F401,F403
from agepartners.settings import DATABASES  # noqa: E402

if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    raise RuntimeError("The test suite runs on PostgreSQL only: set DATABASE_URL=postgres://…")

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; hashing is not under test
