"""Writes of 政务公开: draft → review → publish (now or scheduled) → withdraw; validity; attachments.

Who may do what (the department is the disclosure's own, a section post counting for its
department): the 信息员 (EDITOR) writes and submits drafts; the 审核员 (PUBLISHER)
publishes or rejects them, corrects published records, changes their validity and
withdraws them. The platform itself (``actor=None``) publishes scheduled records and
imports historical ones.

Every action is audited under "disclosure.…"; those that change what is public (declared
in apps.py) also invalidate the anonymous page cache (``core.page_cache``), and every
change of what is public asks search to reindex the record after commit.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date

from zhengwu.catalog.models import Category, Item
from zhengwu.core.audit import audit_record, audit_record_failure
from zhengwu.core.bounds import date_check
from zhengwu.core.errors import Conflict, PermissionDenied, ValidationFailed
from zhengwu.core.uploads import file_delete, files_store
from zhengwu.org import responsibility
from zhengwu.org.models import Unit
from zhengwu.core.registries.search import search_index_later

from . import posts
from .models import (
    Attachment,
    Column,
    Disclosure,
    DocumentKind,
    IndexSequence,
    Status,
    Validity,
)
from .richtext import BODY_MAX_CHARS, html_to_text, sanitize_html, strip_control
from .selectors import as_id

logger = logging.getLogger(__name__)

SEARCH_DOC_TYPE = "disclosure"
ATTACHMENT_PURPOSE = "disclosure:attachment"
ATTACHMENT_OBJECT_TYPE = "disclosure.disclosure"
TITLE_MAX = 200
DOCUMENT_NUMBER_MAX = 100
ISSUING_BODY_MAX = 100
REASON_MAX = 500
VALIDITY_NOTE_MAX = 300
# How far ahead a publication may be scheduled; further is almost surely a typo.
SCHEDULE_MAX_DAYS = 366
EDITABLE_FIELDS = (
    "title", "body_html", "document_number", "issuing_body", "written_on",
    "column", "document_kind", "catalog_item", "interprets",
)

_UNSET = object()


# ------------------------------------------------------------------ checks


def _require_department(actor, department_id: int, *, roles: str) -> None:
    if posts.is_system(actor):
        return
    if roles == "editor":
        wanted, message = posts.EDITOR_ROLES, "只有本部门的信息员可以撰写和修改草稿"
    else:
        wanted, message = posts.PUBLISHER_ROLES, "只有本部门的审核员可以审核、发布或撤回信息"
    responsibility.access_unit(actor, unit_id=department_id, roles=wanted, message=message,
                               code="disclosure_not_department")


def _clean_line(value, *, label: str, max_len: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationFailed(f"{label}格式不正确", code="disclosure_field_invalid", details={"field": label})
    value = " ".join(strip_control(value).split())
    if required and not value:
        raise ValidationFailed(f"请填写{label}", code="disclosure_field_required", details={"field": label})
    if len(value) > max_len:
        raise ValidationFailed(f"{label}不能超过 {max_len} 个字", code="disclosure_field_too_long", details={"field": label})
    return value


def _clean_reason(value, *, label: str) -> str:
    if not isinstance(value, str):
        value = ""
    value = strip_control(value).strip()
    if not value:
        raise ValidationFailed(f"请填写{label}", code="disclosure_reason_required")
    if len(value) > REASON_MAX:
        raise ValidationFailed(f"{label}不能超过 {REASON_MAX} 个字", code="disclosure_reason_too_long")
    return value


def _clean_date(value, *, label: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return date_check(value, label=label)
    parsed = None
    if isinstance(value, str):
        try:
            parsed = parse_date(strip_control(value).strip())
        except ValueError:
            parsed = None
    if parsed is None:
        raise ValidationFailed(f"{label}格式不正确,请按“年-月-日”填写", code="disclosure_date_invalid", details={"field": label})
    return date_check(parsed, label=label)


def _clean_body(raw) -> tuple[str, str]:
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        raise ValidationFailed("正文格式不正确", code="disclosure_body_invalid")
    if len(raw) > BODY_MAX_CHARS:
        raise ValidationFailed(f"正文不能超过 {BODY_MAX_CHARS} 个字符", code="disclosure_body_too_long")
    clean = sanitize_html(raw)
    return clean, html_to_text(clean)


def _clean_column(value) -> str:
    if value not in Column.values:
        raise ValidationFailed("请选择栏目", code="disclosure_column_invalid")
    return value


def _clean_kind(column: str, value) -> str:
    if column != Column.POLICY:
        return ""
    if value in (None, ""):
        return DocumentKind.OTHER
    if value not in DocumentKind.values:
        raise ValidationFailed("文件类型不正确(规章、行政规范性文件或其他文件)", code="disclosure_kind_invalid")
    return value


def _clean_catalog_item(item) -> Item | None:
    if item in (None, ""):
        return None
    if isinstance(item, str):
        found = Item.objects.filter(code=item.strip()).first()
        if found is None:
            raise ValidationFailed("公开目录事项不存在", code="disclosure_item_invalid")
        item = found
    if item.category != Category.DISCLOSURE or item.is_retired:
        raise ValidationFailed("只能选择在用的政府信息公开事项", code="disclosure_item_invalid")
    return item


def _clean_interprets(column: str, policy, *, self_pk=None) -> Disclosure | None:
    if policy in (None, ""):
        return None
    if column != Column.INTERPRETATION:
        raise ValidationFailed("只有“政策解读”可以关联被解读的政策文件", code="disclosure_interprets_invalid")
    if not isinstance(policy, Disclosure):
        policy_id = as_id(policy)
        policy = Disclosure.objects.filter(pk=policy_id).first() if policy_id else None
    if policy is None or policy.column != Column.POLICY or policy.status == Status.WITHDRAWN or policy.pk == self_pk:
        raise ValidationFailed("被解读的政策文件不存在或已撤回", code="disclosure_interprets_invalid")
    return policy


def _clean_fields(fields: dict, *, current: Disclosure | None = None) -> dict:
    """Validate the editable fields given; return them cleaned (only those given)."""
    out: dict = {}
    column = _clean_column(fields["column"]) if "column" in fields else (current.column if current else None)
    if column is None:
        raise ValidationFailed("请选择栏目", code="disclosure_column_invalid")
    if "column" in fields:
        out["column"] = column
    if "title" in fields:
        out["title"] = _clean_line(fields["title"], label="标题", max_len=TITLE_MAX, required=True)
    if "body_html" in fields:
        out["body_html"], out["body_text"] = _clean_body(fields["body_html"])
    if "document_number" in fields:
        out["document_number"] = _clean_line(fields["document_number"], label="文号", max_len=DOCUMENT_NUMBER_MAX)
    if "issuing_body" in fields:
        out["issuing_body"] = _clean_line(fields["issuing_body"], label="发布机构", max_len=ISSUING_BODY_MAX)
    if "written_on" in fields:
        written = _clean_date(fields["written_on"], label="成文日期")
        if written and written > timezone.localdate():
            raise ValidationFailed("成文日期不能晚于今天", code="disclosure_written_future")
        out["written_on"] = written
    if "document_kind" in fields or "column" in fields:
        kind = fields.get("document_kind", current.document_kind if current else "")
        out["document_kind"] = _clean_kind(column, kind)
    if "catalog_item" in fields:
        out["catalog_item"] = _clean_catalog_item(fields["catalog_item"])
    if "interprets" in fields or "column" in fields:
        policy = fields.get("interprets", current.interprets if current else None)
        if column != Column.INTERPRETATION and "interprets" not in fields:
            policy = None  # moving out of 政策解读 drops the link
        if current is not None and policy is not None and column == Column.INTERPRETATION \
                and str(getattr(policy, "pk", policy)) == str(current.interprets_id):
            out["interprets"] = current.interprets  # unchanged link: keep it even if the policy moved on
        else:
            out["interprets"] = _clean_interprets(column, policy, self_pk=current.pk if current else None)
    return out


def _index_later(disclosure: Disclosure) -> None:
    search_index_later(SEARCH_DOC_TYPE, disclosure.pk)


def _lock(disclosure: Disclosure) -> Disclosure:
    return Disclosure.objects.select_for_update().select_related("department").get(pk=disclosure.pk)


def _refresh(target: Disclosure, source: Disclosure) -> None:
    """Copy the saved state back onto the caller's instance."""
    for f in Disclosure._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))


# ------------------------------------------------------------------ drafts


def disclosure_create(
    *, actor, department: Unit, column: str, title: str, body_html: str = "", document_number: str = "",
    issuing_body: str = "", written_on=None, document_kind: str = "", catalog_item=None, interprets=None,
) -> Disclosure:
    """Create a draft for ``department``; only its 信息员 (or the system) may."""
    if department is None or department.kind not in (Unit.Kind.DEPARTMENT, Unit.Kind.COUNTY, Unit.Kind.TOWNSHIP, Unit.Kind.STREET):
        raise ValidationFailed("请选择发布部门", code="disclosure_department_invalid")
    _require_department(actor, department.pk, roles="editor")
    fields = _clean_fields({
        "column": column, "title": title, "body_html": body_html, "document_number": document_number,
        "issuing_body": issuing_body, "written_on": written_on, "document_kind": document_kind,
        "catalog_item": catalog_item, "interprets": interprets,
    })
    fields["issuing_body"] = fields["issuing_body"] or department.name
    with transaction.atomic():
        disclosure = Disclosure.objects.create(
            department=department, created_by=actor if getattr(actor, "pk", None) else None, **fields,
        )
        audit_record(
            actor=actor, action="disclosure.disclosure.create", obj=disclosure,
            details={"department": department.code, "column": disclosure.column, "title": disclosure.title},
        )
    return disclosure


def _first_publish_differs(value, current: dt.datetime | None) -> bool:
    if value is _UNSET:
        return False
    if value in (None, ""):
        return current is not None
    if current is None:
        return True
    try:
        wanted = _clean_date(value, label="首次发布日期")
    except ValidationFailed:
        return True
    return wanted != timezone.localdate(current)


def _refuse_first_publish_change(*, actor, disclosure: Disclosure, attempted) -> None:
    """Refuse and audit (in its own committed transaction) an attempt to move 首次发布日期."""
    current = disclosure.first_published_at
    audit_record_failure(
        actor=actor, action="disclosure.disclosure.first_published_change", obj=disclosure,
        details={
            "current": timezone.localdate(current).isoformat() if current else None,
            "attempted": str(attempted)[:40],
        },
    )
    if current is None:
        message = "首次发布日期由发布操作自动记录,不能手工填写"
    else:
        message = f"首次发布日期({timezone.localdate(current):%Y-%m-%d})一经发布不得修改"
    raise ValidationFailed(message, code="disclosure_first_published_locked")


def disclosure_update(*, actor, disclosure: Disclosure, first_published_at=_UNSET, **changes) -> Disclosure:
    """Change a draft (its 信息员) or correct a published record (its 审核员).

    ``changes`` may hold any of EDITABLE_FIELDS. ``first_published_at``, when given and
    different from the recorded date, is refused and the attempt is audited as a failure
    in a transaction of its own; call this service outside any open transaction.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed("包含不能修改的字段", code="disclosure_field_unknown", details={"fields": sorted(unknown)})
    if _first_publish_differs(first_published_at, disclosure.first_published_at):
        _refuse_first_publish_change(actor=actor, disclosure=disclosure, attempted=first_published_at)
    with transaction.atomic():
        locked = _lock(disclosure)
        if locked.status == Status.DRAFT:
            _require_department(actor, locked.department_id, roles="editor")
        elif locked.status == Status.PUBLISHED:
            _require_department(actor, locked.department_id, roles="publisher")
        elif locked.status == Status.WITHDRAWN:
            raise Conflict("已撤回的信息不能修改", code="disclosure_withdrawn")
        else:
            raise Conflict("信息正在审核或等待定时发布,请先退回草稿再修改", code="disclosure_in_review")
        fields = _clean_fields(changes, current=locked)
        changed = sorted(k for k, v in fields.items() if getattr(locked, k) != v)
        if not changed:
            _refresh(disclosure, locked)
            return disclosure
        for key, value in fields.items():
            setattr(locked, key, value)
        if locked.status == Status.PUBLISHED:
            locked.revised_at = timezone.now()
        locked.save()
        audit_record(
            actor=actor, action="disclosure.disclosure.update", obj=locked,
            details={"status": locked.status, "fields": [c for c in changed if c != "body_text"]},
        )
        if locked.status == Status.PUBLISHED:
            _index_later(locked)
    _refresh(disclosure, locked)
    return disclosure


# ------------------------------------------------------------------ review and publication


def disclosure_submit(*, actor, disclosure: Disclosure) -> Disclosure:
    """Send a draft to the department's 审核员."""
    with transaction.atomic():
        locked = _lock(disclosure)
        _require_department(actor, locked.department_id, roles="editor")
        if locked.status != Status.DRAFT:
            raise Conflict("只有草稿可以提交审核", code="disclosure_not_draft")
        if not locked.body_text and not locked.attachments.exists():
            raise ValidationFailed("正文和附件不能都为空", code="disclosure_empty")
        locked.status = Status.PENDING
        locked.reject_reason = ""
        locked.save(update_fields=["status", "reject_reason", "updated_at"])
        audit_record(actor=actor, action="disclosure.disclosure.submit", obj=locked, details={"title": locked.title})
    _refresh(disclosure, locked)
    return disclosure


def _next_index_number(department: Unit, when: dt.datetime) -> str:
    year = timezone.localtime(when).year
    seq, _ = IndexSequence.objects.select_for_update().get_or_create(department=department, year=year)
    seq.last += 1
    seq.save(update_fields=["last"])
    return f"{department.code}/{year}-{seq.last:05d}"


def _publish_locked(*, actor, locked: Disclosure, now: dt.datetime, scheduled: bool) -> None:
    locked.status = Status.PUBLISHED
    if locked.first_published_at is None:
        locked.first_published_at = now
    if not locked.index_number:
        locked.index_number = _next_index_number(locked.department, locked.first_published_at)
    locked.scheduled_at = None
    locked.reject_reason = ""
    if getattr(actor, "pk", None):
        locked.published_by = actor
    locked.save()
    audit_record(
        actor=actor, action="disclosure.disclosure.publish", obj=locked,
        details={"index_number": locked.index_number, "scheduled": scheduled, "column": locked.column},
    )
    _index_later(locked)


def disclosure_publish(*, actor, disclosure: Disclosure, at: dt.datetime | None = None) -> Disclosure:
    """Publish a submitted record now, or schedule it for ``at`` (aware, in the future).

    A scheduled record is published by ``disclosure_publish_due`` (the minute task); its
    publisher may also publish it at once by calling this again without ``at``.
    """
    now = timezone.now()
    if at is not None:
        if not isinstance(at, dt.datetime) or timezone.is_naive(at):
            raise ValidationFailed("定时发布时间格式不正确", code="disclosure_schedule_invalid")
        if at <= now:
            at = None  # a time already passed means "now"
        elif at > now + dt.timedelta(days=SCHEDULE_MAX_DAYS):
            raise ValidationFailed("定时发布时间不能超过一年以后", code="disclosure_schedule_too_far")
    with transaction.atomic():
        locked = _lock(disclosure)
        _require_department(actor, locked.department_id, roles="publisher")
        if locked.status not in (Status.PENDING, Status.SCHEDULED):
            raise Conflict("只有待审核或定时发布的信息可以发布", code="disclosure_not_pending")
        if at is None:
            _publish_locked(actor=actor, locked=locked, now=now, scheduled=False)
        else:
            locked.status = Status.SCHEDULED
            locked.scheduled_at = at
            if getattr(actor, "pk", None):
                locked.published_by = actor
            locked.save(update_fields=["status", "scheduled_at", "published_by", "updated_at"])
            audit_record(
                actor=actor, action="disclosure.disclosure.schedule", obj=locked,
                details={"scheduled_at": timezone.localtime(at).isoformat()},
            )
    _refresh(disclosure, locked)
    return disclosure


def disclosure_publish_due(*, now: dt.datetime | None = None) -> list[int]:
    """Publish every scheduled record whose time has come; return their ids.

    Each record is published in its own transaction by the system (actor None), so one
    bad row cannot hold back the others.
    """
    now = now or timezone.now()
    due = list(
        Disclosure.objects.filter(status=Status.SCHEDULED, scheduled_at__lte=now)
        .order_by("scheduled_at", "id").values_list("pk", flat=True)
    )
    published = []
    for pk in due:
        try:
            with transaction.atomic():
                locked = Disclosure.objects.select_for_update().select_related("department").get(pk=pk)
                if locked.status != Status.SCHEDULED or locked.scheduled_at is None or locked.scheduled_at > now:
                    continue  # rejected or rescheduled meanwhile
                # The record's first publication is the scheduled time, not the sweep's.
                _publish_locked(actor=None, locked=locked, now=locked.scheduled_at, scheduled=True)
            published.append(pk)
        except Exception:
            logger.exception("scheduled publication of disclosure %s failed", pk)
    return published


def disclosure_reject(*, actor, disclosure: Disclosure, reason: str) -> Disclosure:
    """Send a submitted (or scheduled) record back to draft with the publisher's reason."""
    reason = _clean_reason(reason, label="退回原因")
    with transaction.atomic():
        locked = _lock(disclosure)
        _require_department(actor, locked.department_id, roles="publisher")
        if locked.status not in (Status.PENDING, Status.SCHEDULED):
            raise Conflict("只有待审核或定时发布的信息可以退回", code="disclosure_not_pending")
        locked.status = Status.DRAFT
        locked.scheduled_at = None
        locked.reject_reason = reason
        locked.save(update_fields=["status", "scheduled_at", "reject_reason", "updated_at"])
        audit_record(actor=actor, action="disclosure.disclosure.reject", obj=locked, details={"reason": reason})
    _refresh(disclosure, locked)
    return disclosure


def disclosure_withdraw(*, actor, disclosure: Disclosure, reason: str) -> Disclosure:
    """Take a published record off the site, its feeds and search; the reason is kept."""
    reason = _clean_reason(reason, label="撤回原因")
    with transaction.atomic():
        locked = _lock(disclosure)
        _require_department(actor, locked.department_id, roles="publisher")
        if locked.status != Status.PUBLISHED:
            raise Conflict("只有已发布的信息可以撤回", code="disclosure_not_published")
        locked.status = Status.WITHDRAWN
        locked.withdrawn_at = timezone.now()
        locked.withdraw_reason = reason
        locked.save(update_fields=["status", "withdrawn_at", "withdraw_reason", "updated_at"])
        audit_record(
            actor=actor, action="disclosure.disclosure.withdraw", obj=locked,
            details={"reason": reason, "index_number": locked.index_number},
        )
        _index_later(locked)
    _refresh(disclosure, locked)
    return disclosure


VALIDITY_MOVES = {
    Validity.VALID: {Validity.AMENDED, Validity.REPEALED},
    Validity.AMENDED: {Validity.REPEALED},
    Validity.REPEALED: set(),
}


def disclosure_validity_change(*, actor, disclosure: Disclosure, validity: str, changed_on, note: str = "") -> Disclosure:
    """Mark a published record 已修改 or 已废止 from ``changed_on``; shown on its own page."""
    if validity not in Validity.values or validity == Validity.VALID:
        raise ValidationFailed("请选择“已修改”或“已废止”", code="disclosure_validity_invalid")
    changed_on = _clean_date(changed_on, label="变更日期")
    if changed_on is None:
        raise ValidationFailed("请填写有效性变更日期", code="disclosure_validity_date_required")
    if changed_on > timezone.localdate():
        raise ValidationFailed("有效性变更日期不能晚于今天", code="disclosure_validity_date_future")
    note = _clean_line(note, label="有效性说明", max_len=VALIDITY_NOTE_MAX)
    with transaction.atomic():
        locked = _lock(disclosure)
        _require_department(actor, locked.department_id, roles="publisher")
        if locked.status != Status.PUBLISHED:
            raise Conflict("只有已发布的信息可以变更有效性", code="disclosure_not_published")
        if validity not in VALIDITY_MOVES[Validity(locked.validity)]:
            raise Conflict(
                f"当前为“{locked.get_validity_display()}”,不能变更为“{Validity(validity).label}”",
                code="disclosure_validity_move",
            )
        if locked.written_on and changed_on < locked.written_on:
            raise ValidationFailed("有效性变更日期不能早于成文日期", code="disclosure_validity_date_early")
        previous = locked.validity
        locked.validity = validity
        locked.validity_changed_on = changed_on
        locked.validity_note = note
        locked.save(update_fields=["validity", "validity_changed_on", "validity_note", "updated_at"])
        audit_record(
            actor=actor, action="disclosure.disclosure.validity", obj=locked,
            details={"from": previous, "to": validity, "on": changed_on.isoformat(), "note": note},
        )
        _index_later(locked)
    _refresh(disclosure, locked)
    return disclosure


# ------------------------------------------------------------------ attachments


def disclosure_attachments_add(*, actor, disclosure: Disclosure, uploads) -> list[Attachment]:
    """Store files as attachments (drafts: the 信息员; published records: the 审核员)."""
    role = "publisher" if disclosure.status == Status.PUBLISHED else "editor"
    if disclosure.status not in (Status.DRAFT, Status.PUBLISHED):
        raise Conflict("审核中或已撤回的信息不能修改附件", code="disclosure_in_review")
    _require_department(actor, disclosure.department_id, roles=role)
    with transaction.atomic():
        locked = _lock(disclosure)
        if locked.status != disclosure.status:
            raise Conflict("信息状态已变化,请刷新后重试", code="disclosure_stale")
        stored = files_store(
            actor=actor, uploads=list(uploads or []), purpose=ATTACHMENT_PURPOSE,
            object_type=ATTACHMENT_OBJECT_TYPE, object_id=locked.pk,
        )
        start = (locked.attachments.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
        rows = [
            Attachment.objects.create(disclosure=locked, file=f, name=f.original_name[:200], seq=start + i)
            for i, f in enumerate(stored)
        ]
        if locked.status == Status.PUBLISHED:
            locked.revised_at = timezone.now()
            locked.save(update_fields=["revised_at", "updated_at"])
        audit_record(
            actor=actor, action="disclosure.attachment.add", obj=locked,
            details={"files": [str(f.pk) for f in stored], "names": [r.name for r in rows]},
        )
    return rows


def disclosure_attachment_remove(*, actor, attachment: Attachment) -> None:
    """Remove an attachment from its record; the stored file is flagged deleted, never erased."""
    disclosure = attachment.disclosure
    role = "publisher" if disclosure.status == Status.PUBLISHED else "editor"
    if disclosure.status not in (Status.DRAFT, Status.PUBLISHED):
        raise Conflict("审核中或已撤回的信息不能修改附件", code="disclosure_in_review")
    _require_department(actor, disclosure.department_id, roles=role)
    with transaction.atomic():
        locked = _lock(disclosure)
        name, file = attachment.name, attachment.file
        Attachment.objects.filter(pk=attachment.pk).delete()
        if file is not None:
            file_delete(actor=actor, stored_file=file)
        if locked.status == Status.PUBLISHED:
            locked.revised_at = timezone.now()
            locked.save(update_fields=["revised_at", "updated_at"])
        audit_record(actor=actor, action="disclosure.attachment.remove", obj=locked, details={"name": name})


# ------------------------------------------------------------------ historical import


def disclosure_import(
    *, actor=None, department: Unit, column: str, title: str, body_html: str, first_published_at: dt.datetime,
    document_number: str = "", issuing_body: str = "", written_on=None, document_kind: str = "",
    catalog_item=None, interprets=None, validity: str = Validity.VALID, validity_changed_on=None,
) -> Disclosure:
    """Record an already-published item with its original first-publish date (system only).

    For moving a county's historical records onto the platform (and the demo county):
    the record arrives published, numbered by its own first-publish year.
    """
    if not posts.is_system(actor):
        raise PermissionDenied("只有系统可以导入历史公开信息", code="disclosure_import_system_only")
    if not isinstance(first_published_at, dt.datetime) or timezone.is_naive(first_published_at):
        raise ValidationFailed("首次发布日期格式不正确", code="disclosure_date_invalid")
    if first_published_at > timezone.now():
        raise ValidationFailed("导入的首次发布日期不能晚于现在", code="disclosure_import_future")
    fields = _clean_fields({
        "column": column, "title": title, "body_html": body_html, "document_number": document_number,
        "issuing_body": issuing_body, "written_on": written_on, "document_kind": document_kind,
        "catalog_item": catalog_item, "interprets": interprets,
    })
    fields["issuing_body"] = fields["issuing_body"] or department.name
    if validity not in Validity.values:
        raise ValidationFailed("有效性不正确", code="disclosure_validity_invalid")
    with transaction.atomic():
        disclosure = Disclosure.objects.create(
            department=department, status=Status.PUBLISHED, first_published_at=first_published_at,
            index_number=_next_index_number(department, first_published_at),
            validity=validity, validity_changed_on=_clean_date(validity_changed_on, label="有效性变更日期"),
            **fields,
        )
        audit_record(
            actor=actor, action="disclosure.disclosure.import", obj=disclosure,
            details={"index_number": disclosure.index_number, "first_published_at": first_published_at.isoformat()},
        )
        _index_later(disclosure)
    return disclosure
