"""The reports' small forms: a period, the action log's filters, the record's language."""
from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from meetings.models import Meeting
from projects.models import Project
from reports.figures import ActionStatus, Period


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.project = project

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            raise forms.ValidationError(_("The end of the period lies before its start."))
        return data

    def period(self) -> Period:
        """The chosen period, or the whole project where a bound is missing or invalid."""
        whole = Period.of(self.project)
        if not self.is_valid():
            return whole
        return Period(self.cleaned_data.get("start") or whole.start, self.cleaned_data.get("end") or whole.end)


class ActionFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    work_group = forms.TypedChoiceField(label=_("Work group"), required=False, coerce=int, empty_value=None)
    organisation = forms.TypedChoiceField(label=_("Organisation"), required=False, coerce=int, empty_value=None)
    meeting = forms.TypedChoiceField(label=_("Meeting"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = ("", _("All"))
        choices: dict[str, list[Any]] = {
            "status": [everything, *ActionStatus.choices],
            "work_group": [everything, *project.work_groups.order_by("name").values_list("pk", "name")],
            "organisation": [
                everything,
                *project.partners.order_by("organisation__name").values_list("organisation_id", "organisation__name"),
            ],
            "meeting": [
                everything,
                *project.meetings.exclude(status=Meeting.Status.CANCELLED).order_by("starts_at").values_list("pk", "title"),
            ],
        }
        for name, options in choices.items():
            cast(forms.ChoiceField, self.fields[name]).choices = options

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value not in (None, "")}


class RecordLanguageForm(forms.Form):
    lang = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, required=False)
