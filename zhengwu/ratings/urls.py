from django.urls import path

from . import views

app_name = "ratings"

urlpatterns = [
    path("ratings/cases/<str:receipt_no>/", views.rate, name="rate"),
    path("office/rectifications/", views.rectification_list, name="rectifications"),
    path("office/rectifications/<int:rectification_id>/stages/", views.rectification_stage, name="rectification_stage"),
]
