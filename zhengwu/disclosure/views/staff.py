"""Staff pages under /office/disclosure/ (信息员 and 审核员) and /office/site-health/."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from zhengwu.core.access import STAFF, access
from zhengwu.core.bounds import date_check
from zhengwu.core.errors import DomainError, NotFound, ValidationFailed
from zhengwu.core.confirm import confirm_first, when_field
from zhengwu.org import responsibility
from zhengwu.org.models import Unit
from zhengwu.org.roles import Role

from .. import posts, selectors, services
from ..health.report import site_health_report
from ..health.thresholds import COLUMN_STALE, HOMEPAGE_STALE
from ..models import Attachment, Column, DocumentKind, Status, Validity

OFFICE_ROLES = [Role.EDITOR, Role.PUBLISHER]
HEALTH_ROLES = [Role.EDITOR, Role.PUBLISHER, Role.SYSTEM_ADMIN, Role.SUPERVISOR]
FORM_FIELDS = ("title", "column", "document_kind", "catalog_item", "interprets", "document_number",
               "issuing_body", "written_on", "body_html")


def _get_or_404(request, pk):
    try:
        return selectors.disclosure_get_office(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _form_values(post) -> dict:
    return {name: post.get(name, "") for name in FORM_FIELDS}


def _form_context(request, *, form: dict, disclosure=None, error: str | None = None) -> dict:
    editor_units = posts.department_choices(request.user, posts.EDITOR_ROLES)
    mine = responsibility.posts_for(request.user)
    return {
        "form": form, "d": disclosure, "error": error,
        "columns": Column.choices, "kinds": DocumentKind.choices,
        "items": selectors.disclosure_catalog_items(),
        "policies": selectors.policy_choices(exclude_pk=disclosure.pk if disclosure else None),
        "departments": list(editor_units),
        "validities": [(v, l) for v, l in Validity.choices if v != Validity.VALID],
        "can_edit": disclosure is None or _may_edit(request.user, disclosure),
        "is_editor": disclosure is not None and mine.covers(disclosure.department_id, posts.EDITOR_ROLES),
        "is_publisher": disclosure is not None and mine.covers(disclosure.department_id, posts.PUBLISHER_ROLES),
        "today": timezone.localdate(),
    }


def _may_edit(user, disclosure) -> bool:
    if disclosure.status == Status.DRAFT:
        return responsibility.acts_for(user, unit_id=disclosure.department_id, roles=posts.EDITOR_ROLES)
    if disclosure.status == Status.PUBLISHED:
        return responsibility.acts_for(user, unit_id=disclosure.department_id, roles=posts.PUBLISHER_ROLES)
    return False


@access(STAFF, roles=OFFICE_ROLES)
@require_safe
def office_list(request):
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    rows = selectors.disclosure_list_office(user=request.user, status=status or None)
    return render(request, "disclosure/office_list.html", {
        "rows": rows, "status": status, "statuses": Status.choices,
        "can_create": responsibility.posts_for(request.user).holds(posts.EDITOR_ROLES),
        "can_review": responsibility.posts_for(request.user).holds(posts.PUBLISHER_ROLES),
    })


@access(STAFF, roles=OFFICE_ROLES)
@require_http_methods(["GET", "HEAD", "POST"])
def office_create(request):
    departments = [u.pk for u in posts.department_choices(request.user, posts.EDITOR_ROLES)]
    if not departments:
        return render(request, "core/forbidden.html", {"message": "只有信息员可以撰写公开信息。"}, status=403)
    form = {name: "" for name in FORM_FIELDS} | {"column": Column.NEWS, "department": ""}
    error, status = None, 200
    if request.method == "POST":
        form = _form_values(request.POST) | {"department": request.POST.get("department", "")}
        unit = Unit.objects.filter(pk__in=departments, code=form["department"]).first()
        if unit is None and len(departments) == 1:
            unit = Unit.objects.get(pk=next(iter(departments)))
        try:
            if unit is None:
                raise ValidationFailed("请选择发布部门", code="disclosure_department_invalid")
            row = services.disclosure_create(
                actor=request.user, department=unit, column=form["column"], title=form["title"],
                body_html=form["body_html"], document_number=form["document_number"],
                issuing_body=form["issuing_body"], written_on=form["written_on"],
                document_kind=form["document_kind"], catalog_item=form["catalog_item"] or None,
                interprets=form["interprets"] or None,
            )
        except DomainError as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(request, "草稿已保存,可以继续上传附件或提交审核。")
            return HttpResponseRedirect(reverse("disclosure:office_edit", args=[row.pk]))
    context = _form_context(request, form=form, error=error)
    return render(request, "disclosure/office_edit.html", context, status=status)


def _form_of(row) -> dict:
    return {
        "title": row.title, "column": row.column, "document_kind": row.document_kind,
        "catalog_item": row.catalog_item.code if row.catalog_item_id else "",
        "interprets": str(row.interprets_id or ""), "document_number": row.document_number,
        "issuing_body": row.issuing_body, "written_on": row.written_on.isoformat() if row.written_on else "",
        "body_html": row.body_html,
        "first_published_on": timezone.localdate(row.first_published_at).isoformat() if row.first_published_at else "",
    }


@access(STAFF, roles=OFFICE_ROLES)
@require_http_methods(["GET", "HEAD", "POST"])
def office_edit(request, pk):
    row = _get_or_404(request, pk)
    form, error, status = _form_of(row), None, 200
    if request.method == "POST":
        form = _form_values(request.POST)
        changes = {k: v for k, v in form.items()}
        changes["catalog_item"] = changes["catalog_item"] or None
        changes["interprets"] = changes["interprets"] or None
        extra = {}
        # The form shows 首次发布日期 read-only; a changed value is an attempt to move it.
        if "first_published_on" in request.POST:
            extra["first_published_at"] = request.POST.get("first_published_on", "")
        try:
            services.disclosure_update(actor=request.user, disclosure=row, **changes, **extra)
        except DomainError as exc:
            error, status = exc.message, exc.status
            form["first_published_on"] = _form_of(row)["first_published_on"]
        else:
            messages.success(request, "已保存。")
            return HttpResponseRedirect(reverse("disclosure:office_edit", args=[row.pk]))
    context = _form_context(request, form=form, disclosure=row, error=error)
    return render(request, "disclosure/office_edit.html", context, status=status)


@access(STAFF, roles=OFFICE_ROLES)
@require_safe
def office_review(request):
    if not responsibility.posts_for(request.user).holds(posts.PUBLISHER_ROLES):
        return render(request, "core/forbidden.html", {"message": "只有审核员可以审核发布公开信息。"}, status=403)
    return render(request, "disclosure/office_review.html", {
        "rows": selectors.review_queue(user=request.user), "now": timezone.localtime(),
    })


def _parse_schedule(raw: str) -> dt.datetime | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        parsed = parse_datetime(raw)
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationFailed("定时发布时间格式不正确", code="disclosure_schedule_invalid")
    date_check(parsed, label="定时发布时间")
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _run_action(request, row, action: str) -> str:
    post = request.POST
    actor = request.user
    if action == "submit":
        services.disclosure_submit(actor=actor, disclosure=row)
        return "已提交审核。"
    if action == "publish":
        when = _parse_schedule(post.get("scheduled_at", ""))
        services.disclosure_publish(actor=actor, disclosure=row, at=when)
        if row.status == Status.SCHEDULED:
            return f"已设置定时发布:{timezone.localtime(row.scheduled_at):%Y-%m-%d %H:%M}。"
        return f"已发布,索引号 {row.index_number}。"
    if action == "reject":
        services.disclosure_reject(actor=actor, disclosure=row, reason=post.get("reason", ""))
        return "已退回修改。"
    if action == "withdraw":
        services.disclosure_withdraw(actor=actor, disclosure=row, reason=post.get("reason", ""))
        return "已撤回,该信息不再在网站、订阅和搜索中出现。"
    if action == "validity":
        services.disclosure_validity_change(
            actor=actor, disclosure=row, validity=post.get("validity", ""),
            changed_on=post.get("changed_on", ""), note=post.get("note", ""),
        )
        return "有效性已变更。"
    if action == "attach":
        services.disclosure_attachments_add(actor=actor, disclosure=row, uploads=request.FILES.getlist("files"))
        return "附件已上传。"
    if action == "detach":
        att_id = selectors.as_id(post.get("attachment"))
        att = Attachment.objects.filter(disclosure=row, pk=att_id).first() if att_id else None
        if att is None:
            raise ValidationFailed("附件不存在", code="disclosure_attachment_missing")
        services.disclosure_attachment_remove(actor=actor, attachment=att)
        return "附件已删除。"
    raise ValidationFailed("不支持的操作", code="disclosure_action_unknown")


@access(STAFF, roles=OFFICE_ROLES)
@require_POST
@confirm_first(when_field("action", {"withdraw": "撤回该公开信息", "reject": "退回该公开信息", "detach": "删除该附件"}))
def office_action(request, pk):
    row = _get_or_404(request, pk)
    action = request.POST.get("action", "")
    try:
        message = _run_action(request, row, action)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, message)
    back = request.POST.get("back", "")
    if back == "review":
        return HttpResponseRedirect(reverse("disclosure:office_review"))
    return HttpResponseRedirect(reverse("disclosure:office_edit", args=[row.pk]))


@access(STAFF, roles=HEALTH_ROLES)
@require_safe
def site_health(request):
    report = site_health_report()
    return render(request, "disclosure/site_health.html", {
        "report": report, "column_thresholds": COLUMN_STALE, "homepage_threshold": HOMEPAGE_STALE,
    })
