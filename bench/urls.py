"""The project's URLs plus /bench/bare/, the baseline the portal pages are measured against."""

from django.http import HttpResponse
from django.template import loader
from django.urls import path

from zhengwu.core.access import PUBLIC, access
from zhengwu.urls import handler400, handler403, handler404, handler500, urlpatterns as project_urls  # noqa: F401

_SECTIONS = [f"第{n}部分" for n in range(1, 15)]


@access(PUBLIC)  # the access middleware refuses undeclared views
def bare(request):
    # Rendered without the request so no context processor runs: the baseline is the
    # framework and template engine alone, with no database query.
    return HttpResponse(loader.render_to_string("bench/bare.html", {"sections": _SECTIONS}))


urlpatterns = [path("bench/bare/", bare, name="bench-bare"), *project_urls]
