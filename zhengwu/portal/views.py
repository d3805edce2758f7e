"""Public portal pages and the staff back-office shell.

Views only parse input, call selectors and render; every read of substance lives in the
selectors of the app that owns the data.
"""


from django.core.paginator import InvalidPage, Paginator
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe

from zhengwu.catalog import selectors as catalog_selectors
from zhengwu.catalog.models import Audience, Category
from zhengwu.core import bounds
from zhengwu.core import selectors as core_selectors
from zhengwu.core import workdays
from zhengwu.core.access import PUBLIC, STAFF, access
from zhengwu.core.audit import audit_chain_verify
from zhengwu.core.errors import NotFound, ValidationFailed
from zhengwu.core.faults import fault_response_for_current
from zhengwu.core.models import AuditEvent
from zhengwu.core.page_cache import cached_public_page
from zhengwu.core.selectors import AUDIT_PAGE_SIZE
from zhengwu.org.roles import Role

from zhengwu.core.registries import audit_labels
from zhengwu.core.registries import portal as extensions
from zhengwu.core.registries import workbench
from zhengwu.notifications.selectors import message_recent
from . import selectors as portal_selectors
from .context_processors import office_shell_for

ITEMS_PER_PAGE = 20
ROLE_LABELS = dict(Role.choices)
OFFICE_NOTICES = 5
ELDERLY_COOKIE = "zw_elderly"
ELDERLY_COOKIE_AGE = 365 * 24 * 3600
MAX_QUERY_LENGTH = 100


def _columns_context() -> dict:
    """Gather what the three home columns show; each value is one query."""
    return {
        "category_counts": catalog_selectors.category_counts(),
        "disclosure_groups": catalog_selectors.work_area_list(category=Category.DISCLOSURE),
        "disclosure_items": catalog_selectors.item_list(category=Category.DISCLOSURE),
        "power_areas": catalog_selectors.work_area_list(category=Category.POWER),
        "convenience_items": catalog_selectors.item_list(category=Category.CONVENIENCE),
        "directory": portal_selectors.contact_directory(),
        "filter_counts": catalog_selectors.service_filter_counts(),
        **_life_events_by_audience(),
    }


@access(PUBLIC)
@require_safe
@cached_public_page
def home(request):
    return render(request, "portal/home.html", {
        "nav": "home", "panels": extensions.section_panels("home", request), **_columns_context(),
    })


@access(PUBLIC)
@require_safe
@cached_public_page
def disclosure_index(request):
    return render(request, "portal/section_disclosure.html", {
        "nav": "disclosure",
        "category_counts": catalog_selectors.category_counts(),
        "disclosure_groups": catalog_selectors.work_area_list(category=Category.DISCLOSURE),
        "disclosure_items": catalog_selectors.item_list(category=Category.DISCLOSURE),
        "panels": extensions.section_panels("disclosure", request),
    })


def _life_events_by_audience() -> dict[str, list]:
    events = catalog_selectors.life_event_list()
    return {
        "person_events": [e for e in events if e.audience == Audience.PERSON],
        "legal_events": [e for e in events if e.audience == Audience.LEGAL],
    }


@access(PUBLIC)
@require_safe
@cached_public_page
def services_index(request):
    return render(request, "portal/section_services.html", {
        "nav": "services",
        "category_counts": catalog_selectors.category_counts(),
        "power_areas": catalog_selectors.work_area_list(category=Category.POWER),
        "convenience_items": catalog_selectors.item_list(category=Category.CONVENIENCE),
        "filter_counts": catalog_selectors.service_filter_counts(),
        **_life_events_by_audience(),
        "panels": extensions.section_panels("services", request),
    })


@access(PUBLIC)
@require_safe
@cached_public_page
def township_list(request):
    """按乡镇办事: each township or street with its service centre and the items it accepts."""
    return render(request, "portal/township_list.html", {
        "nav": "services",
        "townships": portal_selectors.township_directory(),
        "township_count": catalog_selectors.service_filter_counts()["township"],
    })


@access(PUBLIC)
@require_safe
@cached_public_page
def participation_index(request):
    return render(request, "portal/section_participation.html", {
        "nav": "participation",
        "directory": portal_selectors.contact_directory(),
        "panels": extensions.section_panels("participation", request),
    })


def _catalog_filters(request) -> dict:
    params = request.GET
    return {
        "category": params.get("category", "").strip() or None,
        "work_area": params.get("work_area", "").strip() or None,
        "department": params.get("department", "").strip() or None,
        "q": params.get("q", "").strip() or None,
        "audience": params.get("audience", "").strip() or None,
        "event": params.get("event", "").strip() or None,
        "township": params.get("township", "").strip() or None,
        "fully_online": params.get("online", "") == "full",
        "one_visit": params.get("visits", "") == "1",
    }


def _selector_filters(filters: dict) -> dict:
    """The catalog selector's arguments: a township code only narrows to township items."""
    return {**filters, "township": bool(filters["township"])}


@access(PUBLIC)
@require_safe
@cached_public_page
def catalog_list(request):
    filters = _catalog_filters(request)
    counts = catalog_selectors.category_counts()
    category_ok = filters["category"] is None or filters["category"] in Category.values
    # Materialised once: they fill the filter selects and validate the submitted codes.
    work_areas = list(catalog_selectors.work_area_list(category=filters["category"] if category_ok else None))
    departments = list(catalog_selectors.department_list())
    context = {
        "nav": "catalog",
        "filters": filters,
        "tabs": [
            {"value": value, "label": label, "count": counts.get(value, 0)}
            for value, label in Category.choices
        ],
        "total_count": sum(counts.values()),
        "work_areas": work_areas,
        "departments": departments,
        "error": None,
        "page_obj": None,
    }
    context["event"] = None
    context["township_unit"] = None
    context["audiences"] = [(Audience.PERSON, "个人办事"), (Audience.LEGAL, "法人办事")]
    try:
        _check_filter_codes(filters, work_areas, departments)
        if filters["event"]:
            context["event"] = catalog_selectors.life_event_get(code=filters["event"])
        if filters["township"]:
            context["township_unit"] = portal_selectors.township_get(code=filters["township"])
        items = catalog_selectors.item_list(**_selector_filters(filters))
        context["page_obj"] = _page(items, request.GET.get("page"))
    except ValidationFailed as exc:
        context["error"] = exc.message
        return render(request, "portal/catalog_list.html", context, status=400)
    return render(request, "portal/catalog_list.html", context)


def _check_filter_codes(filters, work_areas, departments) -> None:
    """Refuse filters naming nothing that exists, so a mistyped link says so instead of
    showing an empty list."""
    if filters["q"] and len(filters["q"]) > MAX_QUERY_LENGTH:
        raise ValidationFailed(f"搜索关键词不能超过{MAX_QUERY_LENGTH}个字。", code="q_too_long")
    area = filters["work_area"]
    if area and not any(area in (a.code, a.name) for a in work_areas):
        raise ValidationFailed(f"未知的工作领域:{area}", code="unknown_work_area")
    dept = filters["department"]
    if dept and not any(dept == d.code for d in departments):
        raise ValidationFailed(f"未知的实施部门:{dept}", code="unknown_department")


def _page(queryset, raw_page):
    paginator = Paginator(queryset, ITEMS_PER_PAGE, allow_empty_first_page=True)
    try:
        number = int(raw_page) if raw_page not in (None, "") else 1
        return paginator.page(number)
    except (ValueError, InvalidPage):
        raise ValidationFailed(
            f"页码无效:请填写 1 到 {paginator.num_pages} 之间的整数。", code="bad_page"
        ) from None


@access(PUBLIC)
@require_safe
@cached_public_page
def department_list(request):
    return render(request, "portal/department_list.html", {
        "nav": "catalog",
        "departments": catalog_selectors.department_list(),
    })


@access(PUBLIC)
@require_safe
@cached_public_page
def item_detail(request, code):
    try:
        item = catalog_selectors.item_get(code=code)
    except NotFound as exc:
        return _error_page(request, 404, "事项不存在", exc.message)
    return render(request, "portal/item_detail.html", {
        "nav": "catalog",
        "item": item,
        "materials": list(item.materials.all()),
        "life_events": list(item.life_events.all()),
    })


@access(PUBLIC)
@require_safe
def elderly_mode(request):
    """Switch elderly mode without JS: set the cookie, then go back to a local page."""
    on = request.GET.get("mode", "on") != "off"
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("portal:home")
    response = HttpResponseRedirect(target)
    response.set_cookie(
        ELDERLY_COOKIE, "1" if on else "0", max_age=ELDERLY_COOKIE_AGE, samesite="Lax",
        # Readable by the page script so the toggle works without a reload.
        httponly=False,
    )
    return response


@access(STAFF)
@require_safe
def office(request):
    """The staff workbench: 待办/预警/逾期 per module, today's deadlines, recent notices.

    Each module's counter is one aggregate query over the posts the frame has already
    loaded (``core.registries.workbench``); staff keep this page open all day.
    """
    shell = office_shell_for(request)
    today = timezone.localdate()
    modules, deadlines = [], []
    for counter in workbench.workbench_counters(shell.posts):
        counts = counter.count(request.user, shell.posts, today)
        modules.append({"key": counter.key, "label": counter.label, "url": reverse(counter.url_name), "counts": counts})
        # What falls due today is in its warning period, so a module with nothing in
        # warning has no deadline to list and its second query is skipped.
        if counter.deadlines is not None and counts.warning:
            deadlines += counter.deadlines(request.user, shell.posts, today)
    return render(request, "portal/office.html", {
        "nav": None,
        "today": today,
        "modules": modules,
        "deadlines": deadlines,
        "notices": message_recent(user=request.user, limit=OFFICE_NOTICES),
        "missing_years": workdays.calendar_missing_years(),
        "extra_links": shell.links,
    })


def _audit_filters(params) -> tuple[dict, dict, str | None]:
    """Parse the audit page's query string into selector arguments (or a Chinese error)."""
    raw = {key: params.get(key, "").strip() for key in ("action", "actor", "result", "date_from", "date_to", "before")}
    parsed: dict = {
        "action": raw["action"][:64] or None,
        "actor": raw["actor"][:150] or None,
        "result": raw["result"] or None,
    }
    if parsed["result"] and parsed["result"] not in AuditEvent.Result.values:
        return raw, parsed, "结果筛选取值无效。"
    for key, label in (("date_from", "开始日期"), ("date_to", "结束日期")):
        try:
            parsed[key] = bounds.date_parse(raw[key], label=label, field=key)
        except ValidationFailed as exc:
            return raw, parsed, exc.message + "。"
    if parsed["date_from"] and parsed["date_to"] and parsed["date_from"] > parsed["date_to"]:
        return raw, parsed, "开始日期不能晚于结束日期。"
    try:
        parsed["before_id"] = bounds.int_parse(raw["before"], label="翻页参数", low=1)
    except ValidationFailed:
        return raw, parsed, "翻页参数无效,请从第一页重新查询。"
    return raw, parsed, None


@access(STAFF, roles=[Role.AUDIT_ADMIN])
@require_safe
def office_audit(request):
    """The audit administrator's view of the trail (三员分立: nobody else reads it)."""
    raw, parsed, error = _audit_filters(request.GET)
    rows = [] if error else core_selectors.audit_event_list(**parsed, limit=AUDIT_PAGE_SIZE + 1)
    has_more = len(rows) > AUDIT_PAGE_SIZE
    rows = rows[:AUDIT_PAGE_SIZE]
    for row in rows:
        row.action_label = audit_labels.audit_action_label(row.action)
        row.object_label = audit_labels.audit_object_label(row.object_type, row.object_id)
        row.role_label = "、".join(ROLE_LABELS.get(r, r) for r in row.role.split(",") if r)
    # The chain check walks the whole trail, so it runs on the first page only, not on
    # every "next page" click.
    chain = audit_chain_verify() if not raw["before"] and not error else None
    next_query = None
    if has_more:
        query = request.GET.copy()
        query["before"] = rows[-1].pk
        next_query = query.urlencode()
    return render(request, "portal/office_audit.html", {
        "nav": None,
        "filters": raw,
        "results": AuditEvent.Result.choices,
        "rows": rows,
        "error": error,
        "chain": chain,
        "next_query": next_query,
    }, status=400 if error else 200)


def _error_page(request, status, title, message):
    # API clients get the same {code, message, details} contract as every other API error.
    if request.path.startswith("/api/"):
        codes = {400: "bad_request", 403: "permission_denied", 404: "not_found"}
        return JsonResponse({"code": codes.get(status, "error"), "message": title, "details": {}}, status=status)
    return render(
        request, "portal/error.html", {"status": status, "title": title, "message": message},
        status=status,
    )


def error_400(request, exception=None):
    return _error_page(request, 400, "请求有误", "您提交的请求无法处理,请检查填写的内容或链接后重试。")


def error_403(request, exception=None):
    return _error_page(request, 403, "无权访问", "您没有访问该页面的权限。如需办理业务,请使用有相应权限的账户登录。")


def error_404(request, exception=None):
    return _error_page(request, 404, "页面不存在", "您访问的页面不存在或已被移除,请检查网址,或从首页重新进入。")


def error_500(request):
    # A fault raised in a middleware (the session or access check hitting a locked
    # database) arrives here: answered 503 with Retry-After like a view's (ADR 0017).
    unavailable = fault_response_for_current(request)
    if unavailable is not None:
        return unavailable
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "server_error", "message": "服务器内部错误,请稍后再试", "details": {}}, status=500)
    # Rendered without a request context: the database may be what failed.
    html = loader.get_template("portal/500.html").render({})
    return HttpResponse(html, status=500)
