from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation

from outbox.services import Rendered, record_email


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # People join by invitation only (see projects.services / invitations).
        return False

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        person = getattr(request.user, "person", None)
        language = person.language if person else translation.get_language()
        with translation.override(language):
            return reverse("dashboard")

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth's emails (password reset) go through the outbox like all others."""
        request = context.get("request")
        ctx = {"email": email, "current_site": None, **context}
        if request is not None:
            from django.contrib.sites.shortcuts import get_current_site

            ctx["current_site"] = get_current_site(request)
        message = self.render_mail(template_prefix, email, ctx)
        html = ""
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                html = str(content)
        import uuid

        from django.contrib.auth import get_user_model

        record_email(
            key=f"account:{template_prefix}:{uuid.uuid4()}",
            category="account",
            to_email=email,
            rendered=Rendered(message.subject, message.body, html),
            language=translation.get_language() or "en",
            user=get_user_model().objects.filter(email__iexact=email).first(),
        )
