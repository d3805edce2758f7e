"""The routing accuracy dashboard for administrators, supervisors and triage clerks."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_safe

from zhengwu.core.access import STAFF, access
from zhengwu.org.roles import Role

from . import selectors

DASHBOARD_ROLES = [Role.SYSTEM_ADMIN, Role.SUPERVISOR, Role.LETTER_CLERK]


@access(STAFF, roles=DASHBOARD_ROLES)
@require_safe
def dashboard(request):
    months = selectors.decision_accuracy_by_month()
    return render(request, "routing/dashboard.html", {
        "months": months,
        "total": selectors.decision_accuracy_total(),
        "departments": selectors.decision_accuracy_by_department(),
        "chart_data": {"months": months},
    })
