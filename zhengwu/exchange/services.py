"""Every write of the exchange's catalog, requests, grants, keys and correction tickets.

Loads (upload, upsert, front-end pull) are in ``ingest``; reads and the usage log in
``reads``. Each service runs in one transaction and writes its audit event there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengwu.core.audit import audit_record
from zhengwu.core.clock import clock_start, clock_stop
from zhengwu.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from zhengwu.org.models import Unit
from zhengwu.org.roles import Role
from zhengwu.org.selectors import user_has_role

from . import datastore as ds
from . import selectors
from .models import (
    CYCLE_WORKING_DAYS,
    AccessRequest,
    ApiKey,
    CorrectionTicket,
    ExchangeConfig,
    FieldType,
    Grant,
    PersonalKind,
    Resource,
    ResourceField,
    ResourceFormat,
    ShareMethod,
    ShareType,
    UpdateCycle,
)

REQUEST_DECISION_DAYS = 10  # working days the provider has to decide (issue 18)
REQUEST_WARN_DAYS = 3
CORRECTION_DAYS = 5
CORRECTION_WARN_DAYS = 2
KEY_MAX_DAYS = 3 * 366
KEY_PREFIX = "zwk_"


# ---------------------------------------------------------------- who may act

def _acting(actor, unit: Unit, what: str) -> None:
    if not any(u.pk == unit.pk for u in selectors.acting_units(actor)):
        raise PermissionDenied(f"您不是“{unit.name}”的数据管理员,不能{what}", code="exchange_not_steward")


def _data_office(actor, what: str) -> ExchangeConfig:
    config = selectors.config_get()
    if not selectors.is_data_office(actor):
        raise PermissionDenied(f"只有数据主管部门(电子政务办)的数据管理员可以{what}", code="exchange_not_data_office")
    return config


def _text(value, label: str, *, required: bool = True, max_len: int = 2000) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if required and not value:
        raise ValidationFailed(f"请填写{label}", code="exchange_required", details={"field": label})
    if len(value) > max_len:
        raise ValidationFailed(f"{label}不能超过 {max_len} 个字", code="exchange_too_long", details={"field": label})
    return value


def _choice(value, choices, label: str) -> str:
    if value not in choices.values:
        raise ValidationFailed(f"{label}取值无效", code="exchange_choice_invalid", details={"field": label})
    return value


# ---------------------------------------------------------------- catalog entries

_CODE_WIDTHS = (("class_code", 1, "类"), ("item_code", 2, "项"), ("catalog_code", 3, "目"), ("detail_code", 3, "细目"))


def _codes(codes: dict) -> dict:
    out = {}
    for key, width, label in _CODE_WIDTHS:
        v = str(codes.get(key, "")).strip()
        if not re.fullmatch(rf"\d{{{width}}}", v):
            raise ValidationFailed(f"分类代码“{label}”应为 {width} 位数字", code="exchange_code_invalid",
                                   details={"field": key})
        out[key] = v
    seq = codes.get("seq")
    if isinstance(seq, bool) or not isinstance(seq, int) or not 1 <= seq <= 999999:
        try:
            seq = int(str(seq))
        except (TypeError, ValueError):
            seq = 0
        if not 1 <= seq <= 999999:
            raise ValidationFailed("顺序号应为 1 到 999999 的整数", code="exchange_code_invalid", details={"field": "seq"})
    out["seq"] = seq
    return out


def fields_clean(fields, *, table: bool) -> list[dict]:
    """Check a list of indicator fields; return them normalised."""
    if not isinstance(fields, list) or not fields:
        raise ValidationFailed("请至少填写一个信息项", code="exchange_fields_required")
    seen, out = set(), []
    for i, f in enumerate(fields, start=1):
        if not isinstance(f, dict):
            raise ValidationFailed(f"第 {i} 个信息项格式不正确", code="exchange_field_invalid")
        name = str(f.get("name", "")).strip()
        if not ds.NAME_RE.match(name):
            raise ValidationFailed(f"第 {i} 个信息项的字段名“{name}”无效:应以小写字母开头,只含小写字母、数字和下划线",
                                   code="exchange_field_invalid", details={"field": name})
        if name in seen:
            raise ValidationFailed(f"字段名“{name}”重复", code="exchange_field_duplicate", details={"field": name})
        seen.add(name)
        ftype = f.get("type", "text")
        if ftype not in FieldType.values:
            raise ValidationFailed(f"信息项“{name}”的数据类型无效", code="exchange_field_invalid", details={"field": name})
        personal = f.get("personal") or ""
        if personal is True:
            personal = PersonalKind.OTHER
        if personal not in PersonalKind.values:
            raise ValidationFailed(f"信息项“{name}”的个人信息类别无效", code="exchange_field_invalid")
        length = f.get("length")
        if length in ("", None):
            length = None
        else:
            try:
                length = int(length)
            except (TypeError, ValueError):
                length = 0
            if not 1 <= length <= 100000:
                raise ValidationFailed(f"信息项“{name}”的长度应为正整数", code="exchange_field_invalid")
        choices = f.get("choices") or []
        if isinstance(choices, str):
            choices = [c.strip() for c in re.split(r"[,,、\s]+", choices) if c.strip()]
        if not isinstance(choices, list):
            raise ValidationFailed(f"信息项“{name}”的代码表格式不正确", code="exchange_field_invalid")
        bounds = []
        for b in ("min_value", "max_value"):
            v = f.get(b)
            if v in ("", None):
                bounds.append(None)
                continue
            try:
                bounds.append(float(v))
            except (TypeError, ValueError):
                raise ValidationFailed(f"信息项“{name}”的取值范围应为数字", code="exchange_field_invalid") from None
        out.append({
            "name": name, "title": _text(f.get("title") or name, "信息项名称", max_len=100), "type": ftype,
            "length": length, "description": _text(f.get("description"), "说明", required=False, max_len=300),
            "personal": personal, "required": bool(f.get("required")), "is_key": bool(f.get("is_key")),
            "choices": [str(c) for c in choices], "min_value": bounds[0], "max_value": bounds[1],
            "indexed": bool(f.get("indexed")) or bool(choices),
        })
    keys = [f for f in out if f["is_key"]]
    if table and len(keys) != 1:
        raise ValidationFailed("数据库表类资源必须指定且只能指定一个主键信息项", code="exchange_key_required")
    return out


def _share_checks(attrs: dict) -> None:
    if attrs["share_type"] == ShareType.NONE:
        if not attrs.get("no_share_basis"):
            raise ValidationFailed("不予共享的资源必须写明法律、行政法规或政策依据", code="exchange_basis_required",
                                   details={"field": "no_share_basis"})
        if attrs.get("is_open"):
            raise ValidationFailed("不予共享的资源不能向社会开放", code="exchange_open_conflict")
    if attrs["share_type"] == ShareType.CONDITIONAL and not attrs.get("share_conditions"):
        raise ValidationFailed("有条件共享的资源必须写明共享条件", code="exchange_conditions_required",
                               details={"field": "share_conditions"})


def _attrs(data: dict) -> dict:
    attrs = {
        "name": _text(data.get("name"), "资源名称", max_len=200),
        "abstract": _text(data.get("abstract"), "摘要", required=False),
        "format": _choice(data.get("format", ResourceFormat.TABLE), ResourceFormat, "资源格式"),
        "share_type": _choice(data.get("share_type"), ShareType, "共享类型"),
        "share_conditions": _text(data.get("share_conditions"), "共享条件", required=False),
        "no_share_basis": _text(data.get("no_share_basis"), "不予共享依据", required=False),
        "share_method": _choice(data.get("share_method", ShareMethod.API), ShareMethod, "共享方式"),
        "is_open": bool(data.get("is_open")),
        "update_cycle": _choice(data.get("update_cycle"), UpdateCycle, "更新周期"),
    }
    _share_checks(attrs)
    return attrs


def _fields_write(resource: Resource, fields: list[dict], version: int) -> None:
    ResourceField.objects.bulk_create([ResourceField(resource=resource, version=version, position=i, **f)
                                       for i, f in enumerate(fields)])


def columns_of(fields) -> list[ds.Column]:
    return [ds.Column(name=f.name, type=f.type, title=f.title, length=f.length, required=f.required,
                      is_key=f.is_key, choices=tuple(f.choices or ()), min_value=f.min_value,
                      max_value=f.max_value, indexed=f.indexed, personal=f.personal) for f in fields]


def resource_create(*, actor, provider: Unit, codes: dict, data: dict, fields: list, related=()) -> Resource:
    """Draft a catalog entry for ``provider`` (its 数据管理员 only)."""
    _acting(actor, provider, "编制该部门的资源目录")
    code = _codes(codes)
    attrs = _attrs(data)
    clean = fields_clean(fields, table=attrs["format"] == ResourceFormat.TABLE)
    with transaction.atomic():
        try:
            with transaction.atomic():
                resource = Resource.objects.create(
                    provider=provider, slug=f"res-{provider.code.lower()}-{secrets.token_hex(4)}", created_by=actor,
                    key_field=next((f["name"] for f in clean if f["is_key"]), ""), **code, **attrs)
        except IntegrityError:
            raise Conflict("该分类代码和顺序号已被其他资源使用", code="exchange_code_taken") from None
        _fields_write(resource, clean, 1)
        if related:
            resource.related.set(list(related))
        audit_record(actor=actor, action="exchange.resource.create", obj=resource,
                     details={"code": resource.code, "fields": len(clean)})
    return resource


def resource_revise(*, actor, resource: Resource, data: dict | None = None, fields: list | None = None) -> Resource:
    """Change an entry; a change of fields makes a new version (grants keep their field names)."""
    _acting(actor, resource.provider, "修改该资源")
    with transaction.atomic():
        resource = Resource.objects.select_for_update(of=("self",)).select_related("provider").get(pk=resource.pk)
        changed = {}
        if data:
            attrs = _attrs({**{k: getattr(resource, k) for k in ("name", "abstract", "format", "share_type",
                                                                "share_conditions", "no_share_basis", "share_method",
                                                                "is_open", "update_cycle")}, **data})
            if attrs["format"] != resource.format and resource.table_name:
                raise ValidationFailed("已有数据表的资源不能改变资源格式", code="exchange_format_locked")
            for k, v in attrs.items():
                if getattr(resource, k) != v:
                    changed[k] = v
                    setattr(resource, k, v)
        if fields is not None:
            clean = fields_clean(fields, table=resource.is_table)
            current = selectors.resource_fields(resource)
            old = {f.name: f for f in current}
            comparable = [{k: getattr(f, k) for k in clean[0]} for f in current]
            if comparable != clean:
                key = next((f["name"] for f in clean if f["is_key"]), "")
                if resource.table_name:
                    if key != resource.key_field:
                        raise ValidationFailed("已有数据的资源不能更换主键信息项", code="exchange_key_locked")
                    for f in clean:
                        if f["name"] in old and old[f["name"]].type != f["type"]:
                            raise ValidationFailed(f"已有数据的信息项“{f['name']}”不能改变数据类型",
                                                   code="exchange_type_locked")
                resource.version += 1
                resource.key_field = key
                _fields_write(resource, clean, resource.version)
                if resource.table_name:
                    with transaction.atomic(using=ds.alias()):
                        ds.table_columns_add(table=resource.table_name,
                                             columns=columns_of(selectors.resource_fields(resource)),
                                             existing=_all_columns(resource))
                changed["version"] = resource.version
        if not changed:
            return resource
        resource.save()
        audit_record(actor=actor, action="exchange.resource.revise", obj=resource,
                     details={k: str(v) for k, v in changed.items()})
    return resource


def _all_columns(resource: Resource) -> set[str]:
    """Columns the table already has: every field of the earlier versions."""
    return set(ResourceField.objects.filter(resource=resource, version__lt=resource.version)
               .values_list("name", flat=True))


def resource_submit(*, actor, resource: Resource) -> Resource:
    _acting(actor, resource.provider, "提交该资源")
    with transaction.atomic():
        resource = Resource.objects.select_for_update(of=("self",)).select_related("provider").get(pk=resource.pk)
        if resource.status not in (Resource.Status.DRAFT, Resource.Status.RETURNED):
            raise Conflict("只有草稿或已退回的资源可以提交审核", code="exchange_state")
        resource.status = Resource.Status.SUBMITTED
        resource.save(update_fields=["status", "updated_at"])
        audit_record(actor=actor, action="exchange.resource.submit", obj=resource, details={})
    return resource


def resource_review(*, actor, resource: Resource, approve: bool, note: str = "") -> Resource:
    """The data office publishes an entry or returns it with a note."""
    _data_office(actor, "审核资源目录")
    note = _text(note, "退回意见", required=not approve, max_len=1000)
    with transaction.atomic():
        resource = Resource.objects.select_for_update(of=("self",)).select_related("provider").get(pk=resource.pk)
        if resource.status != Resource.Status.SUBMITTED:
            raise Conflict("该资源不在待审核状态", code="exchange_state")
        resource.review_note = note
        if approve:
            resource.status = Resource.Status.PUBLISHED
            resource.published_on = resource.published_on or timezone.localdate()
            if resource.is_table and not resource.table_name:
                _table_create(resource)
        else:
            resource.status = Resource.Status.RETURNED
        resource.save()
        audit_record(actor=actor, action="exchange.resource.publish" if approve else "exchange.resource.return",
                     obj=resource, details={"note": note})
    return resource


def _table_create(resource: Resource) -> None:
    resource.table_name = ds.new_table_name()
    with transaction.atomic(using=ds.alias()):
        ds.table_create(table=resource.table_name, columns=columns_of(selectors.resource_fields(resource)))


def config_set(*, actor, provide_first: bool, data_office: Unit | None = None) -> ExchangeConfig:
    """Switch 先提供后共享 on or off (the data office); name the data office (system admin)."""
    with transaction.atomic():
        config = ExchangeConfig.objects.select_for_update().first() or ExchangeConfig.objects.create()
        if data_office is not None and data_office.pk != config.data_office_id:
            if not (user_has_role(actor, Role.SYSTEM_ADMIN) or actor is None):
                raise PermissionDenied("只有系统管理员可以指定数据主管部门", code="exchange_not_admin")
            config.data_office = data_office
        elif actor is not None and not selectors.is_data_office(actor):
            raise PermissionDenied("只有数据主管部门可以切换“先提供后共享”规则", code="exchange_not_data_office")
        config.provide_first = bool(provide_first)
        config.save()
        audit_record(actor=actor, action="exchange.config.set", obj=config,
                     details={"provide_first": config.provide_first, "data_office": config.data_office_id})
    return config


def freshness_restart(*, actor, resource: Resource, today: dt.date) -> None:
    """Start the resource's update clock again after a load (in the caller's transaction)."""
    if resource.freshness_clock_id and resource.freshness_clock.state == "running":
        clock_stop(actor=actor, clock=resource.freshness_clock, on=today, audit=False)
    days = CYCLE_WORKING_DAYS.get(resource.update_cycle)
    if days is None:
        resource.freshness_clock = None
        return
    resource.freshness_clock = clock_start(
        actor=actor, owner_type=selectors.FRESHNESS_CLOCK, owner_id=resource.pk, limit_days=days,
        warn_days=min(2, days), start_on=today, audit=False, unit_id=resource.provider_id, role=Role.DATA_STEWARD)


# ---------------------------------------------------------------- requests and grants

def _period(period_from, period_to) -> tuple[dt.date, dt.date]:
    try:
        start = period_from if isinstance(period_from, dt.date) else dt.date.fromisoformat(str(period_from))
        end = period_to if isinstance(period_to, dt.date) else dt.date.fromisoformat(str(period_to))
    except ValueError:
        raise ValidationFailed("使用期限应为有效日期(YYYY-MM-DD)", code="exchange_period_invalid") from None
    if end < start:
        raise ValidationFailed("使用期限的结束日期不能早于开始日期", code="exchange_period_invalid")
    if (end - start).days > 3 * 366:
        raise ValidationFailed("使用期限不能超过三年", code="exchange_period_invalid")
    return start, end


def owed_message(owed) -> str:
    names = "、".join(f"{r.code} {r.name}" for r in owed[:20])
    more = f"等 {len(owed)} 项" if len(owed) > 20 else ""
    return f"贵部门尚未提供本部门已编目的全部资源或数据未按更新周期更新,先提供后共享:{names}{more}"


def provide_first_check(unit: Unit) -> None:
    config = selectors.config_get()
    if not config.provide_first:
        return
    owed = selectors.owed_resources(unit)
    if owed:
        raise PermissionDenied(owed_message(owed), code="exchange_owes_data",
                               details={"owed": [{"id": r.pk, "code": r.code, "name": r.name} for r in owed]})


def request_submit(*, actor, unit: Unit, resource: Resource, purpose: str, fields: list, period_from, period_to,
                   legal_basis: str, plain_fields: list | None = None) -> AccessRequest:
    """A department asks for an 有条件 resource; the provider decides within 10 working days."""
    _acting(actor, unit, "以该部门名义申请共享")
    if resource.status != Resource.Status.PUBLISHED:
        raise NotFound("未找到该信息资源", code="resource_not_found")
    if resource.provider_id == unit.pk:
        raise ValidationFailed("不能申请本部门提供的资源", code="exchange_own_resource")
    if resource.share_type == ShareType.NONE:
        raise PermissionDenied(f"该资源为不予共享资源,不能申请。依据:{resource.no_share_basis}", code="exchange_not_shared")
    if resource.share_type == ShareType.UNCONDITIONAL:
        raise ValidationFailed("该资源为无条件共享,持有访问密钥即可读取,无需申请", code="exchange_unconditional")
    purpose = _text(purpose, "用途")
    legal_basis = _text(legal_basis, "依据")
    start, end = _period(period_from, period_to)
    current = {f.name: f for f in selectors.resource_fields(resource)}
    fields = [str(f) for f in (fields or [])]
    if not fields:
        raise ValidationFailed("请选择申请的信息项", code="exchange_fields_required")
    unknown = [f for f in fields if f not in current]
    if unknown:
        raise ValidationFailed(f"该资源没有这些信息项:{'、'.join(unknown)}", code="exchange_field_unknown")
    plain = [str(f) for f in (plain_fields or [])]
    bad_plain = [f for f in plain if f not in fields or not current[f].personal]
    if bad_plain:
        raise ValidationFailed(f"只能对申请的个人信息项申请明文:{'、'.join(bad_plain)}", code="exchange_plain_invalid")
    provide_first_check(unit)
    with transaction.atomic():
        req = AccessRequest.objects.create(resource=resource, requester=unit, purpose=purpose, fields=fields,
                                           plain_fields=plain, period_from=start, period_to=end,
                                           legal_basis=legal_basis, requested_by=actor)
        req.clock = clock_start(actor=actor, owner_type=selectors.REQUEST_CLOCK, owner_id=req.pk,
                                limit_days=REQUEST_DECISION_DAYS, warn_days=REQUEST_WARN_DAYS,
                                start_on=timezone.localdate(), audit=False, unit_id=resource.provider_id,
                                role=Role.DATA_STEWARD)
        req.save(update_fields=["clock"])
        audit_record(actor=actor, action="exchange.request.submit", obj=req,
                     details={"resource": resource.pk, "unit": unit.code, "fields": fields})
    return req


def request_decide(*, actor, request: AccessRequest, approve: bool, reason: str = "",
                   fields: list | None = None, plain_fields: list | None = None) -> AccessRequest:
    """The provider grants (all or some of the requested fields) or refuses with a reason."""
    _acting(actor, request.resource.provider, "审批该共享申请")
    reason = _text(reason, "拒绝理由", required=not approve, max_len=1000)
    with transaction.atomic():
        req = AccessRequest.objects.select_for_update(of=("self",)).select_related("resource", "clock", "requester").get(pk=request.pk)
        if req.status != AccessRequest.Status.PENDING:
            raise Conflict("该申请已经审批", code="exchange_state")
        today = timezone.localdate()
        if approve:
            granted = [str(f) for f in (fields if fields else req.fields)]
            extra = [f for f in granted if f not in req.fields]
            if extra:
                raise ValidationFailed(f"只能同意申请中列出的信息项,以下未申请:{'、'.join(extra)}", code="exchange_field_unknown")
            plain = [f for f in (plain_fields if plain_fields is not None else req.plain_fields) if f in granted]
            Grant.objects.create(resource=req.resource, consumer=req.requester, fields=granted, plain_fields=plain,
                                 version=req.resource.version, valid_from=max(req.period_from, today),
                                 valid_until=req.period_to, request=req)
            req.status = AccessRequest.Status.GRANTED
        else:
            req.status = AccessRequest.Status.REFUSED
        req.reason, req.decided_at, req.decided_by = reason, timezone.now(), actor
        req.save()
        if req.clock and req.clock.state == "running":
            clock_stop(actor=actor, clock=req.clock, on=today, audit=False)
        audit_record(actor=actor, action="exchange.request.grant" if approve else "exchange.request.refuse",
                     obj=req, details={"reason": reason, "fields": fields or []})
    return req


def grant_revoke(*, actor, grant: Grant) -> Grant:
    _acting(actor, grant.resource.provider, "撤销该授权")
    with transaction.atomic():
        grant = Grant.objects.select_for_update().get(pk=grant.pk)
        if grant.revoked_at:
            raise Conflict("该授权已撤销", code="exchange_state")
        grant.revoked_at = timezone.now()
        grant.save(update_fields=["revoked_at", "updated_at"])
        audit_record(actor=actor, action="exchange.grant.revoke", obj=grant, details={})
    return grant


# ---------------------------------------------------------------- keys

def key_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def key_issue(*, actor, unit: Unit, name: str, days: int = 365, rate_per_minute: int = 120) -> tuple[ApiKey, str]:
    """Issue an access key for a consuming system; the raw key is returned once and never stored."""
    _acting(actor, unit, "为该部门签发访问密钥")
    name = _text(name, "密钥用途", max_len=100)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= KEY_MAX_DAYS:
        raise ValidationFailed(f"有效天数应为 1 到 {KEY_MAX_DAYS} 的整数", code="exchange_key_days")
    if isinstance(rate_per_minute, bool) or not isinstance(rate_per_minute, int) or not 1 <= rate_per_minute <= 100000:
        raise ValidationFailed("每分钟请求上限应为 1 到 100000 的整数", code="exchange_key_rate")
    prefix = secrets.token_hex(4)
    raw = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(24)}"
    with transaction.atomic():
        key = ApiKey.objects.create(unit=unit, name=name, prefix=prefix, digest=key_digest(raw),
                                    expires_at=timezone.now() + dt.timedelta(days=days),
                                    rate_per_minute=rate_per_minute, created_by=actor)
        audit_record(actor=actor, action="exchange.key.issue", obj=key, details={"prefix": prefix, "days": days})
    return key, raw


def key_revoke(*, actor, key: ApiKey) -> ApiKey:
    _acting(actor, key.unit, "吊销该密钥")
    with transaction.atomic():
        key = ApiKey.objects.select_for_update().get(pk=key.pk)
        if key.revoked_at:
            raise Conflict("该密钥已吊销", code="exchange_state")
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at", "updated_at"])
        audit_record(actor=actor, action="exchange.key.revoke", obj=key, details={"prefix": key.prefix})
    return key


# ---------------------------------------------------------------- correction tickets

def correction_report(*, actor, unit: Unit, resource: Resource, record_key: str, field: str = "",
                      description: str) -> CorrectionTicket:
    """快速校核: a consumer flags a record; the provider answers within 5 working days."""
    _acting(actor, unit, "以该部门名义提交校核")
    if resource.status != Resource.Status.PUBLISHED:
        raise NotFound("未找到该信息资源", code="resource_not_found")
    record_key = _text(record_key, "记录主键", max_len=200)
    description = _text(description, "问题描述")
    field = (field or "").strip()
    if field and field not in {f.name for f in selectors.resource_fields(resource)}:
        raise ValidationFailed(f"该资源没有信息项“{field}”", code="exchange_field_unknown")
    with transaction.atomic():
        ticket = CorrectionTicket.objects.create(resource=resource, reporter=unit, record_key=record_key, field=field,
                                                 description=description, reported_by=actor)
        ticket.clock = clock_start(actor=actor, owner_type=selectors.CORRECTION_CLOCK, owner_id=ticket.pk,
                                   limit_days=CORRECTION_DAYS, warn_days=CORRECTION_WARN_DAYS,
                                   start_on=timezone.localdate(), audit=False, unit_id=resource.provider_id,
                                   role=Role.DATA_STEWARD)
        ticket.save(update_fields=["clock"])
        audit_record(actor=actor, action="exchange.correction.report", obj=ticket,
                     details={"resource": resource.pk, "record_key": record_key})
    return ticket


def correction_answer(*, actor, ticket: CorrectionTicket, fixed: bool, reply: str) -> CorrectionTicket:
    _acting(actor, ticket.resource.provider, "答复该校核")
    reply = _text(reply, "答复")
    with transaction.atomic():
        ticket = CorrectionTicket.objects.select_for_update(of=("self",)).select_related("clock").get(pk=ticket.pk)
        if ticket.status != CorrectionTicket.Status.OPEN:
            raise Conflict("该校核单已答复", code="exchange_state")
        ticket.status = CorrectionTicket.Status.FIXED if fixed else CorrectionTicket.Status.REJECTED
        ticket.reply = reply
        ticket.save()
        if ticket.clock and ticket.clock.state == "running":
            clock_stop(actor=actor, clock=ticket.clock, on=timezone.localdate(), audit=False)
        audit_record(actor=actor, action="exchange.correction.answer", obj=ticket, details={"fixed": fixed})
    return ticket


def catalog_import(*, actor, entries: list[dict], publish: bool = False) -> list[Resource]:
    """Import many catalog entries at once (a department's catalog spreadsheet, the demo).

    Each entry is ``{"provider": Unit, "codes": {...}, "data": {...}, "fields": [...]}``;
    all are checked first, then written in bulk with one audit event, all or nothing.
    Published entries get their tables when data first arrives (``table_ensure``).
    """
    if actor is not None and not selectors.is_data_office(actor):
        raise PermissionDenied("只有数据主管部门可以批量导入资源目录", code="exchange_not_data_office")
    rows, field_sets = [], []
    today = timezone.localdate()
    for i, e in enumerate(entries, start=1):
        try:
            code, attrs = _codes(e["codes"]), _attrs(e["data"])
            clean = fields_clean(e["fields"], table=attrs["format"] == ResourceFormat.TABLE)
        except ValidationFailed as exc:
            raise ValidationFailed(f"第 {i} 项资源:{exc.message}", code=exc.code, details=exc.details) from None
        rows.append(Resource(provider=e["provider"], slug=e.get("slug") or f"res-{e['provider'].code.lower()}-{secrets.token_hex(4)}",
                             key_field=next((f["name"] for f in clean if f["is_key"]), ""),
                             status=Resource.Status.PUBLISHED if publish else Resource.Status.DRAFT,
                             published_on=today if publish else None, **code, **attrs))
        field_sets.append(clean)
    with transaction.atomic():
        try:
            with transaction.atomic():
                created = Resource.objects.bulk_create(rows, batch_size=500)
        except IntegrityError:
            raise Conflict("导入的资源中有分类代码和顺序号与已有资源重复", code="exchange_code_taken") from None
        ResourceField.objects.bulk_create(
            [ResourceField(resource=r, version=1, position=i, **f)
             for r, fields in zip(created, field_sets, strict=True) for i, f in enumerate(fields)], batch_size=2000)
        audit_record(actor=actor, action="exchange.catalog.import", object_type="exchange.resource",
                     details={"entries": len(created), "published": publish})
    return created


def table_ensure(resource: Resource) -> Resource:
    """Give a published table resource its datastore table if it has none yet."""
    if resource.table_name or not resource.is_table:
        return resource
    with transaction.atomic():
        locked = Resource.objects.select_for_update().get(pk=resource.pk)
        if not locked.table_name:
            _table_create(locked)
            locked.save(update_fields=["table_name"])
        resource.table_name = locked.table_name
    return resource


def catalog_loaded_mark(*, actor, resources, exclude_slugs=()) -> int:
    """Record imported entries as provided (their data came before the platform, e.g. the demo).

    Sets ``last_loaded_at`` on those never loaded, so 先提供后共享 counts them as
    provided until their first cycle here; one audit event.
    """
    with transaction.atomic():
        n = (Resource.objects.filter(pk__in=[r.pk for r in resources], last_loaded_at__isnull=True)
             .exclude(slug__in=list(exclude_slugs)).update(last_loaded_at=timezone.now()))
        audit_record(actor=actor, action="exchange.catalog.loaded_mark", object_type="exchange.resource",
                     details={"resources": n})
    return n
