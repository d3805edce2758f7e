"""A CKAN-compatible Action API at /api/3/action/{name} (and /api/action/{name}).

Existing CKAN clients (ckanapi, CKAN's JavaScript, harvesters) work unchanged: GET with
query parameters or POST with a JSON body, CKAN's envelope ``{help, success, result}``
or ``{help, success: false, error: {__type, message}}`` and its error types and
statuses. A package is a catalog entry, a resource its table, an organization a
department. Keys come raw in ``Authorization`` or ``X-CKAN-API-Key``; entries open to the
public (开放) and their records are readable without one, the rest of the catalog by
any department's key, the records by the grants.
"""

from __future__ import annotations

import json
import re

from django.conf import settings
from django.db.models import Count
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from zhengwu.core.access import PUBLIC, access
from zhengwu.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from zhengwu.org.models import Unit

from . import fts, ingest, reads, selectors
from .datastore import CKAN_TYPES
from .models import Resource, ResourceFormat, ShareType, UpdateCycle

CKAN_VERSION = "2.10.4"  # the API generation this imitates (what clients check for)
MAX_ROWS = 1000

# CKAN has no rate-limit error of its own (ckan/views/api.py maps NotAuthorized, NotFound,
# ValidationError, the search errors and DataError; ckanapi's reverse mapping knows only
# those). A key over its rate is refused for now: HTTP 429 with ``Retry-After`` and the
# type "Authorization Error", which ckanapi raises as ``NotAuthorized`` carrying the
# envelope (``retry_after`` included) instead of an unrecognised ``CKANAPIError``.
_ERROR_TYPES = {404: "Not Found Error", 403: "Authorization Error", 409: "Validation Error", 429: "Authorization Error"}


class _Validation(Exception):
    def __init__(self, errors: dict):
        super().__init__("validation")
        self.errors = errors


def _help(request, name: str) -> str:
    return request.build_absolute_uri(f"/api/3/action/help_show?name={name}")


def _ok(request, name: str, result) -> JsonResponse:
    return JsonResponse({"help": _help(request, name), "success": True, "result": result},
                        json_dumps_params={"ensure_ascii": False})


def _error(request, name: str, status: int, error: dict) -> JsonResponse:
    return JsonResponse({"help": _help(request, name), "success": False, "error": error}, status=status,
                        json_dumps_params={"ensure_ascii": False})


def _params(request) -> dict:
    if request.method == "POST":
        ctype = request.content_type or ""
        if ctype.startswith("multipart/") or ctype.startswith("application/x-www-form-urlencoded"):
            return {k: v for k, v in request.POST.items()}
        body = request.body or b"{}"
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise _Validation({"message": "请求体不是有效的 JSON"}) from None
        if not isinstance(data, dict):
            raise _Validation({"message": "请求体应为 JSON 对象"})
        return data
    data = {}
    for k in request.GET:
        values = request.GET.getlist(k)
        data[k] = values if len(values) > 1 else values[0]
    return data


def _key(request):
    raw = request.headers.get("Authorization") or request.headers.get("X-CKAN-API-Key") or ""
    if not raw.strip():
        return None
    return reads.key_authenticate(raw)


def _visible(key):
    qs = selectors.published().select_related("provider")
    return qs if key is not None else qs.filter(is_open=True)


def _iso(value):
    return timezone.localtime(value).replace(tzinfo=None).isoformat() if value else None


def organization_dict(unit: Unit, *, count: int | None = None) -> dict:
    d = {
        "id": unit.code.lower(), "name": unit.code.lower(), "title": unit.name, "display_name": unit.name,
        "description": unit.responsibilities or "", "type": "organization", "state": "active",
        "is_organization": True, "approval_status": "approved", "image_url": "", "created": _iso(unit.created_at),
    }
    if count is not None:
        d["package_count"] = count
    return d


def resource_dict(request, r: Resource) -> dict:
    return {
        "id": r.slug, "package_id": r.slug, "name": r.name, "description": r.abstract,
        "format": "CSV" if r.is_table else "FILE", "url": request.build_absolute_uri(
            f"/api/3/action/datastore_search?resource_id={r.slug}") if r.is_table else "",
        "url_type": "datastore" if r.is_table else "", "datastore_active": bool(r.is_table and r.table_name),
        "created": _iso(r.created_at), "last_modified": _iso(r.last_loaded_at), "position": 0, "state": "active",
        "mimetype": "text/csv" if r.is_table else None,
    }


def package_dict(request, r: Resource) -> dict:
    extras = {
        "资源代码": r.code, "共享类型": r.get_share_type_display(), "共享条件": r.share_conditions,
        "不予共享依据": r.no_share_basis, "共享方式": r.get_share_method_display(),
        "更新周期": r.get_update_cycle_display(), "发布日期": r.published_on.isoformat() if r.published_on else "",
        "向社会开放": "是" if r.is_open else "否", "记录数": str(r.record_count), "版本": str(r.version),
    }
    return {
        "id": r.slug, "name": r.slug, "title": r.name, "notes": r.abstract, "type": "dataset", "state": "active",
        "private": not r.is_open, "owner_org": r.provider.code.lower(), "organization": organization_dict(r.provider),
        "metadata_created": _iso(r.created_at), "metadata_modified": _iso(r.updated_at),
        "license_id": "", "license_title": "", "author": r.provider.name, "maintainer": r.provider.name,
        "version": str(r.version), "url": request.build_absolute_uri(f"/exchange/catalog/{r.pk}/"),
        "num_resources": 1, "resources": [resource_dict(request, r)], "num_tags": 0, "tags": [], "groups": [],
        "extras": [{"key": k, "value": v} for k, v in extras.items()],
        "share_type": r.share_type, "update_cycle": r.update_cycle, "code": r.code,
    }


def _package(key, ident) -> Resource:
    if not ident:
        raise _Validation({"id": ["缺少参数"]})
    r = _visible(key).filter(slug=str(ident)).first()
    if r is None:
        raise NotFound("未找到该数据集", code="package_not_found")
    return r


def package_show(request, key, p):
    return package_dict(request, _package(key, p.get("id") or p.get("name_or_id")))


def resource_show(request, key, p):
    return resource_dict(request, _package(key, p.get("id")))


def package_list(request, key, p):
    qs = _visible(key).order_by("slug")
    limit, offset = p.get("limit"), p.get("offset")
    names = qs.values_list("slug", flat=True)
    if limit not in (None, ""):
        start = reads._int_param(offset, "offset", 0)
        names = names[start:start + reads._int_param(limit, "limit", 1000, high=MAX_ROWS)]
    return list(names)


_FQ_FIELDS = {"organization": "provider__code__iexact", "owner_org": "provider__code__iexact",
              "share_type": "share_type", "update_cycle": "update_cycle", "res_format": "format",
              "name": "slug", "id": "slug"}
_FQ_TOKEN = re.compile(r'(\+?[a-z_]+):("([^"]*)"|(\S+))')
_SORTS = {"name": "slug", "title": "name", "metadata_modified": "updated_at", "metadata_created": "created_at",
          "score": "pk"}
_FACETS = {"organization": ("provider__code", "部门"), "share_type": ("share_type", "共享类型"),
           "res_format": ("format", "资源格式"), "update_cycle": ("update_cycle", "更新周期")}


def _fq(qs, fq: str):
    rest = fq
    for m in _FQ_TOKEN.finditer(fq):
        field, value = m.group(1).lstrip("+"), m.group(3) if m.group(3) is not None else m.group(4)
        if field not in _FQ_FIELDS:
            raise _Validation({"fq": [f"不支持按“{field}”筛选,可用:{'、'.join(_FQ_FIELDS)}"]})
        if field == "res_format":
            value = {"csv": ResourceFormat.TABLE, "file": ResourceFormat.FILE}.get(value.lower(), value)
        qs = qs.filter(**{_FQ_FIELDS[field]: value})
        rest = rest.replace(m.group(0), "")
    if re.sub(r"\b(AND)\b|[\s()]", "", rest):
        raise _Validation({"fq": ["fq 格式不正确,应为“字段:值”"]})
    return qs


def _sort(qs, sort: str):
    order = []
    for part in (sort or "score desc, metadata_modified desc").split(","):
        bits = part.split()
        if not bits:
            continue
        if bits[0] not in _SORTS or (len(bits) > 1 and bits[1].lower() not in ("asc", "desc")):
            raise _Validation({"sort": [f"不能按“{part.strip()}”排序"]})
        order.append(("-" if len(bits) > 1 and bits[1].lower() == "desc" else "") + _SORTS[bits[0]])
    return qs.order_by(*order, "pk")


def _facet_fields(p) -> list[str]:
    raw = p.get("facet.field")
    if raw in (None, ""):
        return []
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raw = [raw]
    if not isinstance(raw, list):
        raise _Validation({"facet.field": ["应为字段名列表"]})
    bad = [f for f in raw if f not in _FACETS]
    if bad:
        raise _Validation({"facet.field": [f"不支持的分面:{'、'.join(map(str, bad))}"]})
    return raw


def _display(field: str, value: str, units: dict) -> str:
    if field == "organization":
        return units.get(value, value)
    choices = {"share_type": ShareType, "update_cycle": UpdateCycle, "res_format": ResourceFormat}[field]
    return dict(choices.choices).get(value, value)


def package_search(request, key, p):
    qs = _visible(key)
    q = str(p.get("q") or "").strip()
    if q and q not in ("*:*", "*"):
        # The catalog's full-text index (segmented words), not a LIKE scan.
        ids = fts.catalog_match(q)
        if ids is not None:
            qs = qs.filter(pk__in=ids)
    if p.get("fq"):
        qs = _fq(qs, str(p["fq"]))
    rows = reads._int_param(p.get("rows"), "rows", 10, high=MAX_ROWS)
    start = reads._int_param(p.get("start"), "start", 0)
    count = qs.count()
    page = list(_sort(qs, p.get("sort"))[start:start + rows])
    facets, search_facets = {}, {}
    wanted = _facet_fields(p)
    if wanted:
        units = {u.code: u.name for u in Unit.objects.filter(kind=Unit.Kind.DEPARTMENT)}
        for f in wanted:
            column, title = _FACETS[f]
            counts = selectors.facet_counts(qs, column)
            values = {("csv" if (f == "res_format" and v == "table") else str(v).lower() if f == "organization"
                       else str(v)): n for v, n in counts}
            facets[f] = values
            search_facets[f] = {"title": title, "items": [
                {"name": v, "display_name": _display(f, v.upper() if f == "organization" else
                                                    ("table" if v == "csv" else v), units), "count": n}
                for v, n in values.items()]}
    return {"count": count, "sort": p.get("sort") or "score desc, metadata_modified desc",
            "results": [package_dict(request, r) for r in page], "facets": facets, "search_facets": search_facets}


def organization_list(request, key, p):
    units = Unit.objects.filter(pk__in=_visible(key).values("provider_id")).order_by("code")
    all_fields = str(p.get("all_fields", "")).lower() in ("true", "1")
    if not all_fields:
        return [u.code.lower() for u in units]
    counts = dict(_visible(key).values_list("provider_id").annotate(n=Count("id")))
    return [organization_dict(u, count=counts.get(u.pk, 0)) for u in units]


def organization_show(request, key, p):
    ident = str(p.get("id") or "")
    if not ident:
        raise _Validation({"id": ["缺少参数"]})
    unit = Unit.objects.filter(code__iexact=ident).first()
    if unit is None:
        raise NotFound("未找到该组织", code="organization_not_found")
    qs = _visible(key).filter(provider=unit)
    d = organization_dict(unit, count=qs.count())
    if str(p.get("include_datasets", "")).lower() in ("true", "1"):
        d["packages"] = [package_dict(request, r) for r in qs.order_by("slug")[:1000]]
    return d


def _table(key, p) -> Resource:
    rid = p.get("resource_id") or p.get("id")
    if not rid:
        raise _Validation({"resource_id": ["缺少参数"]})
    r = Resource.objects.select_related("provider").filter(slug=str(rid), status=Resource.Status.PUBLISHED).first()
    if r is None or not r.is_table:
        raise NotFound(f"未找到资源“{rid}”", code="resource_not_found")
    return r


def datastore_search(request, key, p):
    return reads.datastore_read(key=key, resource=_table(key, p), params=p)


def datastore_info(request, key, p):
    r = _table(key, p)
    acc = reads.access_for(key=key, resource=r)
    fields = [f for f in selectors.resource_fields(r) if f.name in acc.fields]
    return {
        "meta": {"id": r.slug, "count": r.record_count, "table_type": "BASE TABLE", "aliases": []},
        "fields": [{"id": f.name, "type": CKAN_TYPES[f.type], "schema": {"native_type": f.type, "is_index": f.is_key or f.indexed,
                                                                           "notnull": f.required or f.is_key},
                    "info": {"label": f.title, "notes": f.description}} for f in fields],
        "schema": {f.name: CKAN_TYPES[f.type] for f in fields},
    }


def datastore_upsert(request, key, p):
    if key is None:
        raise PermissionDenied("写入数据需要提供部门的访问密钥", code="exchange_key_required")
    r = _table(key, p)
    run = ingest.resource_upsert(actor=None, unit=key.unit, resource=r, records=p.get("records"),
                                 method=str(p.get("method") or "upsert"))
    return {"resource_id": r.slug, "method": p.get("method") or "upsert", "records_written": run.rows_loaded}


def status_show(request, key, p):
    site = getattr(settings, "ZHENGWU_SITE_NAME", "") or "政务信息平台"
    return {"ckan_version": CKAN_VERSION, "site_title": f"{site} 数据共享交换平台",
            "site_url": request.build_absolute_uri("/").rstrip("/"), "site_description": "政务信息资源目录与数据共享交换",
            "locale_default": "zh_Hans_CN", "error_emails_to": None, "extensions": ["datastore"]}


ACTIONS = {f.__name__: f for f in (package_search, package_show, package_list, organization_list, organization_show,
                                   resource_show, datastore_search, datastore_info, datastore_upsert, status_show)}


@csrf_exempt
@access(PUBLIC)
def action(request, name: str):
    if request.method not in ("GET", "POST", "HEAD"):
        return _error(request, name, 400, {"__type": "Bad Request", "message": "仅支持 GET 和 POST"})
    fn = ACTIONS.get(name)
    if fn is None:
        return _error(request, name, 400, {"__type": "Bad request - Action name not known",
                                           "message": f"不支持的操作:{name}"})
    try:
        params = _params(request)
        key = _key(request)
        return _ok(request, name, fn(request, key, params))
    except _Validation as exc:
        return _error(request, name, 409, {"__type": "Validation Error", **exc.errors})
    except ValidationFailed as exc:
        err = {"__type": "Validation Error", "message": exc.message}
        field = (exc.details or {}).get("field")
        if field and field not in err:
            err[field] = [exc.message]  # CKAN names the offending field with its messages
        if exc.details:
            err["details"] = exc.details
        return _error(request, name, 409, err)
    except DomainError as exc:
        status = exc.status if exc.status in _ERROR_TYPES else 400
        if isinstance(exc, NotFound):
            status = 404
        elif isinstance(exc, PermissionDenied):
            status = 403
        err = {"__type": _ERROR_TYPES.get(status, "Validation Error"), "message": exc.message}
        if exc.details:
            err["details"] = exc.details
        retry = getattr(exc, "retry_after", 0)
        if retry:
            err["retry_after"] = retry
        response = _error(request, name, status, err)
        if retry:
            response["Retry-After"] = str(retry)
        return response
