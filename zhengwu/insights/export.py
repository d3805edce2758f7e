"""The dashboard's current view as an Excel workbook (openpyxl), one sheet per table."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from .filters import GRANULARITIES


def _sheet(wb, title: str, header: list[str], rows: list[list]) -> None:
    ws = wb.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([_safe(v) for v in row])
    for column, name in zip(ws.columns, header, strict=False):
        width = max([len(str(name))] + [len(str(c.value or "")) for c in column][:200])
        ws.column_dimensions[column[0].column_letter].width = min(60, max(10, width * 2))


def _safe(value):
    # A cell starting with = + - @ would be read as a formula by spreadsheet programs
    # (CSV/formula injection); letter titles come from the public.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _examples(topic: dict) -> str:
    return ";".join(f"{e['query_code']} {e['title']}" for e in topic.get("examples", []))


def insights_workbook(overview: dict, *, filter_labels: dict) -> bytes:
    f = overview["filter"]
    wb = Workbook()
    summary = wb.active
    summary.title = "说明"
    summary.append(["民意分析导出"])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append(["统计期间", f"{f.start.isoformat()} 至 {f.end.isoformat()}"])
    summary.append(["对比期间", f"{overview['previous_start'].isoformat()} 至 {overview['previous_end'].isoformat()}"])
    summary.append(["时间粒度", GRANULARITIES[f.granularity]])
    for label, value in filter_labels.items():
        summary.append([label, value])
    summary.append(["来信总数", overview["total"]])
    summary.column_dimensions["A"].width = 14
    summary.column_dimensions["B"].width = 40
    _sheet(wb, "按类别", ["类别", "来信数"], [[r["label"], r["count"]] for r in overview["by_category"]])
    _sheet(wb, "按部门", ["承办部门", "来信数"], [[r["label"], r["count"]] for r in overview["by_department"]])
    _sheet(wb, "按乡镇", ["乡镇(街道)", "来信数"], [[r["label"], r["count"]] for r in overview["by_township"]])
    _sheet(wb, "按时间", ["期间", "来信数"], [[r["label"], r["count"]] for r in overview["by_period"]])
    _sheet(wb, "热点话题", ["关键词", "来信数", "示例信件"],
           [[t["word"], t["count"], _examples(t)] for t in overview["hot"]])
    _sheet(wb, "上升话题", ["关键词", "本期来信数", "上期来信数", "增长率(%)", "示例信件"],
           [[t["word"], t["count"], t["previous"], t["growth_rate"] if t["growth_rate"] is not None else "新出现",
             _examples(t)] for t in overview["rising"]])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
