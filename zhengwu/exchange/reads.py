"""Reading shared data: who may read what, masking, rate limits and the usage log.

Every read of records is logged as metadata (key, department, resource, filters, rows
returned, SHA-256 of the response, time), chained by SM3 hashes so a removed or changed
row breaks the chain; the records themselves are never stored. The log is kept apart
from the audit trail: reads come by the million and belong to the providers' view of
who used their data (谁使用谁负责).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from zhengwu.core.audit import sm3_hex
from zhengwu.core.errors import NotFound, PermissionDenied, RateLimited, ValidationFailed
from zhengwu.core.fastsql import insert_values
from zhengwu.core.masking import mask_id_number, mask_phone
from zhengwu.core.ratelimit import ratelimit_hit

from . import datastore as ds
from . import selectors
from .models import ApiKey, PersonalKind, Resource, ShareType, UsageLog
from .services import KEY_PREFIX, columns_of, key_digest

MAX_LIMIT = 1000
RATE_WINDOW = 60


def key_authenticate(raw: str) -> ApiKey:
    """The key behind a raw token, or a Chinese refusal (unknown, revoked, expired, too fast)."""
    raw = (raw or "").strip()
    if raw.lower().startswith("bearer "):
        raw = raw[7:].strip()
    parts = raw.split("_")
    if not raw.startswith(KEY_PREFIX) or len(parts) < 3:
        raise PermissionDenied("访问密钥无效", code="exchange_key_invalid")
    key = ApiKey.objects.select_related("unit").filter(prefix=parts[1]).first()
    if key is None or not hmac.compare_digest(key.digest, key_digest(raw)):
        raise PermissionDenied("访问密钥无效", code="exchange_key_invalid")
    if key.revoked_at:
        raise PermissionDenied("访问密钥已被吊销", code="exchange_key_revoked")
    if key.expires_at <= timezone.now():
        raise PermissionDenied("访问密钥已过期,请重新申领", code="exchange_key_expired")
    if ratelimit_hit(key=f"exchange:key:{key.pk}", window_seconds=RATE_WINDOW) > key.rate_per_minute:
        # The counting window is fixed: the next request is welcome when it turns over.
        wait = RATE_WINDOW - int(timezone.now().timestamp()) % RATE_WINDOW
        raise RateLimited(f"该密钥每分钟最多请求 {key.rate_per_minute} 次,请 {wait} 秒后再试", code="rate_limited",
                          retry_after=wait)
    return key


@dataclass(frozen=True)
class Access:
    """What one caller may read of one resource."""

    fields: tuple[str, ...]      # readable field names
    plain: frozenset[str]        # personal fields shown in plain
    unit_id: int | None


def access_for(*, key: ApiKey | None, resource: Resource) -> Access:
    """Decide what ``key`` (None: the public) may read of ``resource``, or refuse in Chinese."""
    if resource.status != Resource.Status.PUBLISHED:
        raise NotFound("未找到该信息资源", code="resource_not_found")
    fields = selectors.resource_fields(resource)
    names = tuple(f.name for f in fields)
    personal = {f.name for f in fields if f.personal}
    if key is None:
        if not resource.is_open:
            raise PermissionDenied("该资源未向社会开放,请使用部门访问密钥", code="exchange_key_required")
        return Access(names, frozenset(), None)
    unit_id = key.unit_id
    if unit_id == resource.provider_id:
        return Access(names, frozenset(personal), unit_id)
    if resource.share_type == ShareType.NONE:
        raise PermissionDenied("该资源为不予共享资源", code="exchange_not_shared")
    grant = selectors.active_grant(unit_id=unit_id, resource=resource)
    if resource.share_type == ShareType.UNCONDITIONAL:
        plain = frozenset(grant.plain_fields) if grant else frozenset()
        return Access(names, plain & personal, unit_id)
    if resource.is_open and grant is None:
        return Access(names, frozenset(), unit_id)
    if grant is None:
        raise PermissionDenied("贵部门没有该有条件共享资源的有效授权,请先提交共享申请", code="exchange_no_grant")
    # Granted field names stay as granted, whatever later versions of the entry add.
    readable = tuple(n for n in grant.fields if n in names)
    return Access(readable, frozenset(grant.plain_fields) & personal, unit_id)


def _mask_other(value: str) -> str:
    if len(value) <= 1:
        return "*"
    return value[0] + "*" * (len(value) - 1)


def _masker(kind: str):
    if kind == PersonalKind.ID_NUMBER:
        return mask_id_number
    if kind == PersonalKind.PHONE:
        return mask_phone
    if kind == PersonalKind.ADDRESS:
        return lambda v: v[:6] + "****" if len(v) > 6 else _mask_other(v)
    return _mask_other


def _parse_sort(sort, names: set[str]) -> list[tuple[str, bool]]:
    if not sort:
        return []
    if not isinstance(sort, str):
        raise ValidationFailed("sort 格式不正确,应为“字段 asc|desc”", code="datastore_sort_invalid")
    out = []
    for part in sort.split(","):
        bits = part.strip().strip('"').split()
        if not bits or len(bits) > 2:
            raise ValidationFailed("sort 格式不正确,应为“字段 asc|desc”", code="datastore_sort_invalid")
        name = bits[0].strip('"')
        direction = bits[1].lower() if len(bits) == 2 else "asc"
        if (name not in names and name != "_id") or direction not in ("asc", "desc"):
            raise ValidationFailed(f"不能按“{name}”排序", code="datastore_sort_invalid")
        out.append((name, direction == "desc"))
    return out


def _int_param(value, label: str, default: int, *, low: int = 0, high: int | None = None) -> int:
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(f"{label}必须是整数", code="datastore_param_invalid") from None
    if number < low:
        raise ValidationFailed(f"{label}不能小于 {low}", code="datastore_param_invalid")
    return min(number, high) if high is not None else number


def _bool_param(value, default: bool) -> bool:
    if value in (None, ""):
        return default
    if isinstance(value, bool):
        return value
    return str(value).lower() in ("true", "1", "yes")


def datastore_read(*, key: ApiKey | None, resource: Resource, params: dict, action: str = "datastore_search") -> dict:
    """Run a datastore_search for a caller; mask, log and return the CKAN-shaped result."""
    if not resource.is_table:
        raise NotFound("该资源没有可查询的数据表", code="resource_not_found")
    access = access_for(key=key, resource=resource)
    fields = selectors.resource_fields(resource)
    columns = columns_of(fields)
    readable = set(access.fields)
    by_name = {c.name: c for c in columns}
    wanted = params.get("fields")
    if wanted in (None, "", []):
        select = list(access.fields)
    else:
        if isinstance(wanted, str):
            wanted = [w.strip() for w in wanted.split(",") if w.strip()]
        if not isinstance(wanted, list):
            raise ValidationFailed("fields 应为字段名列表", code="datastore_fields_invalid")
        wanted = [str(w) for w in wanted if w != "_id"]
        unknown = [w for w in wanted if w not in by_name]
        if unknown:
            raise ValidationFailed(f"该资源没有这些信息项:{'、'.join(unknown)}", code="datastore_field_unknown")
        refused = [w for w in wanted if w not in readable]
        if refused:
            raise PermissionDenied(f"贵部门未获授权读取这些信息项:{'、'.join(refused)}", code="exchange_field_not_granted")
        select = wanted
    filters = params.get("filters") or {}
    if isinstance(filters, str):
        try:
            filters = json.loads(filters)
        except ValueError:
            raise ValidationFailed("filters 应为 JSON 对象", code="datastore_filter_invalid") from None
    if not isinstance(filters, dict):
        raise ValidationFailed("filters 应为 JSON 对象", code="datastore_filter_invalid")
    for name in filters:
        if name not in by_name:
            raise ValidationFailed(f"不能按“{name}”筛选:该资源没有这个信息项", code="datastore_filter_invalid")
        if name not in readable:
            raise PermissionDenied(f"贵部门未获授权使用信息项“{name}”", code="exchange_field_not_granted")
        if name in {c.name for c in columns if c.personal} and name not in access.plain:
            raise PermissionDenied(f"“{name}”为个人信息,未获明文授权,不能作为筛选条件", code="exchange_field_not_granted")
    q = params.get("q") or ""
    if isinstance(q, dict):
        raise ValidationFailed("q 仅支持字符串", code="datastore_q_invalid")
    q = str(q).strip()[:200]
    if q:
        hidden = [c for c in columns if c.type == "text" and (c.name not in readable or (c.personal and c.name not in access.plain))]
        q_columns = [c.name for c in columns if c not in hidden]
    else:
        q_columns = None
    sort = _parse_sort(params.get("sort"), readable)
    limit = _int_param(params.get("limit"), "limit", 100, high=MAX_LIMIT)
    offset = _int_param(params.get("offset"), "offset", 0)
    after = params.get("after")
    after_id = _int_param(after, "after", 0) if after not in (None, "") else None
    if after_id is not None and sort:
        raise ValidationFailed("按键翻页(after)只能用于默认排序", code="datastore_param_invalid")
    include_total = _bool_param(params.get("include_total"), True)
    if not resource.table_name:  # catalogued, no data yet
        page = ds.Page(records=[], total=0, total_was_estimated=False, last_id=None)
    else:
        page = ds.table_search(table=resource.table_name, columns=columns, select=select, q_columns=q_columns,
                               filters=filters, q=q, sort=sort, limit=limit, offset=offset, after_id=after_id,
                               include_total=include_total, known_total=resource.record_count,
                               value_counts=resource.value_counts)
    masks = {c.name: _masker(c.personal) for c in columns if c.personal and c.name not in access.plain}
    for rec in page.records:
        for name, mask in masks.items():
            if rec.get(name) not in (None, ""):
                rec[name] = mask(str(rec[name]))
    base = f"/api/3/action/{action}?resource_id={resource.slug}"
    links = {"start": base}
    if len(page.records) == limit and page.last_id is not None:
        links["next"] = f"{base}&after={page.last_id}&limit={limit}" if not sort else \
            f"{base}&offset={offset + limit}&limit={limit}"
    result = {
        "resource_id": resource.slug,
        "fields": [{"id": "_id", "type": "int"}] + [
            {"id": n, "type": ds.CKAN_TYPES[by_name[n].type],
             "info": {"label": by_name[n].title, "notes": "个人信息" if by_name[n].personal else ""}} for n in select],
        "records": page.records,
        "records_format": "objects",
        "limit": limit,
        "offset": offset,
        "include_total": include_total,
        "_links": links,
    }
    if filters:
        result["filters"] = filters
    if q:
        result["q"] = q
    if include_total:
        result["total"] = page.total
        result["total_was_estimated"] = page.total_was_estimated
    usage_log(key=key, unit_id=access.unit_id, resource=resource, action=action,
              filters={k: v for k, v in {"filters": filters, "q": q, "fields": select if wanted else None,
                                          "sort": params.get("sort"), "offset": offset, "after": after_id}.items() if v},
              rows=len(page.records), payload=result["records"])
    return result


def _canonical(d: dict) -> bytes:
    return json.dumps(d, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode("utf-8")


def usage_row_hash(row: UsageLog) -> str:
    return sm3_hex(row.prev_hash.encode() + _canonical({
        "at": row.at.isoformat(), "key": row.key_id, "unit": row.unit_id, "resource": row.resource_id,
        "action": row.action, "filters": row.filters, "rows": row.rows, "response": row.response_hash}))


# PostgreSQL advisory lock held while a usage row is chained ("zwusage" folded into a bigint);
# on SQLite the IMMEDIATE transaction's write lock already puts appenders in a row.
USAGE_LOCK_KEY = int.from_bytes(b"zwusage", "big")
GENESIS = "0" * 64


def usage_log(*, key, unit_id, resource: Resource, action: str, filters: dict, rows: int, payload) -> UsageLog:
    """Append one metadata row to the usage chain: read the last hash, insert (two statements)."""
    response_hash = hashlib.sha256(_canonical({"records": payload})).hexdigest()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [USAGE_LOCK_KEY])
        prev = UsageLog.objects.order_by("-pk").values_list("hash", flat=True).first() or GENESIS
        row = UsageLog(at=timezone.now(), key=key, unit_id=unit_id, resource=resource, action=action,
                       filters=json.loads(_canonical(filters)), rows=rows, response_hash=response_hash,
                       prev_hash=prev)
        row.hash = usage_row_hash(row)
        row.pk = insert_values(UsageLog, {
            "at": row.at, "key_id": getattr(key, "pk", None), "unit_id": unit_id, "resource_id": resource.pk,
            "action": action, "filters": row.filters, "rows": rows, "response_hash": response_hash,
            "prev_hash": prev, "hash": row.hash})
        # "Last used" to the minute: one UPDATE a minute per key, not one per read.
        if key is not None and (key.last_used_at is None or (row.at - key.last_used_at).total_seconds() > 60):
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=row.at)
            key.last_used_at = row.at
    return row


def usage_chain_verify() -> tuple[bool, int | None]:
    """Walk the chain in order; return (intact, first broken id)."""
    prev = GENESIS
    for row in UsageLog.objects.order_by("pk").iterator(chunk_size=2000):
        if row.prev_hash != prev or usage_row_hash(row) != row.hash:
            return False, row.pk
        prev = row.hash
    return True, None
