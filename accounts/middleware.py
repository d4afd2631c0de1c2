from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.deprecation import MiddlewareMixin
from django.utils.translation import gettext as _

from accounts.services import must_set_up_2fa

# Pages a coordinator may still open before setting up two-factor login: the setup itself,
# logging in and out, the language switch, and their own personal data.
ALLOWED_URL_NAMES = {"account_logout", "account_login", "account_reauthenticate", "set_language", "healthz"}
ALLOWED_PREFIXES = ("mfa_",)
ALLOWED_NAMESPACES = {"accounts"}


class RequireTwoFactorMiddleware(MiddlewareMixin):
    """Send a coordinator of a project that requires two-factor login to the
    authenticator setup until they have one (portal pages and the admin alike)."""

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        # AuthenticationMiddleware, earlier in MIDDLEWARE, has set request.user.
        if request.user.is_authenticated and not self._allowed(request) and must_set_up_2fa(request.user):
            messages.warning(
                request,
                _("A project you coordinate requires two-factor login. Set up an authenticator app to continue."),
            )
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return None

    @staticmethod
    def _allowed(request: HttpRequest) -> bool:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return True  # a 404 leaks nothing and needs no redirect
        name = match.url_name or ""
        return (
            name in ALLOWED_URL_NAMES
            or name.startswith(ALLOWED_PREFIXES)
            or bool(set(match.namespaces) & ALLOWED_NAMESPACES)
            or request.path_info.startswith(("/static/", "/media/"))
        )


class PermissionsPolicyMiddleware(MiddlewareMixin):
    """The portal uses no camera, microphone, location, payment or USB: say so, so that
    injected or third-party content cannot ask for them either."""

    POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        response.headers.setdefault("Permissions-Policy", self.POLICY)
        return response


class RejectNulBytesMiddleware(MiddlewareMixin):
    """A NUL byte belongs in no URL, query parameter or form field of the portal, and
    PostgreSQL refuses it in text: anything that would pass one to a query (the admin's
    filters do) would end in a 500. Refuse such requests up front with a 400."""

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        if "\x00" in request.path or self._has_nul(request.GET) or (
            request.method == "POST" and self._has_nul(request.POST)
        ):
            return HttpResponseBadRequest(_("The request contains a character that is not allowed."), content_type="text/plain; charset=utf-8")
        return None

    @staticmethod
    def _has_nul(data: Any) -> bool:
        return any("\x00" in key or any("\x00" in value for value in data.getlist(key)) for key in data)
