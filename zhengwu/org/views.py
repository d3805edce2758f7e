"""The staff page of institutional history (机构沿革, ADR 0014)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from zhengwu.core.access import STAFF, access
from zhengwu.core.errors import NotFound

from . import selectors


@access(STAFF)
@require_safe
def unit_history(request):
    code = (request.GET.get("unit") or "").strip()[:32]
    try:
        history = selectors.unit_history(selectors.unit_get(code)) if code else None
    except NotFound as exc:
        raise Http404(exc.message) from None
    return render(request, "org/history.html", {
        "history": history,
        "changes": selectors.unit_change_list() if history is None else [],
        "departments": selectors.unit_list(kinds=["department", "township", "street"], active_only=False),
        "selected": code,
    })
