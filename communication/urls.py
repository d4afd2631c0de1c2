from django.urls import path

from communication import views

app_name = "communication"
urlpatterns = [
    path("", views.index, name="index"),
    path("notifications/", views.notification_settings, name="notification_settings"),
    path("p/<slug:slug>/", views.project_threads, name="project"),
    path("p/<slug:slug>/new/", views.thread_create, name="thread_create"),
    path("p/<slug:slug>/documents/", views.documents, name="documents"),
    path("p/<slug:slug>/documents/new/", views.document_create, name="document_create"),
    path("p/<slug:slug>/activity/", views.activity, name="activity"),
    path("t/<int:pk>/", views.thread_detail, name="thread"),
    path("t/<int:pk>/reply/", views.reply, name="reply"),
    path("t/<int:pk>/moderate/", views.thread_moderate, name="thread_moderate"),
    path("t/<int:pk>/follow/", views.thread_follow, name="thread_follow"),
    path("posts/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("documents/<int:pk>/", views.document_detail, name="document"),
    path("documents/<int:pk>/versions/new/", views.version_create, name="version_create"),
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
    path("documents/<int:pk>/versions/<int:number>/download/", views.version_download, name="version_download"),
]
