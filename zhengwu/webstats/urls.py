from django.urls import path

from . import views

app_name = "webstats"

urlpatterns = [
    path("office/webstats/", views.dashboard, name="dashboard"),
]
