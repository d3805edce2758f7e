"""The public search page (/search/), and the staff page of the synonym dictionary (/office/search/)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_safe

from zhengwu.core.access import PUBLIC, STAFF, access
from zhengwu.core.errors import DomainError
from zhengwu.core.confirm import confirm_first, when_field

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


# ---------------------------------------------------------------- staff: the dictionary

@access(STAFF, roles=list(services.DICTIONARY_ROLES))
@require_http_methods(["GET", "POST"])
def office_dictionary(request):
    """The synonym dictionary and the queries that found nothing (with one-click add)."""
    error, status = None, 200
    form = {"canonical": request.GET.get("canonical", ""), "variants": request.GET.get("variant", ""), "note": ""}
    if request.method == "POST":
        action = request.POST.get("action", "create")
        form = {k: request.POST.get(k, "") for k in ("canonical", "variants", "note")}
        try:
            if action == "add_variant":
                entry = services.synonym_add_variant(actor=request.user, canonical=form["canonical"],
                                                     variant=request.POST.get("variant", ""))
                messages.success(request, f"已把“{request.POST.get('variant', '')}”加为“{entry.canonical}”的同义词。")
            else:
                entry = services.synonym_create(actor=request.user, canonical=form["canonical"],
                                                variants=form["variants"], note=form["note"])
                messages.success(request, f"已添加词条“{entry.canonical}”。")
        except DomainError as exc:
            error, status = exc.message, exc.status
        else:
            return HttpResponseRedirect(reverse("search:office"))
    q = request.GET.get("q", "")
    return render(request, "search/office.html", {
        "entries": selectors.synonym_list(q), "q": q[:30], "form": form, "error": error,
        "misses": selectors.search_misses(), "miss_days": selectors.MISS_DAYS,
    }, status=status)


@access(STAFF, roles=list(services.DICTIONARY_ROLES))
@require_http_methods(["GET", "POST"])
@confirm_first(when_field("action", {"delete": "删除该同义词"}))
def office_synonym(request, synonym_id: int):
    """Edit or delete one dictionary entry."""
    try:
        entry = selectors.synonym_get(synonym_id)
    except DomainError:
        raise Http404("词条不存在") from None
    error, status = None, 200
    form = {"canonical": entry.canonical, "variants": entry.variants, "note": entry.note, "is_active": entry.is_active}
    if request.method == "POST":
        try:
            if request.POST.get("action") == "delete":
                services.synonym_delete(actor=request.user, synonym_id=entry.pk)
                messages.success(request, f"已删除词条“{entry.canonical}”。")
            else:
                form = {k: request.POST.get(k, "") for k in ("canonical", "variants", "note")}
                form["is_active"] = request.POST.get("is_active") == "on"
                services.synonym_update(actor=request.user, synonym_id=entry.pk, **form)
                messages.success(request, f"已保存词条“{form['canonical']}”。")
        except DomainError as exc:
            error, status = exc.message, exc.status
        else:
            return HttpResponseRedirect(reverse("search:office"))
    return render(request, "search/synonym_edit.html", {"entry": entry, "form": form, "error": error}, status=status)
