"""Writing and verifying the audit trail.

``audit_record`` must run inside the caller's ``transaction.atomic()`` so that the
change and its audit row commit or roll back together (CONVENTIONS rule 2).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from django.db import connection
from django.utils import timezone

from . import request_context
from .models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64


def sm3_hex(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def _canonical(event: AuditEvent) -> bytes:
    payload = {
        "created_at": timezone.localtime(event.created_at).isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "role": event.role,
        "ip": event.ip,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "result": event.result,
        "request_id": event.request_id,
        "details": event.details,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def event_hash(event: AuditEvent, prev_hash: str) -> str:
    return sm3_hex(prev_hash.encode() + _canonical(event))


def _actor_label(actor) -> str:
    if actor is None:
        return "系统"
    return getattr(actor, "audit_label", None) or str(actor)


def audit_record(
    *,
    actor,
    action: str,
    obj=None,
    object_type: str = "",
    object_id: str | int = "",
    result: str = AuditEvent.Result.SUCCESS,
    role: str = "",
    details: dict | None = None,
) -> AuditEvent:
    """Append one audit row, chained to the previous one, in the current transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must be called inside transaction.atomic()")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    ctx = request_context.current()
    user = actor if getattr(actor, "pk", None) else None
    # Lock the chain head: on PostgreSQL this serialises appenders; SQLite already
    # serialises writers (IMMEDIATE transactions), where FOR UPDATE is a no-op.
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"last_hash": GENESIS_HASH}
    )
    event = AuditEvent(
        created_at=timezone.localtime(timezone.now()),
        actor=user,
        actor_label=_actor_label(actor)[:150],
        role=role,
        ip=ctx.ip,
        action=action,
        object_type=str(object_type),
        object_id=str(object_id),
        result=result,
        request_id=ctx.request_id,
        details=details or {},
        prev_hash=head.last_hash,
    )
    event.hash = event_hash(event, head.last_hash)
    event.save()
    head.last_hash = event.hash
    head.last_event_id = event.pk
    head.save(update_fields=["last_hash", "last_event_id"])
    return event


@dataclass
class ChainReport:
    checked: int
    broken_at: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def audit_chain_verify(*, batch_size: int = 2000) -> ChainReport:
    """Walk the chain in id order; return the first row whose hash or link is wrong."""
    prev = GENESIS_HASH
    checked = 0
    last_id = 0
    while True:
        batch = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            break
        for event in batch:
            if event.prev_hash != prev:
                return ChainReport(checked, event.pk, "与上一条记录的链接不一致(可能有记录被删除或插入)")
            if event_hash(event, prev) != event.hash:
                return ChainReport(checked, event.pk, "记录内容与哈希不一致(记录被篡改)")
            prev = event.hash
            checked += 1
            last_id = event.pk
    head = AuditChainHead.objects.filter(pk=1).first()
    if head and head.last_hash != prev:
        return ChainReport(checked, head.last_event_id, "链尾与链头记录不一致(末尾记录被删除)")
    return ChainReport(checked)

