from django.urls import path

from . import views as views_seal

app_name = "seal"

urlpatterns = [
    path("", views_seal.seal_root, name="root"),
    path("root/<str:serial>.<str:fmt>", views_seal.seal_root_download, name="root_download"),
]
