from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from meetings.models import Meeting
from projects.models import Membership, Organisation
from workgroups.models import Task, WorkGroup

if TYPE_CHECKING:
    from django.contrib.auth.models import _User

User = get_user_model()


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: _User) -> str:
        organisation = obj.person.organisation
        org = organisation.name if organisation is not None else ""
        name = obj.get_full_name() or obj.email
        return f"{name} ({org})" if org else name


class TaskForm(forms.ModelForm):
    responsible_people = PersonChoiceField(
        label=_("Responsible people"), queryset=User.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    responsible_organisations = forms.ModelMultipleChoiceField(
        label=_("Responsible organisations"), queryset=Organisation.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The organisation's contact people in the project receive the reminders."),
    )

    class Meta:
        model = Task
        fields = ["title", "description", "deadline", "meeting"]
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, work_group: WorkGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        project = work_group.project
        choices = cast("dict[str, forms.ModelChoiceField[Any]]", self.fields)  # the three set here choose models
        choices["responsible_people"].queryset = (
            User.objects.filter(
                is_active=True, memberships__project=project,
                memberships__role__in=[Membership.Role.COORDINATOR, Membership.Role.MEMBER],
            )
            .select_related("person__organisation")
            .order_by("first_name", "last_name")
        )
        choices["responsible_organisations"].queryset = Organisation.objects.filter(
            partnerships__project=project
        ).order_by("name")
        choices["meeting"].queryset = Meeting.objects.filter(project=project).order_by("-starts_at")
        self.fields["meeting"].required = False
        if self.instance.pk:
            self.initial.setdefault("responsible_people", list(self.instance.responsible_people.all()))
            self.initial.setdefault("responsible_organisations", list(self.instance.responsible_organisations.all()))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("responsible_people") and not data.get("responsible_organisations"):
            raise forms.ValidationError(
                _("Choose at least one responsible person or organisation, so that somebody is reminded.")
            )
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Task.Status.choices)
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Progress update"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write something before you post the update.")},
    )


class TaskFilterForm(forms.Form):
    STATUS_CHOICES = [
        ("active", _("Open and in progress")),
        *Task.Status.choices,
        ("all", _("All")),
    ]
    DUE_CHOICES = [
        ("all", _("Any deadline")),
        ("overdue", _("Overdue")),
        ("week", _("Due within 7 days")),
        ("month", _("Due within 30 days")),
    ]
    SORT_CHOICES = [
        ("deadline", _("Deadline, earliest first")),
        ("-deadline", _("Deadline, latest first")),
        ("title", _("Title")),
        ("project", _("Project and work group")),
        ("status", _("Status")),
    ]
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    due = forms.ChoiceField(label=_("Deadline"), choices=DUE_CHOICES, required=False)
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False)
