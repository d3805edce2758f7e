from django.urls import path

from . import views

app_name = "routing"

urlpatterns = [
    path("office/routing/", views.dashboard, name="dashboard"),
]
