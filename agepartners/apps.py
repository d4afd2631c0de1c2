from django.apps import AppConfig


class AgepartnersConfig(AppConfig):
    name = "agepartners"
    verbose_name = "agepartners"
