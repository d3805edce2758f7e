from django.urls import path

from . import views

app_name = "operations"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics, name="metrics"),
    path("office/operations/", views.desk, name="desk"),
    path("office/operations/oncall/", views.oncall_add, name="oncall_add"),
    path("office/operations/<str:number>/", views.ticket, name="ticket"),
]
