"""Supervision pages: the supervisors' dashboard, alerts, faults and 督办."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from zhengwu.cases.models import Case
from zhengwu.core.bounds import is_id_text
from zhengwu.core.access import STAFF, access
from zhengwu.core.errors import DomainError
from zhengwu.org.roles import Role

from . import selectors
from .models import Alert
from .services import ORDER_MAX_DAYS, supervision_order_issue, supervision_order_respond


def _before(request) -> int | None:
    raw = request.GET.get("before", "")
    return int(raw) if is_id_text(raw) and int(raw) > 0 else None


@access(STAFF, roles=[Role.SUPERVISOR])
@require_safe
def dashboard(request):
    today = timezone.localdate()
    period = request.GET.get("period", "")
    if period not in selectors.PERIODS:
        period = selectors.DEFAULT_PERIOD
    first, end = selectors.period_bounds(period, today)
    departments = selectors.department_statistics(today=today, period=period)
    trend = selectors.county_trend(today=today)
    return render(request, "supervision/dashboard.html", {
        "departments": departments,
        "period": period,
        "periods": selectors.PERIODS.items(),
        "period_first": first,
        "period_last": end - timedelta(days=1),
        "trend": trend,
        "ratings": selectors.rating_summary(),
        "chart_data": {"departments": departments, "trend": trend},
        "today": today,
    })


@access(STAFF)
@require_safe
def alerts(request):
    level = request.GET.get("level", "")
    if level not in Alert.Level.values:
        level = ""
    rows = selectors.alert_list(user=request.user, level=level or None, before_id=_before(request),
                                limit=selectors.PAGE_SIZE + 1)
    more = len(rows) > selectors.PAGE_SIZE
    rows = rows[: selectors.PAGE_SIZE]
    return render(request, "supervision/alerts.html", {
        "rows": rows, "level": level, "levels": Alert.Level.choices,
        "next_before": rows[-1].pk if more else None,
    })


@access(STAFF, roles=[Role.SUPERVISOR])
@require_safe
def faults(request):
    rows = selectors.fault_list(before_id=_before(request), limit=selectors.PAGE_SIZE + 1)
    more = len(rows) > selectors.PAGE_SIZE
    rows = rows[: selectors.PAGE_SIZE]
    return render(request, "supervision/faults.html", {"rows": rows, "next_before": rows[-1].pk if more else None})


@access(STAFF, roles=[Role.SUPERVISOR])
@require_http_methods(["GET", "HEAD", "POST"])
def orders(request):
    form = {"receipt_no": "", "text": "", "days": "5"}
    error = None
    if request.method == "POST":
        form = {k: request.POST.get(k, "").strip() for k in form}
        case = Case.objects.filter(receipt_no=form["receipt_no"].upper()).first() if form["receipt_no"] else None
        if case is None:
            error = "未找到该受理编号的办件"
        elif not is_id_text(form["days"]):
            error = f"反馈期限应为1至{ORDER_MAX_DAYS}个工作日"
        else:
            try:
                supervision_order_issue(actor=request.user, case=case, text=form["text"], days=int(form["days"]))
            except DomainError as exc:
                error = exc.message
            else:
                messages.success(request, f"已对办件 {case.receipt_no} 发出督办")
                return redirect("supervision:orders")
    return render(request, "supervision/orders.html", {
        "rows": selectors.order_list(), "form": form, "error": error, "max_days": ORDER_MAX_DAYS,
    }, status=400 if error else 200)


@access(STAFF)
@require_safe
def my_orders(request):
    return render(request, "supervision/my_orders.html", {
        "rows": selectors.order_list_for_department_staff(user=request.user),
    })


@access(STAFF)
@require_POST
def order_respond(request, order_id: int):
    order = selectors.order_get(order_id=order_id)
    if order is None:
        messages.error(request, "督办不存在")
        return redirect("supervision:my_orders")
    try:
        supervision_order_respond(actor=request.user, order=order, text=request.POST.get("text", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "反馈已提交")
    return redirect("supervision:my_orders")


