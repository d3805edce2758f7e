"""Staff pages: the inbox and the handling page, every action through the form, the 409 race."""

import pytest
from django.urls import reverse

from zhengwu.cases.models import Case, CaseEvent
from zhengwu.core.models import AuditEvent

from .staff_fixtures import at_review, client_for, do, submit


pytestmark = pytest.mark.django_db

STALE = "该办件已被他人处理,请刷新后重试"


def page(case):
    return reverse("cases_staff:case", kwargs={"receipt_no": case.receipt_no})


def post(client, case, action, **fields):
    case.refresh_from_db()
    # confirmed: the destructive ones (refuse, reject, return, withdraw) ask first (core.confirm).
    data = {"action": action, "expected_version": case.version, "confirmed": "yes", **fields}
    return client.post(page(case), data)


def fresh(case):
    return Case.objects.get(pk=case.pk)


def test_inbox_page_lists_own_department_cases_with_text_colour_labels(on_2026_09_24, item, other_item, staff, applicant):
    mine = at_review(item, applicant, staff["clerk"])
    theirs = at_review(other_item, applicant, staff["clerk"])

    response = client_for(staff["reviewer"]).get(reverse("cases_staff:inbox"))

    html = response.content.decode()
    assert response.status_code == 200
    assert mine.receipt_no in html and theirs.receipt_no not in html
    assert 'data-colour="normal">正常</span>' in html


def test_inbox_page_filters_by_colour_and_rejects_bad_values(on_2026_09_24, item, staff, applicant):
    case = submit(item, applicant)
    client = client_for(staff["clerk"])

    assert case.receipt_no not in client.get(reverse("cases_staff:inbox"), {"colour": "red"}).content.decode()
    assert case.receipt_no in client.get(reverse("cases_staff:inbox"), {"colour": "normal"}).content.decode()
    bad = client.get(reverse("cases_staff:inbox"), {"colour": "purple", "date_from": "x"})
    assert bad.status_code == 400 and "时限状态筛选取值无效" in bad.content.decode()


def test_inbox_page_query_count_is_constant(on_2026_09_24, item, staff, applicant, django_assert_max_num_queries):
    client = client_for(staff["reviewer"])
    at_review(item, applicant, staff["clerk"])
    # 13: the staff frame's posts (one query) and the inbox's keys-then-rows page (ADR 0013).
    with django_assert_max_num_queries(13) as few:
        client.get(reverse("cases_staff:inbox"))
    for _ in range(5):
        at_review(item, applicant, staff["clerk"])

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("cases_staff:inbox"))

    assert response.content.decode().count("data-receipt=") == 6


def test_office_page_links_to_the_inbox(staff):
    response = client_for(staff["reviewer"]).get(reverse("portal:office"))

    assert reverse("cases_staff:inbox") in response.content.decode()


def test_case_page_shows_masked_applicant_materials_timeline_clocks_and_forms(on_2026_09_24, item, materials, staff, applicant):
    case = at_review(item, applicant, staff["clerk"])

    response = client_for(staff["reviewer"]).get(page(case))

    html = response.content.decode()
    assert response.status_code == 200
    assert applicant.id_number not in html and applicant.id_number_masked in html
    assert "13912345678" not in html and "139****5678" in html
    assert "提交申请" in html and "受理" in html  # timeline
    assert "办件时限" in html and "本环节时限" in html and "剩余工作日" in html
    for action in ("review_pass", "return", "request_correction", "suspend", "transfer"):
        assert f'data-action-form="{action}"' in html
    assert 'data-action-form="approve"' not in html
    assert f'name="expected_version" value="{fresh(case).version}"' in html
    assert 'value="户口簿"' in html  # the item's materials as correction checkboxes


def test_case_page_is_404_for_other_department_and_open_to_supervisors(on_2026_09_24, item, staff, applicant, other_staff, supervisor):
    case = at_review(item, applicant, staff["clerk"])

    assert client_for(other_staff["reviewer"]).get(page(case)).status_code == 404
    assert client_for(other_staff["reviewer"]).get("/office/cases/ZW20260101999999/").status_code == 404
    seen = client_for(supervisor).get(page(case))
    assert seen.status_code == 200 and "data-action-form" not in seen.content.decode()


def test_other_department_cannot_act_by_posting_either(on_2026_09_24, item, staff, applicant, other_staff):
    case = at_review(item, applicant, staff["clerk"])

    response = post(client_for(other_staff["reviewer"]), case, "review_pass")

    assert response.status_code == 404
    assert fresh(case).version == case.version
    assert AuditEvent.objects.filter(action="cases.case.review_pass", result="failure").exists()


def test_full_path_through_the_page_accept_review_approve_conclude(on_2026_09_24, item, staff, applicant):
    case = submit(item, applicant)

    for who, action in (("clerk", "accept"), ("reviewer", "review_pass"), ("approver", "approve"), ("handler", "conclude")):
        response = post(client_for(staff[who]), case, action, reason="符合条件")
        assert response.status_code == 302, (action, response.content.decode()[:2000])

    final = fresh(case)
    assert (final.status, final.flags.get("decision")) == ("concluded", "approved")
    assert list(CaseEvent.objects.filter(case=case).values_list("action", flat=True)) == [
        "submit", "accept", "review_pass", "approve", "conclude",
    ]
    shown = client_for(staff["handler"]).get(page(case)).content.decode()
    assert "已办结" in shown and "审查通过" in shown


def test_refuse_to_accept_needs_a_reason_then_closes(on_2026_09_24, item, staff, applicant):
    case = submit(item, applicant)
    clerk = client_for(staff["clerk"])

    assert post(clerk, case, "refuse").status_code == 400
    assert post(clerk, case, "refuse", reason="不属于受理范围").status_code == 302
    assert fresh(case).status == "refused"


def test_return_without_reason_is_refused_and_changes_nothing(on_2026_09_24, item, staff, applicant):
    case = at_review(item, applicant, staff["clerk"])
    version = fresh(case).version

    response = post(client_for(staff["reviewer"]), case, "return", reason="   ")

    assert response.status_code == 400 and "退回必须填写理由" in response.content.decode()
    assert (fresh(case).version, fresh(case).step_index) == (version, 1)
    assert AuditEvent.objects.filter(action="cases.case.return", result="failure").exists()


def test_return_with_reason_goes_back_and_is_on_the_timeline(on_2026_09_24, item, staff, applicant):
    case = at_review(item, applicant, staff["clerk"])

    assert post(client_for(staff["reviewer"]), case, "return", reason="申请表签字缺失").status_code == 302

    assert fresh(case).step_index == 0
    assert "申请表签字缺失" in client_for(staff["clerk"]).get(page(case)).content.decode()


def test_request_correction_lists_checked_and_typed_materials(on_2026_09_24, item, materials, staff, applicant):
    case = at_review(item, applicant, staff["clerk"])

    response = post(
        client_for(staff["reviewer"]), case, "request_correction",
        missing=["户口簿", "宅基地申请表"], missing_other="村民小组意见\n\n户口簿",
    )

    assert response.status_code == 302
    assert fresh(case).status == "correction"
    assert fresh(case).flags["missing"] == ["户口簿", "宅基地申请表", "村民小组意见"]


def test_request_correction_with_nothing_listed_is_refused(on_2026_09_24, item, materials, staff, applicant):
    case = at_review(item, applicant, staff["clerk"])

    response = post(client_for(staff["reviewer"]), case, "request_correction")

    assert response.status_code == 400 and "一次性告知补正须列明全部缺少的材料" in response.content.decode()
    assert fresh(case).status == "running"


def test_suspend_with_kind_then_resume(on_2026_09_24, item, staff, applicant, settings, tmp_path):
    from zhengwu.core.tests.upload_samples import PDF_BYTES, upload

    settings.ZHENGWU_UPLOAD_ROOT = tmp_path / "uploads"
    case = at_review(item, applicant, staff["clerk"])
    reviewer = client_for(staff["reviewer"])

    assert post(reviewer, case, "suspend", kind="nonsense", reason="x").status_code == 400
    evidence = upload("送检委托单.pdf", PDF_BYTES)
    assert post(reviewer, case, "suspend", kind="testing", reason="送检土壤样品", evidence=evidence).status_code == 302
    suspended = fresh(case)
    assert (suspended.status, suspended.flags["suspend_kind"]) == ("suspended", "testing")
    assert "特别程序:检验检测" in reviewer.get(page(case)).content.decode()
    assert post(reviewer, case, "resume").status_code == 302
    assert fresh(case).status == "running"


def test_extend_and_reject_at_approval(on_2026_09_24, item, staff, applicant):
    case = do(at_review(item, applicant, staff["clerk"]), staff["reviewer"], "review_pass")
    approver = client_for(staff["approver"])
    due = fresh(case).step_clock.due_on

    assert post(approver, case, "extend", days="2", reason="情况复杂,经批准延期").status_code == 302
    assert fresh(case).step_clock.due_on > due
    assert post(approver, case, "reject", reason="不符合规划").status_code == 302
    assert fresh(case).flags["decision"] == "rejected"


def test_transfer_to_a_colleague_with_the_same_post(on_2026_09_24, item, staff, applicant, other_staff):
    case = at_review(item, applicant, staff["clerk"])
    reviewer = client_for(staff["reviewer"])

    outsider = post(reviewer, case, "transfer", to_user_id=other_staff["reviewer"].pk, reason="回避")
    assert outsider.status_code == 400 and fresh(case).flags.get("assignee_id") is None
    assert post(reviewer, case, "transfer", to_user_id=staff["reviewer2"].pk, reason="回避").status_code == 302

    assert fresh(case).flags["assignee_id"] == staff["reviewer2"].pk
    assert post(reviewer, case, "review_pass").status_code == 403
    assert post(client_for(staff["reviewer2"]), case, "review_pass").status_code == 302


def test_withdraw_own_last_action_before_the_next_step_acts(on_2026_09_24, item, staff, applicant):
    case = submit(item, applicant)
    clerk = client_for(staff["clerk"])
    post(clerk, case, "accept")

    assert 'data-action-form="withdraw"' in clerk.get(page(case)).content.decode()
    assert post(clerk, case, "withdraw").status_code == 302
    assert fresh(case).step_index == 0


def test_refused_action_shows_the_engine_reason_with_403(on_2026_09_24, item, staff, applicant):
    case = at_review(item, applicant, staff["clerk"])

    response = post(client_for(staff["reviewer"]), case, "approve")

    assert response.status_code == 403
    assert "“审查”环节不能“准予许可”" in response.content.decode()
    assert fresh(case).step_index == 1
    assert AuditEvent.objects.filter(action="cases.case.approve", result="failure").count() == 1


def test_two_staff_on_one_case_one_wins_the_other_gets_409(on_2026_09_24, item, staff, applicant):
    case = at_review(item, applicant, staff["clerk"])
    version = fresh(case).version
    first, second = client_for(staff["reviewer"]), client_for(staff["reviewer2"])
    # Both opened the page at the same version.
    assert f'value="{version}"' in first.get(page(case)).content.decode()
    assert f'value="{version}"' in second.get(page(case)).content.decode()

    won = first.post(page(case), {"action": "review_pass", "expected_version": version})
    lost = second.post(page(case), {"action": "return", "expected_version": version, "reason": "材料不全",
                                      "confirmed": "yes"})

    assert won.status_code == 302
    assert lost.status_code == 409 and STALE in lost.content.decode()
    after = fresh(case)
    assert (after.version, after.step_index, after.flags.get("returns")) == (version + 1, 2, None)
    assert CaseEvent.objects.filter(case=case, action="return").count() == 0
    assert AuditEvent.objects.filter(action="cases.case.return", result="failure").count() == 1


def test_bad_form_input_is_a_chinese_400(on_2026_09_24, item, staff, applicant):
    case = at_review(item, applicant, staff["clerk"])
    reviewer = client_for(staff["reviewer"])

    no_version = reviewer.post(page(case), {"action": "review_pass", "expected_version": "abc"})
    no_action = reviewer.post(page(case), {"action": "fly", "expected_version": 1})

    assert no_version.status_code == 400 and "请刷新后重试" in no_version.content.decode()
    assert no_action.status_code == 400 and "请选择有效的办理动作" in no_action.content.decode()
