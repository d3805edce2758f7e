"""Back-office handling pages, mounted at /office/cases/ (beside the portal's /office/ shell)."""

from django.urls import path

from . import views_staff

app_name = "cases_staff"

urlpatterns = [
    path("", views_staff.inbox, name="inbox"),
    path("<str:receipt_no>/", views_staff.case_detail, name="case"),
]
