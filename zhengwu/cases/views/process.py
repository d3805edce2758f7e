"""The flowchart editor (办理流程配置) for system administrators, under /office/cases/processes/.

An administrator edits an item's steps (name, post, limit and warning days, outcomes,
whether the step stops the clock), reorders, adds and removes them, and publishes the
result as a new version through ``services.process_definition_publish``; that service
holds every rule, and its Chinese refusals are shown next to the step they name.
Running cases keep the version they started under (CONVENTIONS rule 5).

The page works without JavaScript: "上移/下移/删除/增加环节" are submit buttons that
re-render the form with the change, and only "发布为新版本" writes.
"""

from __future__ import annotations

import unicodedata

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from zhengwu.core.bounds import is_id_text
from zhengwu.core.access import STAFF, access
from zhengwu.core.errors import DomainError, NotFound, ValidationFailed
from zhengwu.org import selectors as org_selectors
from zhengwu.org.models import Unit
from zhengwu.org.roles import SEPARATED_ADMIN_ROLES, Role

from .. import engine
from ..selectors import process_definition_current
from ..selectors.process import process_item_get, process_items_list, process_versions
from ..services import default_steps_for, process_definition_publish

PER_PAGE = 30
MAX_STEPS = 12
MAX_DAYS = 365
# Business posts only: the three separated administrators never handle cases.
STEP_ROLES = [(value, label) for value, label in Role.choices if value not in SEPARATED_ADMIN_ROLES]


def _not_found(request, message):
    return render(request, "portal/error.html", {"status": 404, "title": "未找到", "message": message}, status=404)


@access(STAFF, roles=[Role.SYSTEM_ADMIN])
@require_safe
def process_list(request):
    q = request.GET.get("q", "")
    page = Paginator(process_items_list(q=q), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cases/process_list.html", {"page_obj": page, "items": page.object_list, "q": q[:100]})


# ------------------------------------------------------------------ the form


def _row_from_step(step: dict) -> dict:
    """A step as the form shows it: every value a string, outcomes a list."""
    return {
        "key": str(step.get("key", "")), "name": str(step.get("name", "")), "role": str(step.get("role", "")),
        "limit_days": str(step.get("limit_days", "")), "warn_days": str(step.get("warn_days", "")),
        "outcomes": [str(o) for o in step.get("outcomes", [])], "stops_clock": bool(step.get("stops_clock")),
        "department": str(step.get("department") or ""),
    }


def _blank_row(rows: list[dict]) -> dict:
    taken = {r["key"] for r in rows}
    n = len(rows) + 1
    while f"step{n}" in taken:
        n += 1
    return {"key": f"step{n}", "name": "", "role": str(Role.HANDLER), "limit_days": "1", "warn_days": "0",
            "outcomes": [], "stops_clock": False, "department": ""}


def rows_from_post(post) -> list[dict]:
    """Read the rows the form posted (``s<i>-<field>``), at most MAX_STEPS, as strings."""
    try:
        count = int(post.get("count", "0"))
    except ValueError:
        count = 0
    rows = []
    for i in range(max(0, min(count, MAX_STEPS))):
        p = f"s{i}-"
        rows.append({
            "key": post.get(p + "key", "").strip()[:40],
            "name": post.get(p + "name", "").strip()[:60],
            "role": post.get(p + "role", "").strip()[:40],
            "limit_days": post.get(p + "limit_days", "").strip()[:6],
            "warn_days": post.get(p + "warn_days", "").strip()[:6],
            "outcomes": [o for o in post.getlist(p + "outcomes") if o in engine.STEP_ACTIONS],
            "stops_clock": post.get(p + "stops_clock") == "on",
            "department": post.get(p + "department", "").strip()[:32],
        })
    return rows


def steps_from_rows(rows: list[dict]) -> list[dict]:
    """Typed steps for the service, or ValidationFailed naming the step and field (Chinese)."""
    steps = []
    for n, row in enumerate(rows, start=1):
        # PostgreSQL's jsonb cannot hold NUL, and no name needs a control character.
        if any(unicodedata.category(ch) == "Cc" for ch in row["name"] + row["key"]):
            raise ValidationFailed(
                f"第{n}个环节的名称或标识含有不可见的控制字符", code="process_invalid", details={"step": n, "field": "name"},
            )
        typed = {}
        for field, label in (("limit_days", "时限"), ("warn_days", "预警阈值")):
            raw = row[field]
            if not (raw.isascii() and raw.isdigit()) or int(raw) > MAX_DAYS:
                raise ValidationFailed(
                    f"第{n}个环节的{label}须填写 0 到 {MAX_DAYS} 之间的整数(工作日)",
                    code="process_invalid", details={"step": n, "field": field},
                )
            typed[field] = int(raw)
        if typed["warn_days"] > typed["limit_days"]:
            raise ValidationFailed(
                f"第{n}个环节的预警阈值不能大于时限", code="process_invalid", details={"step": n, "field": "warn_days"},
            )
        steps.append({
            "key": row["key"], "name": row["name"], "role": row["role"], **typed,
            "outcomes": list(row["outcomes"]), "stops_clock": row["stops_clock"],
            **({"department": row["department"]} if row.get("department") else {}),
        })
    return steps


def _apply_op(op: str, rows: list[dict]) -> tuple[list[dict], str | None]:
    """Reorder/add/remove without saving; returns (rows, a Chinese error or None)."""
    if op == "add":
        if len(rows) >= MAX_STEPS:
            return rows, f"一个流程最多 {MAX_STEPS} 个环节"
        return [*rows, _blank_row(rows)], None
    name, _, index = op.partition(":")
    if name not in ("up", "down", "remove") or not is_id_text(index) or int(index) >= len(rows):
        return rows, "无效的操作,请重试"
    i = int(index)
    rows = list(rows)
    if name == "remove":
        if len(rows) == 1:
            return rows, "办理流程至少需要一个环节"
        rows.pop(i)
    elif name == "up" and i > 0:
        rows[i - 1], rows[i] = rows[i], rows[i - 1]
    elif name == "down" and i + 1 < len(rows):
        rows[i + 1], rows[i] = rows[i], rows[i + 1]
    return rows, None


@access(STAFF, roles=[Role.SYSTEM_ADMIN])
@require_http_methods(["GET", "HEAD", "POST"])
def process_edit(request, code):
    try:
        item = process_item_get(code=code)
    except NotFound as exc:
        return _not_found(request, exc.message)
    current = process_definition_current(item=item)
    error, error_step, status = None, None, 200
    if request.method == "POST":
        rows = rows_from_post(request.POST)
        op = request.POST.get("op", "publish")
        if not rows:
            rows, error, status = [_blank_row([])], "办理流程至少需要一个环节", 400
        elif op == "publish":
            try:
                definition = process_definition_publish(actor=request.user, item=item, steps=steps_from_rows(rows))
            except DomainError as exc:
                error, status = exc.message, exc.status
                error_step = (exc.details or {}).get("step")
            else:
                messages.success(
                    request, f"已发布第 {definition.version} 版办理流程(合计 {definition.total_limit_days} 个工作日)。"
                    "新申请的办件按新版本办理,办理中的办件仍按原版本办理。",
                )
                return HttpResponseRedirect(reverse("cases_staff:process_edit", kwargs={"code": item.code}))
        else:
            rows, error = _apply_op(op, rows)
            status = 400 if error else 200
    else:
        steps = current.steps if current is not None else default_steps_for(item)
        rows = [_row_from_step(s) for s in steps]
    return render(request, "cases/process_edit.html", {
        "item": item,
        "current": current,
        "rows": [{**row, "index": i, "number": i + 1} for i, row in enumerate(rows)],
        "count": len(rows),
        "roles": STEP_ROLES,
        "outcomes": list(engine.STEP_ACTIONS.items()),
        "error": error,
        "error_step": error_step,
        "versions": process_versions(item=item),
        "max_days": MAX_DAYS,
        "window_role": str(Role.WINDOW_CLERK),
        "departments": org_selectors.unit_list(kinds=[Unit.Kind.DEPARTMENT]),
    }, status=status)
