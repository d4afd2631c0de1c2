"""Account-level rules that are not allauth configuration: a project's security policy."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from projects.models import Project


class ProjectSecurityPolicy(models.Model):
    """What a project's coordinators ask of the people who manage it."""

    project = models.OneToOneField(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="security_policy"
    )
    require_2fa_for_coordinators = models.BooleanField(
        _("require two-factor login for coordinators"), default=False,
        help_text=_(
            "Coordinators of this project must set up an authenticator app before they can "
            "use the portal or the administration."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+", editable=False,
    )

    class Meta:
        verbose_name = _("project security policy")
        verbose_name_plural = _("project security policies")

    def __str__(self) -> str:
        return str(self.project)
