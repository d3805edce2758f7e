from django.urls import path

from . import views

app_name = "letters"

urlpatterns = [
    path("letters/", views.index, name="index"),
    path("letters/write/<str:channel>/", views.write, name="write"),
    path("letters/submitted/", views.submitted, name="submitted"),
    path("letters/query/", views.query, name="query"),
    path("letters/mine/", views.mine, name="mine"),
    path("letters/mine/<str:query_code>/", views.mine_detail, name="mine_detail"),
    path("letters/replies/", views.published_list, name="published_list"),
    path("letters/replies/<int:publication_id>/", views.published_detail, name="published_detail"),
    path("letters/statistics/", views.stats, name="stats"),
    path("office/letters/", views.staff_inbox, name="staff_inbox"),
    path("office/letters/words/", views.staff_words, name="staff_words"),
    path("office/letters/<int:letter_id>/", views.staff_detail, name="staff_detail"),
    path("office/letters/<int:letter_id>/publication/", views.staff_publication, name="staff_publication"),
]
