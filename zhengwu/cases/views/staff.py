"""Back-office handling pages: the staff inbox and the case handling page (办件办理)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from zhengwu.core.access import STAFF, access
from zhengwu.core.bounds import date_parse, int_parse
from zhengwu.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from zhengwu.core.sanitise import has_unsafe_chars
from zhengwu.core.confirm import confirm_first, when_field

from .. import engine
from ..selectors.staff import (
    COLOUR_LABELS,
    FILTER_COLOURS,
    OPEN_STATUSES,
    SUSPEND_KINDS,
    InboxFilters,
    case_detail_for_staff,
    case_inbox_list,
    inbox_cursor_parse,
)
from ..services.staff import case_act_as_staff

REASON_MAX = 1000
MISSING_MAX = 50


# Case actions that end, refuse or undo work: asked again before they run (core.confirm).
DESTRUCTIVE_ACTIONS = {
    "refuse": "不予受理该办件", "reject": "不予许可该办件", "withdraw": "撤回上一步操作", "return": "退回上一环节",
}


def inbox_filters_parse(params) -> tuple[dict, InboxFilters, str | None]:
    """Parse the inbox query string: (raw values for the form, filters, Chinese error or None)."""
    raw = {k: (params.get(k) or "").strip() for k in ("status", "item", "colour", "q", "date_from", "date_to", "after")}
    if raw["status"] and raw["status"] not in OPEN_STATUSES:
        return raw, InboxFilters(), "状态筛选取值无效。"
    if raw["colour"] and raw["colour"] not in FILTER_COLOURS:
        return raw, InboxFilters(), "时限状态筛选取值无效。"
    dates: dict[str, date | None] = {}
    for key, label in (("date_from", "开始日期"), ("date_to", "结束日期")):
        try:
            dates[key] = date_parse(raw[key], label=label, field=key)
        except ValidationFailed as exc:
            return raw, InboxFilters(), exc.message + "。"
    if dates["date_from"] and dates["date_to"] and dates["date_from"] > dates["date_to"]:
        return raw, InboxFilters(), "开始日期不能晚于结束日期。"
    try:
        after = inbox_cursor_parse(raw["after"]) if raw["after"] else None
    except ValueError:
        return raw, InboxFilters(), "翻页参数无效,请从第一页重新查询。"
    return raw, InboxFilters(
        status=raw["status"] or None, item=raw["item"][:100] or None, colour=raw["colour"] or None,
        receipt=raw["q"][:20] or None, date_from=dates["date_from"], date_to=dates["date_to"], after=after,
    ), None


def _day(value) -> str:
    return value.isoformat() if value else ""


def inbox_rows(rows) -> list[dict]:
    """The inbox rows as the table shows them, formatted here once.

    Strings in plain dicts: the template engine resolves a dict key in one step, while a
    model attribute path with a ``date`` filter costs it tens of microseconds, which over
    20 rows was most of the page's rendering (ADR 0013).
    """
    out = []
    for c in rows:
        department = c.item.department
        out.append({
            "receipt_no": c.receipt_no,
            "url": reverse("cases_staff:case", kwargs={"receipt_no": c.receipt_no}),
            "item_name": c.item.name,
            "department": department.name if department else "",
            "applicant": c.applicant.real_name or c.applicant.username,
            "step_name": c.step_name,
            "status_label": c.get_status_display(),
            "step_due": _day(c.step_clock.due_on if c.step_clock else None),
            "step_colour": c.step_colour, "step_colour_label": c.step_colour_label,
            "case_due": _day(c.clock.due_on if c.clock else None),
            "case_colour": c.case_colour, "case_colour_label": c.case_colour_label,
            "submitted": timezone.localtime(c.submitted_at).strftime("%Y-%m-%d %H:%M"),
        })
    return out


@access(STAFF)
def inbox(request):
    raw, filters, error = inbox_filters_parse(request.GET)
    page = None if error else case_inbox_list(user=request.user, filters=filters)
    next_query = None
    if page and page.next_after:
        query = request.GET.copy()
        query["after"] = page.next_after
        next_query = query.urlencode()
    return render(request, "cases/staff_inbox.html", {
        "filters": raw,
        "error": error,
        "page": page,
        "rows": inbox_rows(page.rows) if page else [],
        "next_query": next_query,
        "statuses": [(s, engine.STATUS_LABELS[s]) for s in OPEN_STATUSES],
        "colours": [(c, COLOUR_LABELS[c]) for c in FILTER_COLOURS],
    }, status=400 if error else 200)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").replace("\r", "\n").split("\n") if line.strip()]


def action_input_parse(post) -> tuple[str, int, str, dict]:
    """Read an action form: (action, expected_version, reason, payload) or ValidationFailed."""
    action = (post.get("action") or "").strip()
    if action not in engine.ACTION_LABELS:
        raise ValidationFailed("请选择有效的办理动作", code="action_invalid")
    try:
        expected_version = int_parse(post.get("expected_version", ""), label="页面版本", low=0)
    except ValidationFailed:
        expected_version = None
    if expected_version is None:
        raise ValidationFailed("页面版本信息缺失,请刷新后重试", code="version_missing")
    reason = (post.get("reason") or "").strip()
    if len(reason) > REASON_MAX:
        raise ValidationFailed(f"理由不能超过{REASON_MAX}个字", code="reason_too_long")
    if has_unsafe_chars(reason) or has_unsafe_chars(post.get("missing_other") or ""):
        raise ValidationFailed("填写的内容含有不可见的控制字符", code="text_invalid")
    payload: dict = {}
    if action == "request_correction":
        # Checked catalog materials plus any the form's free text adds, once each.
        missing = list(dict.fromkeys([m.strip() for m in post.getlist("missing") if m.strip()] + _lines(post.get("missing_other"))))
        if len(missing) > MISSING_MAX or any(len(m) > 200 for m in missing):
            raise ValidationFailed("补正材料清单过长", code="missing_too_long")
        payload["missing"] = missing
    elif action == "suspend":
        payload["kind"] = (post.get("kind") or "").strip()
        if payload["kind"] not in SUSPEND_KINDS:
            raise ValidationFailed("请选择特别程序类型:听证、专家评审或检验检测", code="suspend_kind_invalid")
    elif action == "extend":
        try:
            payload["days"] = int_parse(post.get("days", ""), label="延长天数", low=1, high=engine.EXTEND_MAX_DAYS)
        except ValidationFailed:
            payload["days"] = None
        if payload["days"] is None:
            raise ValidationFailed(
                f"延长天数必须是 1 到 {engine.EXTEND_MAX_DAYS} 之间的整数(工作日)", code="extend_days_invalid")
    elif action == "transfer":
        try:
            payload["to_user_id"] = int_parse(post.get("to_user_id", ""), label="接收人员", low=1)
        except ValidationFailed:
            payload["to_user_id"] = None
        if payload["to_user_id"] is None:
            raise ValidationFailed("转办须指定接收人员", code="transfer_target_required")
    return action, expected_version, reason, payload


def _not_found(request, exc: NotFound):
    # The same page for "no such case" and "not yours": numbers cannot be probed.
    return render(request, "portal/error.html", {"status": 404, "title": "办件不存在", "message": exc.message}, status=404)


@access(STAFF)
@confirm_first(when_field("action", DESTRUCTIVE_ACTIONS))
def case_detail(request, receipt_no: str):
    error = None
    status = 200
    if request.method == "POST":
        try:
            action, expected_version, reason, payload = action_input_parse(request.POST)
        except ValidationFailed as exc:
            error, status = exc, exc.status
        else:
            try:
                case = case_act_as_staff(
                    actor=request.user, receipt_no=receipt_no, action=action,
                    expected_version=expected_version, reason=reason, payload=payload,
                    evidence=request.FILES.getlist("evidence") if action == "suspend" else (),
                )
            except NotFound as exc:
                return _not_found(request, exc)
            except DomainError as exc:
                error, status = exc, exc.status
            else:
                messages.success(request, f"已办理:{engine.ACTION_LABELS[action]}。办件当前状态:{case.get_status_display()}。")
                return redirect(reverse("cases_staff:case", kwargs={"receipt_no": case.receipt_no}))
    elif request.method not in ("GET", "HEAD"):
        return render(request, "portal/error.html", {"status": 405, "title": "请求方式有误", "message": "该页面只接受查看和办理提交。"}, status=405)
    # After a refusal the page shows the case as it is now: a stale form is not kept.
    try:
        detail = case_detail_for_staff(user=request.user, receipt_no=receipt_no)
    except NotFound as exc:
        if isinstance(error, Conflict):
            # A colleague's action took the case out of this user's sight.
            return render(request, "portal/error.html", {
                "status": 409, "title": "办件已被他人处理", "message": error.message,
            }, status=409)
        return _not_found(request, exc)
    return render(request, "cases/staff_case.html", {
        "d": detail,
        "destructive": DESTRUCTIVE_ACTIONS,
        "c": detail.case,
        "error": error,
        "stale": isinstance(error, Conflict),
        "suspend_kinds": list(SUSPEND_KINDS.items()),
        "reason_required": {"refuse", "return", "reject", "suspend", "extend", "transfer"},
    }, status=status)
