from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunicationConfig(AppConfig):
    name = "communication"
    verbose_name = _("Communication")

    def ready(self) -> None:
        from communication import signals  # noqa: F401  (connects the activity feed's receivers)
