from __future__ import annotations

import contextlib
import zoneinfo

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.deprecation import MiddlewareMixin


class UserTimezoneMiddleware(MiddlewareMixin):
    """Show times in the logged-in person's own time zone."""

    def process_request(self, request: HttpRequest) -> None:
        user = getattr(request, "user", None)
        tz_name = user.person.time_zone if user is not None and user.is_authenticated else ""
        timezone.deactivate()  # the server's zone unless the person's own is a valid one
        if tz_name:
            with contextlib.suppress(zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.activate(zoneinfo.ZoneInfo(tz_name))


class StorageUnavailableMiddleware(MiddlewareMixin):
    """An upload or download while the file store is unreachable: one clear page (503)
    instead of a server error. The services store the file before they write its row, so
    nothing half-written is left behind."""

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from agepartners.storage import StorageUnavailable

        if not isinstance(exception, StorageUnavailable):
            return None
        response = TemplateResponse(request, "storage_unavailable.html", status=503)
        response["Retry-After"] = "60"
        return response.render()
