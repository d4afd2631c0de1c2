from django.urls import path

from meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/meeting.ics", views.meeting_ics, name="ics"),
    path("<int:pk>/files/", views.upload, name="upload"),
    path("<int:pk>/attendance/", views.attendance_sheet, name="attendance"),
    path("<int:pk>/attendance.csv", views.attendance_csv, name="attendance_csv"),
    path("files/<int:pk>/download/", views.attachment_download, name="attachment"),
    path("files/<int:pk>/photo/", views.photo, name="photo"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/renew/", views.renew_token, name="renew_token"),
    path("projects/<slug:slug>/mobility/", views.mobility, name="mobility"),
]
