"""网站群导读 (public column) and the staff page that registers feed sources."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from zhengwu.core.bounds import is_id_text
from zhengwu.core.access import PUBLIC, STAFF, access
from zhengwu.core.errors import DomainError
from zhengwu.core.page_cache import cached_public_page
from zhengwu.core.confirm import confirm_first, when_field
from zhengwu.org.models import Unit
from zhengwu.org.selectors import unit_list

from . import selectors, services
from .models import FeedSource

MANAGER_ROLES = sorted(services.MANAGER_ROLES)


def _positive_int(raw) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if is_id_text(raw) else None


@access(PUBLIC)
@require_safe
@cached_public_page
def index(request):
    return render(request, "sitegroup/index.html", {
        "nav": "disclosure",
        "groups": selectors.entries_by_source(),
    })


@access(PUBLIC)
@require_safe
@cached_public_page
def source_detail(request, source_id: int):
    source = selectors.public_source_get(source_id=source_id)
    if source is None:
        raise Http404("未找到该订阅源")
    entries = selectors.source_entries(source=source, before_id=_positive_int(request.GET.get("before")),
                                       limit=selectors.PAGE_SIZE + 1)
    more = len(entries) > selectors.PAGE_SIZE
    entries = entries[: selectors.PAGE_SIZE]
    return render(request, "sitegroup/source.html", {
        "nav": "disclosure", "source": source, "entries": entries,
        "next_before": entries[-1].pk if more else None,
    })


def render_panel(request) -> str:
    """The 网站群导读 panel on the portal's home and 政务公开 pages (same for every visitor)."""
    return render_to_string("sitegroup/_panel.html", {"entries": selectors.latest_entries()}, request)


@access(STAFF, roles=MANAGER_ROLES)
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request):
    departments = unit_list(kinds=[Unit.Kind.DEPARTMENT])
    form = {"name": "", "url": "", "site_name": "", "department": ""}
    error = None
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in form}
        department = None
        if form["department"]:
            department = next((d for d in departments if d.code == form["department"]), None)
            if department is None:
                error = "请选择列表中的部门"
        if error is None:
            try:
                source = services.feed_source_register(
                    actor=request.user, name=form["name"], url=form["url"],
                    site_name=form["site_name"], department=department,
                )
            except DomainError as exc:
                error = exc.message
            else:
                messages.success(request, f"已登记订阅源“{source.name}”,稍后自动抓取")
                return redirect("sitegroup:manage")
    return render(request, "sitegroup/manage.html", {
        "sources": selectors.feed_source_list(), "departments": departments,
        "form": form, "error": error, "statuses": FeedSource.Status,
    }, status=400 if error else 200)


@access(STAFF, roles=MANAGER_ROLES)
@require_POST
@confirm_first(when_field("action", {"disable": "停用该订阅源"}))
def source_action(request, source_id: int):
    source = FeedSource.objects.filter(pk=source_id).first()
    if source is None:
        raise Http404("未找到该订阅源")
    action = request.POST.get("action", "")
    handlers = {
        "enable": (services.feed_source_enable, "已启用"),
        "disable": (services.feed_source_disable, "已停用"),
        "pull": (services.feed_source_pull_request, "已加入抓取队列"),
    }
    if action not in handlers:
        messages.error(request, "不支持的操作")
        return redirect("sitegroup:manage")
    service, done = handlers[action]
    try:
        service(actor=request.user, source=source)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"订阅源“{source.name}”{done}")
    return redirect("sitegroup:manage")
