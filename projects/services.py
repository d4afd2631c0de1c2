"""Operations on people and memberships that change several objects at once.

Tests and ``seed_demo`` build their data through these same functions.
"""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from outbox.services import queue_email
from projects.models import Invitation, Membership, Organisation, Partner, Person, Project, hash_token, new_token
from projects.permissions import forget_roles

User = get_user_model()


def ensure_person(user: Any) -> Person:
    person, _created = Person.objects.get_or_create(user=user)
    # The post_save signal may have cached its own copy on ``user.person``; point the
    # cache at the instance callers will change, so later reads (e.g. the language of
    # an email) see what they saved.
    user.person = person
    return person


@transaction.atomic
def create_user(
    email: str,
    *,
    first_name: str = "",
    last_name: str = "",
    password: str | None = None,
    organisation: Organisation | None = None,
    position: str = "",
    phone: str = "",
    language: str = "en",
    time_zone: str = "Europe/Riga",
    is_superuser: bool = False,
) -> Any:
    """Create (or update) a user with a verified email address and a profile."""
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(username=email[:150], email=email)
    user.first_name = first_name
    user.last_name = last_name
    if is_superuser:
        user.is_superuser = user.is_staff = True
    if password is not None:
        user.set_password(password)
    elif user.pk is None:
        user.set_unusable_password()
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    person = ensure_person(user)
    person.organisation = organisation
    person.position = position
    person.phone = phone
    person.language = language
    person.time_zone = time_zone
    person.save()
    return user


@transaction.atomic
def add_membership(user: Any, project: Project, role: str = Membership.Role.MEMBER) -> Membership:
    """Put a user in a project; coordinators get access to the admin, scoped to their projects."""
    membership, _created = Membership.objects.update_or_create(
        user=user, project=project, defaults={"role": role}
    )
    if role == Membership.Role.COORDINATOR and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    forget_roles(user)
    return membership


# --- Invitations --------------------------------------------------------------------------
# Signup is closed: people join through a one-time, expiring link that a coordinator sends.
# The token travels only in the email; the database keeps its hash.


class InvitationState:
    VALID = "valid"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"


class InvitationUnavailable(Exception):
    """The link cannot be used (any more); ``state`` says why."""

    def __init__(self, state: str) -> None:
        super().__init__(state)
        self.state = state


def country_time_zone(country: str, default: str) -> str:
    """The main time zone of a country (first entry of the tz database's zone.tab), for new profiles."""
    import zoneinfo

    try:
        import tzdata

        lines = (Path(tzdata.__file__).parent / "zoneinfo" / "zone.tab").read_text(encoding="utf-8").splitlines()
    except (ImportError, OSError):
        return default
    for line in lines:
        fields = line.split("\t")
        if len(fields) >= 3 and fields[0] == country.upper() and fields[2] in zoneinfo.available_timezones():
            return fields[2]
    return default


def invitation_link(token: str, language: str) -> str:
    with translation.override(language):
        return settings.SITE_URL + reverse("invitation_accept", kwargs={"token": token})


def is_project_member_email(project: Project, email: str) -> bool:
    return Membership.objects.filter(project=project, user__email__iexact=email.strip()).exists()


@transaction.atomic
def issue_invitation(invitation: Invitation) -> str:
    """Give ``invitation`` a fresh token and expiry, save it and queue the email.

    Used for the first sending and for every resend: the new hash replaces the old
    one, so an earlier link stops working. Returns the token (for tests and the caller).
    """
    token = new_token()
    invitation.email = invitation.email.strip().lower()
    invitation.token_hash = hash_token(token)
    invitation.expires_at = timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)
    invitation.save()
    project = invitation.project
    queue_email(
        key=f"invitation:{invitation.pk}:{invitation.token_hash[:16]}",
        category="invitation",
        to_email=invitation.email,
        template="projects/emails/invitation",
        context={
            "invitation": invitation,
            "project": project,
            "inviter": invitation.invited_by,
            "link": invitation_link(token, invitation.language),
            "valid_days": settings.INVITATION_VALID_DAYS,
        },
        language=invitation.language,
        time_zone=project.time_zone,
        user=User.objects.filter(email__iexact=invitation.email).first(),
        project=project,
    )
    return token


def invite(
    *,
    project: Project,
    email: str,
    first_name: str,
    last_name: str,
    organisation: Organisation,
    role: str = Membership.Role.MEMBER,
    language: str = "en",
    position: str = "",
    invited_by: Any = None,
) -> tuple[Invitation, str]:
    """Invite a person into ``project``: an Invitation row and an email in ``language``."""
    invitation = Invitation(
        project=project, email=email, first_name=first_name, last_name=last_name,
        organisation=organisation, role=role, language=language, position=position,
        invited_by=invited_by,
    )
    return invitation, issue_invitation(invitation)


def resend_invitation(invitation: Invitation) -> str | None:
    """A new link for an invitation not yet accepted (the old link dies). None if used."""
    return None if invitation.is_used else issue_invitation(invitation)


def find_invitation(token: str) -> Invitation:
    """The invitation behind a link, or InvitationUnavailable(state)."""
    invitation = (
        Invitation.objects.select_related("project", "organisation").filter(token_hash=hash_token(token)).first()
    )
    if invitation is None:
        raise InvitationUnavailable(InvitationState.UNKNOWN)
    return _usable(invitation)


def _usable(invitation: Invitation) -> Invitation:
    if invitation.is_used:
        raise InvitationUnavailable(InvitationState.USED)
    if invitation.is_expired:
        raise InvitationUnavailable(InvitationState.EXPIRED)
    return invitation


def invitee_user(invitation: Invitation) -> Any:
    """The existing account of the invited address, or an unsaved stand-in (for password checks)."""
    user = User.objects.filter(email__iexact=invitation.email).first()
    return user or User(
        username=invitation.email[:150], email=invitation.email,
        first_name=invitation.first_name, last_name=invitation.last_name,
    )


_ROLE_RANK = {Membership.Role.OBSERVER: 0, Membership.Role.MEMBER: 1, Membership.Role.COORDINATOR: 2}


@transaction.atomic
def accept_invitation(token: str, password: str) -> Any:
    """Turn the invitation into a member with ``password`` and return the user.

    The row is locked, so two clicks at once make one member; the link proves that the
    invitee reads the invited address, like a password-reset link, so an existing
    account of that address is reused and gets the new password.
    """
    found = find_invitation(token)
    invitation = _usable(Invitation.objects.select_for_update().select_related("project", "organisation").get(pk=found.pk))

    user = User.objects.filter(email__iexact=invitation.email).first()
    if user is None:
        organisation = invitation.organisation
        user = create_user(
            invitation.email, first_name=invitation.first_name, last_name=invitation.last_name,
            password=password, organisation=organisation, position=invitation.position,
            language=invitation.language,
            time_zone=country_time_zone(str(organisation.country), invitation.project.time_zone),
        )
    else:
        user.set_password(password)
        user.is_active = True
        user.save(update_fields=["password", "is_active"])
        EmailAddress.objects.update_or_create(
            user=user, email=invitation.email, defaults={"verified": True}
        )
        person = ensure_person(user)
        if person.organisation_id is None:
            person.organisation = invitation.organisation
        if not person.position:
            person.position = invitation.position
        person.save()

    existing = Membership.objects.filter(user=user, project=invitation.project).first()
    role = invitation.role
    # An invitation never lowers a role the person already holds in the project.
    if existing is not None and _ROLE_RANK[Membership.Role(existing.role)] >= _ROLE_RANK[Membership.Role(role)]:
        role = existing.role
    add_membership(user, invitation.project, role)

    partner = Partner.objects.filter(project=invitation.project, organisation=invitation.organisation).first()
    if partner is not None and not partner.contacts.exists():
        # The first person of an organisation becomes its contact until the coordinator decides otherwise.
        partner.contacts.add(user.person)

    Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now(), accepted_by=user)
    return user
