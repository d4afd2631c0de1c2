"""News of a partnership: one article, written in one language, translated into the others.

The translated fields (see news/translation.py) get one column per language from
django-modeltranslation. Readers never rely on modeltranslation's global fallback
(English): an article falls back to the language it was written in, and says so
(``Article.localized``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from news.html import clean_html
from projects.models import Project
from projects.uploads import PHOTO_FORMATS, image_format

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

# PostgreSQL ships stemming configurations for these; Latvian has none, so its
# text is searched word by word ('simple': lower-cased, no stemming, no stop words).
SEARCH_CONFIGS: dict[str, str] = {
    "en": "english",
    "lv": "simple",
    "de": "german",
    "hu": "hungarian",
    "it": "italian",
    "da": "danish",
}
TRANSLATED_FIELDS = ("title", "summary", "body", "cover_caption", "cover_alt", "prepared_by_position")

COVER_MAX_BYTES = 5 * 1024 * 1024


def validate_cover_image(file: Any) -> None:
    """Accept only real JPEG/PNG/WebP/GIF pictures up to 5 MB, whatever the file is called."""
    size = file.size or 0
    if size > COVER_MAX_BYTES:
        raise ValidationError(
            _("The cover image is %(size).1f MB; images may be at most %(limit)d MB. Please upload a smaller picture."),
            code="too_large",
            params={"size": size / (1024 * 1024), "limit": COVER_MAX_BYTES // (1024 * 1024)},
        )
    kind = image_format(file)  # the content decides, as for every upload
    if kind is None:
        raise ValidationError(
            _("This file is not a picture we can show. Upload a JPEG, PNG, WebP or GIF image."),
            code="not_an_image",
        )
    if kind not in PHOTO_FORMATS:  # the formats of photos in documents and meetings
        raise ValidationError(
            _("Pictures of type %(kind)s cannot be shown on the web page. Upload a JPEG, PNG, WebP or GIF image."),
            code="unsupported_type",
            params={"kind": kind},
        )


class ArticleQuerySet(models.QuerySet["Article"]):
    def live(self) -> ArticleQuerySet:
        """Published articles whose publish time has come: scheduling needs no button."""
        return self.filter(status=Article.Status.PUBLISHED, publish_at__lte=timezone.now())

    def public(self) -> ArticleQuerySet:
        """Readable by anyone: public articles of projects with a public page."""
        return self.live().filter(audience=Article.Audience.PUBLIC, project__is_public=True)


ArticleManager = models.Manager.from_queryset(ArticleQuerySet)


@dataclass(frozen=True)
class Text:
    """One field as a reader sees it, with the language it is actually in."""

    value: str
    lang: str
    fallback: bool

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Localized:
    language: str
    original_language: str
    title: Text
    summary: Text
    body: Text
    cover_caption: Text
    cover_alt: Text
    prepared_by_position: Text
    available_languages: tuple[str, ...]

    @property
    def shown_language(self) -> str:
        """The language the article's text is shown in: the reader's, English or the original."""
        return self.body.lang

    @property
    def has_fallback(self) -> bool:
        return any(getattr(self, field).fallback for field in TRANSLATED_FIELDS)


class Article(models.Model):
    class Audience(models.TextChoices):
        PUBLIC = "public", _("Everyone (public)")
        MEMBERS = "members", _("Project members only")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="articles")
    slug = models.SlugField(
        _("address"), max_length=120, blank=True,
        help_text=_("The article's web address, the same in every language. Left empty, it is made from the title."),
    )
    original_language = models.CharField(
        _("original language"), max_length=5, choices=settings.LANGUAGES, default="lv",
        help_text=_("The language the article was written in. Readers of a language without a translation see this text."),
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True, help_text=_("One or two sentences shown in lists and feeds."))
    body = models.TextField(
        _("text"), blank=True,
        help_text=_("HTML is allowed: paragraphs, headings, lists, links, emphasis, tables. Scripts and styles are removed."),
    )
    cover_image = models.ImageField(
        _("cover image"), upload_to="news/%Y/", blank=True, validators=[validate_cover_image],
        help_text=_("JPEG, PNG, WebP or GIF, at most 5 MB."),
    )
    cover_caption = models.CharField(_("image caption"), max_length=300, blank=True)
    cover_alt = models.CharField(
        _("image description (alt text)"), max_length=300, blank=True,
        help_text=_("What the picture shows, for readers who cannot see it."),
    )
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices, default=Audience.PUBLIC)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        _("publish at"), default=timezone.now,
        help_text=_("A published article appears at this time; a time in the future schedules it."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="news_articles",
    )
    prepared_by_name = models.CharField(_("prepared by"), max_length=150, blank=True)
    prepared_by_position = models.CharField(_("position"), max_length=150, blank=True)
    prepared_by_phone = models.CharField(_("phone"), max_length=50, blank=True)
    # Set once the subscribers' emails of this article have been queued.
    notified_at = models.DateTimeField(_("subscribers notified"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # modeltranslation gives the manager a class of its own at run time, which django-stubs
    # cannot find; it is this one with translation lookups (also behind project.articles).
    objects: ClassVar[ArticleManager[Article]] = ArticleManager()
    _default_manager: ClassVar[ArticleManager[Article]]

    class Meta:
        ordering = ["-publish_at", "-pk"]
        verbose_name = _("news article")
        verbose_name_plural = _("news articles")
        constraints = [
            models.UniqueConstraint(fields=["project", "slug"], name="news_article_slug_unique_per_project"),
        ]
        indexes = [
            # Covers the readable-news filter (status, publish time, audience, project), so
            # the list's page count reads the index, not every article's six-language text.
            models.Index(fields=["status", "publish_at"], include=["audience", "project"], name="news_article_live_idx"),
            # One full-text index per language column, built with that language's
            # configuration; search() uses the very same expression so the planner can use it.
            *[
                GinIndex(
                    SearchVector(f"title_{lang}", f"summary_{lang}", f"body_{lang}", config=config),
                    name=f"news_article_fts_{lang}",
                )
                for lang, config in SEARCH_CONFIGS.items()
            ],
        ]

    def __str__(self) -> str:
        return self.text("title", self.original_language) or self.slug or f"#{self.pk}"

    # --- languages ----------------------------------------------------------------

    def text(self, field: str, lang: str) -> str:
        """A translated field in exactly ``lang`` ('' when missing), bypassing fallbacks."""
        return getattr(self, f"{field}_{lang}", None) or ""

    def available_languages(self) -> tuple[str, ...]:
        """Languages the article exists in: title and text both written."""
        return tuple(
            lang for lang in settings.LANGUAGE_CODES if self.text("title", lang).strip() and self.text("body", lang).strip()
        )

    def missing_languages(self) -> tuple[str, ...]:
        available = set(self.available_languages())
        return tuple(lang for lang in settings.LANGUAGE_CODES if lang not in available)

    def localized(self, lang: str | None = None) -> Localized:
        """The article as a reader of ``lang`` sees it: each field in ``lang`` if written,
        otherwise in English, otherwise in the original language (marked as fallback).

        The one fallback order of the portal (pages, dashboard, activity, feeds, emails):
        a Hungarian reader understands the English version sooner than the Latvian one."""
        lang = lang or translation.get_language() or settings.LANGUAGE_CODE
        original = self.original_language
        available = self.available_languages()
        # Fields missing in the reader's language all come from one language: the first of
        # English and the original in which the article is complete.
        shown = next((code for code in (lang, settings.LANGUAGE_CODE, original) if code in available), original)

        def pick(field: str) -> Text:
            own = self.text(field, lang)
            if own.strip():
                return Text(own, lang, False)
            fallback = self.text(field, shown)
            return Text(fallback, shown, bool(fallback.strip()) and lang != shown)

        return Localized(
            language=lang, original_language=original,
            title=pick("title"), summary=pick("summary"), body=pick("body"),
            cover_caption=pick("cover_caption"), cover_alt=pick("cover_alt"),
            prepared_by_position=pick("prepared_by_position"),
            available_languages=available,
        )

    # --- publishing -----------------------------------------------------------------

    @property
    def is_live(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.publish_at <= timezone.now()

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.publish_at > timezone.now()

    def get_absolute_url(self) -> str:
        return reverse("news:detail", kwargs={"project": self.project.slug, "slug": self.slug})

    def url_in(self, lang: str) -> str:
        with translation.override(lang):
            return self.get_absolute_url()

    # --- saving ---------------------------------------------------------------------

    def clean(self) -> None:
        errors: dict[str, list[StrOrPromise]] = {}
        original = self.original_language
        language = dict(settings.LANGUAGES).get(original, original)
        if not self.text("title", original).strip():
            errors[f"title_{original}"] = [
                _("Write the title in the original language (%(language)s): readers of untranslated languages see it.")
                % {"language": language}
            ]
        if not self.text("body", original).strip():
            errors[f"body_{original}"] = [
                _("Write the text in the original language (%(language)s).") % {"language": language}
            ]
        if self.slug and self.project_id:
            clash = Article.objects.filter(project_id=self.project_id, slug=self.slug).exclude(pk=self.pk)
            if clash.exists():
                errors["slug"] = [_("Another article of this project already has this address.")]
        if errors:
            raise ValidationError(errors)

    def save(self, *args: Any, **kwargs: Any) -> None:
        for lang in settings.LANGUAGE_CODES:
            if value := self.text("body", lang):
                setattr(self, f"body_{lang}", clean_html(value))
        if not self.slug:
            self.slug = self._unique_slug()
        super().save(*args, **kwargs)

    def _unique_slug(self) -> str:
        base = slugify(self.text("title", self.original_language) or self.title or "")[:100] or "article"
        taken = set(
            Article.objects.filter(project_id=self.project_id, slug__startswith=base)
            .exclude(pk=self.pk).values_list("slug", flat=True)
        )
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        return slug


def missing_language_q(lang: str) -> Q:
    """Articles that do not exist in ``lang`` (title or text empty): the admin filter."""
    return (
        Q(**{f"title_{lang}__isnull": True}) | Q(**{f"title_{lang}": ""})
        | Q(**{f"body_{lang}__isnull": True}) | Q(**{f"body_{lang}": ""})
    )


class NewsSubscription(models.Model):
    """A member's wish to get an email when news of a project is published."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE,
                             related_name="news_subscriptions")
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="news_subscriptions")
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("news email subscription")
        verbose_name_plural = _("news email subscriptions")
        constraints = [
            models.UniqueConstraint(fields=["user", "project"], name="news_subscription_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.project}"
