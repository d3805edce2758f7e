from django.urls import path

from . import ckan, views

app_name = "exchange"

urlpatterns = [
    path("api/3/action/<str:name>", ckan.action, name="ckan_action"),
    path("api/action/<str:name>", ckan.action, name="ckan_action_plain"),
    path("exchange/catalog/", views.catalog, name="catalog"),
    path("exchange/catalog/<int:pk>/", views.entry, name="entry"),
    path("exchange/departments/", views.departments, name="departments"),
    path("exchange/departments/<str:code>/", views.department, name="department"),
    path("office/exchange/", views.office, name="office"),
    path("office/exchange/dashboard/", views.dashboard, name="dashboard"),
    path("office/exchange/resources/new/", views.resource_new, name="resource_new"),
    path("office/exchange/resources/<int:pk>/act/", views.resource_act, name="resource_act"),
    path("office/exchange/resources/<int:pk>/upload/", views.upload, name="upload"),
    path("office/exchange/resources/<int:pk>/upload/progress/", views.upload_progress, name="upload_progress"),
    path("office/exchange/resources/<int:pk>/loads/<int:run_id>/", views.load_run, name="load_run"),
    path("office/exchange/resources/<int:pk>/request/", views.request_new, name="request_new"),
    path("office/exchange/resources/<int:pk>/correction/", views.correction_new, name="correction_new"),
    path("office/exchange/requests/<int:request_id>/decide/", views.request_decide, name="request_decide"),
    path("office/exchange/grants/<int:grant_id>/revoke/", views.grant_revoke, name="grant_revoke"),
    path("office/exchange/corrections/<int:ticket_id>/answer/", views.correction_answer, name="correction_answer"),
    path("office/exchange/keys/", views.keys, name="keys"),
    path("office/exchange/sources/", views.sources, name="sources"),
    path("office/exchange/resources/<int:pk>/source/", views.source_edit, name="source_edit"),
    path("office/exchange/usage/", views.usage, name="usage"),
]
