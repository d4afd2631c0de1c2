from django.urls import path

from projects import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("profile/", views.profile, name="profile"),
    path("projects/<slug:slug>/", views.project_detail, name="project"),
    path("projects/<slug:slug>/partners/", views.partner_directory, name="partner_directory"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
