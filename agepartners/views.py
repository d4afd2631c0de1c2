from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.utils import translation
from django.views.i18n import set_language as django_set_language
from kombu import Connection

from agepartners.celery import app as celery_app
from agepartners.i18n import language_of


# One broker connection per address for the process, as Django keeps the database's: a new one
# per check was most of /healthz's CPU (redis-py reads its package metadata for each one).
_broker_connections: dict[str, Connection] = {}


def _broker_ok() -> bool:
    """The broker answers now: a PING over the process's connection (the filesystem one has no server)."""
    try:
        url = celery_app.conf.broker_write_url or celery_app.conf.broker_url
        conn = _broker_connections.get(url) or _broker_connections.setdefault(url, celery_app.connection_for_write())
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
        client = getattr(conn.default_channel, "client", None)
        if client is not None:
            client.ping()
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

    broker, storage = _broker_ok(), _storage_ok()
    try:  # reading the outbox's state is the database's check too: no query of its own
        outbox = outbox_health(broker)
    except DatabaseError:
        outbox = None
    answer: dict[str, object] = {
        "database": "unavailable" if outbox is None else "ok",
        "broker": "ok" if broker else "unavailable",
        "storage": "ok" if storage else "unavailable",
        **({} if outbox is None else outbox.as_dict()),  # not reported without the database
    }
    healthy = outbox is not None and outbox.ok and broker and storage
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
