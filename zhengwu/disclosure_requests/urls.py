from django.urls import path

from . import views
from .views import report as views_report
from .views import staff as views_staff

app_name = "disclosure_requests"

urlpatterns = [
    # Requesters (the fixed words come before <receipt_no>).
    path("disclosure-requests/apply/", views.apply, name="apply"),
    path("disclosure-requests/mine/", views.mine, name="mine"),
    path("disclosure-requests/query/", views.query, name="query"),
    path("disclosure-requests/<str:receipt_no>/", views.detail, name="detail"),
    path("disclosure-requests/<str:receipt_no>/correction/", views.correction_supply, name="correction_supply"),
    # The published yearly reports.
    path("disclosure-reports/", views_report.public_list, name="reports"),
    path("disclosure-reports/<int:year>/", views_report.public_report, name="report_public"),
    path("disclosure-reports/<int:year>/export.<str:fmt>", views_report.public_export, name="report_public_export"),
    # Back office.
    path("office/disclosure-requests/", views_staff.inbox, name="inbox"),
    path("office/disclosure-requests/new/", views_staff.window_entry, name="window_entry"),
    path("office/disclosure-requests/<str:receipt_no>/", views_staff.staff_detail, name="staff_detail"),
    path("office/disclosure-requests/<str:receipt_no>/act/", views_staff.staff_act, name="staff_act"),
    path("office/disclosure-reports/", views_report.report_list, name="report_list"),
    path("office/disclosure-reports/<int:year>/", views_report.report_edit, name="report_edit"),
    path("office/disclosure-reports/<int:year>/publish/", views_report.report_publish, name="report_publish"),
    path("office/disclosure-reports/<int:year>/export.<str:fmt>", views_report.report_export, name="report_export"),
]
