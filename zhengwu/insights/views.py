"""Analysis dashboards for leaders (/office/insights/) and their Excel export."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from zhengwu.core.access import STAFF, access
from zhengwu.core.errors import ValidationFailed
from zhengwu.org.roles import Role

from . import selectors
from .export import insights_workbook
from .filters import GRANULARITIES, insight_filter_parse

DASHBOARD_ROLES = [Role.SUPERVISOR, Role.DEPARTMENT_HEAD, Role.SYSTEM_ADMIN, Role.LETTER_CLERK]
COUNTY_WIDE_ROLES = [Role.SUPERVISOR, Role.SYSTEM_ADMIN, Role.LETTER_CLERK]


def scope_department_ids(user) -> list[int] | None:
    """None (whole county) for supervisors, admins and letter clerks; a department head sees their own."""
    from zhengwu.org import responsibility

    mine = responsibility.posts_for(user)
    if mine.holds(COUNTY_WIDE_ROLES):
        return None
    return sorted(mine.units(Role.DEPARTMENT_HEAD))


def _choices(scope):
    from zhengwu.letters.models import Category
    from zhengwu.org.models import Unit

    departments = Unit.objects.filter(kind=Unit.Kind.DEPARTMENT, is_active=True)
    if scope is not None:
        departments = departments.filter(pk__in=scope)
    townships = Unit.objects.filter(kind__in=[Unit.Kind.TOWNSHIP, Unit.Kind.STREET], is_active=True)
    return {
        "categories": Category.choices,
        "departments": list(departments.order_by("sort_order", "code").values_list("pk", "name")),
        "townships": list(townships.order_by("sort_order", "code").values_list("pk", "name")),
        "granularities": list(GRANULARITIES.items()),
    }


def _letter_link(letter_id: int) -> str:
    try:
        return reverse("letters:staff_detail", kwargs={"letter_id": letter_id})
    except NoReverseMatch:
        return ""


def _filter_labels(f, choices) -> dict:
    labels = {}
    if f.category:
        labels["类别"] = dict(choices["categories"]).get(f.category, f.category)
    if f.department_id:
        labels["部门"] = dict(choices["departments"]).get(f.department_id, str(f.department_id))
    if f.township_id:
        labels["乡镇(街道)"] = dict(choices["townships"]).get(f.township_id, str(f.township_id))
    return labels


def _parse(request):
    scope = scope_department_ids(request.user)
    choices = _choices(scope)
    f = insight_filter_parse(request.GET, today=timezone.localdate(), scope_department_ids=scope)
    return f, choices


@access(STAFF, roles=DASHBOARD_ROLES)
@require_safe
def dashboard(request):
    try:
        f, choices = _parse(request)
    except ValidationFailed as exc:
        return render(request, "insights/dashboard.html", {
            "error": exc.message, "form": request.GET, **_choices(scope_department_ids(request.user)),
        }, status=400)
    overview = selectors.insights_overview(f)
    for topic in overview["hot"] + overview["rising"]:
        for example in topic["examples"]:
            example["url"] = _letter_link(example["id"])
    return render(request, "insights/dashboard.html", {
        **overview, **choices,
        "form": f.as_query(),
        "export_query": f.as_query(),
        "scoped": f.scope_department_ids is not None,
        "chart_data": {
            "by_category": overview["by_category"], "by_department": overview["by_department"][:20],
            "by_township": overview["by_township"], "by_period": overview["by_period"],
            "hot": [{"word": t["word"], "count": t["count"]} for t in overview["hot"]],
        },
    })


@access(STAFF, roles=DASHBOARD_ROLES)
@require_safe
def export(request):
    try:
        f, choices = _parse(request)
    except ValidationFailed as exc:
        return render(request, "insights/dashboard.html", {
            "error": exc.message, "form": request.GET, **_choices(scope_department_ids(request.user)),
        }, status=400)
    overview = selectors.insights_overview(f)
    content = insights_workbook(overview, filter_labels=_filter_labels(f, choices))
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"insights-{f.start.isoformat()}-{f.end.isoformat()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
