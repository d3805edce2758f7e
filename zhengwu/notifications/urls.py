from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("messages/", views.message_centre, name="centre"),
    path("messages/<int:message_id>/read/", views.message_read, name="read"),
    path("messages/read-all/", views.messages_read_all, name="read_all"),
]
