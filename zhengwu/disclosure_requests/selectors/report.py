"""The yearly report's figures (国办公开办函〔2021〕30号), computed from the platform's own data.

The request table is one GROUP BY query over the requests that were open at some point
of the year, with one conditional COUNT per row of the form; the licensing count is one
COUNT over concluded approval cases. Nothing is loaded row by row.

How each row is counted (dates are the county's local dates):

* 本年新收: received in the year;
* 上年结转: received before the year and not replied before it;
* 办理结果 (each code): replied in the year with that outcome; (七)总计 is the sum of the
  coded rows, so a reply whose code the form does not know is counted in no row;
* 结转下年度: received up to the year's end and not replied by then.

The balance 本年新收 + 上年结转 = 办理结果总计 + 结转下年度 then holds per column unless the
data are wrong (an outcome code outside the form, a requester kind without a column);
``balance`` shows each column and ``problems`` says what broke it.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.db.models import Count, Q
from django.utils import timezone

from zhengwu.core.registries.annual_report import LICENSING_DECISIONS, PROACTIVE_COUNTS, report_figure

from ..codes import CATEGORIES, COLUMNS, OUTCOMES, RequesterType
from ..models import AnnualReport, DisclosureRequest

TOTAL = "total"

# Manually entered figures: key → label (all non-negative integers but 行政事业性收费, in 万元).
PROACTIVE_MANUAL = {
    "penalty_decisions": "行政处罚 本年处理决定数量",
    "coercion_decisions": "行政强制 本年处理决定数量",
    "fees_amount": "行政事业性收费 本年收费金额(万元)",
}
REVIEW_GROUPS = {
    "review": "行政复议",
    "litigation_direct": "行政诉讼:未经复议直接起诉",
    "litigation_after_review": "行政诉讼:复议后起诉",
}
REVIEW_RESULTS = {
    "maintained": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
}
MANUAL_INT_KEYS = ("penalty_decisions", "coercion_decisions") + tuple(
    f"{g}_{r}" for g in REVIEW_GROUPS for r in REVIEW_RESULTS
)


def _alias(code: str) -> str:
    return "o_" + code.replace(".", "_")


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def request_table(*, year: int) -> dict:
    """The table 三、收到和处理政府信息公开申请情况 for ``year``, with its balance check."""
    start, end = year_bounds(year)
    replied_in_year = Q(status=DisclosureRequest.Status.REPLIED, replied_on__gte=start, replied_on__lte=end)
    counts = {
        "new": Count("id", filter=Q(received_on__gte=start)),
        "carried_in": Count("id", filter=Q(received_on__lt=start)),
        "carried_out": Count("id", filter=Q(replied_on__isnull=True) | Q(replied_on__gt=end)),
        "replied_any": Count("id", filter=replied_in_year),
        **{_alias(o.code): Count("id", filter=replied_in_year & Q(outcome=o.code)) for o in OUTCOMES},
    }
    groups = list(
        DisclosureRequest.objects.filter(received_on__lte=end)
        .filter(Q(replied_on__isnull=True) | Q(replied_on__gte=start))
        .values("requester_type", "requester_subtype")
        .annotate(**counts)
        .order_by("requester_type", "requester_subtype")
    )

    by_column: dict[str, dict] = {c.key: {k: 0 for k in counts} for c in COLUMNS}
    problems: list[str] = []
    for g in groups:
        column = _column_of(g["requester_type"], g["requester_subtype"])
        if column is None:
            n = g["new"] + g["carried_in"]
            problems.append(
                f"有 {n} 件申请的申请人类型“{g['requester_type']}/{g['requester_subtype'] or '—'}”不属于报告的任何一列,"
                "未计入表格;请核实这些申请的申请人类型。"
            )
            continue
        for k in counts:
            by_column[column][k] += g[k]
    for c in COLUMNS:
        coded = sum(by_column[c.key][_alias(o.code)] for o in OUTCOMES)
        uncoded = by_column[c.key]["replied_any"] - coded
        if uncoded:
            problems.append(
                f"“{c.label}”一列有 {uncoded} 件本年答复的申请,其处理结果不属于年度报告的分类,未计入办理结果;"
                "请核实这些申请的处理结果。"
            )

    def cells(key_fn) -> dict:
        values = {c.key: key_fn(by_column[c.key]) for c in COLUMNS}
        values[TOTAL] = sum(values.values())
        return values

    def results_total(col: dict) -> int:
        return sum(col[_alias(o.code)] for o in OUTCOMES)

    rows: list[dict] = [
        {"key": "new", "label": "一、本年新收政府信息公开申请数量", "level": 0, "cells": cells(lambda c: c["new"])},
        {"key": "carried_in", "label": "二、上年结转政府信息公开申请数量", "level": 0, "cells": cells(lambda c: c["carried_in"])},
        {"key": "results", "label": "三、本年度办理结果", "level": 0, "cells": None},
    ]
    for category in CATEGORIES:
        members = [o for o in OUTCOMES if o.category == category]
        if len(members) == 1 and members[0].reason_no == 0:
            label = category.ordinal + category.label
            if category.number == 2:
                label += "(区分处理的,只计这一情形,不计其他情形)"
            alias = _alias(members[0].code)
            rows.append({"key": members[0].code, "label": label, "level": 1,
                         "cells": cells(lambda c, a=alias: c[a])})
            continue
        rows.append({"key": f"cat{category.number}", "label": category.ordinal + category.label, "level": 1, "cells": None})
        for o in members:
            alias = _alias(o.code)
            rows.append({"key": o.code, "label": f"{o.reason_no}.{o.label}", "level": 2,
                         "cells": cells(lambda c, a=alias: c[a])})
    rows.append({"key": "results_total", "label": "(七)总计", "level": 1, "cells": cells(results_total)})
    rows.append({"key": "carried_out", "label": "四、结转下年度继续办理", "level": 0, "cells": cells(lambda c: c["carried_out"])})

    # Lists in column order as well: JSONB (PostgreSQL) does not keep a dict's key order.
    for r in rows:
        r["values"] = None if r["cells"] is None else [r["cells"][c.key] for c in COLUMNS] + [r["cells"][TOTAL]]
    row = {r["key"]: r["cells"] for r in rows if r["cells"] is not None}
    balance = []
    for key, label in [(c.key, c.label) for c in COLUMNS] + [(TOTAL, "总计")]:
        left = row["new"][key] + row["carried_in"][key]
        right = row["results_total"][key] + row["carried_out"][key]
        balance.append({"column": key, "label": label, "new": row["new"][key], "carried_in": row["carried_in"][key],
                        "results": row["results_total"][key], "carried_out": row["carried_out"][key],
                        "ok": left == right})
    return {
        "columns": [{"key": c.key, "label": c.label, "legal": c.requester_type == RequesterType.LEGAL} for c in COLUMNS],
        "rows": rows,
        "balance": balance,
        "balanced": all(b["ok"] for b in balance),
        "problems": problems,
    }


def _column_of(requester_type: str, subtype: str) -> str | None:
    for c in COLUMNS:
        if c.requester_type == requester_type and c.subtype == (subtype or ""):
            return c.key
    return None


def licensing_decisions(*, year: int) -> int:
    """行政许可 本年处理决定数量, as the cases app counts them (0 without a cases app)."""
    return report_figure(LICENSING_DECISIONS, year=year) or 0


def proactive_counts(*, year: int) -> dict:
    """规章 and 行政规范性文件 counts from the disclosure module, if it provides them."""
    counts = report_figure(PROACTIVE_COUNTS, year=year)
    if counts is None:
        return {"available": False, "rules": None, "normative": None, "total": None}
    counts = counts or {}
    empty = {"made": 0, "repealed": 0, "current": 0}
    return {
        "available": True,
        "rules": {**empty, **(counts.get("rules") or {})},
        "normative": {**empty, **(counts.get("normative") or {})},
        "total": counts.get("total"),
    }


# ------------------------------------------------------------------ manual parts


def manual_int(manual: dict, key: str) -> int:
    value = (manual or {}).get(key, 0)
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return 0


def manual_fees(manual: dict) -> str:
    try:
        return str(Decimal(str((manual or {}).get("fees_amount", "0") or "0")).quantize(Decimal("0.01")))
    except (InvalidOperation, ValueError):
        return "0.00"


def review_table(manual: dict) -> list[dict]:
    """The three groups in the form's order, each with its five numbers (总计 = the four results)."""
    out = []
    for group, label in REVIEW_GROUPS.items():
        values = [manual_int(manual, f"{group}_{r}") for r in REVIEW_RESULTS]
        out.append({"key": group, "label": label, "values": [*values, sum(values)]})
    return out


def figures_compute(*, year: int, manual: dict) -> dict:
    """Everything the report's tables show, as a JSON-able dict (what publishing freezes)."""
    proactive = proactive_counts(year=year)
    return {
        "year": year,
        "computed_at": timezone.now().isoformat(),
        "proactive": {
            **proactive,
            "licensing": licensing_decisions(year=year),
            "penalty": manual_int(manual, "penalty_decisions"),
            "coercion": manual_int(manual, "coercion_decisions"),
            "fees": manual_fees(manual),
        },
        "requests": request_table(year=year),
        "review": review_table(manual),
    }


# ------------------------------------------------------------------ reading reports


def county_name() -> str:
    from zhengwu.org.models import Unit

    name = Unit.objects.filter(kind=Unit.Kind.COUNTY, parent__isnull=True).values_list("name", flat=True).first()
    return name or "本县"


def report_document(report: AnnualReport) -> dict:
    """What the page and the exports render: frozen figures once published, live ones before."""
    figures = report.figures if report.is_published and report.figures else figures_compute(
        year=report.year, manual=report.manual)
    previous = previous_carry_check(year=report.year, carried_in=figures["requests"]["rows"][1]["cells"][TOTAL])
    return {
        "report": report,
        "year": report.year,
        "title": f"{county_name()}{report.year}年政府信息公开工作年度报告",
        "status_label": report.get_status_display(),
        "overview": report.overview,
        "problems": report.problems,
        "other_matters": report.other_matters,
        "figures": figures,
        "previous": previous,
        "review_labels": [*REVIEW_RESULTS.values(), "总计"],
    }


def previous_carry_check(*, year: int, carried_in: int) -> dict | None:
    """Compare 上年结转 with the 结转下年度 the previous year's published report showed."""
    prev = AnnualReport.objects.filter(year=year - 1, status=AnnualReport.Status.PUBLISHED).first()
    if prev is None or not prev.figures:
        return None
    rows = {r["key"]: r for r in prev.figures.get("requests", {}).get("rows", [])}
    published = (rows.get("carried_out") or {}).get("cells", {}).get(TOTAL)
    if published is None:
        return None
    return {"year": year - 1, "published": published, "now": carried_in, "ok": published == carried_in}


def report_get(*, year: int) -> AnnualReport | None:
    return AnnualReport.objects.filter(year=year).first()


def published_report_get(*, year: int) -> AnnualReport | None:
    return AnnualReport.objects.filter(year=year, status=AnnualReport.Status.PUBLISHED).first()


def published_report_years() -> list[int]:
    return list(AnnualReport.objects.filter(status=AnnualReport.Status.PUBLISHED).values_list("year", flat=True))


def report_list() -> list[AnnualReport]:
    return list(AnnualReport.objects.all())


def default_report_year(today: date | None = None) -> int:
    """Reports are written early in the year for the year before (due by 31 January)."""
    today = today or timezone.localdate()
    return (today - timedelta(days=90)).year
