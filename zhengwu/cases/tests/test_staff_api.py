"""/api/v1/staff/cases/: inbox, detail and actions; the contract, 403 with reason, 409 race."""

import json

import pytest
from django.test import Client

from zhengwu.cases.models import Case, CaseEvent
from zhengwu.core.models import AuditEvent

from .staff_fixtures import at_review, client_for, do, submit


pytestmark = pytest.mark.django_db

BASE = "/api/v1/staff/cases"


def act(client, receipt_no, **body):
    return client.post(f"{BASE}/{receipt_no}/actions", json.dumps(body), content_type="application/json")


def test_inbox_contract_and_department_isolation(on_2026_09_24, item, other_item, staff, applicant):
    mine = at_review(item, applicant, staff["clerk"])
    at_review(other_item, applicant, staff["clerk"])

    response = client_for(staff["reviewer"]).get(f"{BASE}/inbox")

    assert response.status_code == 200
    body = response.json()
    assert [row["receipt_no"] for row in body["items"]] == [mine.receipt_no]
    row = body["items"][0]
    assert row["step_key"] == "review" and row["step_name"] == "审查"
    assert row["step_clock"]["colour"] == "normal" and row["step_clock"]["colour_label"] == "正常"
    assert row["version"] == Case.objects.get(pk=mine.pk).version
    assert body["next_after"] is None


def test_inbox_filters_and_bad_parameters(on_2026_09_24, item, staff, applicant, supervisor):
    case = submit(item, applicant)
    client = client_for(supervisor)

    assert [r["receipt_no"] for r in client.get(f"{BASE}/inbox", {"colour": "normal", "status": "running"}).json()["items"]] == [case.receipt_no]
    assert client.get(f"{BASE}/inbox", {"colour": "red"}).json()["items"] == []
    bad = client.get(f"{BASE}/inbox", {"colour": "purple"})
    assert bad.status_code == 422 and "取值无效" in bad.json()["message"]
    cursor = client.get(f"{BASE}/inbox", {"after": "nonsense"})
    assert cursor.status_code == 400 and cursor.json()["code"] == "cursor_invalid"


def test_inbox_api_query_count_is_constant(on_2026_09_24, item, staff, applicant, django_assert_max_num_queries):
    client = client_for(staff["reviewer"])
    at_review(item, applicant, staff["clerk"])
    with django_assert_max_num_queries(15) as few:
        client.get(f"{BASE}/inbox")
    for _ in range(5):
        at_review(item, applicant, staff["clerk"])

    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(f"{BASE}/inbox").json()["items"]) == 6


def test_detail_contract_masks_personal_data(on_2026_09_24, item, materials, staff, applicant):
    case = at_review(item, applicant, staff["clerk"])

    body = client_for(staff["reviewer"]).get(f"{BASE}/{case.receipt_no}").json()

    assert body["applicant_id_masked"] == applicant.id_number_masked and applicant.id_number not in json.dumps(body)
    assert body["applicant_phone_masked"] == "139****5678"
    assert [e["action"] for e in body["timeline"]] == ["submit", "accept"]
    assert body["timeline"][1]["post"] == "窗口人员"
    assert {c["label"] for c in body["clocks"]} == {"办件时限", "本环节时限"}
    assert {a["action"] for a in body["actions"]} == {"review_pass", "return", "request_correction", "suspend", "transfer"}
    assert body["missing_candidates"] == ["宅基地申请表", "户口簿"]
    assert "undo" not in body["flags"]


def test_detail_is_404_for_another_department(on_2026_09_24, item, staff, applicant, other_staff):
    case = at_review(item, applicant, staff["clerk"])

    response = client_for(other_staff["reviewer"]).get(f"{BASE}/{case.receipt_no}")

    assert response.status_code == 404 and response.json()["message"] == "办件不存在或您无权查看"


def test_action_returns_the_new_state(on_2026_09_24, item, staff, applicant):
    case = at_review(item, applicant, staff["clerk"])
    version = Case.objects.get(pk=case.pk).version

    response = act(client_for(staff["reviewer"]), case.receipt_no, action="review_pass", expected_version=version, reason="材料齐全")

    assert response.status_code == 200
    body = response.json()
    assert (body["step_key"], body["version"], body["status"]) == ("approve", version + 1, "running")
    assert body["timeline"][-1]["reason"] == "材料齐全"


def test_two_clients_with_the_same_version_one_wins_the_other_gets_409(on_2026_09_24, item, staff, applicant):
    case = at_review(item, applicant, staff["clerk"])
    version = Case.objects.get(pk=case.pk).version

    won = act(client_for(staff["reviewer"]), case.receipt_no, action="request_correction", expected_version=version,
              payload={"missing": ["户口簿"]})
    lost = act(client_for(staff["reviewer2"]), case.receipt_no, action="review_pass", expected_version=version)

    assert won.status_code == 200
    assert lost.status_code == 409 and lost.json()["message"] == "该办件已被他人处理,请刷新后重试"
    after = Case.objects.get(pk=case.pk)
    assert (after.status, after.step_index, after.version) == ("correction", 1, version + 1)
    assert not CaseEvent.objects.filter(case=case, action="review_pass").exists()


def test_stale_version_after_the_case_moved_on_is_409_for_the_step_holder_only(on_2026_09_24, item, staff, applicant, other_staff):
    case = at_review(item, applicant, staff["clerk"])
    version = Case.objects.get(pk=case.pk).version
    do(case, staff["reviewer"], "review_pass")

    late = act(client_for(staff["reviewer2"]), case.receipt_no, action="return", expected_version=version, reason="x")
    outsider = act(client_for(other_staff["reviewer"]), case.receipt_no, action="return", expected_version=version, reason="x")

    assert late.status_code == 409
    assert outsider.status_code == 404


def test_refused_action_is_403_with_the_reason_and_audited(on_2026_09_24, item, staff, applicant):
    case = at_review(item, applicant, staff["clerk"])
    version = Case.objects.get(pk=case.pk).version

    response = act(client_for(staff["reviewer"]), case.receipt_no, action="conclude", expected_version=version)

    assert response.status_code == 403 and response.json()["message"] == "“审查”环节不能“办结”"
    failure = AuditEvent.objects.get(action="cases.case.conclude", result="failure")
    assert failure.details["code"] == "action_not_allowed"


def test_return_without_reason_is_400_and_nothing_changes(on_2026_09_24, item, staff, applicant):
    case = at_review(item, applicant, staff["clerk"])
    version = Case.objects.get(pk=case.pk).version

    response = act(client_for(staff["reviewer"]), case.receipt_no, action="return", expected_version=version)

    assert response.status_code == 400 and response.json()["message"] == "退回必须填写理由"
    assert Case.objects.get(pk=case.pk).version == version


def test_bad_action_bodies_are_chinese_4xx(on_2026_09_24, item, staff, applicant):
    case = at_review(item, applicant, staff["clerk"])
    client = client_for(staff["reviewer"])

    missing_version = act(client, case.receipt_no, action="review_pass")
    unknown = act(client, case.receipt_no, action="teleport", expected_version=2)
    empty = client.post(f"{BASE}/{case.receipt_no}/actions", "", content_type="application/json")

    assert missing_version.status_code == 422 and "缺少参数" in missing_version.json()["message"]
    assert unknown.status_code == 400 and "未知的办理动作" in unknown.json()["message"]
    assert empty.status_code == 400 and empty.json()["code"] == "action_required"


def test_api_needs_a_verified_staff_session(on_2026_09_24, item, staff, applicant):
    case = submit(item, applicant)
    citizen = Client()
    citizen.force_login(applicant)

    assert Client().get(f"{BASE}/inbox").status_code == 401
    assert citizen.get(f"{BASE}/{case.receipt_no}").status_code == 403


def test_english_http_errors_from_ninja_are_answered_in_chinese():
    from django.test import RequestFactory
    from ninja.errors import HttpError

    from zhengwu.api import _HTTP_ERROR_MESSAGES, _http_error

    request = RequestFactory().post("/api/v1/staff/cases/x/actions")
    response = _http_error(request, HttpError(400, "Cannot parse request body"))

    assert response.status_code == 400
    import json

    assert json.loads(response.content)["message"] == _HTTP_ERROR_MESSAGES[400]
