"""Personal data (export and erasure) and the two-factor policy of projects.

Export and erasure walk the user model's relations instead of a fixed list, so a
model added by any app later is part of a person's data without a change here.
Each app's rows are gathered defensively: an app that is not installed is skipped.
"""
from __future__ import annotations

import datetime
import logging
from typing import Any

from allauth.mfa.models import Authenticator
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ProjectSecurityPolicy
from meetings.models import Meeting, Participation
from outbox.models import OutgoingEmail
from projects import permissions
from projects.models import Invitation, Membership, Person, new_token

log = logging.getLogger(__name__)
User = get_user_model()

# Never part of an export: secrets that would let the file be used to log in or
# to read someone's calendar feed.
SECRET_FIELD_PARTS = ("password", "token", "secret")
# Rows of these models hold secrets as a whole (authenticator seeds, session
# data): the export names them without their content.
OPAQUE_MODELS = {"mfa.authenticator", "sessions.session", "account.emailconfirmation"}
# Large, repetitive or internal fields left out of the export.
SKIPPED_FIELDS = {("outbox.outgoingemail", "body_html"), ("outbox.outgoingemail", "attachments")}

FORMER_MEMBER_FIRST_NAME = "Former"
FORMER_MEMBER_LAST_NAME = "member"


# --- Two-factor policy -------------------------------------------------------------------


def has_totp(user: Any) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def projects_requiring_2fa(user: Any) -> list[int]:
    """Ids of the projects this user coordinates whose policy asks for two-factor login.

    Costs no query for people who coordinate nothing (the roles are cached per request
    by projects.permissions) and one query for coordinators.
    """
    coordinated = permissions.coordinated_project_ids(user)  # none for visitors
    if not coordinated:
        return []
    return list(
        ProjectSecurityPolicy.objects.filter(
            project_id__in=coordinated, require_2fa_for_coordinators=True
        ).values_list("project_id", flat=True)
    )


def must_set_up_2fa(user: Any) -> bool:
    return bool(projects_requiring_2fa(user)) and not has_totp(user)


# --- Export ---------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, FieldFile):  # the stored name only: private files have no URL
        return value.name or ""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)  # decimals, UUIDs, model instances


def _is_secret(name: str) -> bool:
    lowered = name.lower()
    return any(part in lowered for part in SECRET_FIELD_PARTS)


def serialise(obj: models.Model) -> dict[str, Any]:
    """One row as JSON-ready data: concrete fields, foreign keys as their label."""
    label = obj._meta.label_lower
    if label in OPAQUE_MODELS:
        return {"id": str(obj.pk), "type": str(getattr(obj, "type", label))}
    data: dict[str, Any] = {"id": obj.pk}
    for f in obj._meta.concrete_fields:
        if f.primary_key or _is_secret(f.name) or (label, f.name) in SKIPPED_FIELDS:
            continue
        if f.is_relation:
            data[f.name] = str(getattr(obj, f.name)) if getattr(obj, f.attname) is not None else None
        else:
            data[f.name] = _plain(getattr(obj, f.name))
            if f.choices:
                data[f"{f.name}_display"] = str(getattr(obj, f"get_{f.name}_display")())
    return data


def _user_relations() -> list[tuple[type[models.Model], str]]:
    """(model, lookup) for every relation that points at the user model, hidden ones too
    (e.g. ``Task.created_by`` with ``related_name='+'``)."""
    found = [
        (model, f.name) for model in apps.get_models() if model is not User
        for f in model._meta.get_fields() if f.is_relation and f.concrete and f.related_model is User
    ]
    return sorted(found, key=lambda mf: (mf[0]._meta.label_lower, mf[1]))


def export_personal_data(user: Any) -> dict[str, Any]:
    """Everything the portal keeps about ``user``, as one JSON-ready dict."""
    result: dict[str, Any] = {
        "format": "agepartners personal data export, version 1",
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": _plain(user.date_joined),
            "last_login": _plain(user.last_login),
            "is_staff": user.is_staff,
        },
        "data": {},
    }
    for model, field_name in _user_relations():
        rows = model._default_manager.filter(**{field_name: user}).order_by("pk")
        section = f"{model._meta.label_lower}.{field_name}"
        serialised = [serialise(row) for row in rows[:10000]]
        if serialised:
            result["data"][section] = serialised
    return result


# --- Erasure ------------------------------------------------------------------------------


class ErasureRefused(Exception):
    """The account cannot be erased yet; the message says what to do first."""


def erasure_blockers(user: Any) -> list[str]:
    """Reasons that stop an erasure, as project titles or a role (empty: it may go)."""
    reasons = []
    if user.is_superuser:
        reasons.append(_("You are a portal administrator: ask another administrator to remove your rights first."))
    today = timezone.localdate()
    for membership in Membership.objects.filter(
        user=user, role=Membership.Role.COORDINATOR, project__end_date__gte=today
    ).select_related("project"):
        others = Membership.objects.filter(
            project=membership.project, role=Membership.Role.COORDINATOR, user__is_active=True
        ).exclude(user=user)
        if not others.exists():
            reasons.append(
                _("You are the only coordinator of “%(project)s”: hand the coordination to someone else first.")
                % {"project": membership.project}
            )
    return reasons


def _grant_requires_name(user: Any) -> bool:
    """Attendance at a held meeting is evidence for the grant: it keeps the person's name."""
    return Participation.objects.filter(
        user=user, meeting__status=Meeting.Status.HELD
    ).filter(Q(attended=True) | Q(attended__isnull=True, response=Participation.Response.ATTENDING)).exists()


@transaction.atomic
def erase_user(user: Any) -> dict[str, Any]:
    """Anonymise ``user`` in place and drop what the project record does not need.

    The account row stays (so posts, tasks and attendance lists still point somewhere),
    but it can no longer log in and carries no contact data. The name survives only on
    the attendance of meetings that were held, because the grant's final report needs
    the names of participants in mobilities; everyone else becomes "Former member".
    """
    blockers = erasure_blockers(user)
    if blockers:
        raise ErasureRefused(" ".join(blockers))
    user = User.objects.select_for_update().get(pk=user.pk)
    keep_name = _grant_requires_name(user)
    old_email = user.email
    summary: dict[str, Any] = {"user_id": user.pk, "kept_name": keep_name}

    held = Q(meeting__status=Meeting.Status.HELD)
    # Answers to meetings still ahead are withdrawn; a held meeting's list keeps its
    # row with the dates of stay (evidence of the mobility) but not the notes,
    # which can hold health data (diet, accessibility).
    summary["participations_withdrawn"] = Participation.objects.filter(user=user).exclude(held).delete()[0]
    Participation.objects.filter(user=user).filter(held).update(notes="")

    Person.contact_for.through.objects.filter(person__user=user).delete()
    summary["memberships"] = Membership.objects.filter(user=user).delete()[0]
    summary["removed"] = _remove_personal_rows(user)

    OutgoingEmail.objects.filter(user=user, status__in=[OutgoingEmail.Status.QUEUED, OutgoingEmail.Status.FAILED]).delete()
    OutgoingEmail.objects.filter(Q(user=user) | Q(to_email__iexact=old_email)).update(
        to_email="erased@invalid.example", body_text="", body_html="", attachments=[], user=None
    )
    Invitation.objects.filter(email__iexact=old_email).delete()

    Person.objects.filter(user=user).update(
        position="", phone="", reminder_days="", calendar_token=new_token()
    )
    if not keep_name:
        user.first_name, user.last_name = FORMER_MEMBER_FIRST_NAME, f"{FORMER_MEMBER_LAST_NAME} {user.pk}"
    user.email = ""
    user.username = f"erased-{user.pk}"
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()

    _end_sessions(user.pk)
    log.info("Account %s erased at the person's request (name kept: %s)", user.pk, keep_name)
    return summary


# Rows that point at the user and die with the account (on_delete=CASCADE) are the
# person's own (subscriptions, follows, notifications, email addresses, authenticators,
# reminder records…) and go, in any app, present or future. These stay: the anonymised
# profile, the attendance of held meetings (handled above) and the admin's history.
KEEP_ON_ERASURE = {"projects.person", "meetings.participation", "admin.logentry"}


def _remove_personal_rows(user: Any) -> dict[str, int]:
    removed: dict[str, int] = {}
    for model, name in _user_relations():
        label, f = model._meta.label_lower, model._meta.get_field(name)
        if isinstance(f, models.ManyToManyField):  # e.g. work-group members, task responsibilities
            through = getattr(model, f.name).through
            count = through.objects.filter(**{f.m2m_reverse_field_name(): user}).delete()[0]
        elif isinstance(f, models.ForeignKey) and f.remote_field.on_delete is models.CASCADE and label not in KEEP_ON_ERASURE:
            count = model._default_manager.filter(**{f.name: user}).delete()[0]
        else:
            continue
        if count:
            removed[f"{label}.{f.name}"] = count
    return removed


def _end_sessions(user_id: int) -> None:
    """Log the person out everywhere (database sessions)."""
    doomed = [
        session.session_key for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == str(user_id)
    ]
    Session.objects.filter(session_key__in=doomed).delete()
