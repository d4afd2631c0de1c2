"""Coordinators write, translate, preview and schedule news here, inside their projects."""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from news import services
from news.models import Article, NewsSubscription, missing_language_q
from projects.admin_scope import ProjectScopedAdmin, admin_user


class MissingLanguageFilter(admin.SimpleListFilter):
    title = _("missing translation")
    parameter_name = "missing"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("any", _("Any language")),
            *[(code, name) for code, name in settings.LANGUAGES],
            ("none", _("None: translated into every language")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Article]) -> QuerySet[Article]:
        value = self.value()
        if value in settings.LANGUAGE_CODES:
            return queryset.filter(missing_language_q(value))
        any_missing = Q()
        for code in settings.LANGUAGE_CODES:
            any_missing |= missing_language_q(code)
        if value == "any":
            return queryset.filter(any_missing)
        if value == "none":
            return queryset.exclude(any_missing)
        return queryset


@admin.register(Article)
class ArticleAdmin(ProjectScopedAdmin, TranslationAdmin):
    """modeltranslation's tabbed editing: one tab per language for every translated field.

    Its assets are listed here instead of inheriting TabbedTranslationAdmin, whose media
    load jQuery UI from a CDN; ours is vendored under static/vendor/.
    """

    list_display = (
        "__str__", "project", "status", "publish_at", "missing_column", "audience", "original_language", "preview_link",
    )
    list_filter = (
        ("project", admin.RelatedOnlyFieldListFilter), "status", "audience", "original_language", MissingLanguageFilter,
    )
    search_fields = [f"title_{code}" for code in settings.LANGUAGE_CODES] + ["slug"]
    date_hierarchy = "publish_at"
    readonly_fields = ("notified_at", "preview_link")
    fieldsets = (
        (None, {"fields": ("project", "original_language", "title", "slug", "summary", "body")}),
        (_("Cover image"), {"fields": ("cover_image", "cover_caption", "cover_alt")}),
        (_("Publishing"), {
            "fields": ("audience", "status", "publish_at", "author", "notified_at", "preview_link"),
            "description": _("A published article appears at its publish time; a time in the future schedules it. "
                             "Use the preview to check every language before you publish."),
        }),
        (_("Prepared by"), {"fields": ("prepared_by_name", "prepared_by_position", "prepared_by_phone")}),
    )

    class Media:
        js = (
            "admin/js/jquery.init.js",
            "modeltranslation/js/force_jquery.js",
            "vendor/jquery-ui-1.13.3/jquery-ui.min.js",
            "modeltranslation/js/tabbed_translation_fields.js",
        )
        css = {"all": ("modeltranslation/css/tabbed_translation_fields.css",)}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        return super().get_queryset(request).select_related("project")

    @admin.display(description=_("missing languages"))
    def missing_column(self, obj: Article) -> str:
        missing = obj.missing_languages()
        if not missing:
            return format_html('<span title="{}">✓</span>', _("Translated into every language"))
        names = dict(settings.LANGUAGES)
        return format_html_join(" ", '<abbr title="{}">{}</abbr>', ((names[c], c.upper()) for c in missing))

    @admin.display(description=_("preview"))
    def preview_link(self, obj: Article) -> str:
        if not obj.pk:
            return "–"
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', reverse("news:preview", args=[obj.pk]), _("Preview"))

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        user = admin_user(request)
        initial.setdefault("author", str(user.pk))
        initial.setdefault("original_language", user.person.language)
        return initial

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        if obj.author_id is None and not change:
            obj.author = admin_user(request)
        super().save_model(request, obj, form, change)
        services.queue_notification(obj)


@admin.register(NewsSubscription)
class NewsSubscriptionAdmin(ProjectScopedAdmin):
    list_display = ("user", "project", "created_at")
    list_filter = (("project", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("user__email", "user__last_name")
    list_select_related = ("user", "project")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # People choose their own emails on the news pages; coordinators only see who did.
        return False
