from django.urls import path

from . import views

app_name = "org"

urlpatterns = [
    path("office/org/history/", views.unit_history, name="history"),
]
