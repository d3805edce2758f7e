from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("gongkai/", views.disclosure_index, name="disclosure"),
    path("banshi/", views.services_index, name="services"),
    path("banshi/xiangzhen/", views.township_list, name="townships"),
    path("canyu/", views.participation_index, name="participation"),
    path("catalog/", views.catalog_list, name="catalog"),
    path("catalog/departments/", views.department_list, name="departments"),
    path("catalog/items/<str:code>/", views.item_detail, name="item"),
    path("elderly/", views.elderly_mode, name="elderly"),
    path("office/", views.office, name="office"),
    path("office/audit/", views.office_audit, name="office_audit"),
]
