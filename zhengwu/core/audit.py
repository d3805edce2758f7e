"""Writing, verifying and purging the audit trail.

``audit_record`` must run inside the caller's ``transaction.atomic()`` so that the
change and its audit row commit or roll back together (CONVENTIONS rule 2). If the row
cannot be written, ``audit_record`` raises and the caller's change rolls back with it:
an action whose audit row cannot be written does not happen.

A *refused or failed* action has no change to commit with; its row is written by
``audit_record_failure`` in a transaction of its own, after the refused service's
transaction has rolled back (a savepoint inside that transaction would be rolled back
with it and the refusal would leave no trace).

The row is written unsealed: no hash, no place in the chain, no shared row locked, so
audited transactions do not queue behind one another (ADR 0005). ``audit_seal``, run
every 0.2 s by the task worker's sealer thread (``zhengwu.core.audit_sealer``), chains the
committed rows within ``SEAL_WINDOW_SECONDS``; a writer that finds a row waiting longer
than ``SEAL_ASSIST_AFTER_SECONDS`` seals the backlog in its own transaction, so the window
holds while writers keep SQLite's write lock busy; ``audit_verify`` seals first, then walks.

Every row carries the time (Beijing time, +08:00 in the hash and in every export), the
actor, the actor's posts (``role``, resolved through ZHENGWU_AUDIT_ROLE_RESOLVER when the
caller gives none), the client IP, the action, the object, the result and the request id.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import dataclass, field
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from . import fastsql, page_cache, request_context
from .errors import Conflict, ValidationFailed
from .models import AuditChainHead, AuditEvent, AuditPurge

GENESIS_HASH = "0" * 64
UNSEALED = "-" * 64  # prev_hash and hash of a row the sealer has not reached yet


def sm3_hex(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


_HASHED = ("actor_id", "actor_label", "role", "ip", "action", "object_type", "object_id", "result", "request_id", "details")


def _canonical_values(values) -> bytes:
    """The hashed form of a row given as a mapping of its field values (attnames)."""
    payload = {name: values[name] for name in _HASHED}
    payload["created_at"] = timezone.localtime(values["created_at"]).isoformat(timespec="microseconds")
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def _canonical(event: AuditEvent) -> bytes:
    return _canonical_values({name: getattr(event, name) for name in (*_HASHED, "created_at")})


def event_hash(event: AuditEvent, prev_hash: str) -> str:
    return sm3_hex(prev_hash.encode() + _canonical(event))


def _actor_label(actor) -> str:
    if actor is None:
        return "系统"
    return getattr(actor, "audit_label", None) or str(actor)


@lru_cache(maxsize=4)
def _role_resolver(path: str):
    return import_string(path) if path else None


def _actor_roles(user) -> str:
    """Comma list of the posts the actor holds; core asks through a setting, never imports org."""
    resolver = _role_resolver(getattr(settings, "ZHENGWU_AUDIT_ROLE_RESOLVER", ""))
    # Only staff hold posts: applicants (citizens, enterprises) cost no query.
    if resolver is None or user is None or getattr(user, "kind", "staff") != "staff":
        return ""
    return ",".join(resolver(user))[:64]


def audit_append(
    *,
    actor,
    action: str,
    obj=None,
    object_type: str = "",
    object_id: str | int = "",
    result: str = AuditEvent.Result.SUCCESS,
    role: str = "",
    details: dict | None = None,
) -> dict:
    """Append one audit row in the current transaction; ``audit_seal`` chains it after commit.

    Returns the row's field values (attnames) with its ``id``; ``audit_record`` wraps
    them in an ``AuditEvent``. Hot paths (every case step) call this one and skip the
    model instance. Raises whatever stops the row being written (the caller's
    transaction then rolls back, so the action does not happen). ``role`` defaults to
    the actor's posts.
    """
    if not connections[DEFAULT_DB_ALIAS].in_atomic_block:
        raise RuntimeError("audit_record must be called inside transaction.atomic()")
    return audit_append_prepared(audit_prepare(
        actor=actor, action=action, obj=obj, object_type=object_type, object_id=object_id, result=result,
        role=role, details=details,
    ))


def audit_prepare(
    *,
    actor,
    action: str,
    obj=None,
    object_type: str = "",
    object_id: str | int = "",
    result: str = AuditEvent.Result.SUCCESS,
    role: str = "",
    details: dict | None = None,
) -> dict:
    """The values ``audit_append`` would write (same arguments), computed without writing.

    A hot writer prepares its row before its transaction begins and passes it to
    ``audit_append_prepared`` inside, so the actor's posts and the request context are
    read outside SQLite's write lock (ADR 0004). ``created_at`` is set when the row is written.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    ctx = request_context.current()
    user = actor if getattr(actor, "pk", None) else None
    if not role:
        role = _actor_roles(user)
    values = {
        "created_at": timezone.localtime(timezone.now()),
        "actor_id": user.pk if user is not None else None,
        "actor_label": _actor_label(actor)[:150],
        "role": role,
        "ip": ctx.ip,
        "action": action,
        "object_type": str(object_type),
        "object_id": str(object_id),
        "result": result,
        "request_id": ctx.request_id,
        "details": details or {},
        # Unsealed: the sealer gives the row its place and hash once it has committed
        # (ADR 0005), so this transaction locks nothing shared and hashes nothing.
        "seq": None,
        # Placeholders as wide as the hashes: the sealer then rewrites the row in place
        # instead of growing it (on SQLite a grown row splits the newest table page).
        "prev_hash": UNSEALED,
        "hash": UNSEALED,
    }
    return values


def audit_append_prepared(values: dict, *, more_details: dict | None = None) -> dict:
    """Write a row from ``audit_prepare`` in the current transaction; return its values with ``id``.

    ``more_details`` joins the row's details here, for what is known only inside the
    transaction (the ids of the clocks a case step has just started).
    """
    conn = connections[DEFAULT_DB_ALIAS]  # once, not through the per-attribute proxy
    if not conn.in_atomic_block:
        raise RuntimeError("audit_record must be called inside transaction.atomic()")
    if more_details:
        values["details"] = {**values["details"], **more_details}
    # The time of writing, not of preparing: a writer may have waited for the lock since.
    values["created_at"] = timezone.localtime(timezone.now())
    values["id"] = fastsql.insert_values(AuditEvent, values)  # append-only: one prepared INSERT
    page_cache.content_changed(values["action"])
    _seal_overdue_in_writer(conn)
    return values


def audit_record(**arguments) -> AuditEvent:
    """``audit_append`` (same keyword arguments), returning the row as an ``AuditEvent``."""
    values = audit_append(**arguments)
    event = AuditEvent(**values)
    event._state.adding = False
    event._state.db = connection.alias
    return event


def audit_record_failure(
    *,
    actor,
    action: str,
    result: str = AuditEvent.Result.FAILURE,
    obj=None,
    object_type: str = "",
    object_id: str | int = "",
    role: str = "",
    details: dict | None = None,
) -> AuditEvent:
    """Record a refused or failed action in its own, committed transaction.

    Call it where no transaction is open, i.e. after the service that refused has left
    its ``transaction.atomic()`` (typically in the view's ``except DomainError``). It
    raises RuntimeError inside an open transaction, because that transaction may still
    roll back and take the record of the refusal with it.

    The one rule: a failure row is written in a transaction that commits. When the
    failure itself changes state that commits (a failed login counting towards a
    lockout, ``accounts.services.login_attempt``), use ``audit_record(result="failure")``
    in that transaction; when the refused action changes nothing, use this.
    """
    if result == AuditEvent.Result.SUCCESS:
        raise ValueError("audit_record_failure records failures; use audit_record for a success")
    # durable=True is Django's own "outermost transaction only" check (test-case
    # wrappers excepted), so a failure row can never hide in a doomed transaction.
    with transaction.atomic(durable=True):
        return audit_record(
            actor=actor, action=action, obj=obj, object_type=object_type, object_id=object_id,
            result=result, role=role, details=details,
        )


EXPORT_COLUMNS = (
    ("id", "编号"),
    ("time", "时间"),
    ("actor", "操作人"),
    ("role", "角色"),
    ("ip", "IP地址"),
    ("action", "动作"),
    ("object", "对象"),
    ("result", "结果"),
    ("request_id", "请求编号"),
    ("details", "详情"),
    ("hash", "本条哈希"),
)


def audit_event_row(event: AuditEvent) -> dict:
    """One row as shown and exported: the time always in Beijing time with +08:00."""
    obj = f"{event.object_type}#{event.object_id}" if event.object_id else event.object_type
    return {
        "id": event.pk,
        "time": event.time_display,
        "actor": event.actor_label,
        "role": event.role,
        "ip": event.ip or "",
        "action": event.action,
        "object": obj,
        "result": event.get_result_display(),
        "request_id": event.request_id,
        "details": json.dumps(event.details, ensure_ascii=False, sort_keys=True, default=str),
        "hash": event.hash,
    }


# ---------------------------------------------------------------------------
# Sealing: the chain is built after commit, by one sealer at a time
# ---------------------------------------------------------------------------

# A row must be sealed within this many seconds of being written (ADR 0005). The task
# worker's sealer looks every ZHENGWU_AUDIT_SEAL_INTERVAL seconds (0.2 by default).
SEAL_WINDOW_SECONDS = 1.0
SEAL_BATCH = 5000
# A writer that finds a row unsealed for longer than this seals the backlog itself, inside
# its own transaction (at most SEAL_ASSIST_BATCH rows): under a steady stream of writers the
# sealer thread may not get SQLite's one write lock (or, starved of CPU, a turn) for
# seconds, but the writers hold that lock anyway. ZHENGWU_AUDIT_SEAL_ASSIST_AFTER
# overrides it (tests); it must stay below the window. ZHENGWU_AUDIT_SEAL_ASSIST = False
# switches it off (the test suite, whose query counts must not depend on its speed).
SEAL_ASSIST_AFTER_SECONDS = 0.5
SEAL_ASSIST_BATCH = 1000


_SEALED_HERE_LOCK = threading.Lock()


@dataclass
class SealReport:
    sealed: int = 0
    # Rows that waited longer than SEAL_WINDOW_SECONDS (the sealer was not running or behind).
    late: int = 0
    oldest_created_at: dt.datetime | None = None
    max_wait_seconds: float = 0.0  # the longest a sealed row had waited since it was written
    by_writers: int = 0  # of ``sealed``, rows a writer sealed in its own transaction

    def add(self, other: SealReport) -> None:
        with _SEALED_HERE_LOCK:  # the sealer thread and writer threads add to SEALED_HERE
            self._add(other)

    def _add(self, other: SealReport) -> None:
        self.sealed += other.sealed
        self.late += other.late
        self.by_writers += other.by_writers
        self.max_wait_seconds = max(self.max_wait_seconds, other.max_wait_seconds)
        if other.oldest_created_at is not None and (
                self.oldest_created_at is None or other.oldest_created_at < self.oldest_created_at):
            self.oldest_created_at = other.oldest_created_at


# Every seal this process made (sealer thread and writers), for the bench and the tests:
# the waits are measured at sealing time against each row's created_at.
SEALED_HERE = SealReport()


def seal_assist_after() -> float:
    """Seconds a row may wait before the next writer seals it (below the window)."""
    after = float(getattr(settings, "ZHENGWU_AUDIT_SEAL_ASSIST_AFTER", SEAL_ASSIST_AFTER_SECONDS))
    if not 0 <= after < SEAL_WINDOW_SECONDS:
        raise ImproperlyConfigured(
            f"ZHENGWU_AUDIT_SEAL_ASSIST_AFTER={after} 须不小于 0 且小于 {SEAL_WINDOW_SECONDS} 秒(审计记录须在 1 秒内封存)"
        )
    return after


@lru_cache(maxsize=4)
def _oldest_unsealed_sql(vendor: str) -> str:
    qn = connections[DEFAULT_DB_ALIAS].ops.quote_name
    # The partial index core_audit_unsealed (id WHERE seq IS NULL) answers this with one
    # index step and one row, however large the trail.
    return (f"SELECT {qn('created_at')} FROM {qn(AuditEvent._meta.db_table)} "  # nosec B608
            f"WHERE {qn('seq')} IS NULL ORDER BY {qn('id')} LIMIT 1")


def _seal_overdue_in_writer(conn) -> None:
    """Seal the backlog inside this writer's transaction when its oldest row is overdue.

    The sealer thread alone cannot keep the window under load: on SQLite it waits for
    the one write lock in the same sleeping busy handler as every writer, and a writer
    that has just committed takes the lock again before a sleeper wakes; on a saturated
    machine the thread also waits for a CPU. A writer already holds what sealing needs
    (SQLite's write lock; on PostgreSQL it takes the chain head only if nobody holds it,
    ``SKIP LOCKED``, so no writer ever queues behind another). Sealing here is as safe as
    in the thread: the rows it sees are committed or its own, and if this transaction
    rolls back, its seals and the head move roll back with it.
    """
    if not getattr(settings, "ZHENGWU_AUDIT_SEAL_ASSIST", True):
        return
    row = fastsql.fetch_one(_oldest_unsealed_sql(conn.vendor))
    if row is None:
        return
    created = row[0]
    if isinstance(created, str):
        created = dt.datetime.fromisoformat(created)
    if timezone.is_naive(created):  # SQLite: naive UTC, as Django stores it
        created = created.replace(tzinfo=dt.UTC)
    if (timezone.now() - created).total_seconds() <= seal_assist_after():
        return
    report = SealReport()
    _seal_batch(SEAL_ASSIST_BATCH, report, skip_locked=True)
    report.by_writers = report.sealed
    SEALED_HERE.add(report)


def _head_locked(*, skip_locked: bool = False) -> AuditChainHead | None:
    """The chain head, locked for this transaction (FOR UPDATE on PostgreSQL).

    Only sealers (the thread, an assisting writer) and purge take it, so two sealers never
    interleave their chains; on SQLite the write lock already serialises them. With
    ``skip_locked`` it returns None instead of waiting when another holds it.
    """
    if skip_locked and connection.features.has_select_for_update_skip_locked:
        head = AuditChainHead.objects.select_for_update(skip_locked=True).filter(pk=1).first()
        if head is not None or AuditChainHead.objects.filter(pk=1).exists():
            return head  # None: another sealer holds it, and will seal these rows too
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1, defaults={"last_hash": GENESIS_HASH})
    return head


def _seal_batch(limit: int, report: SealReport, *, skip_locked: bool = False) -> int:
    qn = connection.ops.quote_name
    table = qn(AuditEvent._meta.db_table)
    with transaction.atomic():
        head = _head_locked(skip_locked=skip_locked)
        if head is None:
            return 0
        # Committed rows only (another transaction's are invisible until it commits, and
        # then join the next batch): the chain order is the order of sealing, not of ids.
        rows = list(AuditEvent.objects.filter(seq__isnull=True).order_by("id")[:limit])
        if not rows:
            return 0
        prev, seq = head.last_hash, head.last_seq
        now = timezone.now()
        late_before = now - dt.timedelta(seconds=SEAL_WINDOW_SECONDS)
        updates = []
        for row in rows:
            seq += 1
            digest = event_hash(row, prev)
            updates.append((seq, prev, digest, row.pk))
            prev = digest
            report.late += row.created_at < late_before
            if report.oldest_created_at is None or row.created_at < report.oldest_created_at:
                report.oldest_created_at = row.created_at
                report.max_wait_seconds = max(report.max_wait_seconds, (now - row.created_at).total_seconds())
        with connection.cursor() as cursor:
            # The one path that writes the chain columns (the model refuses updates); the
            # "seq IS NULL" guard makes a row sealed twice impossible.
            cursor.executemany(
                f"UPDATE {table} SET {qn('seq')} = %s, {qn('prev_hash')} = %s, {qn('hash')} = %s "  # nosec B608
                f"WHERE {qn('id')} = %s AND {qn('seq')} IS NULL",
                updates,
            )
        AuditChainHead.objects.filter(pk=head.pk).update(last_hash=prev, last_seq=seq, last_event_id=rows[-1].pk)
    report.sealed += len(rows)
    return len(rows)


def audit_seal(*, limit: int = SEAL_BATCH) -> SealReport:
    """Chain every committed unsealed row (oldest id first); return what was sealed.

    Each batch is one short transaction holding the chain head. The look before it runs
    outside any transaction, so an idle sealer never takes SQLite's write lock.
    """
    report = SealReport()
    while AuditEvent.objects.filter(seq__isnull=True).exists():
        if _seal_batch(limit, report) < limit:
            break
    SEALED_HERE.add(report)
    return report


@dataclass
class ChainReport:
    checked: int
    broken_at: int | None = None
    reason: str = ""
    anchor: AuditPurge | None = None
    sealed_now: SealReport | None = None  # what this verification sealed first
    unsealed: int = 0  # rows still waiting for the sealer when the walk ended
    overdue: int = 0  # of them, written more than SEAL_WINDOW_SECONDS ago

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def audit_chain_verify(*, batch_size: int = 2000, seal: bool = True) -> ChainReport:
    """Walk the chain in ``seq`` order; return the first row whose hash or link is wrong.

    With ``seal`` (the default) every committed row is sealed first, so the walk covers
    all of them; the read-only office page passes ``seal=False`` and is told how many rows
    wait, and how many longer than the window. The chain starts at the genesis hash, or
    after the newest retention purge at the hash of the last purged row. That purge must
    also be confirmed by its own chained "audit.purge" row, so deleting rows and forging a
    purge record does not verify.
    """
    sealed_now = audit_seal() if seal else None
    anchor = AuditPurge.objects.order_by("-last_purged_seq", "-id").first()
    prev = anchor.last_purged_hash if anchor else GENESIS_HASH
    last_seq = anchor.last_purged_seq if anchor else 0
    anchor_confirmed = anchor is None
    checked = 0

    def report(broken_at=None, reason=""):
        pending = AuditEvent.objects.filter(seq__isnull=True)
        overdue_before = timezone.now() - dt.timedelta(seconds=SEAL_WINDOW_SECONDS)
        return ChainReport(checked, broken_at, reason, anchor, sealed_now=sealed_now, unsealed=pending.count(),
                           overdue=pending.filter(created_at__lt=overdue_before).count())

    while True:
        batch = list(AuditEvent.objects.filter(seq__isnull=False, seq__gt=last_seq).order_by("seq")[:batch_size])
        if not batch:
            break
        for event in batch:
            if event.prev_hash != prev:
                return report(event.pk, "与上一条记录的链接不一致(可能有记录被删除、插入或调换顺序)")
            if event_hash(event, prev) != event.hash:
                return report(event.pk, "记录内容与哈希不一致(记录被篡改)")
            if not anchor_confirmed and event.action == PURGE_ACTION:
                anchor_confirmed = _purge_row_matches(event, anchor)
            prev = event.hash
            checked += 1
            last_seq = event.seq
    if not anchor_confirmed:
        return report(anchor.last_purged_id, f"清理记录 #{anchor.pk} 在审计链中没有对应的清理审计记录(清理记录可能被伪造)")
    head = AuditChainHead.objects.filter(pk=1).first()
    if head and head.last_hash != prev:
        return report(head.last_event_id, "链尾与链头记录不一致(末尾记录被删除)")
    return report()


# ---------------------------------------------------------------------------
# Retention and purge
# ---------------------------------------------------------------------------

PURGE_ACTION = "audit.purge"
MIN_RETENTION_DAYS = 183  # 6 months (GB/T 22239-2019 8.1.4.3 c, 网络安全法 第二十一条)


def audit_retention_days() -> int:
    days = int(getattr(settings, "ZHENGWU_AUDIT_RETENTION_DAYS", MIN_RETENTION_DAYS))
    if days < MIN_RETENTION_DAYS:
        raise ImproperlyConfigured(
            f"ZHENGWU_AUDIT_RETENTION_DAYS={days} 低于法定最短保存期 {MIN_RETENTION_DAYS} 天(6个月)"
        )
    return days


def audit_purge_latest_allowed() -> dt.date:
    """The newest cut date the retention period allows (rows before it may go)."""
    return timezone.localdate() - dt.timedelta(days=audit_retention_days())


def _purge_row_matches(event: AuditEvent, anchor: AuditPurge) -> bool:
    d = event.details or {}
    # Purges made before sealing existed name no seq: their rows were chained in id order
    # (migration core 0012 set seq = id), so their anchor's seq must equal its id.
    return (
        d.get("purge_id") == anchor.pk
        and d.get("last_purged_id") == anchor.last_purged_id
        and d.get("last_purged_seq", anchor.last_purged_id) == anchor.last_purged_seq
        and d.get("last_purged_hash") == anchor.last_purged_hash
        and d.get("removed") == anchor.removed_count
    )


@dataclass
class PurgePlan:
    cut_before: dt.datetime
    removed: int
    last_purged_id: int | None
    last_purged_hash: str = ""
    last_purged_seq: int | None = None
    chain: ChainReport | None = None
    purge: AuditPurge | None = None
    event: AuditEvent | None = None
    notes: list[str] = field(default_factory=list)


def _cut_datetime(before: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(before, dt.time.min), timezone.get_default_timezone())


def _plan(before: dt.date) -> PurgePlan:
    cut = _cut_datetime(before)
    # The chain order is seq (the order of sealing, close to commit order). Cut below the
    # first sealed row written on or after the cut: a row written before it but sealed
    # later is kept, never a newer row taken.
    sealed = AuditEvent.objects.filter(seq__isnull=False)
    first_kept = sealed.filter(created_at__gte=cut).order_by("seq").values_list("seq", flat=True).first()
    old = sealed if first_kept is None else sealed.filter(seq__lt=first_kept)
    last = old.order_by("-seq").values("id", "seq", "hash").first()
    if last is None:
        return PurgePlan(cut_before=cut, removed=0, last_purged_id=None)
    return PurgePlan(cut_before=cut, removed=old.count(), last_purged_id=last["id"], last_purged_hash=last["hash"],
                     last_purged_seq=last["seq"])


def _delete_audit_rows_through(last_seq: int, *, batch_size: int = 5000) -> int:
    """The one path that removes audit rows, used only by audit_purge.

    The model and queryset refuse delete(); this goes underneath them on purpose with
    ``_raw_delete`` (a single DELETE per seq range, no collector, no signals).
    """
    deleted = 0
    db = AuditEvent.objects.db
    sealed = AuditEvent.objects.filter(seq__isnull=False)
    low = sealed.order_by("seq").values_list("seq", flat=True).first()
    while low is not None and low <= last_seq:
        high = min(low + batch_size - 1, last_seq)
        deleted += sealed.filter(seq__gte=low, seq__lte=high)._raw_delete(db)
        low = high + 1
    return deleted


def audit_purge(
    *, actor, before: dt.date, operator_label: str = "", force_record_break: bool = False, dry_run: bool = False
) -> PurgePlan:
    """Delete audit rows older than ``before`` (Beijing midnight), recording the cut.

    Refuses a cut inside the retention period and a chain that does not verify (unless
    ``force_record_break``, which writes the break into the purge record). In one
    transaction: delete in id order, save an AuditPurge anchor (the new chain start) and
    append an "audit.purge" row holding the same numbers.
    """
    latest = audit_purge_latest_allowed()
    if before > latest:
        raise ValidationFailed(
            f"审计记录至少保存 {audit_retention_days()} 天:清理截止日期不能晚于 {latest.isoformat()}",
            code="audit_retention",
            details={"before": before.isoformat(), "latest_allowed": latest.isoformat()},
        )
    with transaction.atomic():
        # Hold the chain head so nothing is sealed between the check and the cut; seal
        # what has committed, so the cut and the check see every row written so far.
        _head_locked()
        audit_seal()
        plan = _plan(before)
        plan.chain = audit_chain_verify(seal=False)
        recorded_break: dict = {}
        if not plan.chain.ok:
            recorded_break = {"broken_at": plan.chain.broken_at, "reason": plan.chain.reason}
            if not force_record_break:
                raise Conflict(
                    f"审计链已在记录 #{plan.chain.broken_at} 处断裂({plan.chain.reason}),拒绝清理;"
                    "请先调查。确需清理时使用 --force-record-break,断裂情况将写入清理记录。",
                    code="audit_chain_broken",
                    details=recorded_break,
                )
            plan.notes.append(f"审计链断裂已记录:#{plan.chain.broken_at} {plan.chain.reason}")
        if dry_run or plan.removed == 0:
            transaction.set_rollback(True)
            return plan
        removed = _delete_audit_rows_through(plan.last_purged_seq)
        if removed != plan.removed:
            raise Conflict("清理条数与预计不一致,已取消清理", code="audit_purge_mismatch")
        label = operator_label or _actor_label(actor)
        plan.purge = AuditPurge.objects.create(
            created_at=timezone.now(),
            cut_before=plan.cut_before,
            last_purged_id=plan.last_purged_id,
            last_purged_hash=plan.last_purged_hash,
            last_purged_seq=plan.last_purged_seq,
            removed_count=removed,
            operator_label=label[:150],
            recorded_break=recorded_break,
        )
        plan.event = audit_record(
            actor=actor,
            action=PURGE_ACTION,
            obj=plan.purge,
            details={
                "purge_id": plan.purge.pk,
                "cut_before": timezone.localtime(plan.cut_before).isoformat(),
                "removed": removed,
                "last_purged_id": plan.last_purged_id,
                "last_purged_hash": plan.last_purged_hash,
                "last_purged_seq": plan.last_purged_seq,
                "retention_days": audit_retention_days(),
                "operator": label,
                "recorded_break": recorded_break,
            },
        )
    return plan
