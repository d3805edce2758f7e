"""Back-office handling pages, mounted at /office/cases/ (beside the portal's /office/ shell)."""

from django.urls import path

from ..views import process as views_process
from ..views import staff as views_staff

app_name = "cases_staff"

urlpatterns = [
    path("", views_staff.inbox, name="inbox"),
    # The flowchart editor (system administrators); before the receipt pattern it would match.
    path("processes/", views_process.process_list, name="process_list"),
    path("processes/<str:code>/", views_process.process_edit, name="process_edit"),
    path("<str:receipt_no>/", views_staff.case_detail, name="case"),
]
