from django.urls import path

from . import feeds, views
from .views import staff as views_staff

app_name = "disclosure"

urlpatterns = [
    # Public pages
    path("disclosure/catalog/", views.catalog, name="catalog"),
    path("disclosure/guide/", views.guide, name="guide"),
    path("disclosure/<int:pk>/", views.detail, name="detail"),
    path("disclosure/items/<str:code>/", views.item_page, name="item"),
    path("disclosure/departments/<str:code>/", views.department_page, name="department"),
    path("disclosure/columns/<str:column>/", views.column_page, name="column"),
    path("disclosure/attachments/<uuid:file_id>/", views.attachment, name="attachment"),
    # Our own feeds
    path("feeds/disclosure/rss.xml", feeds.all_rss, name="feed_all_rss"),
    path("feeds/disclosure/atom.xml", feeds.all_atom, name="feed_all_atom"),
    path("feeds/disclosure/columns/<str:column>/rss.xml", feeds.column_rss, name="feed_column_rss"),
    path("feeds/disclosure/columns/<str:column>/atom.xml", feeds.column_atom, name="feed_column_atom"),
    path("feeds/disclosure/departments/<str:code>/rss.xml", feeds.department_rss, name="feed_department_rss"),
    path("feeds/disclosure/departments/<str:code>/atom.xml", feeds.department_atom, name="feed_department_atom"),
    # Staff
    path("office/disclosure/", views_staff.office_list, name="office_list"),
    path("office/disclosure/new/", views_staff.office_create, name="office_create"),
    path("office/disclosure/review/", views_staff.office_review, name="office_review"),
    path("office/disclosure/<int:pk>/", views_staff.office_edit, name="office_edit"),
    path("office/disclosure/<int:pk>/actions/", views_staff.office_action, name="office_action"),
    path("office/site-health/", views_staff.site_health, name="site_health"),
]
