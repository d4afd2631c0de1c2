"""How allauth fits the portal: closed signup, the person's language at login, emails via the outbox."""
from __future__ import annotations

import uuid
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.utils import translation

from agepartners.i18n import url_in_language
from outbox.services import Rendered, record_email


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # People join by invitation only (see projects.services / invitations).
        return False

    def post_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponseBase:
        """Switch to the person's own language at login: the "logged in" message, the
        page they land on (also a ``?next=`` page) and every later page speak it."""
        language = user.person.language if user.person.language in settings.LANGUAGE_CODES else None
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = super().post_login(request, user, **kwargs)
        if language and isinstance(response, HttpResponseRedirect):
            response["Location"] = url_in_language(response["Location"], language)
        return response

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth's emails (password reset) go through the outbox like all others,
        in the language of the page they were asked for on."""
        request = context.get("request")
        ctx = {"email": email, "current_site": get_current_site(request) if request is not None else None, **context}
        message = self.render_mail(template_prefix, email, ctx)
        alternatives = getattr(message, "alternatives", [])
        html = next((str(content) for content, mimetype in alternatives if mimetype == "text/html"), "")
        record_email(
            # Each reset request is a new email; the random key only keeps rows distinct.
            key=f"account:{template_prefix}:{uuid.uuid4()}",
            category="account",
            to_email=email,
            rendered=Rendered(message.subject, message.body, html),
            language=translation.get_language() or settings.LANGUAGE_CODE,
            user=get_user_model().objects.filter(email__iexact=email).first(),
        )
