from django.urls import path

from workgroups import views

app_name = "workgroups"
urlpatterns = [
    path("", views.my_tasks, name="my_tasks"),
    path("project/<slug:slug>/", views.project_groups, name="project_groups"),
    path("<int:pk>/", views.group_detail, name="group"),
    path("<int:pk>/tasks/new/", views.task_create, name="task_create"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:pk>/status/", views.task_status, name="task_status"),
    path("tasks/<int:pk>/comment/", views.task_comment, name="task_comment"),
]
