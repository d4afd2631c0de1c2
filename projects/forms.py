"""Forms of the projects app: the profile and the invitation's password."""
from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from projects.models import TIME_ZONE_CHOICES, Invitation, Person
from projects.services import is_project_member_email

MAX_REMINDER_DAYS = 60


def parse_reminder_days(value: str) -> str:
    """'7, 1,0,7' -> '7,1,0' (largest first, no repeats); a clear ValidationError otherwise."""
    days: set[int] = set()
    for part in value.split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit():
            raise forms.ValidationError(
                _("“%(value)s” is not a number of days. Write whole numbers separated by commas, for example 7,1,0."),
                code="invalid", params={"value": part},
            )
        day = int(part)
        if day > MAX_REMINDER_DAYS:
            raise forms.ValidationError(
                _("%(value)s days is too far ahead: reminders can go out at most %(max)s days before."),
                code="max_value", params={"value": day, "max": MAX_REMINDER_DAYS},
            )
        days.add(day)
    return ",".join(str(day) for day in sorted(days, reverse=True))


class ProfileForm(forms.ModelForm):
    reminder_hour = forms.TypedChoiceField(
        label=_("Reminder hour"), coerce=int,
        choices=[(hour, f"{hour:02d}:00") for hour in range(24)],
        help_text=_("Time of day (in your time zone) at which reminders reach you."),
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES)
    language = forms.ChoiceField(label=_("Preferred language"), choices=settings.LANGUAGES,
                                 help_text=_("The portal and its emails speak this language."))

    class Meta:
        model = Person
        fields = ["language", "time_zone", "position", "phone", "reminder_hour", "reminder_days"]
        help_texts = {
            "reminder_days": _(
                "Days before a deadline on which you are reminded, separated by commas (0 to 60), "
                "for example 7,1,0. Leave empty to use the project's setting."
            ),
        }

    def clean_reminder_days(self) -> str:
        return parse_reminder_days(self.cleaned_data.get("reminder_days") or "")


class AcceptInvitationForm(forms.Form):
    password1 = forms.CharField(
        label=_("Choose a password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html,
    )
    password2 = forms.CharField(
        label=_("Repeat the password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ. Type the same password twice."))
        elif first:
            try:
                password_validation.validate_password(first, self.user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class InvitationAdminForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["first_name", "last_name", "email", "organisation", "position", "project", "role", "language"]
        help_texts = {
            "organisation": _("Not in the list? Add the organisation first with the “+” button."),
            "language": _("The invitation email is written in this language; it becomes the person's preferred language."),
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        project, email = cleaned.get("project"), cleaned.get("email")
        if project is not None and email and is_project_member_email(project, email):
            self.add_error("email", _("This person is already a member of the project."))
        return cleaned
