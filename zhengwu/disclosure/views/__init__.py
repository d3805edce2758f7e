"""Public pages of 政务公开: a record, lists per catalog item / department / column,
the disclosure guide (指南) and the disclosure catalog (目录), and attachment downloads."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from zhengwu.core.access import PUBLIC, access
from zhengwu.core.errors import NotFound
from zhengwu.core.page_cache import cached_public_page
from zhengwu.core.uploads import storage
from zhengwu.core.uploads.views import CONTENT_TYPES, content_disposition
from zhengwu.org import responsibility
from zhengwu.org.models import Unit
from zhengwu.org.roles import Role

from .. import selectors
from ..models import Attachment, Column, Status

DEFAULT_OFFICE_HOURS = "工作日上午 8:30—12:00,下午 14:30—17:30(法定节假日除外)"


def _not_found(exc: NotFound):
    raise Http404(exc.message)


def _page(request, queryset):
    return Paginator(queryset, selectors.PAGE_SIZE).get_page(request.GET.get("page"))


def _list_page(request, *, title: str, queryset, crumbs: list, feeds: dict | None = None, intro: str = "", **extra):
    return render(request, "disclosure/list.html", {
        "nav": "disclosure", "page_title": title, "page_obj": _page(request, queryset), "crumbs": crumbs,
        "feeds": feeds, "intro": intro, **extra,
    })


@access(PUBLIC)
@require_safe
@cached_public_page
def detail(request, pk):
    try:
        row = selectors.disclosure_get_public(pk=pk)
    except NotFound as exc:
        _not_found(exc)
    attachments = [a for a in row.attachments.all() if selectors.attachment_public(a)]
    return render(request, "disclosure/detail.html", {"nav": "disclosure", "d": row, "attachments": attachments})


@access(PUBLIC)
@require_safe
@cached_public_page
def item_page(request, code):
    try:
        item = selectors.catalog_item_get_public(code=code)
    except NotFound as exc:
        _not_found(exc)
    return _list_page(
        request, title=item.name, queryset=selectors.disclosure_list_public(catalog_item=item),
        crumbs=[("政府信息公开目录", "disclosure:catalog")], intro=f"公开目录事项 {item.code}", item=item,
    )


@access(PUBLIC)
@require_safe
@cached_public_page
def department_page(request, code):
    try:
        unit = selectors.department_get_public(code=code)
    except NotFound as exc:
        _not_found(exc)
    return _list_page(
        request, title=f"{unit.name} 政府信息公开", queryset=selectors.disclosure_list_public(department=unit),
        crumbs=[("政府信息公开目录", "disclosure:catalog")],
        feeds={"rss": ("disclosure:feed_department_rss", unit.code), "atom": ("disclosure:feed_department_atom", unit.code)},
        unit=unit,
    )


@access(PUBLIC)
@require_safe
@cached_public_page
def column_page(request, column):
    try:
        col = selectors.column_get(slug=column)
    except NotFound as exc:
        _not_found(exc)
    return _list_page(
        request, title=col.label, queryset=selectors.disclosure_list_public(column=col),
        crumbs=[("政府信息公开目录", "disclosure:catalog")],
        feeds={"rss": ("disclosure:feed_column_rss", col.value), "atom": ("disclosure:feed_column_atom", col.value)},
        column=col,
    )


@access(PUBLIC)
@require_safe
@cached_public_page
def catalog(request):
    return render(request, "disclosure/catalog.html", {"nav": "disclosure", **selectors.disclosure_catalog_tree()})


def _disclosure_offices() -> list[Unit]:
    """Units where someone handles 依申请公开 (the offices the guide names)."""
    ids = responsibility.post_holders(unit_id=None, roles=Role.DISCLOSURE_OFFICER).values("unit_id")
    return list(Unit.objects.filter(pk__in=ids, is_active=True).order_by("sort_order", "code"))


@access(PUBLIC)
@require_safe
@cached_public_page
def guide(request):
    return render(request, "disclosure/guide.html", {
        "nav": "disclosure",
        "offices": _disclosure_offices(),
        "office_hours": getattr(settings, "ZHENGWU_DISCLOSURE_OFFICE_HOURS", DEFAULT_OFFICE_HOURS),
        "columns": list(Column),
        "column_counts": selectors.column_counts(),
    })


@access(PUBLIC)
@require_safe
def attachment(request, file_id):
    """Serve an attachment of a published record to anyone, signed in or not.

    Public information needs no per-download audit row (unlike personal files served by
    ``/files/<uuid>/``); anything not attached to a published record is a plain 404.
    """
    row = (
        Attachment.objects.select_related("file", "disclosure")
        .filter(file_id=file_id, disclosure__status=Status.PUBLISHED, file__is_deleted=False).first()
    )
    if row is None:
        raise Http404("附件不存在或已撤回")
    try:
        handle = open(storage.path_for(row.file.storage_name), "rb")  # noqa: SIM115 - FileResponse closes it
    except OSError:
        raise Http404("附件文件已丢失,请联系网站管理员") from None
    response = FileResponse(handle, content_type=CONTENT_TYPES.get(row.file.kind, "application/octet-stream"))
    response["Content-Disposition"] = content_disposition(row.name or row.file.original_name)
    response["Content-Length"] = str(row.file.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
