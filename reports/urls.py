from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("projects/<slug:slug>/actions/", views.action_log, name="action_log"),
    path("projects/<slug:slug>/actions.csv", views.action_log_csv, name="action_log_csv"),
    path("projects/<slug:slug>/actions.xlsx", views.action_log_xlsx, name="action_log_xlsx"),
    path("projects/<slug:slug>/actions/carry/", views.carry_open_actions, name="carry_open_actions"),
    path("projects/<slug:slug>/report/", views.report, name="report"),
    path("projects/<slug:slug>/report.pdf", views.report_pdf, name="report_pdf"),
    path("projects/<slug:slug>/report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("projects/<slug:slug>/records.zip", views.records_zip, name="records_zip"),
    path("meetings/<int:pk>/record.pdf", views.meeting_record, name="meeting_record"),
]
