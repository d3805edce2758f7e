"""Resubmitting after a correction notice (补正) and the evidence files of a suspension.

Both store files and move the case in one transaction: refused attempts leave no row,
no event and no file on disk.
"""

import json

import pytest
from django.urls import reverse

from zhengwu.cases.models import Case, CaseEvent
from zhengwu.cases.services.apply import case_resubmit
from zhengwu.cases.services.staff import case_act_as_staff
from zhengwu.core.errors import (
    Conflict,
    DomainError,
    PermissionDenied,
    ValidationFailed,
)
from zhengwu.core.models import AuditEvent, StoredFile
from zhengwu.core.tests.upload_samples import PDF_BYTES, png_bytes, upload
from zhengwu.core.uploads import file_can_download

from .staff_fixtures import at_review, client_for, do

pytestmark = pytest.mark.django_db

BASE = "/api/v1/staff/cases"


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings, tmp_path):
    settings.ZHENGWU_UPLOAD_ROOT = tmp_path / "uploads"
    return settings.ZHENGWU_UPLOAD_ROOT


def files_on_disk(root) -> list:
    return [p for p in root.glob("**/*") if p.is_file() and ".incoming" not in p.parts]


@pytest.fixture
def in_correction(on_2026_09_24, item, materials, staff, applicant):
    case = at_review(item, applicant, staff["clerk"])
    return do(case, staff["reviewer"], "request_correction", reason="材料不全", payload={"missing": ["户口簿", "四至示意图"]})


def fresh(case):
    return Case.objects.get(pk=case.pk)


# ------------------------------------------------------------------ resubmission (service)


def test_resubmit_stores_the_files_and_returns_the_case_to_its_step(in_correction, applicant, materials):
    version = in_correction.version
    case = case_resubmit(
        actor=applicant, case=in_correction, expected_version=version,
        materials={materials[1].pk: upload("户口簿.pdf", PDF_BYTES)}, extras=[upload("四至示意图.png", png_bytes())],
        note="已补齐",
    )

    case = fresh(case)
    assert (case.status, case.step_index, case.version) == ("running", 1, version + 1)
    event = CaseEvent.objects.get(case=case, seq=case.version)
    files = list(StoredFile.objects.filter(object_type="cases.case", object_id=str(case.pk)).order_by("created_at", "pk"))
    corrected = [f for f in files if str(f.pk) in event.payload["files"]]
    assert (event.action, event.reason, len(corrected)) == ("resubmit", "已补齐", 2)
    # The corrected catalog material counts for the supervision rule "concluded without materials".
    assert sorted(f.purpose for f in corrected) == ["case_material", f"case_material:{materials[1].seq}"]
    assert all(f.owner_id == applicant.pk for f in corrected)
    listing = {m["file_id"]: m["material_name"] for m in case.data["materials"]}
    assert sorted(listing[str(f.pk)] for f in corrected) == sorted(["户口簿", "补正材料"])
    assert AuditEvent.objects.filter(action="cases.case.resubmit", object_id=str(case.pk)).count() == 1


def test_resubmit_needs_at_least_one_file(in_correction, applicant):
    with pytest.raises(ValidationFailed, match="请上传补正的材料"):
        case_resubmit(actor=applicant, case=in_correction, expected_version=in_correction.version)
    assert fresh(in_correction).status == "correction"


def test_only_the_applicant_resubmits_and_a_refusal_leaves_no_file(in_correction, staff, uploads_in_tmp):
    with pytest.raises(PermissionDenied):
        case_resubmit(
            actor=staff["reviewer"], case=in_correction, expected_version=in_correction.version,
            extras=[upload("x.pdf", PDF_BYTES)],
        )
    assert fresh(in_correction).status == "correction"
    assert StoredFile.objects.filter(object_id=str(in_correction.pk), purpose="case_material").count() == 0
    assert files_on_disk(uploads_in_tmp) == []


def test_stale_resubmission_is_a_conflict_and_writes_nothing(in_correction, applicant, uploads_in_tmp):
    with pytest.raises(Conflict):
        case_resubmit(
            actor=applicant, case=in_correction, expected_version=in_correction.version - 1,
            extras=[upload("x.pdf", PDF_BYTES)],
        )
    assert files_on_disk(uploads_in_tmp) == [] and fresh(in_correction).version == in_correction.version


def test_a_running_case_needs_no_correction(on_2026_09_24, item, staff, applicant):
    case = at_review(item, applicant, staff["clerk"])
    with pytest.raises(Conflict, match="不在待补正状态"):
        case_resubmit(actor=applicant, case=case, expected_version=case.version, extras=[upload("x.pdf", PDF_BYTES)])


def test_a_disguised_file_is_refused_and_the_case_stays_in_correction(in_correction, applicant):
    with pytest.raises(ValidationFailed):
        case_resubmit(
            actor=applicant, case=in_correction, expected_version=in_correction.version,
            extras=[upload("户口簿.pdf", b"MZ\x90\x00 not a pdf")],
        )
    assert fresh(in_correction).status == "correction"


# ------------------------------------------------------------------ resubmission (page)


def test_case_page_lists_the_missing_materials_and_the_resubmit_form(client, in_correction, applicant):
    client.force_login(applicant)
    html = client.get(reverse("cases:mine_detail", kwargs={"receipt_no": in_correction.receipt_no})).content.decode()
    assert "户口簿" in html and "四至示意图" in html and "补正材料" in html
    assert reverse("cases:resubmit", kwargs={"receipt_no": in_correction.receipt_no}) in html
    assert "需补正材料:户口簿、四至示意图" in html  # the timeline entry says what was asked for


def test_resubmit_page_posts_files_and_redirects(client, in_correction, applicant, materials):
    client.force_login(applicant)
    url = reverse("cases:resubmit", kwargs={"receipt_no": in_correction.receipt_no})
    response = client.post(url, {
        "expected_version": in_correction.version, "note": "补充了户口簿",
        f"material_{materials[1].pk}": upload("户口簿.pdf", PDF_BYTES),
    })
    assert response.status_code == 302
    assert fresh(in_correction).status == "running"
    page = client.get(response["Location"]).content.decode()
    assert "补正材料已提交" in page and "提交补正材料 1 份" in page


@pytest.mark.parametrize("fields, status, message", [
    ({}, 400, "页面版本信息缺失"),
    ({"expected_version": "1", "extras": "file"}, 409, "已被他人处理"),
    ({"expected_version": "{v}"}, 400, "请上传补正的材料"),
    ({"expected_version": "{v}", "note": "长" * 501, "extras": "file"}, 400, "不能超过500个字"),
    ({"expected_version": "{v}", "note": "已补\x00正", "extras": "file"}, 400, "控制字符"),
])
def test_bad_resubmissions_are_chinese_messages_not_500(client, in_correction, applicant, fields, status, message):
    client.force_login(applicant)
    data = {k: (str(in_correction.version) if v == "{v}" else v) for k, v in fields.items()}
    if data.get("extras") == "file":
        data["extras"] = upload("a.pdf", PDF_BYTES)
    response = client.post(reverse("cases:resubmit", kwargs={"receipt_no": in_correction.receipt_no}), data)
    assert response.status_code == status and message in response.content.decode()
    assert fresh(in_correction).status == "correction"


def test_another_citizen_gets_the_same_404_as_an_unknown_case(client, in_correction):
    from zhengwu.accounts.tests.factories import CitizenFactory

    client.force_login(CitizenFactory())
    mine = client.post(reverse("cases:resubmit", kwargs={"receipt_no": in_correction.receipt_no}), {"expected_version": "1"})
    unknown = client.post(reverse("cases:resubmit", kwargs={"receipt_no": "ZW20260101999999"}), {"expected_version": "1"})
    assert mine.status_code == unknown.status_code == 404


def test_staff_reason_with_a_nul_is_a_chinese_400(on_2026_09_24, item, staff, applicant):
    case = at_review(item, applicant, staff["clerk"])
    response = client_for(staff["reviewer"]).post(
        reverse("cases_staff:case", kwargs={"receipt_no": case.receipt_no}),
        {"action": "return", "expected_version": case.version, "reason": "退\x00回", "confirmed": "yes"},
    )
    assert response.status_code == 400 and "控制字符" in response.content.decode()
    # Multipart bodies pass the NUL-rejecting middleware (it reads only cheap bodies): the service refuses.
    api = client_for(staff["reviewer"]).post(
        f"{BASE}/{case.receipt_no}/actions", {"action": "return", "expected_version": case.version, "reason": "退\x00回"},
    )
    assert api.status_code == 400 and api.json()["code"] == "text_invalid"
    assert fresh(case).status == "running" and fresh(case).step_index == 1


def test_api_lists_what_is_missing_and_takes_the_corrected_files(client, in_correction, applicant, materials):
    client.force_login(applicant)
    [row] = client.get("/api/v1/cases/mine").json()["items"]
    assert (row["status"], row["missing"], row["version"]) == ("correction", ["户口簿", "四至示意图"], in_correction.version)

    response = client.post(f"/api/v1/cases/{in_correction.receipt_no}/resubmit", {
        "expected_version": str(row["version"]), "note": "补齐",
        f"material_{materials[1].pk}": upload("户口簿.pdf", PDF_BYTES), "extras": [upload("图.png", png_bytes())],
    })

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["missing"], body["version"]) == ("running", [], row["version"] + 1)
    stale = client.post(f"/api/v1/cases/{in_correction.receipt_no}/resubmit", {
        "expected_version": str(row["version"]), "extras": [upload("图.png", png_bytes())],
    })
    assert stale.status_code == 409


def test_api_resubmit_refusals_are_chinese_and_leak_nothing(client, in_correction, applicant):
    from zhengwu.accounts.tests.factories import CitizenFactory

    url = f"/api/v1/cases/{in_correction.receipt_no}/resubmit"
    client.force_login(CitizenFactory())
    assert client.post(url, {"expected_version": "1"}).status_code == 404
    client.force_login(applicant)
    bad_version = client.post(url, {"expected_version": "二"})
    no_files = client.post(url, {"expected_version": str(in_correction.version)})
    assert bad_version.status_code == 400 and bad_version.json()["code"] == "version_missing"
    assert no_files.status_code == 400 and no_files.json()["message"] == "请上传补正的材料"


# ------------------------------------------------------------------ suspension evidence (service)


def suspend(case, actor, *, evidence, kind="hearing", reason="申请人申请听证"):
    case.refresh_from_db()
    return case_act_as_staff(
        actor=actor, receipt_no=case.receipt_no, action="suspend", expected_version=case.version,
        reason=reason, payload={"kind": kind}, evidence=evidence,
    )


def test_suspension_stores_its_evidence_and_names_it_in_the_event(on_2026_09_24, item, staff, applicant, supervisor):
    case = at_review(item, applicant, staff["clerk"])
    case = suspend(case, staff["reviewer"], evidence=[upload("听证通知书.pdf", PDF_BYTES), upload("照片.png", png_bytes())])

    event = CaseEvent.objects.get(case=case, seq=case.version)
    assert (event.action, event.payload["kind"], len(event.payload["evidence"])) == ("suspend", "hearing", 2)
    files = StoredFile.objects.filter(pk__in=event.payload["evidence"])
    assert {f.purpose for f in files} == {"case_material:suspension"}
    assert {f.owner_id for f in files} == {applicant.pk}
    # The applicant, the case's department staff and the supervisors may read it; others may not.
    from zhengwu.accounts.tests.factories import CitizenFactory, StaffFactory

    f = files.first()
    assert file_can_download(user=applicant, stored_file=f)
    assert file_can_download(user=staff["approver"], stored_file=f)
    assert file_can_download(user=supervisor, stored_file=f)
    assert not file_can_download(user=CitizenFactory(), stored_file=f)
    assert not file_can_download(user=StaffFactory(), stored_file=f)


def test_suspension_without_evidence_is_refused_and_audited(on_2026_09_24, item, staff, applicant):
    case = at_review(item, applicant, staff["clerk"])
    with pytest.raises(ValidationFailed, match="特别程序须上传证明材料"):
        suspend(case, staff["reviewer"], evidence=[])
    assert fresh(case).status == "running"
    refusal = AuditEvent.objects.filter(action="cases.case.suspend", result="failure").get()
    assert refusal.details["code"] == "evidence_required"


def test_evidence_is_only_for_suspensions(on_2026_09_24, item, staff, applicant):
    case = at_review(item, applicant, staff["clerk"])
    with pytest.raises(ValidationFailed, match="只有特别程序"):
        case_act_as_staff(
            actor=staff["reviewer"], receipt_no=case.receipt_no, action="review_pass",
            expected_version=case.version, evidence=[upload("x.pdf", PDF_BYTES)],
        )


def test_a_refused_suspension_leaves_no_evidence_behind(on_2026_09_24, item, staff, applicant, uploads_in_tmp):
    case = at_review(item, applicant, staff["clerk"])
    with pytest.raises(DomainError, match="特别程序类型"):
        suspend(case, staff["reviewer"], evidence=[upload("听证通知书.pdf", PDF_BYTES)], kind="séance")
    with pytest.raises(Conflict):
        case_act_as_staff(
            actor=staff["reviewer"], receipt_no=case.receipt_no, action="suspend", expected_version=case.version - 1,
            reason="听证", payload={"kind": "hearing"}, evidence=[upload("听证通知书.pdf", PDF_BYTES)],
        )
    assert StoredFile.objects.filter(purpose="case_material:suspension").count() == 0
    assert files_on_disk(uploads_in_tmp) == []
    assert fresh(case).status == "running"


# ------------------------------------------------------------------ suspension evidence (page and API)


def test_staff_page_suspends_with_evidence_and_lists_it_for_the_applicant(client, on_2026_09_24, item, staff, applicant):
    case = at_review(item, applicant, staff["clerk"])
    reviewer = client_for(staff["reviewer"])
    page = reverse("cases_staff:case", kwargs={"receipt_no": case.receipt_no})
    assert 'enctype="multipart/form-data"' in reviewer.get(page).content.decode()

    refused = reviewer.post(page, {"action": "suspend", "expected_version": case.version, "kind": "expert_review", "reason": "专家评审"})
    assert refused.status_code == 400 and "特别程序须上传证明材料" in refused.content.decode()
    done = reviewer.post(page, {
        "action": "suspend", "expected_version": case.version, "kind": "expert_review", "reason": "组织专家评审",
        "evidence": upload("专家评审委托书.pdf", PDF_BYTES),
    })
    assert done.status_code == 302
    staff_html = reviewer.get(page).content.decode()
    assert "专家评审委托书.pdf" in staff_html and "附证明材料 1 份" in staff_html

    client.force_login(applicant)
    mine = client.get(reverse("cases:mine_detail", kwargs={"receipt_no": case.receipt_no})).content.decode()
    assert "特别程序证明材料" in mine and "专家评审委托书.pdf" in mine
    # It is not listed among the application's materials.
    assert mine.index("专家评审委托书.pdf") > mine.index("特别程序证明材料")


def test_api_suspends_with_multipart_evidence(on_2026_09_24, item, staff, applicant):
    case = at_review(item, applicant, staff["clerk"])
    api = client_for(staff["reviewer"])

    response = api.post(f"{BASE}/{case.receipt_no}/actions", {
        "action": "suspend", "expected_version": str(case.version), "reason": "送检",
        "payload": json.dumps({"kind": "testing"}), "evidence": [upload("检验委托单.pdf", PDF_BYTES)],
    })

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "suspended" and [e["file_name"] for e in body["evidence"]] == ["检验委托单.pdf"]
    assert body["materials"] == []


def test_api_json_still_works_and_a_json_suspension_asks_for_evidence(on_2026_09_24, item, staff, applicant):
    case = at_review(item, applicant, staff["clerk"])
    api = client_for(staff["reviewer"])

    def post_json(body):
        return api.post(f"{BASE}/{case.receipt_no}/actions", json.dumps(body), content_type="application/json")

    no_evidence = post_json({"action": "suspend", "expected_version": case.version, "reason": "听证", "payload": {"kind": "hearing"}})
    forged = post_json({"action": "suspend", "expected_version": case.version, "reason": "听证",
                        "payload": {"kind": "hearing", "evidence": ["00000000-0000-4000-8000-000000000000"]}})
    passed = post_json({"action": "review_pass", "expected_version": case.version})

    assert no_evidence.status_code == 400 and no_evidence.json()["code"] == "evidence_required"
    assert forged.status_code == 400 and forged.json()["code"] == "evidence_ids_unexpected"
    assert passed.status_code == 200 and passed.json()["step_key"] == "approve"


@pytest.mark.parametrize("data, code", [
    ({"action": "suspend", "expected_version": "x"}, 422),
    ({"action": "suspend", "expected_version": "2", "payload": "{not json"}, 400),
    ({"action": "suspend", "expected_version": "2", "payload": "[1]"}, 422),
])
def test_bad_multipart_bodies_are_chinese_4xx(on_2026_09_24, item, staff, applicant, data, code):
    case = at_review(item, applicant, staff["clerk"])
    response = client_for(staff["reviewer"]).post(f"{BASE}/{case.receipt_no}/actions", {**data, "evidence": upload("a.pdf", PDF_BYTES)})
    assert response.status_code == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["message"])
