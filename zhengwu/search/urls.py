from django.urls import path

from . import views

app_name = "search"

urlpatterns = [
    path("search/", views.search_page, name="page"),
    path("office/search/", views.office_dictionary, name="office"),
    path("office/search/synonyms/<int:synonym_id>/", views.office_synonym, name="synonym"),
]
