from django.urls import path

from . import views

app_name = "sitegroup"

urlpatterns = [
    path("sitegroup/", views.index, name="index"),
    path("sitegroup/sources/<int:source_id>/", views.source_detail, name="source"),
    path("office/sitegroup/", views.manage, name="manage"),
    path("office/sitegroup/<int:source_id>/action/", views.source_action, name="source_action"),
]
