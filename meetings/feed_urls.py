"""URLs outside the language prefix (calendar feeds are fetched by calendar programs)."""
from django.urls import path  # noqa: F401

urlpatterns: list = []
