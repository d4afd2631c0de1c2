from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from meetings.models import Attachment, Meeting, Participation
from projects.uploads import check_upload

# The browser's date picker (Field copies the widget for each form).
_DATE_PICKER = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AnswerForm(forms.Form):
    response = forms.ChoiceField(
        label=_("Will you come?"),
        choices=[
            (Participation.Response.ATTENDING, _("Yes, I will attend")),
            (Participation.Response.MAYBE, _("Maybe")),
            (Participation.Response.NOT_ATTENDING, _("No, I cannot attend")),
        ],
        widget=forms.RadioSelect,
    )
    arrival_date = forms.DateField(label=_("Arrival"), required=False, widget=_DATE_PICKER)
    departure_date = forms.DateField(label=_("Departure"), required=False, widget=_DATE_PICKER)
    notes = forms.CharField(
        label=_("Notes for the host"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Dietary needs, accessibility, anything the host should know."),
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        self.meeting = meeting
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        arrival, departure = data.get("arrival_date"), data.get("departure_date")
        if data.get("response") == Participation.Response.NOT_ATTENDING:
            return data
        first_day, last_day = self.meeting.local_starts_at.date(), self.meeting.local_ends_at.date()
        if arrival and departure and departure < arrival:
            self.add_error("departure_date", _("The departure cannot be before the arrival."))
        if arrival and arrival > last_day:
            self.add_error("arrival_date", _("You would arrive after the meeting has ended (%(day)s).") % {"day": last_day.isoformat()})
        if departure and departure < first_day:
            self.add_error("departure_date", _("You would leave before the meeting begins (%(day)s).") % {"day": first_day.isoformat()})
        return data


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Attachment.Kind.choices, initial=Attachment.Kind.PHOTO)
    file = forms.FileField(label=_("File"))
    caption = forms.CharField(label=_("Caption"), required=False, max_length=300)
    photo_consent = forms.BooleanField(
        label=_("The people shown agreed to sharing this photo with the partnership"), required=False,
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        upload = data.get("file")
        if upload is not None and data.get("kind"):
            try:
                check_upload(upload, photo=data["kind"] == Attachment.Kind.PHOTO)
            except forms.ValidationError as exc:
                self.add_error("file", exc)
        return data


class AttachmentAdminForm(forms.ModelForm):
    """The admin inline checks uploads exactly like the page does."""

    class Meta:
        model = Attachment
        fields = ["kind", "file", "caption", "photo_consent"]
        widgets = {"file": forms.FileInput}  # private storage: no public URL to link (the default widget crashed)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        upload = data.get("file")
        if upload is not None and "file" in self.changed_data and data.get("kind"):
            try:
                checked = check_upload(upload, photo=data["kind"] == Attachment.Kind.PHOTO)
            except forms.ValidationError as exc:
                self.add_error("file", exc)
            else:
                self.instance.original_name = checked.name
                self.instance.content_type = checked.content_type
                self.instance.size = checked.size
        return data
