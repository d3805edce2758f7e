"""Writes of the yearly report: open a draft, edit its manual parts, publish it.

Draft edits are audited as ``disclosure_request.report_draft.*`` (nothing public changes);
publishing is ``disclosure_request.report.publish``, whose prefix makes ``audit_record``
bump the public page cache, so the public report page and the 政务公开 panel show it at once.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengwu.core.audit import audit_record
from zhengwu.core.errors import Conflict, ValidationFailed

from ..models import AnnualReport
from ..selectors.report import (
    MANUAL_INT_KEYS,
    PROACTIVE_MANUAL,
    REVIEW_GROUPS,
    REVIEW_RESULTS,
    figures_compute,
)
from . import clean_text

MIN_YEAR, MAX_YEAR = 2008, 2100  # 条例 in force since 2008
TEXT_MAX = 20000
INT_MAX = 10_000_000
FEES_MAX = Decimal(1000000000)


def _manual_labels() -> dict[str, str]:
    labels = dict(PROACTIVE_MANUAL)
    for group, glabel in REVIEW_GROUPS.items():
        for result, rlabel in REVIEW_RESULTS.items():
            labels[f"{group}_{result}"] = f"{glabel} {rlabel}"
    return labels


def _check_year(year) -> int:
    try:
        value = int(year)
    except (TypeError, ValueError):
        value = 0
    if not MIN_YEAR <= value <= MAX_YEAR:
        raise ValidationFailed(f"年度应在 {MIN_YEAR} 至 {MAX_YEAR} 之间", code="report_year_invalid", details={"field": "year"})
    return value


def manual_clean(values: dict) -> dict:
    """Validate the manually entered figures; every problem is named at once."""
    labels = _manual_labels()
    out: dict = {}
    errors: dict[str, str] = {}
    for key in MANUAL_INT_KEYS:
        raw = values.get(key, "")
        raw = "" if raw is None else str(raw).strip()
        if raw == "":
            out[key] = 0
            continue
        if not raw.isdigit() or int(raw) > INT_MAX:
            errors[key] = f"“{labels[key]}”应为 0 至 {INT_MAX} 之间的整数"
            continue
        out[key] = int(raw)
    raw_fees = str(values.get("fees_amount", "") or "").strip() or "0"
    try:
        fees = Decimal(raw_fees)
        if not fees.is_finite() or fees < 0 or fees > FEES_MAX or fees.as_tuple().exponent < -2:
            raise InvalidOperation
        out["fees_amount"] = str(fees.quantize(Decimal("0.01")))
    except (InvalidOperation, ValueError):
        errors["fees_amount"] = f"“{labels['fees_amount']}”应为不小于 0 的金额(万元,最多两位小数)"
    if errors:
        raise ValidationFailed("；".join(errors.values()), code="report_manual_invalid", details={"fields": errors})
    return out


def report_create(*, actor, year) -> AnnualReport:
    """Open the draft report of ``year`` (one per year)."""
    year = _check_year(year)
    try:
        with transaction.atomic():
            report = AnnualReport.objects.create(year=year)
            audit_record(actor=actor, action="disclosure_request.report_draft.create", obj=report, details={"year": year})
    except IntegrityError:
        raise Conflict(f"{year}年度报告已存在", code="report_exists") from None
    return report


def report_update(
    *, actor, report: AnnualReport, overview: str, problems: str, other_matters: str, manual: dict,
) -> AnnualReport:
    """Save the parts staff write: sections 一, 五, 六 and the figures only they know."""
    overview = clean_text(overview, label="总体情况", max_len=TEXT_MAX, field="overview")
    problems = clean_text(problems, label="存在的主要问题及改进情况", max_len=TEXT_MAX, field="problems")
    other_matters = clean_text(other_matters, label="其他需要报告的事项", max_len=TEXT_MAX, field="other_matters")
    cleaned = manual_clean(manual or {})
    with transaction.atomic():
        locked = AnnualReport.objects.select_for_update().get(pk=report.pk)
        if locked.is_published:
            raise Conflict("年度报告已发布,不能再修改", code="report_published")
        locked.overview, locked.problems, locked.other_matters, locked.manual = overview, problems, other_matters, cleaned
        locked.save(update_fields=["overview", "problems", "other_matters", "manual", "updated_at"])
        audit_record(actor=actor, action="disclosure_request.report_draft.update", obj=locked,
                     details={"year": locked.year, "manual": cleaned})
    for f in ("overview", "problems", "other_matters", "manual", "updated_at"):
        setattr(report, f, getattr(locked, f))
    return report


def report_publish(*, actor, report: AnnualReport) -> AnnualReport:
    """Freeze the figures and publish; refused while the request table does not balance."""
    with transaction.atomic():
        locked = AnnualReport.objects.select_for_update().get(pk=report.pk)
        if locked.is_published:
            raise Conflict("年度报告已发布", code="report_published")
        if not locked.overview.strip():
            raise ValidationFailed("请先填写“一、总体情况”", code="report_overview_required")
        figures = figures_compute(year=locked.year, manual=locked.manual)
        requests = figures["requests"]
        if not requests["balanced"]:
            raise ValidationFailed(
                "申请情况表不平衡(本年新收 + 上年结转 ≠ 办理结果总计 + 结转下年度),请先核实数据:"
                + ";".join(requests["problems"]),
                code="report_unbalanced", details={"problems": requests["problems"]},
            )
        locked.figures = figures
        locked.status = AnnualReport.Status.PUBLISHED
        locked.published_at = timezone.now()
        locked.published_by = actor if getattr(actor, "pk", None) else None
        locked.save(update_fields=["figures", "status", "published_at", "published_by", "updated_at"])
        total = next(r for r in requests["rows"] if r["key"] == "new")["cells"]["total"]
        audit_record(actor=actor, action="disclosure_request.report.publish", obj=locked,
                     details={"year": locked.year, "new_requests": total})
    for f in ("figures", "status", "published_at", "published_by_id", "updated_at"):
        setattr(report, f, getattr(locked, f))
    return report
