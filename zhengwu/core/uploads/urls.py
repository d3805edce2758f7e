from django.urls import path

from . import views as views_files

app_name = "core"

urlpatterns = [
    path("<uuid:file_id>/", views_files.file_download, name="file_download"),
    path("pending/", views_files.pending_upload_create_view, name="pending_upload"),
    path("pending/remove/", views_files.pending_upload_delete_view, name="pending_upload_remove"),
]
