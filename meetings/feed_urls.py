"""URLs outside the language prefix: calendar programs fetch the personal feed."""
from django.urls import path

from meetings import views

app_name = "meetings_feed"
urlpatterns = [
    path("calendar/<str:token>.ics", views.personal_feed, name="feed"),
]
