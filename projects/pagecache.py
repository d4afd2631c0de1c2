"""A per-viewer cache of whole pages, invalidated by generations.

Why: the pages partners reload all day (dashboard, my tasks, a meeting, the news) cost
10–45 ms of CPU to assemble from a dozen queries and a few hundred template nodes;
served from here they cost about what the bare middleware stack costs (docs/performance.md,
finding 9). Nothing is ever shared between two people: the key holds the viewer.

A cached page is served only when every input it was built from is unchanged. The key
is a hash of:

* the absolute URL with its query string, the viewer (user id), the active language
  and time zone;
* the viewer's CSRF secret, because pages embed forms whose token is only valid with
  that secret (a new login rotates it, so the key changes with it);
* one *generation* per scope the page reads: ``global``, the viewer's own (``u:<id>``),
  every project the viewer is a member of (``p:<id>``, membership read from the
  database on every request, so leaving a project takes effect at once), and the
  view's extra scopes (``news``: the news list spans every project's public articles);
* a time bucket of ``PAGE_CACHE_SECONDS``, so changes that no write announces (a meeting
  starting, a scheduled article going live, a deadline passing at midnight) show within
  that time.

Every save and delete of a model that pages show bumps the generations of the scopes it
belongs to (``invalidate_instance``, connected in ``projects.signals``): at once, and
again after the commit, so that a page rendered from the old rows while the writing
transaction was still open is never served after it. Models are mapped to their
project by the same scope paths the admin uses (``permissions.register_scope``); a
model without a known scope bumps ``global``. ``QuerySet.update()`` and
``bulk_create`` send no signals: services that use them call ``bump`` themselves.

Not cached: anything but GET, superusers (they see every project), a request without
a CSRF cookie yet, a request carrying flash messages, any response that is not a plain
200 or that sets a cookie, and everything while the cache (Redis) is unreachable: each
process would then keep generations of its own and could serve what another process
invalidated.
"""
from __future__ import annotations

import hashlib
import logging
import secrets
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language

from projects import permissions
from projects.admin_scope import ADMIN_SCOPES

GEN_PREFIX = "pagecache:gen:"
PAGE_PREFIX = "pagecache:page:"
GLOBAL = "global"
NEWS = "news"
# Headers of the view's own response worth keeping; middleware adds the rest again.
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language")

_local = threading.local()
log = logging.getLogger(__name__)


def page_cache_seconds() -> int:
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 300))


def enabled() -> bool:
    if page_cache_seconds() <= 0 or getattr(_local, "disabled", 0):
        return False
    healthy = getattr(cache, "healthy", None)
    return healthy() if callable(healthy) else True


@contextmanager
def disabled() -> Iterator[None]:
    """Render from scratch inside the block (the benchmark measures both ways)."""
    _local.disabled = getattr(_local, "disabled", 0) + 1
    try:
        yield
    finally:
        _local.disabled -= 1


# --- Generations ------------------------------------------------------------------------


def project_scope(project_id: int) -> str:
    return f"p:{project_id}"


def user_scope(user_id: int) -> str:
    return f"u:{user_id}"


def _bump_now(scopes: Iterable[str]) -> None:
    # A random token rather than a counter: a generation lost from the cache (evicted,
    # Redis restarted) comes back as a new random value, never as one a stored page has.
    cache.set_many({GEN_PREFIX + s: secrets.token_hex(8) for s in scopes}, None)


def bump(*scopes: str) -> None:
    """Invalidate every cached page that read one of ``scopes``, now and after commit."""
    wanted = set(scopes)
    if not wanted:
        return
    _bump_now(wanted)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _bump_now(wanted))


def generations(scopes: list[str]) -> list[str]:
    keys = [GEN_PREFIX + s for s in scopes]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, secrets.token_hex(8), None)  # add: a racing process may have set it
            found[key] = cache.get(key) or ""
    return [found[k] for k in keys]


# --- Which scopes a changed row belongs to ----------------------------------------------------

# Rows no cached page shows: bookkeeping of the outbox, the reminder sweep and digests.
IGNORED = {
    "outbox.outgoingemail",
    "workgroups.deadlinereminder",
    "communication.digest",
    "communication.notification",
    "accounts.projectsecuritypolicy",
}
OWN_APPS = {"projects", "meetings", "workgroups", "news", "communication", "accounts", "auth"}


def shown_on_pages(model: type[Model]) -> bool:
    """Whether changes of ``model`` must invalidate pages (and so get signal receivers)."""
    meta = model._meta
    if meta.label_lower == "auth.user":
        return True
    return meta.app_label in OWN_APPS and meta.app_label != "auth" and meta.label_lower not in IGNORED


def _follow(instance: Model, path: str) -> int | None:
    """The project id at the end of a scope path, following foreign keys only."""
    obj: Any = instance
    hops = path.split("__")
    for hop in hops[:-1]:
        field = obj._meta.get_field(hop)
        if not (field.many_to_one or field.one_to_one) or not field.concrete:
            raise LookupError(path)
        obj = getattr(obj, hop)
        if obj is None:
            return None
    field = obj._meta.get_field(hops[-1])
    if not (field.many_to_one or field.one_to_one) or not field.concrete:
        raise LookupError(path)
    return getattr(obj, field.attname)


def _user_scopes(user_id: int | None) -> set[str]:
    if user_id is None:
        return {GLOBAL}  # a contact without an account shows wherever their organisation does
    from projects.models import Membership

    ids = Membership.objects.filter(user_id=user_id).values_list("project_id", flat=True)
    # NEWS: bylines show the author's name to readers outside the author's projects.
    return {user_scope(user_id), NEWS, *(project_scope(pid) for pid in ids)}


def scopes_of(instance: Model) -> set[str]:
    """The generations a change of ``instance`` must bump (empty: no page shows it)."""
    meta = instance._meta
    label = meta.label_lower
    if meta.app_label not in OWN_APPS or label in IGNORED:
        return set()
    if label == "auth.user":
        return _user_scopes(instance.pk)
    if label == "projects.person":
        return _user_scopes(instance.user_id)  # type: ignore[attr-defined]
    if label == "communication.follow":
        return {user_scope(instance.user_id)}  # type: ignore[attr-defined]
    if meta.app_label == "auth":
        return set()  # groups and permissions: the admin's business
    # News pages span every project: an article, or a project's title on it, changes them.
    scopes: set[str] = {NEWS} if label in ("news.article", "projects.project") else set()
    if label == "projects.membership":
        scopes.add(user_scope(instance.user_id))  # type: ignore[attr-defined]
    path = ADMIN_SCOPES.get(type(instance))
    try:
        project_id = instance.pk if path == "" else _follow(instance, path) if path else None
    except Exception:  # e.g. a parent deleted in the same cascade: be safe, bump everything
        project_id = None
    scopes.add(project_scope(project_id) if project_id is not None else GLOBAL)
    return scopes


def invalidate_instance(instance: Model) -> None:
    bump(*scopes_of(instance))


def invalidate_before_move(instance: Model) -> None:
    """A row moved to another project (the admin allows it) leaves its old project's
    pages too: without this, a member of only the old project would keep seeing the
    row's page from the cache. One primary-key query per update of a scoped row."""
    path = ADMIN_SCOPES.get(type(instance))
    label = instance._meta.label_lower
    if (instance._state.adding or instance.pk is None or not path or not shown_on_pages(type(instance))
            or label in ("auth.user", "projects.person")):  # these follow their memberships
        return
    column = f"{path}_id" if "__" not in path else path
    before = type(instance)._default_manager.filter(pk=instance.pk).values_list(column, flat=True).first()
    try:
        after = _follow(instance, path)
    except Exception:
        after = None
    if before is not None and before != after:
        bump(project_scope(before))


# --- The view decorator -----------------------------------------------------------------------


def _has_pending_messages(request: HttpRequest) -> bool:
    if request.COOKIES.get("messages"):
        return True
    session = getattr(request, "session", None)
    return bool(session is not None and session.get("_messages"))


def page_key(request: HttpRequest, extra_scopes: Iterable[str] = ()) -> str | None:
    """The cache key of this request's page, or None when it must not be cached."""
    if request.method != "GET" or not enabled():
        return None
    secret = request.META.get("CSRF_COOKIE")
    user = request.user
    if not secret or permissions.is_superuser(user) or _has_pending_messages(request):
        return None
    uid = user.pk if user.is_authenticated else 0
    scopes = [GLOBAL, *extra_scopes]
    if uid:
        scopes += [user_scope(uid), *(project_scope(p) for p in sorted(permissions.member_project_ids(user)))]
    gens = generations(scopes)
    if not enabled():
        return None  # the cache failed while reading the generations
    bucket = int(timezone.now().timestamp()) // page_cache_seconds()
    parts = [request.build_absolute_uri(), str(uid), get_language() or "", timezone.get_current_timezone_name(),
             secret, str(bucket), *scopes, *gens]
    return PAGE_PREFIX + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    storage = getattr(request, "_messages", None)
    if storage is not None and (getattr(storage, "used", False) or getattr(storage, "_queued_messages", None)):
        return False  # the page shows (or should show) a one-time message
    return response.status_code == 200 and not response.streaming and not response.cookies


def cached_page(*extra_scopes: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Serve the view's page from the per-viewer cache while nothing it read has changed.

    Put it below ``login_required``: access decisions run first, on every request.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            key = page_key(request, extra_scopes)
            if key is None:
                return view(request, *args, **kwargs)
            stored = cache.get(key)
            if stored is not None:
                response = HttpResponse(stored["content"], status=200)
                for name, value in stored["headers"].items():
                    response[name] = value
                return response
            response = view(request, *args, **kwargs)
            if not getattr(response, "is_rendered", True):
                response.render()  # a TemplateResponse: its content is what gets stored
            if _storable(request, response):
                headers = {h: response[h] for h in KEPT_HEADERS if response.has_header(h)}
                try:
                    cache.set(key, {"content": response.content, "headers": headers}, page_cache_seconds())
                except Exception:  # e.g. Redis out of memory: storing is an optimisation, the page is ready
                    log.warning("Page cache: could not store %s", request.path, exc_info=True)
            return response

        return wrapper

    return decorator
