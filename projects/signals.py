from __future__ import annotations

from typing import Any

from allauth.account.signals import user_logged_in
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver


@receiver(post_save, sender=get_user_model())
def create_person(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if created:
        from projects.models import Person

        Person.objects.get_or_create(user=instance)


@receiver(user_logged_in)
def apply_preferred_language(sender: Any, request: Any, user: Any, response: Any = None, **kwargs: Any) -> None:
    """After login the portal speaks the person's language, on every later page too."""
    person = getattr(user, "person", None)
    if person is not None and response is not None:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, person.language,
            secure=settings.LANGUAGE_COOKIE_SECURE, samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )


# --- Page cache invalidation (projects/pagecache.py) ------------------------------------------
# Connected per model (connect_page_cache, from ProjectsConfig.ready), never for every
# sender: a post_delete listener on a model turns its QuerySet.delete() from one DELETE
# into loading every row, which the outbox and the sweep must not pay.


def invalidate_pages_on_save(sender: Any, instance: Any, update_fields: Any = None, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return  # loaddata
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # every login saves the user; no page shows when
    from projects import pagecache

    pagecache.invalidate_instance(instance)


def invalidate_pages_before_save(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        from projects import pagecache

        pagecache.invalidate_before_move(instance)


def invalidate_pages_on_delete(sender: Any, instance: Any, **kwargs: Any) -> None:
    from projects import pagecache

    pagecache.invalidate_instance(instance)


def invalidate_pages_on_m2m(sender: Any, instance: Any, action: str, **kwargs: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        from projects import pagecache

        pagecache.invalidate_instance(instance)


def connect_page_cache() -> None:
    from django.apps import apps

    from projects import pagecache

    for model in apps.get_models(include_auto_created=True):
        if not pagecache.shown_on_pages(model):
            continue
        if model._meta.auto_created:  # the table behind a many-to-many field
            m2m_changed.connect(invalidate_pages_on_m2m, sender=model, dispatch_uid=f"pagecache-m2m-{model._meta.label}")
            continue
        pre_save.connect(invalidate_pages_before_save, sender=model, dispatch_uid=f"pagecache-move-{model._meta.label}")
        post_save.connect(invalidate_pages_on_save, sender=model, dispatch_uid=f"pagecache-save-{model._meta.label}")
        post_delete.connect(invalidate_pages_on_delete, sender=model, dispatch_uid=f"pagecache-delete-{model._meta.label}")
