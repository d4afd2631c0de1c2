"""The request of a page behind ``login_required``, for the type checker."""
from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import _User as User


class AuthenticatedHttpRequest(HttpRequest):
    """What a ``login_required`` view receives: its user is settings.AUTH_USER_MODEL, never
    AnonymousUser. Only an annotation (django-stubs' advice): Django passes its own request."""

    user: User
