"""Reads for applying: items open for application, an applicant's own cases, agent posts."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from zhengwu.catalog.models import Category, Item, ItemMaterial
from zhengwu.catalog.selectors import ONLINE_OPEN_Q
from zhengwu.core.errors import NotFound, PermissionDenied
from zhengwu.core.uploads import file_list
from zhengwu.org import responsibility
from zhengwu.org.models import Unit

from ..models import Case, CaseEvent
from ..owners import CASE

# Only power (行政职权) and convenience (便民服务) items are handled as cases; disclosure
# items go through the disclosure-request module.
APPLICABLE_CATEGORIES = (Category.POWER, Category.CONVENIENCE)
# Units whose staff may apply on behalf of residents (代办).
AGENT_UNIT_KINDS = (Unit.Kind.SERVICE_POINT, Unit.Kind.TOWNSHIP, Unit.Kind.STREET)
MATERIAL_OBJECT_TYPE = CASE.name
ITEM_NOT_OPEN = "该事项不存在或暂不能申请"
ITEM_NOT_ONLINE = "该事项暂未开通网上申请,请按办事指南到办理地点现场办理"
# Files of a case: the application's materials are "case_material" or "case_material:<seq>";
# the evidence of a suspension (听证、专家评审、检验检测) shares the family, and so its
# download rule (applicant, the case's staff, supervisors), under its own detail.
MATERIAL_FAMILY = "case_material"
EVIDENCE_PURPOSE = "case_material:suspension"
# One message for "no such case" and "not yours", so receipt numbers cannot be probed.
CASE_NOT_FOUND = "未找到该办件"


def items_open_for_application(*, q: str = "", online: bool = False) -> QuerySet[Item]:
    """Active power and convenience items, with their work area and department loaded.

    ``online``: only those open to 在线申请 (enabled, with a material list); window clerks
    and township agents enter in-person applications for every item.
    """
    qs = (
        Item.objects.filter(category__in=APPLICABLE_CATEGORIES, status=Item.Status.ACTIVE)
        .select_related("work_area", "department")
        .order_by("category", "seq")
    )
    if online:
        qs = qs.filter(ONLINE_OPEN_Q)
    q = (q or "").strip()[:100]
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__iexact=q))
    return qs


def item_open_get(*, code: str, online: bool = False) -> Item:
    """The item with its materials, or NotFound when it does not exist or cannot be applied for.

    ``online``: raise PermissionDenied (``item_not_online``, the item in ``details``) when the
    item exists but is not open to 在线申请, so the page can say where to apply in person.
    """
    item = (
        items_open_for_application()
        .prefetch_related(Prefetch("materials", queryset=ItemMaterial.objects.order_by("seq")))
        .filter(code=(code or "").strip())
        .first()
    )
    if item is None:
        raise NotFound(ITEM_NOT_OPEN, code="item_not_open")
    if online and not item.online_open:
        raise PermissionDenied(ITEM_NOT_ONLINE, code="item_not_online", details={"code": item.code})
    return item


def case_list_mine(*, user) -> QuerySet[Case]:
    """The applicant's cases, newest first, with what the list shows loaded in one query."""
    return (
        Case.objects.filter(applicant_id=getattr(user, "pk", None))
        .select_related("item", "definition", "clock")
        # What the list page and the API show: not the encrypted form data, nor the item's
        # guide texts (ADR 0013: most of the list's cost was loading what nobody reads).
        .only(
            "receipt_no", "channel", "status", "step_index", "flags", "version", "submitted_at", "concluded_at",
            "applicant_id", "item__code", "item__name", "definition__steps",
            "clock__due_on", "clock__warn_on", "clock__state", "clock__calendar_complete",
        )
        .order_by("-submitted_at", "-id")
    )


def case_get_mine(*, user, receipt_no: str) -> Case:
    """A case its applicant, or the staff member who entered it (窗口/代办), may read."""
    case = (
        Case.objects.select_related("item", "definition", "clock", "applicant", "agent_unit")
        .filter(receipt_no=(receipt_no or "").strip().upper())
        .first()
    )
    uid = getattr(user, "pk", None)
    if case is None or uid is None:
        raise NotFound(CASE_NOT_FOUND, code="case_not_found")
    if case.applicant_id == uid:
        return case
    if CaseEvent.objects.filter(case=case, seq=1, actor_id=uid).exists():
        return case
    raise NotFound(CASE_NOT_FOUND, code="case_not_found")


def _case_files(case: Case):
    return file_list(object_type=MATERIAL_OBJECT_TYPE, object_id=case.pk).filter(
        Q(purpose=MATERIAL_FAMILY) | Q(purpose__startswith=MATERIAL_FAMILY + ":")
    )


def case_material_files(*, case: Case) -> list[dict]:
    """The case's application and correction materials, each labelled with the material it was filed for.

    Other files on the case (the sealed result, a suspension's evidence) are listed elsewhere.
    """
    names = material_names(case)
    return [
        {"file": f, "material_name": names.get(str(f.pk)) or "其他材料"}
        for f in _case_files(case).exclude(purpose=EVIDENCE_PURPOSE)
    ]


def material_names(case: Case) -> dict[str, str]:
    """file id -> the material it was filed for, "(补正)" marking files sent after a correction notice."""
    out = {}
    for m in (case.data or {}).get("materials", []):
        if isinstance(m, dict) and m.get("file_id"):
            name = m.get("material_name") or "其他材料"
            out[str(m["file_id"])] = f"{name}(补正)" if m.get("correction") and name != "补正材料" else name
    return out


def case_evidence_files(*, case: Case) -> list:
    """The evidence files attached to the case's suspensions, oldest first."""
    return list(_case_files(case).filter(purpose=EVIDENCE_PURPOSE))


def event_details(event: CaseEvent) -> list[str]:
    """What an event adds beyond its action: the materials asked for, the procedure, the days."""
    from .. import engine

    payload = event.payload or {}
    out = []
    if event.action == "request_correction" and payload.get("missing"):
        out.append("需补正材料:" + "、".join(str(m) for m in payload["missing"]))
    if event.action == "suspend" and payload.get("kind"):
        out.append("特别程序:" + engine.SUSPEND_KINDS.get(payload["kind"], str(payload["kind"])))
    if event.action == "suspend" and payload.get("evidence"):
        out.append(f"附证明材料 {len(payload['evidence'])} 份")
    if event.action == "resubmit" and payload.get("files"):
        out.append(f"提交补正材料 {len(payload['files'])} 份")
    if event.action == "extend" and payload.get("days"):
        out.append(f"延长 {payload['days']} 个工作日")
    if event.action == "submit" and payload.get("channel"):
        out.append("渠道:" + dict(Case.Channel.choices).get(payload["channel"], payload["channel"]))
    return out


def case_events(*, case: Case) -> list[dict]:
    """The case's timeline for its applicant: action, step name, time and details, no staff names."""
    step_names = {s["key"]: s["name"] for s in case.definition.steps}
    return [
        {
            "action": e.action, "label": e.action_label, "step_name": step_names.get(e.step_key, e.step_key),
            "at": e.created_at, "reason": e.reason, "details": event_details(e),
        }
        for e in CaseEvent.objects.filter(case=case).order_by("seq")
    ]


def agent_units_for(*, user) -> list[Unit]:
    """Township and service-point units where ``user`` holds any post (代办点)."""
    return [u for u in responsibility.units_named(responsibility.departments_for(user))
            if u.kind in AGENT_UNIT_KINDS and u.is_active]
