from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("alerts/", views.alerts, name="alerts"),
    path("faults/", views.faults, name="faults"),
    path("orders/", views.orders, name="orders"),
    path("orders/mine/", views.my_orders, name="my_orders"),
    path("orders/<int:order_id>/respond/", views.order_respond, name="order_respond"),
]
