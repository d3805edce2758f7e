"""The staff page of access statistics (/office/webstats/)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from zhengwu.core.access import STAFF, access
from zhengwu.core.bounds import date_check
from zhengwu.core.errors import ValidationFailed
from zhengwu.org.roles import Role

from . import selectors
from .services import webstats_flush

VIEWER_ROLES = [Role.SYSTEM_ADMIN, Role.EDITOR, Role.PUBLISHER, Role.SUPERVISOR]
DEFAULT_DAYS = 30
MAX_DAYS = 366
EARLIEST = dt.date(2000, 1, 1)


def _date(raw: str, label: str) -> dt.date:
    raw = raw.strip()
    try:
        if len(raw) != 10:
            raise ValueError
        value = dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed(f"{label}格式不正确,请按“年-月-日”填写,例如 2026-01-05", code="webstats_bad_date") from None
    if value < EARLIEST:
        raise ValidationFailed(f"{label}不能早于 {EARLIEST.isoformat()}", code="webstats_date_too_early")
    return date_check(value, label=label)


def parse_period(params, *, today: dt.date) -> selectors.Period:
    """The period asked for in ``from``/``to``; by default the last 30 days. Raises ValidationFailed."""
    raw_from, raw_to = params.get("from", "") or "", params.get("to", "") or ""
    end = _date(raw_to, "结束日期") if raw_to.strip() else today
    start = _date(raw_from, "开始日期") if raw_from.strip() else end - dt.timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise ValidationFailed("开始日期不能晚于结束日期", code="webstats_period_reversed")
    if (end - start).days + 1 > MAX_DAYS:
        raise ValidationFailed(f"统计期间最长 {MAX_DAYS} 天,请缩短期间", code="webstats_period_too_long")
    return selectors.Period(start, end)


@access(STAFF, roles=VIEWER_ROLES)
@require_safe
def dashboard(request):
    today = timezone.localdate()
    error = None
    try:
        period = parse_period(request.GET, today=today)
    except ValidationFailed as exc:
        error = exc.message
        period = selectors.Period(today - dt.timedelta(days=DEFAULT_DAYS - 1), today)
    # This process's last few seconds of views, so the page is up to date for whoever looks.
    webstats_flush()
    figures = selectors.dashboard_figures(period=period)
    chart = {
        "trend": figures["trend"],
        **{k: [asdict(r) for r in figures[k]] for k in ("items", "columns", "departments", "disclosures", "referrers")},
    }
    return render(request, "webstats/dashboard.html", {
        "period": period, "error": error, "figures": figures, "chart_data": chart,
        "form": {"from": request.GET.get("from", period.start.isoformat())[:20],
                 "to": request.GET.get("to", period.end.isoformat())[:20]},
    }, status=400 if error else 200)
