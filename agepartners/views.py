from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.utils import translation
from django.views.i18n import set_language as django_set_language

from agepartners.celery import app as celery_app
from agepartners.i18n import language_of


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any failure of the database is what this endpoint reports
        return False


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
        return True
    except Exception:  # any failure of the broker is what this endpoint reports
        return False


def _storage_ok() -> bool:
    """Both file stores (private files and public media) answer."""
    from django.core.files.storage import storages

    from agepartners.storage import StorageUnavailable, check_storage

    try:
        for alias in ("private", "default"):
            check_storage(storages[alias])
        return True
    except StorageUnavailable:
        return False


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database, the broker and the file stores answer and email is leaving;
    503 naming the part that is not (thresholds: HEALTHZ_* settings, README "Monitoring")."""
    from outbox.health import outbox_health

    database = _database_ok()
    broker = _broker_ok()
    storage = _storage_ok()
    answer: dict[str, object] = {
        "database": "ok" if database else "unavailable",
        "broker": "ok" if broker else "unavailable",
        "storage": "ok" if storage else "unavailable",
    }
    healthy = database and broker and storage
    if database:  # the outbox's state is read from the database
        outbox = outbox_health(broker)
        answer.update(outbox.as_dict())
        healthy = healthy and outbox.ok
    return JsonResponse({"status": "ok" if healthy else "unavailable", **answer}, status=200 if healthy else 503)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, remembered on the person's profile when logged in."""
    # Django translates ``next`` only when it is in the active language; the switcher
    # posts to an unprefixed address, so resolve ``next`` in its own language.
    with translation.override(language_of(request.POST.get("next") or "")):
        response = django_set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in settings.LANGUAGE_CODES:
        from projects.models import Person

        Person.objects.filter(user=request.user).update(language=language)
    return response
