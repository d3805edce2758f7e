"""Pages of the exchange: the catalog browser, entry and department pages, the county
dashboard, and the staff workspace (entries, uploads, requests, grants, keys, usage)."""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from zhengwu.core.access import PUBLIC, STAFF, access
from zhengwu.core.clock import COLOUR_LABELS, clock_colour
from zhengwu.core.errors import DomainError
from zhengwu.core.confirm import always, confirm_first, when_field
from zhengwu.org.models import Unit
from zhengwu.org.roles import Role

from . import datastore as ds
from . import ingest, selectors, services
from .models import (
    AccessRequest,
    ApiKey,
    CorrectionTicket,
    FieldType,
    FrontEndSource,
    Grant,
    LoadRun,
    PersonalKind,
    Resource,
    ResourceFormat,
    ShareMethod,
    ShareType,
    UpdateCycle,
)
from .services import columns_of

STEWARD = [Role.DATA_STEWARD]
PREVIEW_ROWS = 10


def _staff_units(request) -> list[Unit]:
    return selectors.acting_units(request.user) if request.user.is_authenticated else []


def _unit_from(request, units) -> Unit:
    code = request.POST.get("unit") or request.GET.get("unit") or ""
    for u in units:
        if u.code == code or (not code and len(units) == 1):
            return u
    if units and not code:
        return units[0]
    raise Http404("未找到该部门")


@access(PUBLIC)
@require_safe
def catalog(request):
    params = {k: request.GET.get(k, "").strip()[:100] for k in ("q", "provider", "share_type", "fmt", "cycle")}
    staff = bool(_staff_units(request))
    qs = selectors.catalog_search(q=params["q"], provider=params["provider"], share_type=params["share_type"],
                                  fmt=params["fmt"], cycle=params["cycle"])
    if not staff:
        qs = qs.filter(is_open=True)
    units = {u.code: u.name for u in Unit.objects.filter(kind=Unit.Kind.DEPARTMENT)}
    facets = {
        "provider": [(code, units.get(code, code), n) for code, n in selectors.facet_counts(qs, "provider__code")][:60],
        "share_type": [(v, ShareType(v).label, n) for v, n in selectors.facet_counts(qs, "share_type")],
        "fmt": [(v, ResourceFormat(v).label, n) for v, n in selectors.facet_counts(qs, "format")],
        "cycle": [(v, UpdateCycle(v).label, n) for v, n in selectors.facet_counts(qs, "update_cycle")],
    }
    page = Paginator(qs.order_by("class_code", "item_code", "catalog_code", "detail_code", "seq"), 30).get_page(
        request.GET.get("page"))
    return render(request, "exchange/catalog.html", {"page": page, "params": params, "facets": facets,
                                                     "staff": staff, "figures": selectors.county_figures()})


def _visible_resource(request, pk: int) -> Resource:
    resource = Resource.objects.select_related("provider", "freshness_clock").filter(pk=pk).first()
    units = _staff_units(request)
    if resource is None:
        raise Http404("未找到该信息资源")
    own = any(u.pk == resource.provider_id for u in units)
    if resource.status != Resource.Status.PUBLISHED and not own and not selectors.is_data_office(request.user):
        raise Http404("未找到该信息资源")
    if not resource.is_open and not units:
        raise Http404("未找到该信息资源")
    return resource


@access(PUBLIC)
@require_safe
def entry(request, pk: int):
    resource = _visible_resource(request, pk)
    units = _staff_units(request)
    own = any(u.pk == resource.provider_id for u in units)
    fields = selectors.resource_fields(resource)
    preview, preview_note = [], ""
    if resource.is_table and resource.table_name and resource.status == Resource.Status.PUBLISHED:
        if own or resource.is_open:
            cols = columns_of(fields)
            page = ds.table_search(table=resource.table_name, columns=cols, select=[c.name for c in cols], filters={},
                                   limit=PREVIEW_ROWS, include_total=False)
            from .reads import _masker

            for rec in page.records:
                for c in cols:
                    if c.personal and not own and rec.get(c.name):
                        rec[c.name] = _masker(c.personal)(str(rec[c.name]))
            preview = [[rec.get(c.name) for c in cols] for rec in page.records]
        else:
            preview_note = "该资源的数据需凭访问密钥和共享授权通过接口读取。"
    return render(request, "exchange/entry.html", {
        "r": resource, "fields": fields, "preview": preview, "preview_note": preview_note, "own": own,
        "loads": selectors.loads_for(resource) if own else [], "staff_units": units,
        "progress_token": secrets.token_urlsafe(16) if own else "",
        "can_request": bool(units) and not own and resource.share_type == ShareType.CONDITIONAL,
        "related": list(resource.related.filter(status=Resource.Status.PUBLISHED)),
        "freshness": COLOUR_LABELS.get(clock_colour(resource.freshness_clock, timezone.localdate()))
        if resource.freshness_clock else "",
    })


@access(PUBLIC)
@require_safe
def departments(request):
    rows = selectors.department_figures()
    return render(request, "exchange/departments.html", {"rows": rows})


@access(PUBLIC)
@require_safe
def department(request, code: str):
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise Http404("未找到该部门")
    qs = selectors.published().filter(provider=unit)
    if not _staff_units(request):
        qs = qs.filter(is_open=True)
    return render(request, "exchange/department.html", {
        "unit": unit, "resources": qs.order_by("pk")[:500],
        "owed": selectors.owed_resources(unit) if _staff_units(request) else [],
    })


@access(STAFF)
@require_safe
def dashboard(request):
    figures = selectors.county_figures()
    rows = selectors.department_figures()
    chart = {
        "names": [r["name"] for r in rows[:30]], "provided": [r["provided"] for r in rows[:30]],
        "consumed": [r["consumed"] for r in rows[:30]], "reads": [r["reads"] for r in rows[:30]],
        "share": [{"name": "无条件共享", "value": figures["unconditional"]},
                  {"name": "有条件共享", "value": figures["conditional"]},
                  {"name": "不予共享", "value": figures["none"]}],
    }
    return render(request, "exchange/dashboard.html", {"figures": figures, "rows": rows, "chart": chart})


# ---------------------------------------------------------------- staff workspace

@access(STAFF, roles=STEWARD)
@require_http_methods(["GET", "HEAD", "POST"])
def office(request):
    units = _staff_units(request)
    config = selectors.config_get()
    data_office = selectors.is_data_office(request.user)
    if request.method == "POST":
        try:
            services.config_set(actor=request.user, provide_first=request.POST.get("provide_first") == "on")
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "设置已保存")
        return HttpResponseRedirect(reverse("exchange:office"))
    today = timezone.localdate()
    incoming = selectors.requests_for_provider(units)
    for r in incoming:
        r.colour = COLOUR_LABELS.get(clock_colour(r.clock, today)) if r.clock else ""
    return render(request, "exchange/office.html", {
        "units": units, "config": config, "data_office": data_office,
        "review": selectors.review_queue() if data_office else [],
        "resources": selectors.resources_of(units),
        "owed": {u.pk: selectors.owed_resources(u) for u in units},
        "incoming": incoming, "outgoing": selectors.requests_by_requester(units),
        "grants": selectors.grants_for(units), "corrections": selectors.corrections_for_provider(units),
    })


def _field_lines(text: str) -> list[dict]:
    """One field a line: 字段名,信息项名称,类型,长度,个人信息类别,主键(是/否),必填(是/否)."""
    out = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.replace(",", ",").split(",")]
        parts += [""] * (7 - len(parts))
        out.append({"name": parts[0], "title": parts[1], "type": parts[2] or "text", "length": parts[3] or None,
                    "personal": parts[4], "is_key": parts[5] in ("是", "1", "true"),
                    "required": parts[6] in ("是", "1", "true")})
    return out


@access(STAFF, roles=STEWARD)
@require_http_methods(["GET", "HEAD", "POST"])
def resource_new(request):
    units = _staff_units(request)
    error, form = None, {}
    if request.method == "POST":
        form = request.POST
        try:
            unit = _unit_from(request, units)
            r = services.resource_create(
                actor=request.user, provider=unit,
                codes={k: form.get(k, "") for k in ("class_code", "item_code", "catalog_code", "detail_code", "seq")},
                data={k: form.get(k, "") for k in ("name", "abstract", "format", "share_type", "share_conditions",
                                                   "no_share_basis", "share_method", "update_cycle")}
                | {"is_open": form.get("is_open") == "on"},
                fields=_field_lines(form.get("fields", "")))
            if form.get("submit_now") == "on":
                services.resource_submit(actor=request.user, resource=r)
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, "资源目录已保存")
            return HttpResponseRedirect(reverse("exchange:entry", args=[r.pk]))
    return render(request, "exchange/resource_new.html", {
        "units": units, "error": error, "form": form, "share_types": ShareType.choices,
        "methods": ShareMethod.choices, "cycles": UpdateCycle.choices, "formats": ResourceFormat.choices,
        "types": FieldType.choices, "personal": PersonalKind.choices,
    }, status=400 if error else 200)


def _own_resource(request, pk: int) -> Resource:
    r = Resource.objects.select_related("provider", "freshness_clock").filter(pk=pk).first()
    if r is None:
        raise Http404("未找到该信息资源")
    return r


@access(STAFF, roles=STEWARD)
@require_POST
def resource_act(request, pk: int):
    r = _own_resource(request, pk)
    act = request.POST.get("act", "")
    try:
        if act == "submit":
            services.resource_submit(actor=request.user, resource=r)
        elif act in ("publish", "return"):
            services.resource_review(actor=request.user, resource=r, approve=act == "publish",
                                     note=request.POST.get("note", ""))
        else:
            raise Http404("未知操作")
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, {"submit": "已提交审核", "publish": "已发布", "return": "已退回"}[act])
    return HttpResponseRedirect(request.POST.get("next") or reverse("exchange:entry", args=[r.pk]))


@access(STAFF, roles=STEWARD)
@require_POST
def upload(request, pk: int):
    r = _own_resource(request, pk)
    f = request.FILES.get("file")
    if f is None:
        messages.error(request, "请选择要上传的 CSV 或 Excel 文件")
        return HttpResponseRedirect(reverse("exchange:entry", args=[r.pk]))
    try:
        run = ingest.resource_load_file(actor=request.user, resource=r, stream=f.file, file_name=f.name,
                                        load_good_rows=request.POST.get("load_good") == "on",
                                        progress_token=request.POST.get("progress", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("exchange:entry", args=[r.pk]))
    return HttpResponseRedirect(reverse("exchange:load_run", args=[r.pk, run.pk]))


@access(STAFF, roles=STEWARD)
@require_safe
def upload_progress(request, pk: int):
    """How far a running upload is (bytes of the file, rows), polled by the upload form's script."""
    r = _own_resource(request, pk)
    if not any(u.pk == r.provider_id for u in _staff_units(request)):
        raise Http404("未找到该记录")
    state = ingest.progress_read(request.GET.get("token", ""))
    return JsonResponse(state or {"bytes": 0, "total": 0, "rows": 0, "done": False})


@access(STAFF, roles=STEWARD)
@require_safe
def load_run(request, pk: int, run_id: int):
    r = _own_resource(request, pk)
    if not any(u.pk == r.provider_id for u in _staff_units(request)):
        raise Http404("未找到该记录")
    run = r.loads.filter(pk=run_id).first()
    if run is None:
        raise Http404("未找到该记录")
    return render(request, "exchange/load_run.html", {"r": r, "run": run})


@access(STAFF, roles=STEWARD)
@require_http_methods(["GET", "HEAD", "POST"])
def request_new(request, pk: int):
    r = _own_resource(request, pk)
    if r.status != Resource.Status.PUBLISHED:
        raise Http404("未找到该信息资源")
    units = [u for u in _staff_units(request) if u.pk != r.provider_id]
    error, owed = None, []
    fields = selectors.resource_fields(r)
    if request.method == "POST":
        try:
            unit = _unit_from(request, units)
            services.request_submit(
                actor=request.user, unit=unit, resource=r, purpose=request.POST.get("purpose", ""),
                fields=request.POST.getlist("fields"), plain_fields=request.POST.getlist("plain_fields"),
                period_from=request.POST.get("period_from", ""), period_to=request.POST.get("period_to", ""),
                legal_basis=request.POST.get("legal_basis", ""))
        except DomainError as exc:
            error = exc.message
            owed = exc.details.get("owed", []) if exc.details else []
        else:
            messages.success(request, "共享申请已提交,提供部门将在 10 个工作日内审批")
            return HttpResponseRedirect(reverse("exchange:office"))
    today = timezone.localdate()
    return render(request, "exchange/request_new.html", {
        "r": r, "units": units, "fields": fields, "error": error, "owed": owed,
        "default_from": today.isoformat(), "default_to": (today + dt.timedelta(days=365)).isoformat(),
    }, status=403 if owed else (400 if error else 200))


@access(STAFF, roles=STEWARD)
@require_POST
@confirm_first(when_field("decision", {"refuse": "拒绝该共享申请"}))
def request_decide(request, request_id: int):
    req = AccessRequest.objects.select_related("resource", "resource__provider").filter(pk=request_id).first()
    if req is None:
        raise Http404("未找到该申请")
    try:
        services.request_decide(actor=request.user, request=req, approve=request.POST.get("decision") == "grant",
                                reason=request.POST.get("reason", ""), fields=request.POST.getlist("fields") or None,
                                plain_fields=request.POST.getlist("plain_fields"))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "审批结果已保存")
    return HttpResponseRedirect(reverse("exchange:office"))


@access(STAFF, roles=STEWARD)
@require_POST
@confirm_first(always("撤销该共享授权"))
def grant_revoke(request, grant_id: int):
    grant = Grant.objects.select_related("resource", "resource__provider").filter(pk=grant_id).first()
    if grant is None:
        raise Http404("未找到该授权")
    try:
        services.grant_revoke(actor=request.user, grant=grant)
    except DomainError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(reverse("exchange:office"))


@access(STAFF, roles=STEWARD)
@require_http_methods(["GET", "HEAD", "POST"])
@confirm_first(lambda request: "吊销该访问密钥" if request.POST.get("revoke") else None)
def keys(request):
    units = _staff_units(request)
    raw, error = None, None
    if request.method == "POST":
        try:
            if request.POST.get("revoke"):
                key = ApiKey.objects.select_related("unit").filter(pk=request.POST["revoke"]).first()
                if key is None:
                    raise Http404("未找到该密钥")
                services.key_revoke(actor=request.user, key=key)
                messages.success(request, "密钥已吊销")
                return HttpResponseRedirect(reverse("exchange:keys"))
            try:
                days = int(request.POST.get("days") or 365)
                rate = int(request.POST.get("rate") or 120)
            except ValueError:
                raise services.ValidationFailed("有效天数和请求上限必须是整数") from None
            _key, raw = services.key_issue(actor=request.user, unit=_unit_from(request, units),
                                           name=request.POST.get("name", ""), days=days, rate_per_minute=rate)
        except DomainError as exc:
            error = exc.message
    return render(request, "exchange/keys.html", {"units": units, "keys": selectors.keys_for(units), "raw": raw,
                                                  "error": error, "now": timezone.now()},
                  status=400 if error else 200)


@access(STAFF, roles=STEWARD)
@require_safe
def usage(request):
    units = _staff_units(request)
    return render(request, "exchange/usage.html", {"rows": selectors.usage_for_provider(units),
                                                   "summary": selectors.usage_summary_for_provider(units)})


@access(STAFF, roles=STEWARD)
@require_POST
def correction_new(request, pk: int):
    r = _own_resource(request, pk)
    try:
        services.correction_report(actor=request.user, unit=_unit_from(request, _staff_units(request)), resource=r,
                                   record_key=request.POST.get("record_key", ""), field=request.POST.get("field", ""),
                                   description=request.POST.get("description", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "校核单已提交,提供部门将在 5 个工作日内核实答复")
    return HttpResponseRedirect(reverse("exchange:entry", args=[r.pk]))


@access(STAFF, roles=STEWARD)
@require_POST
def correction_answer(request, ticket_id: int):
    t = CorrectionTicket.objects.select_related("resource", "resource__provider").filter(pk=ticket_id).first()
    if t is None:
        raise Http404("未找到该校核单")
    try:
        services.correction_answer(actor=request.user, ticket=t, fixed=request.POST.get("fixed") == "yes",
                                   reply=request.POST.get("reply", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(reverse("exchange:office"))


# ---------------------------------------------------------------- front-end processors (前置机)

PULL_RUNS_SHOWN = 5


@access(STAFF, roles=STEWARD)
@require_safe
def sources(request):
    """Each of the department's pull sources with its last runs, and the tables that have none yet."""
    units = _staff_units(request)
    tables = list(Resource.objects.filter(provider__in=units, status=Resource.Status.PUBLISHED, format="table")
                  .select_related("provider").order_by("provider__code", "name"))
    configured = {s.resource_id: s for s in FrontEndSource.objects.filter(resource__in=tables)}
    rows, unconfigured = [], []
    for r in tables:
        source = configured.get(r.pk)
        if source is None:
            unconfigured.append(r)
            continue
        runs = list(r.loads.filter(kind=LoadRun.Kind.PULL).order_by("-started_at")[:PULL_RUNS_SHOWN])
        rows.append({"r": r, "source": source, "location": ingest.location_masked(source.location), "runs": runs})
    return render(request, "exchange/sources.html", {"rows": rows, "unconfigured": unconfigured})


@access(STAFF, roles=STEWARD)
@require_http_methods(["GET", "HEAD", "POST"])
def source_edit(request, pk: int):
    """Add or change a resource's front-end processor; test it; pull now. The password is never shown."""
    r = _own_resource(request, pk)
    if not any(u.pk == r.provider_id for u in _staff_units(request)):
        raise Http404("未找到该信息资源")
    source = FrontEndSource.objects.filter(resource=r).first()
    error, result = None, None
    if request.method == "POST":
        act = request.POST.get("act", "save")
        try:
            if act == "test":
                ok, message = ingest.source_test(actor=request.user, resource=r)
                result = {"ok": ok, "message": message}
            elif act == "pull":
                run = ingest.source_pull(resource=r, actor=request.user)
                return HttpResponseRedirect(reverse("exchange:load_run", args=[r.pk, run.pk]))
            else:
                ingest.source_set(actor=request.user, resource=r, kind=request.POST.get("kind", ""),
                                  location=request.POST.get("location", ""), table=request.POST.get("table", "").strip(),
                                  updated_column=request.POST.get("updated_column", "").strip(),
                                  schedule=request.POST.get("schedule", ""), enabled=request.POST.get("enabled") == "on")
                messages.success(request, "前置机数据源已保存")
                return HttpResponseRedirect(reverse("exchange:source_edit", args=[r.pk]))
        except DomainError as exc:
            error = exc.message
    form = {"kind": source.kind if source else FrontEndSource.Kind.SQLITE,
            "location": ingest.location_masked(source.location) if source else "",
            "table": source.table if source else "", "updated_column": source.updated_column if source else "",
            "schedule": source.schedule if source else FrontEndSource.Schedule.HALF_HOURLY,
            "enabled": source.enabled if source else True}
    if request.method == "POST" and error and request.POST.get("act", "save") == "save":
        # Show back what was typed, except a password (masked again).
        form.update({k: request.POST.get(k, "") for k in ("kind", "table", "updated_column", "schedule")})
        form["location"] = ingest.location_masked(request.POST.get("location", ""))
        form["enabled"] = request.POST.get("enabled") == "on"
    runs = list(r.loads.filter(kind=LoadRun.Kind.PULL).order_by("-started_at")[:PULL_RUNS_SHOWN * 2])
    return render(request, "exchange/source_edit.html", {
        "r": r, "source": source, "form": form, "error": error, "result": result, "runs": runs,
        "kinds": FrontEndSource.Kind.choices, "schedules": FrontEndSource.Schedule.choices},
        status=400 if error else 200)
