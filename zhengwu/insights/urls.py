from django.urls import path

from . import views

app_name = "insights"

urlpatterns = [
    path("office/insights/", views.dashboard, name="dashboard"),
    path("office/insights/export/", views.export, name="export"),
]
