from django.urls import path

from . import views as views_files

app_name = "core"

urlpatterns = [
    path("<uuid:file_id>/", views_files.file_download, name="file_download"),
]
