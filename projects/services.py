"""Operations on people and memberships that change several objects at once.

Tests and ``seed_demo`` build their data through these same functions.
"""
from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction

from projects.models import Membership, Organisation, Person, Project

User = get_user_model()


def ensure_person(user: Any) -> Person:
    person, _created = Person.objects.get_or_create(user=user)
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
    from projects.permissions import forget_roles

    forget_roles(user)
    return membership
