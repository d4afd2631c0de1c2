"""The portal's URLs plus the ceiling view; used only through bench.settings."""
from django.urls import path

from agepartners.urls import urlpatterns as portal_urlpatterns
from bench import views

urlpatterns = [
    path("bench/ceiling/<int:size>", views.ceiling, name="bench_ceiling"),
    *portal_urlpatterns,
]
