from modeltranslation.translator import TranslationOptions, register

from projects.models import LONG_TEXTS, Project


@register(Project)
class ProjectTranslationOptions(TranslationOptions):
    fields = LONG_TEXTS
