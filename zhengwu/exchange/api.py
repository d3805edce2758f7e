"""/api/v1/exchange/: the native operations of the data sharing and exchange platform.

For departments' 数据管理员 signed in with a verified second factor: catalog entries
(draft, submit, review), record upserts, access requests and decisions, grants, access
keys and the usage log. Consuming systems read through the CKAN-compatible Action API
(/api/3/action/...) with their keys.
"""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Router, Schema, Status

from zhengwu.core.api_auth import StaffSessionAuth
from zhengwu.core.errors import NotFound
from zhengwu.core.openapi import error_responses
from zhengwu.org.roles import Role

from . import ingest, selectors, services
from .models import AccessRequest, ApiKey, Grant

router = Router(tags=["数据共享交换"])
steward_auth = StaffSessionAuth(roles=[Role.DATA_STEWARD])


# Errors are the shared ApiError (zhengwu.core.openapi): ContractAPI documents each
# operation's 400/401/403/404/422; writes add the 409 a changed state answers, and those
# whose body names another object (a department, a resource) the 404 it may not exist.


class ExchangeFieldIn(Schema):
    name: str = Field(max_length=63, description="字段名(小写字母开头,字母数字下划线)")
    title: str = Field(max_length=100, description="信息项名称")
    type: str = Field("text", description="text / integer / number / date / datetime / boolean")
    length: int | None = None
    description: str = Field("", max_length=300)
    personal: str = Field("", description="个人信息类别:id_number / phone / address / name / other,空为非个人信息")
    required: bool = False
    is_key: bool = False
    choices: list[str] = []
    min_value: float | None = None
    max_value: float | None = None
    indexed: bool = False


class ExchangeResourceIn(Schema):
    provider: str = Field(description="提供部门机构代码")
    class_code: str = Field(description="类(1 位)")
    item_code: str = Field(description="项(2 位)")
    catalog_code: str = Field(description="目(3 位)")
    detail_code: str = Field(description="细目(3 位)")
    seq: int = Field(description="顺序号")
    name: str = Field(max_length=200)
    abstract: str = ""
    format: str = "table"
    share_type: str = Field(description="unconditional / conditional / none")
    share_conditions: str = ""
    no_share_basis: str = ""
    share_method: str = "api"
    is_open: bool = False
    update_cycle: str = Field(description="realtime / daily / weekly / monthly / quarterly / yearly / irregular")
    fields: list[ExchangeFieldIn]


class ExchangeResourceOut(Schema):
    id: int
    slug: str
    code: str
    name: str
    provider: str
    status: str
    share_type: str
    version: int
    record_count: int
    last_loaded_at: datetime | None


class ExchangeReviewIn(Schema):
    approve: bool
    note: str = ""


class ExchangeUpsertIn(Schema):
    records: list[dict]
    method: str = Field("upsert", description="insert / upsert / update")


class ExchangeLoadOut(Schema):
    id: int
    outcome: str
    rows_read: int
    rows_loaded: int
    rows_bad: int
    errors: list[dict]


class ExchangeRequestIn(Schema):
    unit: str = Field(description="申请部门机构代码")
    resource: str = Field(description="资源标识")
    purpose: str
    fields: list[str]
    plain_fields: list[str] = []
    period_from: date
    period_to: date
    legal_basis: str


class ExchangeRequestOut(Schema):
    id: int
    resource: str
    requester: str
    status: str
    fields: list[str]
    due_on: date | None
    reason: str


class ExchangeDecisionIn(Schema):
    approve: bool
    reason: str = ""
    fields: list[str] = []
    plain_fields: list[str] | None = None


class ExchangeGrantOut(Schema):
    id: int
    resource: str
    consumer: str
    fields: list[str]
    plain_fields: list[str]
    valid_from: date
    valid_until: date
    revoked: bool


class ExchangeKeyIn(Schema):
    unit: str
    name: str = Field(max_length=100)
    days: int = 365
    rate_per_minute: int = 120


class ExchangeKeyOut(Schema):
    id: int
    unit: str
    name: str
    prefix: str
    expires_at: datetime
    revoked: bool


class ExchangeKeyIssued(ExchangeKeyOut):
    key: str = Field(description="完整密钥,只返回这一次")


class ExchangeUsageOut(Schema):
    at: datetime
    unit: str | None
    resource: str
    action: str
    filters: dict
    rows: int
    response_hash: str
    hash: str


def _unit(request, code: str):
    for u in selectors.acting_units(request.auth):
        if u.code == code:
            return u
    raise NotFound(f"您不是机构“{code}”的数据管理员", code="exchange_unit_not_found")


def _resource_out(r) -> dict:
    return {"id": r.pk, "slug": r.slug, "code": r.code, "name": r.name, "provider": r.provider.code,
            "status": r.status, "share_type": r.share_type, "version": r.version, "record_count": r.record_count,
            "last_loaded_at": r.last_loaded_at}


def _request_out(q: AccessRequest) -> dict:
    return {"id": q.pk, "resource": q.resource.slug, "requester": q.requester.code, "status": q.status,
            "fields": q.fields, "due_on": q.clock.due_on if q.clock else None, "reason": q.reason}


def _grant_out(g: Grant) -> dict:
    return {"id": g.pk, "resource": g.resource.slug, "consumer": g.consumer.code, "fields": g.fields,
            "plain_fields": g.plain_fields, "valid_from": g.valid_from, "valid_until": g.valid_until,
            "revoked": g.revoked_at is not None}


def _key_out(k: ApiKey) -> dict:
    return {"id": k.pk, "unit": k.unit.code, "name": k.name, "prefix": k.prefix, "expires_at": k.expires_at,
            "revoked": k.revoked_at is not None}


@router.get("/resources", auth=steward_auth, response={200: list[ExchangeResourceOut]}, summary="本部门的资源目录")
def resources_mine(request):
    return [_resource_out(r) for r in selectors.resources_of(selectors.acting_units(request.auth))]


@router.post("/resources", auth=steward_auth, response={201: ExchangeResourceOut}, openapi_extra=error_responses(404, 409), summary="编制资源目录(草稿)")
def resource_create(request, payload: ExchangeResourceIn):
    data = payload.dict()
    r = services.resource_create(
        actor=request.auth, provider=_unit(request, data.pop("provider")),
        codes={k: data.pop(k) for k in ("class_code", "item_code", "catalog_code", "detail_code", "seq")},
        fields=data.pop("fields"), data=data)
    return Status(201, _resource_out(r))


@router.post("/resources/{slug}/submit", auth=steward_auth, response={200: ExchangeResourceOut}, openapi_extra=error_responses(409),
             summary="提交电子政务办审核")
def resource_submit(request, slug: str):
    return _resource_out(services.resource_submit(actor=request.auth, resource=selectors.resource_get(resource_id=slug)))


@router.post("/resources/{slug}/review", auth=steward_auth, response={200: ExchangeResourceOut}, openapi_extra=error_responses(409),
             summary="审核资源目录(电子政务办):发布或退回")
def resource_review(request, slug: str, payload: ExchangeReviewIn):
    r = services.resource_review(actor=request.auth, resource=selectors.resource_get(resource_id=slug),
                                 approve=payload.approve, note=payload.note)
    return _resource_out(r)


@router.post("/resources/{slug}/upsert", auth=steward_auth, response={200: ExchangeLoadOut}, openapi_extra=error_responses(409),
             summary="按主键写入记录(insert / upsert / update,全部成功或全部不写)")
def resource_upsert(request, slug: str, payload: ExchangeUpsertIn):
    run = ingest.resource_upsert(actor=request.auth, resource=selectors.resource_get(resource_id=slug),
                                 records=payload.records, method=payload.method)
    return {"id": run.pk, "outcome": run.outcome, "rows_read": run.rows_read, "rows_loaded": run.rows_loaded,
            "rows_bad": run.rows_bad, "errors": run.errors}


@router.get("/requests", auth=steward_auth, response={200: list[ExchangeRequestOut]}, summary="收到和提出的共享申请")
def requests_list(request):
    units = selectors.acting_units(request.auth)
    rows = {q.pk: q for q in selectors.requests_for_provider(units) + selectors.requests_by_requester(units)}
    return [_request_out(q) for q in sorted(rows.values(), key=lambda q: -q.pk)]


@router.post("/requests", auth=steward_auth, response={201: ExchangeRequestOut}, openapi_extra=error_responses(404, 409),
             summary="申请有条件共享资源(先提供后共享)")
def request_submit(request, payload: ExchangeRequestIn):
    q = services.request_submit(actor=request.auth, unit=_unit(request, payload.unit),
                                resource=selectors.resource_get(resource_id=payload.resource), purpose=payload.purpose,
                                fields=payload.fields, plain_fields=payload.plain_fields,
                                period_from=payload.period_from, period_to=payload.period_to,
                                legal_basis=payload.legal_basis)
    return Status(201, _request_out(q))


@router.post("/requests/{request_id}/decision", auth=steward_auth, response={200: ExchangeRequestOut}, openapi_extra=error_responses(409),
             summary="审批共享申请(同意的信息项或拒绝理由)")
def request_decide(request, request_id: int, payload: ExchangeDecisionIn):
    q = AccessRequest.objects.select_related("resource", "resource__provider").filter(pk=request_id).first()
    if q is None:
        raise NotFound("未找到该申请", code="exchange_request_not_found")
    q = services.request_decide(actor=request.auth, request=q, approve=payload.approve, reason=payload.reason,
                                fields=payload.fields or None, plain_fields=payload.plain_fields)
    return _request_out(AccessRequest.objects.select_related("resource", "requester", "clock").get(pk=q.pk))


@router.get("/grants", auth=steward_auth, response={200: list[ExchangeGrantOut]}, summary="本部门给出和获得的授权")
def grants_list(request):
    return [_grant_out(g) for g in selectors.grants_for(selectors.acting_units(request.auth))]


@router.get("/keys", auth=steward_auth, response={200: list[ExchangeKeyOut]}, summary="本部门的访问密钥")
def keys_list(request):
    return [_key_out(k) for k in selectors.keys_for(selectors.acting_units(request.auth))]


@router.post("/keys", auth=steward_auth, response={201: ExchangeKeyIssued}, openapi_extra=error_responses(404, 409), summary="签发访问密钥(密钥只显示一次)")
def key_issue(request, payload: ExchangeKeyIn):
    key, raw = services.key_issue(actor=request.auth, unit=_unit(request, payload.unit), name=payload.name,
                                  days=payload.days, rate_per_minute=payload.rate_per_minute)
    return Status(201, {**_key_out(key), "key": raw})


@router.post("/keys/{key_id}/revoke", auth=steward_auth, response={200: ExchangeKeyOut}, openapi_extra=error_responses(409), summary="吊销访问密钥")
def key_revoke(request, key_id: int):
    key = ApiKey.objects.select_related("unit").filter(pk=key_id).first()
    if key is None:
        raise NotFound("未找到该密钥", code="exchange_key_not_found")
    return _key_out(services.key_revoke(actor=request.auth, key=key))


@router.get("/usage", auth=steward_auth, response={200: list[ExchangeUsageOut]}, summary="本部门资源的使用日志")
def usage_list(request):
    return [{"at": u.at, "unit": u.unit.code if u.unit else None, "resource": u.resource.slug, "action": u.action,
             "filters": u.filters, "rows": u.rows, "response_hash": u.response_hash, "hash": u.hash}
            for u in selectors.usage_for_provider(selectors.acting_units(request.auth))]


class ExchangeSourceIn(Schema):
    kind: str = Field(description="sqlite(只读文件)或 postgresql(连接串)")
    location: str = Field(max_length=500, description="前置机 SQLite 文件路径或 PostgreSQL 连接串")
    table: str = Field(max_length=63, description="来源表名")
    updated_column: str = Field(max_length=63, description="更新时间列名(增量抽取依据)")
    schedule: str = Field("30min", description="抽取周期:30min、hourly、daily 或 manual(仅手动)")
    enabled: bool = Field(True, description="是否按周期抽取")


class ExchangeSourceOut(Schema):
    kind: str
    table: str
    updated_column: str
    mark: str
    schedule: str
    enabled: bool


@router.post("/resources/{slug}/source", auth=steward_auth, response={200: ExchangeSourceOut}, openapi_extra=error_responses(409),
             summary="登记前置机数据源(按更新时间列增量抽取)")
def source_set(request, slug: str, payload: ExchangeSourceIn):
    source = ingest.source_set(actor=request.auth, resource=selectors.resource_get(resource_id=slug), **payload.dict())
    return {"kind": source.kind, "table": source.table, "updated_column": source.updated_column, "mark": source.mark,
            "schedule": source.schedule, "enabled": source.enabled}


@router.post("/resources/{slug}/pull", auth=steward_auth, response={200: ExchangeLoadOut}, openapi_extra=error_responses(409),
             summary="立即从前置机抽取一次(正确行入库,错误行记入结果)")
def source_pull(request, slug: str):
    resource = selectors.resource_get(resource_id=slug)
    if not any(u.pk == resource.provider_id for u in selectors.acting_units(request.auth)):
        raise NotFound("未找到该信息资源", code="resource_not_found")
    run = ingest.source_pull(resource=resource, actor=request.auth)
    return {"id": run.pk, "outcome": run.outcome, "rows_read": run.rows_read, "rows_loaded": run.rows_loaded,
            "rows_bad": run.rows_bad, "errors": run.errors}
