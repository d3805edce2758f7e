"""The result of a concluded approval: a sealed PDF notice the applicant downloads.

Staff pages call ``case_conclusion_finish`` right after a ``case_act`` that concluded a
case (cases never imports this app; CONVENTIONS: call the next step explicitly).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from zhengwu.cases import engine
from zhengwu.cases.owners import CASE
from zhengwu.catalog.models import Category
from zhengwu.core.audit import audit_record
from zhengwu.core.errors import Conflict, ValidationFailed
from zhengwu.core.models import SiteIdentity, StoredFile
from zhengwu.core.seal import selectors as seal_selectors
from zhengwu.core.seal.notice_pdf import chinese_date, notice_pdf_render
from zhengwu.core.seal.services import (
    notice_sign,
    seal_ca_create,
    seal_certificate_issue,
)
from zhengwu.core.uploads import files_store

logger = logging.getLogger(__name__)

RESULT_PURPOSE = "case_result"
PERMIT_TITLE = "准予行政许可决定书"
CONCLUSION_TITLE = "办结通知书"


def _title_for(item) -> str:
    return PERMIT_TITLE if item.category == Category.POWER else CONCLUSION_TITLE


def _decision_text(case, title: str) -> str:
    submitted = chinese_date(timezone.localdate(case.submitted_at))
    item_name = case.item.name
    if title == PERMIT_TITLE:
        return (
            f"你(单位)于{submitted}提出的{item_name}申请(受理编号 {case.receipt_no}),本机关已依法受理。"
            "经审查,申请材料齐全,符合法定形式和法定条件。\n"
            "根据《中华人民共和国行政许可法》第三十八条第一款的规定,决定准予行政许可。"
        )
    return (
        f"你(单位)于{submitted}提出的{item_name}申请(受理编号 {case.receipt_no}),本机关已依法办理完毕,"
        "办理结果为同意。特此通知。"
    )


def _demo_seal_allowed() -> bool:
    return bool(settings.DEBUG or getattr(settings, "ZHENGWU_DEMO", False))


def _ensure_certificate(*, department) -> None:
    """Have a seal certificate for the department, issuing one on the fly only in DEBUG/demo."""
    if seal_selectors.seal_certificate_get(unit_code=department.code) is not None:
        return
    if not _demo_seal_allowed():
        raise ValidationFailed(
            f"{department.name}尚无有效的电子印章证书,暂不能出具决定书,请联系系统管理员签发证书(seal_setup)",
            code="result_no_seal",
        )
    if seal_selectors.seal_ca_get_active() is None:
        seal_ca_create(actor=None, county_name=SiteIdentity.current().site_name)
    seal_certificate_issue(actor=None, unit_code=department.code, unit_name=department.name)


def case_result_issue(*, actor, case) -> StoredFile:
    """Render, seal and store the notice of a concluded, approved case; return the stored PDF.

    The title follows the item's category (行政职权事项 → 准予行政许可决定书, otherwise
    办结通知书). The file belongs to the applicant; the department's staff may read it too.
    """
    if case.status != engine.CONCLUDED or (case.flags or {}).get("decision") != "approved":
        raise ValidationFailed("只有准予许可并已办结的办件才能出具决定书", code="result_not_approved")
    department = case.item.department
    if department is None:
        raise ValidationFailed("该事项未设置实施部门,不能出具加盖电子印章的决定书", code="result_no_department")
    if StoredFile.objects.filter(
        purpose=RESULT_PURPOSE, object_type=CASE.name, object_id=str(case.pk), is_deleted=False
    ).exists():
        raise Conflict("该办件已出具办理结果", code="result_exists")
    _ensure_certificate(department=department)
    title = _title_for(case.item)
    applicant = case.applicant
    pdf = notice_pdf_render(
        title=title, receipt_no=case.receipt_no,
        applicant_name=applicant.real_name or applicant.username,
        item_name=case.item.name, decision_text=_decision_text(case, title),
        unit_name=department.name, issued_on=timezone.localdate(case.concluded_at or timezone.now()),
    )
    signed = notice_sign(actor=actor, pdf_bytes=pdf, unit_code=department.code)
    upload = SimpleUploadedFile(f"{title}-{case.receipt_no}.pdf", signed, content_type="application/pdf")
    with transaction.atomic():
        [stored] = files_store(
            actor=actor, uploads=[upload], purpose=RESULT_PURPOSE, owner=applicant,
            object_type=CASE.name, object_id=case.pk,
        )
        audit_record(
            actor=actor, action="results.case_result.issue", obj=case,
            details={"receipt_no": case.receipt_no, "title": title, "file_id": str(stored.pk), "sha256": stored.sha256},
        )
    return stored


def case_conclusion_finish(*, actor, case) -> StoredFile | None:
    """Do what follows a conclusion: issue the sealed result of an approval and tell the applicant.

    Call it after the ``case_act`` that concluded the case. Returns the stored notice,
    or None when the case was not approved (a rejection has no notice to seal here).
    Idempotent: a second call returns the notice already issued.
    """
    from zhengwu.notifications.services import notify

    from .selectors import case_result_get

    if case.status != engine.CONCLUDED:
        return None
    existing = case_result_get(case=case)
    if existing is not None:
        return existing
    if (case.flags or {}).get("decision") != "approved":
        return None
    stored = case_result_issue(actor=actor, case=case)
    notify(
        recipient=case.applicant,
        title=f"办件 {case.receipt_no}:办理结果已出具",
        body=f"您申请的“{case.item.name}”已办结,{_title_for(case.item)}已加盖电子印章,可在线下载。",
        link=reverse("core:file_download", kwargs={"file_id": stored.pk}),
    )
    return stored


def result_after_conclusion(*, actor, case, action: str, event=None) -> None:
    """CASE_ACTED hook (zhengwu.core.registries.hooks): seal and store the result once a case is concluded.

    When the item's department holds a seal certificate (``manage.py seal_setup`` issues
    them; `make run` does so for the demo) the notice is rendered, signed and stored right
    after the conclusion commits, in the same request: rendering and signing take about
    0.1 s, which inside the conclusion's transaction held SQLite's one write lock for every
    other writer. Without a certificate, or should issuing fail, the conclusion still
    stands and the log says so, so a seal never blocks handling; the notice can be issued
    later with ``case_conclusion_finish`` (idempotent).
    """
    if action != "conclude":
        return
    from zhengwu.core.seal.selectors import seal_certificate_exists

    department = case.item.department
    if department is None or not seal_certificate_exists(unit_code=department.code):
        logger.warning(
            "case %s concluded without a sealed result: department %s has no seal certificate",
            case.receipt_no, department.code if department else "-",
        )
        return
    transaction.on_commit(lambda: _issue_after_conclusion(actor=actor, case=case))


def _issue_after_conclusion(*, actor, case) -> None:
    try:
        case_conclusion_finish(actor=actor, case=case)
    except Exception:
        # The conclusion is committed and must not turn into an error page now; the
        # notice can be issued again (case_conclusion_finish is idempotent).
        logger.exception(
            "case %s concluded but its sealed result could not be issued; run case_conclusion_finish again",
            case.receipt_no,
        )
