from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from communication.models import NotificationPreference
from projects.uploads import allowed_extensions_text, check_upload, max_upload_bytes
from projects.models import Project
from workgroups.models import WorkGroup

BODY_HELP = _(
    "Markdown works: **bold**, *italic*, lists, [links](https://example.org). "
    "Mention a project member with @firstname.lastname (without accents), e.g. @katrin.hoffmann: "
    "they receive an email."
)


def _work_group_field(project: Project) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Work group"), queryset=WorkGroup.objects.filter(project=project).order_by("name"),
        required=False, empty_label=_("The whole project"),
        help_text=_("Leave empty to share with the whole project."),
    )


class PostForm(forms.Form):
    body = forms.CharField(label=_("Your message"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000,
                           help_text=BODY_HELP, error_messages={"required": _("Please write a message.")})


class ThreadForm(PostForm):
    title = forms.CharField(label=_("Subject"), max_length=200)
    field_order = ["title", "work_group", "body"]

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["work_group"] = _work_group_field(project)
        self.order_fields(self.field_order)


def _upload_help_text() -> str:
    return _("At most %(size)s MB. Allowed types: %(types)s.") % {
        "size": max_upload_bytes() // (1024 * 1024), "types": allowed_extensions_text(),
    }


class UploadField(forms.FileField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("File"))
        kwargs.setdefault("help_text", lazy(_upload_help_text, str)())  # UPLOAD_MAX_MB when shown
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload:
            check_upload(upload)
        return upload


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                  max_length=5000)
    language = forms.ChoiceField(label=_("Language of the document"), choices=settings.LANGUAGES)
    file = UploadField()
    comment = forms.CharField(label=_("Note on this version"), max_length=300, required=False,
                              help_text=_("For example: first draft for comments."))

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["work_group"] = _work_group_field(project)
        self.order_fields(["title", "description", "language", "work_group", "file", "comment"])


class VersionForm(forms.Form):
    file = UploadField(label=_("New version"))
    comment = forms.CharField(label=_("What changed"), max_length=300, required=False)


class PreferenceForm(forms.Form):
    mode = forms.ChoiceField(label=_("Email notifications"), choices=NotificationPreference.Mode.choices)
