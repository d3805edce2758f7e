"""Reads of routing decisions: how often triage clerks followed the suggestion."""

from __future__ import annotations

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from .models import RoutingDecision

MONTHS_SHOWN = 24


def _rate(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _row(label: str, total: int, top1: int, top3: int, unsuggested: int) -> dict:
    return {
        "label": label, "total": total, "top1": top1, "top3": top3, "unsuggested": unsuggested,
        "top1_rate": _rate(top1, total), "top3_rate": _rate(top3, total),
    }


_COUNTS = {
    "total": Count("id"),
    "top1": Count("id", filter=Q(followed_top1=True)),
    "top3": Count("id", filter=Q(followed_top3=True)),
    "unsuggested": Count("id", filter=Q(suggested_codes=[])),
}


def decision_accuracy_by_month(*, months: int = MONTHS_SHOWN) -> list[dict]:
    """Per month (Asia/Shanghai), oldest first: decisions, followed top-1, followed any top-3."""
    rows = (
        RoutingDecision.objects.annotate(month=TruncMonth("decided_at"))
        .values("month").annotate(**_COUNTS).order_by("-month")[:months]
    )
    out = [_row(r["month"].strftime("%Y-%m"), r["total"], r["top1"], r["top3"], r["unsuggested"]) for r in rows]
    out.reverse()
    return out


def decision_accuracy_total() -> dict:
    r = RoutingDecision.objects.aggregate(**_COUNTS)
    return _row("合计", r["total"], r["top1"], r["top3"], r["unsuggested"])


def decision_accuracy_by_department() -> list[dict]:
    """Per chosen department, most decisions first: how often the suggestion had already named it."""
    rows = (
        RoutingDecision.objects.values("chosen_code", "chosen_department__name")
        .annotate(**_COUNTS).order_by("-total", "chosen_code")
    )
    return [
        _row(r["chosen_department__name"] or r["chosen_code"], r["total"], r["top1"], r["top3"], r["unsuggested"])
        for r in rows
    ]
