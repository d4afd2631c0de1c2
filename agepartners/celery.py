"""The Celery application: a worker and a single beat read their settings from Django's."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "agepartners.settings")

app = Celery("agepartners")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
