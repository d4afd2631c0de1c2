from __future__ import annotations

import contextlib
import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone


class UserTimezoneMiddleware:
    """Show times in the logged-in person's own time zone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        tz_name = user.person.time_zone if user is not None and user.is_authenticated else ""
        timezone.deactivate()  # the server's zone unless the person's own is a valid one
        if tz_name:
            with contextlib.suppress(zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.activate(zoneinfo.ZoneInfo(tz_name))
        return self.get_response(request)


class StorageUnavailableMiddleware:
    """An upload or download while the file store is unreachable: one clear page (503)
    instead of a server error. The services store the file before they write its row, so
    nothing half-written is left behind."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from agepartners.storage import StorageUnavailable

        if not isinstance(exception, StorageUnavailable):
            return None
        response = TemplateResponse(request, "storage_unavailable.html", status=503)
        response["Retry-After"] = "60"
        return response.render()
