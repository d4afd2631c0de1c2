from __future__ import annotations

from typing import Any

from allauth.account.signals import user_logged_in
from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from django.dispatch import receiver


@receiver(post_save, sender=get_user_model())
def create_person(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if created:
        from projects.models import Person

        Person.objects.get_or_create(user=instance)


@receiver(user_logged_in)
def apply_preferred_language(sender: Any, request: Any, user: Any, response: Any = None, **kwargs: Any) -> None:
    """After login the portal speaks the person's language, on every later page too."""
    from projects.views import remember_language

    if response is not None:
        remember_language(response, user.person.language)
