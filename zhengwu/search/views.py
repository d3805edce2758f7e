"""The public search page (/search/): box, filters, results, paging, hot words."""

from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from zhengwu.core.access import PUBLIC, access
from zhengwu.core.errors import DomainError

from . import selectors, services
from .text import query_normalise

PARAMS = ("q", "type", "department", "date_from", "date_to", "sort")


def _departments():
    from zhengwu.org.models import Unit

    return list(Unit.objects.filter(kind=Unit.Kind.DEPARTMENT).order_by("sort_order", "code").values("code", "name"))


@access(PUBLIC)
@require_safe
def search_page(request):
    form = {name: request.GET.get(name, "") for name in PARAMS}
    form["q"] = query_normalise(form["q"])[:200]
    page = request.GET.get("page", "1")
    result, error, status = None, None, 200
    if any(form[name] for name in PARAMS if name != "sort"):
        try:
            result = selectors.search(
                form["q"], type=form["type"], department=form["department"], date_from=form["date_from"],
                date_to=form["date_to"], sort=form["sort"] or "relevance", page=page,
            )
        except DomainError as exc:
            error, status = exc.message, exc.status
    if result and result["page"] == 1:
        services.search_result_record(result)
    pages = {}
    if result and result["count"]:
        # Snippets are built from escaped text with <em> around hits (snippets.highlight).
        for row in result["results"]:
            # Built by search.snippets: every character HTML-escaped except our own <em> marks.
            row["snippet_html"] = mark_safe(row["snippet"])  # nosec B308 B703
            row["title_safe"] = mark_safe(row["title_html"])  # nosec B308 B703
        base = {k: v for k, v in form.items() if v}
        last_page = min(selectors.MAX_PAGE, (result["count"] + result["page_size"] - 1) // result["page_size"])
        if result["page"] > 1:
            pages["prev"] = "?" + urlencode({**base, "page": result["page"] - 1})
        if result["page"] < last_page:
            pages["next"] = "?" + urlencode({**base, "page": result["page"] + 1})
        pages["last"] = last_page
    current_sort = result["sort"] if result else "relevance"
    sort_options = [
        {"label": label, "current": key == current_sort,
         "url": "?" + urlencode({**{k: v for k, v in form.items() if v}, "sort": key})}
        for key, label in selectors.SORTS.items()
    ]
    return render(request, "search/page.html", {
        "form": form,
        "result": result,
        "error": error,
        "types": selectors.search_types(),
        "departments": _departments(),
        "sorts": selectors.SORTS,
        "sort_options": sort_options,
        "start_index": (result["page"] - 1) * result["page_size"] + 1 if result else 1,
        "pages": pages,
        "hot_words": selectors.hot_words(),
        "max_query": 100,
    }, status=status)
