"""Reads of the exchange: who acts for which department, the catalog, requests, usage.

``acting_units`` is the one place that decides for which departments a person acts here;
it only calls ``org`` (the lead may swap it for org's shared answer at merge).
"""

from __future__ import annotations

from django.db.models import Count, F, Q, Sum
from django.urls import reverse
from django.utils import timezone

from zhengwu.core.errors import NotFound
from zhengwu.core.registries.workbench import Deadline, WorkCounts, clock_counts
from zhengwu.org import responsibility
from zhengwu.org.models import Unit
from zhengwu.org.roles import Role

from .fts import catalog_match
from .models import (
    AccessRequest,
    ApiKey,
    CorrectionTicket,
    ExchangeConfig,
    Grant,
    LoadRun,
    Resource,
    ResourceField,
    ShareType,
    UsageLog,
)

STEWARD = Role.DATA_STEWARD
REQUEST_CLOCK = "exchange.request"
CORRECTION_CLOCK = "exchange.correction"
FRESHNESS_CLOCK = "exchange.freshness"


def acting_units(user) -> list[Unit]:
    """The departments a person acts for in the exchange: where they hold 数据管理员
    (the one rule of ``org.responsibility``: a section's steward also acts for its department)."""
    return responsibility.units_named(responsibility.departments_for(user, [STEWARD]))


def config_get() -> ExchangeConfig:
    config = ExchangeConfig.objects.select_related("data_office").first()
    return config or ExchangeConfig(provide_first=True)


def is_data_office(user) -> bool:
    config = config_get()
    return bool(config.data_office_id) and any(u.pk == config.data_office_id for u in acting_units(user))


def is_exchange_staff(user) -> bool:
    return bool(acting_units(user))


def resource_get(*, resource_id) -> Resource:
    qs = Resource.objects.select_related("provider")
    try:
        if isinstance(resource_id, int) or str(resource_id).isdigit():
            return qs.get(pk=int(resource_id))
        return qs.get(slug=str(resource_id))
    except Resource.DoesNotExist:
        raise NotFound("未找到该信息资源", code="resource_not_found") from None


# A version's fields never change (a change makes a new version), so they are cached per
# (resource, version) in the process: a read costs no query for them.
_FIELDS_CACHE: dict[tuple, list[ResourceField]] = {}
_FIELDS_CACHE_MAX = 4096


def resource_fields(resource: Resource, *, version: int | None = None) -> list[ResourceField]:
    # created_at too: a rolled-back row's id can be handed out again (SQLite).
    key = (resource.pk, version or resource.version, resource.created_at)
    cached = _FIELDS_CACHE.get(key)
    if cached is None:
        cached = list(ResourceField.objects.filter(resource_id=key[0], version=key[1]).order_by("position"))
        if len(_FIELDS_CACHE) >= _FIELDS_CACHE_MAX:
            _FIELDS_CACHE.clear()
        if cached:
            _FIELDS_CACHE[key] = cached
    return list(cached)


def fields_by_resource(resources) -> dict[int, list[ResourceField]]:
    """Current fields of many resources in one query."""
    out: dict[int, list[ResourceField]] = {r.pk: [] for r in resources}
    versions = {r.pk: r.version for r in resources}
    for f in ResourceField.objects.filter(resource_id__in=list(versions)).order_by("resource_id", "position"):
        if versions[f.resource_id] == f.version:
            out[f.resource_id].append(f)
    return out


def published():
    return Resource.objects.filter(status=Resource.Status.PUBLISHED)


def owed_resources(unit: Unit, *, today=None) -> list[Resource]:
    """The department's published table resources with no data, or data older than its cycle.

    A resource is owed when it has never been loaded, or its freshness clock is past due.
    """
    today = today or timezone.localdate()
    qs = published().filter(provider=unit, format="table").select_related("freshness_clock").order_by("pk")
    owed = []
    for r in qs:
        clock = r.freshness_clock
        if r.last_loaded_at is None or (clock is not None and clock.stopped_on is None and clock.due_on < today):
            owed.append(r)
    return owed


def active_grant(*, unit_id: int, resource: Resource, today=None) -> Grant | None:
    """The consumer's newest grant in force, with only what a read needs (on every read)."""
    today = today or timezone.localdate()
    return (Grant.objects.filter(consumer_id=unit_id, resource_id=resource.pk, revoked_at__isnull=True,
                                 valid_from__lte=today, valid_until__gte=today)
            .only("pk", "fields", "plain_fields").order_by("-pk").first())


def requests_for_provider(units) -> list[AccessRequest]:
    return list(AccessRequest.objects.filter(resource__provider__in=units).select_related(
        "resource", "requester", "clock").order_by("-pk")[:200])


def requests_by_requester(units) -> list[AccessRequest]:
    return list(AccessRequest.objects.filter(requester__in=units).select_related(
        "resource", "resource__provider", "clock").order_by("-pk")[:200])


def grants_for(units) -> list[Grant]:
    return list(Grant.objects.filter(Q(consumer__in=units) | Q(resource__provider__in=units)).select_related(
        "resource", "consumer", "resource__provider").order_by("-pk")[:200])


def keys_for(units) -> list[ApiKey]:
    return list(ApiKey.objects.filter(unit__in=units).select_related("unit").order_by("-pk"))


def usage_for_provider(units, *, limit: int = 200) -> list[UsageLog]:
    return list(UsageLog.objects.filter(resource__provider__in=units).select_related("resource", "unit", "key")
                .order_by("-pk")[:limit])


def usage_summary_for_provider(units) -> list[dict]:
    return list(UsageLog.objects.filter(resource__provider__in=units).values("unit__name", "resource__name")
                .annotate(reads=Count("id"), rows=Sum("rows")).order_by("-reads")[:100])


def loads_for(resource: Resource, *, limit: int = 20) -> list[LoadRun]:
    return list(LoadRun.objects.filter(resource=resource).order_by("-pk")[:limit])


def corrections_for_provider(units) -> list[CorrectionTicket]:
    return list(CorrectionTicket.objects.filter(resource__provider__in=units).select_related(
        "resource", "reporter", "clock").order_by("-pk")[:200])


def review_queue() -> list[Resource]:
    return list(Resource.objects.filter(status=Resource.Status.SUBMITTED).select_related("provider").order_by("pk"))


def resources_of(units) -> list[Resource]:
    return list(Resource.objects.filter(provider__in=units).select_related("provider").order_by("pk")[:500])


def catalog_search(*, q: str = "", provider: str = "", share_type: str = "", fmt: str = "", cycle: str = "",
                   include_unpublished: bool = False):
    qs = Resource.objects.all() if include_unpublished else published()
    if q:
        ids = catalog_match(q)
        if ids is not None:
            qs = qs.filter(pk__in=ids)
    if provider:
        qs = qs.filter(provider__code=provider)
    if share_type:
        qs = qs.filter(share_type=share_type)
    if fmt:
        qs = qs.filter(format=fmt)
    if cycle:
        qs = qs.filter(update_cycle=cycle)
    return qs.select_related("provider")


def facet_counts(qs, field: str) -> list[tuple[str, int]]:
    return [(row[field], row["n"]) for row in qs.order_by().values(field).annotate(n=Count("id")).order_by("-n", field)]


def county_figures() -> dict:
    """The article's headline figures: departments with catalogs, tables, fields, records."""
    pub = published()
    tables = pub.filter(format="table")
    fields = ResourceField.objects.filter(resource__in=pub)
    # Only current versions count: a field row belongs to its resource's current version.
    return {
        "departments": pub.values("provider").distinct().count(),
        "resources": pub.count(),
        "tables": tables.count(),
        "fields": fields.filter(version=F("resource__version")).count(),
        "records": tables.aggregate(n=Sum("record_count"))["n"] or 0,
        "unconditional": pub.filter(share_type=ShareType.UNCONDITIONAL).count(),
        "conditional": pub.filter(share_type=ShareType.CONDITIONAL).count(),
        "none": pub.filter(share_type=ShareType.NONE).count(),
        "open": pub.filter(is_open=True).count(),
    }


def department_figures(*, today=None) -> list[dict]:
    """Per department: provided, consumed, pending and overdue requests, freshness, usage."""
    today = today or timezone.localdate()
    rows: dict[int, dict] = {}

    def row(unit_id, name=""):
        return rows.setdefault(unit_id, {"unit_id": unit_id, "name": name, "provided": 0, "records": 0,
                                         "fresh": 0, "stale": 0, "consumed": 0, "pending": 0, "overdue": 0,
                                         "reads": 0})

    for r in (published().filter(format="table").values("provider_id", "provider__name")
              .annotate(n=Count("id"), records=Sum("record_count"))):
        d = row(r["provider_id"], r["provider__name"])
        d["provided"], d["records"] = r["n"], r["records"] or 0
    for r in (published().filter(format="table", last_loaded_at__isnull=False)
              .filter(Q(freshness_clock__isnull=True) | Q(freshness_clock__due_on__gte=today))
              .values("provider_id").annotate(n=Count("id"))):
        row(r["provider_id"])["fresh"] = r["n"]
    for d in rows.values():
        d["stale"] = d["provided"] - d["fresh"]
    for r in (Grant.objects.filter(revoked_at__isnull=True, valid_until__gte=today)
              .values("consumer_id", "consumer__name").annotate(n=Count("id"))):
        row(r["consumer_id"], r["consumer__name"])["consumed"] = r["n"]
    for r in (AccessRequest.objects.filter(status=AccessRequest.Status.PENDING)
              .values("resource__provider_id", "resource__provider__name")
              .annotate(n=Count("id"), late=Count("id", filter=Q(clock__due_on__lt=today)))):
        d = row(r["resource__provider_id"], r["resource__provider__name"])
        d["pending"], d["overdue"] = r["n"], r["late"]
    for r in UsageLog.objects.values("resource__provider_id").annotate(n=Count("id")):
        row(r["resource__provider_id"])["reads"] = r["n"]
    units = {pk: (code, name) for pk, code, name in Unit.objects.filter(pk__in=list(rows)).values_list("pk", "code", "name")}
    for d in rows.values():
        d["code"], d["name"] = units.get(d["unit_id"], ("", d["name"]))
    return sorted(rows.values(), key=lambda d: (-d["provided"], d["name"]))


def open_catalog_latest(*, limit: int = 6) -> list[Resource]:
    """The newest entries open to the public (开放), for the portal's home panel."""
    return list(published().filter(is_open=True).select_related("provider").order_by("-published_on", "-pk")[:limit])


def open_data_summary() -> dict:
    """Entries, departments and open entries in one query (the home panel; cached pages aside)."""
    return published().aggregate(resources=Count("id"), departments=Count("provider", distinct=True),
                                 open=Count("id", filter=Q(is_open=True)))


def _waiting_for_provider(posts_of_user, model, status):
    """Requests or correction tickets at ``status`` about the steward's departments' data."""
    return model.objects.filter(posts_of_user.q("resource__provider_id", [STEWARD]), status=status)


def _due_today_for_provider(posts_of_user, model, status, today, fields, limit):
    return (
        _waiting_for_provider(posts_of_user, model, status).filter(clock__due_on=today, clock__state="running")
        .order_by("pk").values_list(*fields)[:limit]
    )


def request_workbench_counts(user, posts_of_user, today) -> WorkCounts:
    """待审批/预警/逾期 共享申请 waiting for the steward's department as provider, on their
    10-working-day decision clocks: one aggregate query."""
    pending = _waiting_for_provider(posts_of_user, AccessRequest, AccessRequest.Status.PENDING)
    return clock_counts(pending, "clock", today)


def request_workbench_deadlines(user, posts_of_user, today, *, limit: int = 10) -> list[Deadline]:
    rows = _due_today_for_provider(posts_of_user, AccessRequest, AccessRequest.Status.PENDING, today,
                                   ("requester__name", "resource__name"), limit)
    url = reverse("exchange:office")
    return [Deadline("exchange", f"共享申请 {who}:{what}", url, today) for who, what in rows]


def correction_workbench_counts(user, posts_of_user, today) -> WorkCounts:
    """待核实/预警/逾期 校核单 about the steward's department's data, on their 5-working-day
    answer clocks: one aggregate query (a module of its own, so each stays one query)."""
    open_tickets = _waiting_for_provider(posts_of_user, CorrectionTicket, CorrectionTicket.Status.OPEN)
    return clock_counts(open_tickets, "clock", today)


def correction_workbench_deadlines(user, posts_of_user, today, *, limit: int = 10) -> list[Deadline]:
    rows = _due_today_for_provider(posts_of_user, CorrectionTicket, CorrectionTicket.Status.OPEN, today,
                                   ("resource__name", "record_key"), limit)
    url = reverse("exchange:office")
    return [Deadline("exchange_corrections", f"数据校核 {name}(记录 {key})", url, today) for name, key in rows]
