"""The project's URLs plus /bench/bare/, the baseline the portal pages are measured against."""

from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.urls import path

from zhengwu.core.access import APPLICANT, PUBLIC, STAFF, access
from zhengwu.urls import handler400, handler403, handler404, handler500, urlpatterns as project_urls  # noqa: F401

_SECTIONS = [f"第{n}部分" for n in range(1, 15)]


@access(PUBLIC)  # the access middleware refuses undeclared views
def bare(request):
    # Rendered without the request so no context processor runs: the baseline is the
    # framework and template engine alone, with no database query.
    return HttpResponse(loader.render_to_string("bench/bare.html", {"sections": _SECTIONS}))


@access(STAFF)
def office_empty(request):
    # The floor of a staff page: session, user, second factor, access rule, the
    # workbench frame (its posts and links) and nothing of a module's own.
    return render(request, "bench/office_empty.html", {"nav": None})


@access(APPLICANT)
def citizen_empty(request):
    # The floor of a citizen's page: session, user, access rule and the portal frame.
    return render(request, "bench/citizen_empty.html", {"nav": "services"})


urlpatterns = [
    path("bench/bare/", bare, name="bench-bare"),
    path("bench/office-empty/", office_empty, name="bench-office-empty"),
    path("bench/citizen-empty/", citizen_empty, name="bench-citizen-empty"),
    *project_urls,
]
