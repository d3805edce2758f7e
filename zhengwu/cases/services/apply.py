"""Applying: one service that opens a case and stores its materials together, or nothing.

Online (the applicant), window (窗口人员 entering a walk-in application) and agent (a
township or service-point staff member applying on a resident's behalf, 代办) all come
through ``case_apply``; it checks who may use which channel, every required material,
then submits the case and stores the files in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import transaction

from zhengwu.accounts.services import normalise_phone
from zhengwu.core import crypto
from zhengwu.core.access import is_applicant
from zhengwu.core.bounds import text_length_message
from zhengwu.core.errors import Conflict, FieldErrors, PermissionDenied, ValidationFailed
from zhengwu.core.models import PendingUpload
from zhengwu.core.sanitise import has_unsafe_chars
from zhengwu.core.uploads import files_store
from zhengwu.core.uploads.pending import pending_uploads_attach
from zhengwu.org import responsibility
from zhengwu.org.roles import Role

from ..models import Case
from ..selectors.apply import (
    AGENT_UNIT_KINDS,
    APPLICABLE_CATEGORIES,
    ITEM_NOT_ONLINE,
    MATERIAL_OBJECT_TYPE,
)
from . import case_act, case_submit

MATERIAL_PURPOSE = "case_material"
NOTE_MAX = 500


def _check_channel(*, actor, applicant, channel: str, agent_unit) -> None:
    if channel == Case.Channel.ONLINE:
        if getattr(actor, "pk", None) is None or actor.pk != applicant.pk:
            raise PermissionDenied("网上申请只能由申请人本人提交", code="not_applicant")
    elif channel == Case.Channel.WINDOW:
        # The service hall's window clerks enter applications for every department.
        if not responsibility.acts_for(actor, unit_id=None, roles=Role.WINDOW_CLERK, unowned=True):
            raise PermissionDenied("只有窗口人员可以录入窗口申请", code="not_window_clerk")
    elif channel == Case.Channel.AGENT:
        if agent_unit is None:
            raise ValidationFailed("代办申请须注明代办点", code="agent_unit_required")
        if agent_unit.kind not in AGENT_UNIT_KINDS or not responsibility.acts_for(actor, unit_id=agent_unit.pk):
            raise PermissionDenied("您不在该乡镇(街道)或代办点任职,不能代办申请", code="not_agent")
    else:
        raise ValidationFailed("申请渠道不正确", code="channel_invalid")


def case_apply(
    *,
    actor,
    item,
    applicant,
    channel: str = Case.Channel.ONLINE,
    note: str = "",
    contact_phone: str = "",
    materials: Mapping[int, object] | None = None,
    extras: Sequence[object] = (),
    agent_unit=None,
) -> Case:
    """Submit an application with its materials; return the case (receipt number, clocks).

    ``materials`` maps ItemMaterial ids to one uploaded file each; ``extras`` are optional
    further files. Every required material must be present (all missing ones are named at
    once). Files go through the upload service (type by content, size limit); any failure
    leaves no case, no file row and no file on disk.
    """
    materials = dict(materials or {})
    extras = [f for f in extras if f]
    if item.category not in APPLICABLE_CATEGORIES or item.is_retired:
        raise ValidationFailed("该事项不能申请", code="item_not_open")
    if channel == Case.Channel.ONLINE and not item.online_open:
        # The page hides the button; this stops a forged URL or API call as well.
        raise PermissionDenied(ITEM_NOT_ONLINE, code="item_not_online")
    if not is_applicant(applicant):
        raise ValidationFailed("申请人须为已注册的个人或法人", code="applicant_invalid")
    _check_channel(actor=actor, applicant=applicant, channel=channel, agent_unit=agent_unit)
    errors = FieldErrors()
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        errors.add("note", text_length_message("申请事由", NOTE_MAX, len(note)), "note_too_long")
    try:
        phone = normalise_phone(contact_phone)
    except ValidationFailed as exc:
        errors.add("contact_phone", exc.message.replace("手机号", "联系电话"), exc.code)

    known = {m.pk: m for m in item.materials.all()}
    unknown = [k for k in materials if k not in known]
    if unknown:
        raise ValidationFailed("提交的材料不属于该事项", code="material_unknown", details={"materials": unknown})
    missing = [m for m in known.values() if m.required and not materials.get(m.pk)]
    for m in missing:
        errors.add(f"material_{m.pk}", f"缺少必需的申请材料:{m.name}", "material_missing")
    filed = [(known[k], f) for k, f in sorted(materials.items(), key=lambda kv: known[kv[0]].seq) if f]
    uploads = [f for _, f in filed] + extras
    if not uploads and not missing:
        errors.add(None, "请至少上传一份申请材料", "material_none")
    if missing and len(errors.codes) == len(missing):
        # Only materials are missing: one message naming them all, as before.
        raise ValidationFailed(
            "缺少必需的申请材料:" + "、".join(m.name for m in missing),
            code="material_missing", details={"missing": [m.pk for m in missing]},
        )
    errors.raise_if_any()

    with transaction.atomic():
        case = case_submit(
            actor=actor, item=item, applicant=applicant, channel=channel, agent_unit=agent_unit,
            # The phone is personal data: kept SM4-encrypted like the account's own.
            data={"note": note, "contact_phone_enc": crypto.provider().encrypt(phone)},
        )
        # Each material's file carries "case_material:<seq>" so supervision can tell, in
        # SQL, which required materials a concluded case lacks; extras carry the family.
        entries = [(m, f, f"{MATERIAL_PURPOSE}:{m.seq}") for m, f in filed] + [(None, f, MATERIAL_PURPOSE) for f in extras]
        # Files uploaded on selection arrive as pending uploads, the rest as files posted now.
        pending_at = [i for i, (_, f, _) in enumerate(entries) if isinstance(f, PendingUpload)]
        direct_at = [i for i in range(len(entries)) if i not in set(pending_at)]
        stored_at: dict[int, object] = {}
        if direct_at:
            rows = files_store(
                actor=actor, uploads=[entries[i][1] for i in direct_at], purpose=[entries[i][2] for i in direct_at],
                owner=applicant, object_type=MATERIAL_OBJECT_TYPE, object_id=case.pk,
            )
            stored_at.update(zip(direct_at, rows, strict=True))
        if pending_at:
            rows = pending_uploads_attach(
                actor=actor, pending=[entries[i][1] for i in pending_at], purpose=[entries[i][2] for i in pending_at],
                owner=applicant, object_type=MATERIAL_OBJECT_TYPE, object_id=case.pk,
            )
            stored_at.update(zip(pending_at, rows, strict=True))
        listing = [
            {"material_id": m.pk if m else None, "material_name": m.name if m else "其他材料",
             "file_id": str(stored_at[i].pk)}
            for i, (m, _, _) in enumerate(entries)
        ]
        case.data = {**case.data, "materials": listing}
        Case.objects.filter(pk=case.pk).update(data=case.data)
    return case


def case_contact_phone(case: Case) -> str:
    token = (case.data or {}).get("contact_phone_enc")
    return crypto.provider().decrypt(token) if token else ""


def case_material_download_allowed(user, stored_file) -> bool:
    """Download rule for purpose "case_material" (registered in CasesConfig.ready).

    The applicant; whoever uploaded it; window clerks (they accept for every department);
    supervisors (监察 checks every case, including whether its materials were complete);
    staff holding a business post for a department that answers for one of its steps
    (``org.responsibility``); staff of the case's 代办点.
    """
    uid = getattr(user, "pk", None)
    if uid is None:
        return False
    if stored_file.owner_id == uid or stored_file.uploaded_by_id == uid:
        return True
    if getattr(user, "kind", None) != "staff" or stored_file.object_type != MATERIAL_OBJECT_TYPE:
        return False
    if not str(stored_file.object_id).isdigit():
        return False
    case = Case.objects.filter(pk=int(stored_file.object_id)).select_related("item", "definition").first()
    if case is None:
        return False
    posts = responsibility.posts_for(user)
    if posts.holds([Role.WINDOW_CLERK, Role.SUPERVISOR]):
        return True
    # Staff of every department that answers for one of the case's steps (the item's,
    # and a joint review's own), and of the service point that applied for it.
    steps = case.definition.steps
    units = {case.step_department_id(steps, i) for i in range(len(steps))} | {case.agent_unit_id}
    return bool(posts.units() & (units - {None}))


# --- correction (补正) --------------------------------------------------------------


def discard_stored_files(stored) -> None:
    """Remove files whose rows an outer rollback took away (the orphan sweep would, later)."""
    from zhengwu.core.uploads import storage

    for row in stored:
        storage.remove_quietly(storage.path_for(row.storage_name))


def case_resubmit(
    *,
    actor,
    case: Case,
    expected_version: int,
    materials: Mapping[int, object] | None = None,
    extras: Sequence[object] = (),
    note: str = "",
) -> Case:
    """Resubmit a case awaiting correction with the corrected materials; the clocks run again.

    The applicant (or the 代办点 that applied for them) uploads at least one file: a
    corrected catalog material (``materials``: ItemMaterial id -> file) or further files
    (``extras``). The files, the "resubmit" event naming them, the clocks' resumption and
    the audit rows commit together, or none of them (files written to disk by a refused
    attempt are removed again).
    """
    materials = {k: f for k, f in dict(materials or {}).items() if f}
    extras = [f for f in extras if f]
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationFailed(f"补正说明不能超过{NOTE_MAX}个字", code="note_too_long", details={"field": "note"})
    if has_unsafe_chars(note):
        raise ValidationFailed("补正说明含有不可见的控制字符", code="note_invalid", details={"field": "note"})
    if case.status != Case.Status.CORRECTION:
        raise Conflict("办件不在待补正状态,无需补正", code="not_awaiting_correction")
    known = {m.pk: m for m in case.item.materials.all()}
    unknown = [k for k in materials if k not in known]
    if unknown:
        raise ValidationFailed("提交的材料不属于该事项", code="material_unknown", details={"materials": unknown})
    filed = [(known[k], f) for k, f in sorted(materials.items(), key=lambda kv: known[kv[0]].seq)]
    uploads = [f for _, f in filed] + extras
    if not uploads:
        raise ValidationFailed("请上传补正的材料", code="material_none")
    stored: list = []
    try:
        with transaction.atomic():
            purposes = [f"{MATERIAL_PURPOSE}:{m.seq}" for m, _ in filed] + [MATERIAL_PURPOSE] * len(extras)
            stored = files_store(
                actor=actor, uploads=uploads, purpose=purposes, owner=case.applicant,
                object_type=MATERIAL_OBJECT_TYPE, object_id=case.pk,
            )
            listing = [
                {"material_id": m.pk, "material_name": m.name, "file_id": str(row.pk), "correction": True}
                for (m, _), row in zip(filed, stored, strict=False)
            ] + [
                {"material_id": None, "material_name": "补正材料", "file_id": str(row.pk), "correction": True}
                for row in stored[len(filed):]
            ]
            case = case_act(
                actor=actor, case=case, action="resubmit", expected_version=expected_version, reason=note,
                payload={"files": [entry["file_id"] for entry in listing]},
            )
            data = dict(case.data or {})
            data["materials"] = [*data.get("materials", []), *listing]
            Case.objects.filter(pk=case.pk).update(data=data)
            case.data = data
    except BaseException:
        discard_stored_files(stored)
        raise
    return case
