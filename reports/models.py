"""The one fact the reports need that no other app keeps: which uploaded file is the
scanned, signed attendance sheet of a meeting (the record then says that it exists)."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from meetings.models import Attachment


class SignedSheet(models.Model):
    attachment = models.OneToOneField(
        Attachment, verbose_name=_("scanned document"), on_delete=models.CASCADE, related_name="signed_sheet",
        help_text=_("A document of the meeting: the attendance sheet as the participants signed it."),
    )
    marked_at = models.DateTimeField(_("marked"), auto_now_add=True)

    class Meta:
        verbose_name = _("signed attendance sheet")
        verbose_name_plural = _("signed attendance sheets")

    def __str__(self) -> str:
        return str(self.attachment)

    def clean(self) -> None:
        if self.attachment_id and self.attachment.kind != Attachment.Kind.DOCUMENT:
            raise ValidationError({"attachment": _("Choose a document, not a photo.")})
