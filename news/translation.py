from modeltranslation.translator import TranslationOptions, register

from news.models import TRANSLATED_FIELDS, Article


@register(Article)
class ArticleTranslationOptions(TranslationOptions):
    fields = TRANSLATED_FIELDS
    # An article falls back to its own original language (Article.localized), never
    # silently to English: modeltranslation's fallback is switched off for it.
    fallback_languages = {"default": ()}
