from modeltranslation.translator import TranslationOptions, register

from projects.models import Project


@register(Project)
class ProjectTranslationOptions(TranslationOptions):
    fields = ("aim", "planned_activities", "expected_results")
