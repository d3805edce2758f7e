"""The yearly report: staff build/edit/publish it; the public read the published one and its exports."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from zhengwu.core.access import PUBLIC, STAFF, access
from zhengwu.core.errors import DomainError
from zhengwu.core.page_cache import cached_public_page
from zhengwu.org.roles import Role

from ..selectors import report as selectors_report
from ..services import report as services_report
from ..report_export import report_pdf, report_xlsx
from ..selectors.report import (
    MANUAL_INT_KEYS,
    PROACTIVE_MANUAL,
    REVIEW_GROUPS,
    REVIEW_RESULTS,
)

REPORT_ROLES = [Role.DISCLOSURE_OFFICER, Role.PUBLISHER]
EXPORTS = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", report_xlsx),
    "pdf": ("application/pdf", report_pdf),
}


def _export(doc, fmt: str) -> HttpResponse:
    if fmt not in EXPORTS:
        raise Http404("不支持的导出格式")
    content_type, render_fn = EXPORTS[fmt]
    response = HttpResponse(render_fn(doc), content_type=content_type)
    # An ASCII name plus the RFC 5987 Chinese one, so every browser saves it sensibly.
    from urllib.parse import quote

    name = f"{doc['title']}.{fmt}"
    response["Content-Disposition"] = (
        f"attachment; filename=\"disclosure-report-{doc['year']}.{fmt}\"; filename*=UTF-8''{quote(name)}"
    )
    return response


# ------------------------------------------------------------------ public


@access(PUBLIC)
@require_safe
@cached_public_page
def public_list(request):
    reports = [r for r in selectors_report.report_list() if r.is_published]
    return render(request, "disclosure_requests/report_public_list.html", {"reports": reports})


def _published(year) -> object:
    report = selectors_report.published_report_get(year=year)
    if report is None:
        raise Http404("该年度报告尚未发布")
    return report


@access(PUBLIC)
@require_safe
@cached_public_page
def public_report(request, year):
    doc = selectors_report.report_document(_published(year))
    return render(request, "disclosure_requests/report_public.html", {"doc": doc})


@access(PUBLIC)
@require_safe
def public_export(request, year, fmt):
    if fmt not in EXPORTS:
        raise Http404("不支持的导出格式")
    return _export(selectors_report.report_document(_published(year)), fmt)


# ------------------------------------------------------------------ staff


@access(STAFF, roles=REPORT_ROLES)
@require_http_methods(["GET", "HEAD", "POST"])
def report_list(request):
    if request.method == "POST":
        try:
            report = services_report.report_create(actor=request.user, year=request.POST.get("year", ""))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            return HttpResponseRedirect(reverse("disclosure_requests:report_edit", kwargs={"year": report.year}))
        return HttpResponseRedirect(reverse("disclosure_requests:report_list"))
    return render(request, "disclosure_requests/report_list.html", {
        "reports": selectors_report.report_list(), "default_year": selectors_report.default_report_year(),
    })


def _manual_fields(manual: dict) -> list[dict]:
    fields = [{"key": k, "label": label, "value": (manual or {}).get(k, 0 if k != "fees_amount" else "0.00")}
              for k, label in PROACTIVE_MANUAL.items()]
    return fields


def _review_fields(manual: dict) -> list[dict]:
    out = []
    for group, glabel in REVIEW_GROUPS.items():
        out.append({"label": glabel, "fields": [
            {"key": f"{group}_{r}", "label": rlabel, "value": (manual or {}).get(f"{group}_{r}", 0)}
            for r, rlabel in REVIEW_RESULTS.items()
        ]})
    return out


@access(STAFF, roles=REPORT_ROLES)
@require_http_methods(["GET", "HEAD", "POST"])
def report_edit(request, year):
    report = selectors_report.report_get(year=year)
    if report is None:
        raise Http404("该年度报告尚未建立")
    error, status = None, 200
    manual = report.manual
    if request.method == "POST":
        manual = {k: request.POST.get(k, "") for k in (*MANUAL_INT_KEYS, "fees_amount")}
        try:
            services_report.report_update(
                actor=request.user, report=report, overview=request.POST.get("overview", ""),
                problems=request.POST.get("problems", ""), other_matters=request.POST.get("other_matters", ""),
                manual=manual,
            )
        except DomainError as exc:
            # The texts come back whole (never cut): the error says which one is too long.
            error, status = exc.message, exc.status
            report.overview = request.POST.get("overview", "")
            report.problems = request.POST.get("problems", "")
            report.other_matters = request.POST.get("other_matters", "")
        else:
            messages.success(request, "已保存")
            return HttpResponseRedirect(reverse("disclosure_requests:report_edit", kwargs={"year": report.year}))
    doc = selectors_report.report_document(report)
    return render(request, "disclosure_requests/report_edit.html", {
        "doc": doc, "report": report, "error": error,
        "manual_fields": _manual_fields(manual), "review_fields": _review_fields(manual),
    }, status=status)


@access(STAFF, roles=REPORT_ROLES)
@require_POST
def report_publish(request, year):
    report = selectors_report.report_get(year=year)
    if report is None:
        raise Http404("该年度报告尚未建立")
    try:
        services_report.report_publish(actor=request.user, report=report)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{report.year}年度报告已发布")
    return HttpResponseRedirect(reverse("disclosure_requests:report_edit", kwargs={"year": report.year}))


@access(STAFF, roles=REPORT_ROLES)
@require_safe
def report_export(request, year, fmt):
    report = selectors_report.report_get(year=year)
    if report is None or fmt not in EXPORTS:
        raise Http404("该年度报告尚未建立")
    return _export(selectors_report.report_document(report), fmt)
