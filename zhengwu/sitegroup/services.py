"""Writes of 网站群: register, enable and disable feed sources; pull them and store their entries.

Audit actions that change what the public sees start with ``search.sitegroup.`` so the
cached public pages are refreshed (declared in apps.py for zhengwu.core.page_cache).
A failed pull is audited as ``sitegroup.source.pull_failed`` (nothing public changed, so
the page cache is left alone), once per distinct failure rather than every half hour.
A pull that finds nothing new only updates the source's bookkeeping (fetch time and
validators) without an audit row: it is the fetch robot's heartbeat, not a change.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengwu.core.audit import audit_record
from zhengwu.core.errors import Conflict, PermissionDenied, ValidationFailed
from zhengwu.core.registries.search import search_index_later
from zhengwu.core.sanitise import strip_unsafe_chars
from zhengwu.org.roles import Role
from zhengwu.org.selectors import user_holds_any_role

from .fetch import FetchError, FetchResult, check_url, fetch_feed
from .models import FeedEntry, FeedSource, url_hash
from .parse import ParsedEntry, parse_feed

logger = logging.getLogger(__name__)

MANAGER_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.EDITOR, Role.PUBLISHER})
SEARCH_DOC_TYPE = "feed"
NAME_MAX = 100
URL_MAX = 500


def _require_manager(actor) -> None:
    # actor=None is the system itself (demo loader, management command).
    if actor is not None and not user_holds_any_role(actor, MANAGER_ROLES):
        raise PermissionDenied("只有系统管理员、信息员或审核员可以管理网站群订阅源", code="sitegroup_not_manager")


def _clean_line(value, *, label: str, limit: int, required: bool) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationFailed(f"{label}格式不正确", code="sitegroup_invalid_text")
    value = strip_unsafe_chars(value).strip()
    if required and not value:
        raise ValidationFailed(f"请填写{label}", code="sitegroup_required")
    if len(value) > limit:
        raise ValidationFailed(f"{label}不能超过 {limit} 个字符", code="sitegroup_too_long")
    return value


def feed_source_register(*, actor, name: str, url: str, site_name: str = "", department=None) -> FeedSource:
    """Register another government site's RSS/Atom feed; it is pulled from the next round on."""
    _require_manager(actor)
    name = _clean_line(name, label="名称", limit=NAME_MAX, required=True)
    site_name = _clean_line(site_name, label="所属网站", limit=NAME_MAX, required=False)
    url = _clean_line(url, label="订阅地址", limit=URL_MAX, required=True)
    try:
        check_url(url)
    except FetchError as exc:
        raise ValidationFailed(exc.message, code="sitegroup_url_invalid") from None
    if any(c.isspace() for c in url):
        raise ValidationFailed("订阅地址不能包含空格", code="sitegroup_url_invalid")
    try:
        with transaction.atomic():
            if FeedSource.objects.filter(url_hash=url_hash(url)).exists():
                raise Conflict("该订阅地址已经登记", code="sitegroup_url_exists")
            source = FeedSource.objects.create(
                name=name, url=url, site_name=site_name, department=department,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
            audit_record(
                actor=actor, action="search.sitegroup.source.register", obj=source,
                details={"name": name, "url": url, "department_id": getattr(department, "pk", None)},
            )
    except IntegrityError:
        raise Conflict("该订阅地址已经登记", code="sitegroup_url_exists") from None
    transaction.on_commit(lambda: _enqueue_pull(source.pk))
    return source


def _enqueue_pull(source_id: int) -> None:
    from .tasks import sitegroup_pull_task

    sitegroup_pull_task(source_id)


def _reindex_entries_linked_to(source: FeedSource) -> None:
    """Re-index the source's entries and every entry sharing a link with them.

    Disabling a source hides its entries, and may make another source's copy of the
    same link the one shown; enabling does the reverse. One query finds them all.
    """
    hashes = FeedEntry.objects.filter(source_id=source.pk).values("link_hash")
    for entry_id in FeedEntry.objects.filter(link_hash__in=hashes).values_list("id", flat=True).iterator():
        search_index_later(SEARCH_DOC_TYPE, entry_id)


def _set_enabled(*, actor, source: FeedSource, enabled: bool) -> FeedSource:
    _require_manager(actor)
    with transaction.atomic():
        locked = FeedSource.objects.select_for_update().get(pk=source.pk)
        if locked.enabled == enabled:
            raise Conflict("该订阅源已经是" + ("启用" if enabled else "停用") + "状态", code="sitegroup_state_unchanged")
        locked.enabled = enabled
        locked.save(update_fields=["enabled", "updated_at"])
        audit_record(
            actor=actor, action=f"search.sitegroup.source.{'enable' if enabled else 'disable'}", obj=locked,
            details={"name": locked.name, "url": locked.url},
        )
        _reindex_entries_linked_to(locked)
    source.enabled = enabled
    if enabled:
        transaction.on_commit(lambda: _enqueue_pull(source.pk))
    return source


def feed_source_enable(*, actor, source: FeedSource) -> FeedSource:
    """Show the source's entries again and pull it from the next round on."""
    return _set_enabled(actor=actor, source=source, enabled=True)


def feed_source_disable(*, actor, source: FeedSource) -> FeedSource:
    """Stop pulling the source and hide its entries from the column and from search."""
    return _set_enabled(actor=actor, source=source, enabled=False)


def feed_source_pull_request(*, actor, source: FeedSource) -> None:
    """Queue an immediate pull of one enabled source (the staff page's 立即抓取)."""
    _require_manager(actor)
    if not source.enabled:
        raise ValidationFailed("已停用的订阅源不能抓取,请先启用", code="sitegroup_disabled")
    with transaction.atomic():
        audit_record(actor=actor, action="sitegroup.source.pull_request", obj=source, details={"name": source.name})
        transaction.on_commit(lambda: _enqueue_pull(source.pk))


# ------------------------------------------------------------------ pulling


@dataclass(frozen=True)
class PullOutcome:
    source_id: int
    status: str
    new_entries: int = 0
    error: str = ""

    def describe(self) -> str:
        if self.status == FeedSource.Status.ERROR:
            return f"失败:{self.error}"
        if self.status == FeedSource.Status.NOT_MODIFIED:
            return "无更新"
        return f"新增 {self.new_entries} 条"


def feed_source_pull(*, source_id: int) -> PullOutcome | None:
    """Fetch and store one enabled source; any failure is recorded on the source, never raised.

    The network exchange runs outside any transaction (it may take the whole timeout,
    and SQLite would hold its write lock meanwhile); storing is one short transaction.
    """
    source = FeedSource.objects.filter(pk=source_id, enabled=True).first()
    if source is None:
        return None
    try:
        result = fetch_feed(source.url, etag=source.etag, last_modified=source.last_modified)
        entries = [] if result.not_modified else parse_feed(
            result.body, base_url=result.final_url or source.url, content_type=result.content_type,
        )
    except FetchError as exc:
        return feed_pull_failed(actor=None, source=source, error=exc.message)
    except Exception:
        logger.exception("sitegroup: unexpected failure pulling source %s", source_id)
        return feed_pull_failed(actor=None, source=source, error="抓取时发生内部错误,请联系系统管理员查看日志")
    return feed_entries_store(actor=None, source=source, result=result, entries=entries)


def feed_entries_store(*, actor, source: FeedSource, result: FetchResult, entries: list[ParsedEntry]) -> PullOutcome:
    """Store a pull's entries once per source (by guid, or link) and index the new ones."""
    now = timezone.now()
    by_key = {url_hash(e.guid): e for e in entries}
    with transaction.atomic():
        locked = FeedSource.objects.select_for_update().get(pk=source.pk)
        existing = set(
            FeedEntry.objects.filter(source_id=locked.pk, key_hash__in=list(by_key)).values_list("key_hash", flat=True)
        )
        fresh = [
            FeedEntry(
                source_id=locked.pk, key_hash=key, guid=e.guid, link=e.link, link_hash=url_hash(e.link),
                title=e.title, summary=e.summary, published_at=e.published_at,
            )
            for key, e in by_key.items() if key not in existing
        ]
        # ignore_conflicts: a concurrent pull of the same feed cannot make a duplicate either.
        FeedEntry.objects.bulk_create(fresh, ignore_conflicts=True)
        new_ids = list(
            FeedEntry.objects.filter(source_id=locked.pk, key_hash__in=[f.key_hash for f in fresh])
            .values_list("id", flat=True)
        ) if fresh else []
        was_failing = locked.last_status == FeedSource.Status.ERROR
        status = FeedSource.Status.NOT_MODIFIED if result.not_modified else FeedSource.Status.OK
        locked.last_status = status
        locked.last_fetched_at = locked.last_success_at = now
        locked.last_error = ""
        locked.failure_count = 0
        if not result.not_modified:
            locked.etag, locked.last_modified = result.etag, result.last_modified
        locked.save(update_fields=[
            "last_status", "last_fetched_at", "last_success_at", "last_error", "failure_count",
            "etag", "last_modified", "updated_at",
        ])
        if new_ids:
            audit_record(
                actor=actor, action="search.sitegroup.entries.store", obj=locked,
                details={"name": locked.name, "new_entries": len(new_ids)},
            )
            for entry_id in new_ids:
                search_index_later(SEARCH_DOC_TYPE, entry_id)
        elif was_failing:
            audit_record(actor=actor, action="sitegroup.source.recovered", obj=locked, details={"name": locked.name})
    return PullOutcome(source.pk, status, new_entries=len(new_ids))


def feed_pull_failed(*, actor, source: FeedSource, error: str) -> PullOutcome:
    """Record a failed pull on the source in Chinese; audit it when the failure is new."""
    error = error[:300]
    with transaction.atomic():
        locked = FeedSource.objects.select_for_update().get(pk=source.pk)
        repeated = locked.last_status == FeedSource.Status.ERROR and locked.last_error == error
        locked.last_status = FeedSource.Status.ERROR
        locked.last_fetched_at = timezone.now()
        locked.last_error = error
        locked.failure_count += 1
        locked.save(update_fields=["last_status", "last_fetched_at", "last_error", "failure_count", "updated_at"])
        if not repeated:
            audit_record(
                actor=actor, action="sitegroup.source.pull_failed", obj=locked,
                details={"name": locked.name, "error": error},
            )
    return PullOutcome(source.pk, FeedSource.Status.ERROR, error=error)
