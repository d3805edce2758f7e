"""The request's clock on real calendar dates (2026 National Day), actions, outcomes, permissions."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from zhengwu.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from zhengwu.core.models import AuditEvent, Clock
from zhengwu.core.tests.upload_samples import PDF_BYTES
from zhengwu.core.uploads import file_can_download
from zhengwu.disclosure_requests import selectors, services
from zhengwu.disclosure_requests.codes import OUTCOMES, RequesterSubtype, RequesterType
from zhengwu.disclosure_requests.models import DisclosureRequest, RequestEvent
from zhengwu.notifications.models import Message

from .helpers import on, submit_on

pytestmark = pytest.mark.django_db

# 2026 working days after Thursday 24 September: Sep 28, 29, 30, Oct 8, 9, 10 (调休 Saturday),
# 12, 13, 14, 15, 16, 19, 20, 21, 22, 23, 26, 27, 28, 29 → the 20th is Thursday 29 October.
SEP_24 = (2026, 9, 24)


@pytest.fixture
def received(calendar, citizen, dept, officer):
    return submit_on(SEP_24, actor=citizen, department=dept)


def test_submit_returns_a_receipt_number_and_a_20_working_day_clock_across_the_holiday(received, citizen):
    assert received.receipt_no.startswith("YSQ20260924")
    assert received.received_on == date(2026, 9, 24)
    assert received.clock.owner_type == "disclosure_requests.request"
    assert received.clock.owner_id == received.receipt_no
    assert received.clock.due_on == date(2026, 10, 29)
    # A citizen account is a 自然人 under its real name; the phone is stored encrypted.
    assert (received.requester_type, received.requester_subtype, received.requester_name) == ("natural", "", "张三")
    assert received.contact_phone_masked == "138****5678"
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_phone FROM disclosure_requests_disclosurerequest WHERE id = %s", [received.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("sm4") and "5678" not in stored


def test_enterprise_requests_carry_the_chosen_kind_of_organisation(calendar, enterprise, dept):
    req = submit_on(SEP_24, actor=enterprise, department=dept, requester_subtype=RequesterSubtype.RESEARCH)
    assert (req.requester_type, req.requester_subtype) == (RequesterType.LEGAL, "research")
    with pytest.raises(ValidationFailed) as exc:
        submit_on(SEP_24, actor=enterprise, department=dept, requester_subtype="bank")
    assert "商业企业" in exc.value.message


def test_window_clerk_enters_a_letter_for_a_person_without_an_account(calendar, clerk, dept):
    req = submit_on(SEP_24, actor=clerk, department=dept, channel="letter", requester_type="legal",
                    requester_subtype="legal_service", requester_name="示例律师事务所")
    assert req.applicant_id is None and req.entered_by_id == clerk.pk
    assert req.get_channel_display() == "信函" and req.requester_type_label == "法人或其他组织(法律服务机构)"


def test_a_citizen_cannot_enter_a_window_request(calendar, citizen, dept):
    with pytest.raises(PermissionDenied):
        submit_on(SEP_24, actor=citizen, department=dept, channel="window", requester_type="natural", requester_name="王五")


@pytest.mark.parametrize("field,value,code", [
    ("description", "", "text_required"),
    ("description", "长" * 2001, "text_too_long"),
    ("description", 42, "text_invalid"),
    ("contact_phone", "12345", "phone_invalid"),
    ("form", "fax", "form_invalid"),
])
def test_bad_input_is_refused_in_chinese(calendar, citizen, dept, field, value, code):
    with pytest.raises(ValidationFailed) as exc:
        submit_on(SEP_24, actor=citizen, department=dept, **{field: value})
    assert exc.value.code == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.value.message)
    assert not DisclosureRequest.objects.exists()


def test_control_characters_and_nul_are_stripped(calendar, citizen, dept):
    req = submit_on(SEP_24, actor=citizen, department=dept, description="请公开\x00文件\x07<script>x</script>")
    assert req.description == "请公开文件<script>x</script>"  # stored as text, escaped when shown


def test_one_extension_of_20_working_days_approved_by_the_head(received, officer, head):
    on((2026, 10, 12), services.request_register, actor=officer, request=received)
    on((2026, 10, 12), services.request_extension_ask, actor=officer, request=received, reason="需要调取档案")
    # The officer may not approve their own extension.
    with pytest.raises(PermissionDenied):
        on((2026, 10, 12), services.request_extension_decide, actor=officer, request=received, approve=True)
    on((2026, 10, 13), services.request_extension_decide, actor=head, request=received, approve=True)
    received.refresh_from_db()
    # Oct 29 + 20 working days: Oct 30, Nov 2-6, 9-13, 16-20, 23-26 → Thursday 26 November.
    assert received.clock.due_on == date(2026, 11, 26)
    assert received.clock.extended_days == 20
    # A second extension is refused.
    with pytest.raises(Conflict) as exc:
        on((2026, 11, 2), services.request_extension_ask, actor=officer, request=received, reason="再延一次")
    assert exc.value.code == "extension_once" and "只能延长一次" in exc.value.message


def test_refused_extension_leaves_the_due_date(received, officer, head):
    services.request_register(actor=officer, request=received)
    services.request_extension_ask(actor=officer, request=received, reason="需要调取档案")
    services.request_extension_decide(actor=head, request=received, approve=False, note="理由不充分")
    received.refresh_from_db()
    assert received.extension == "refused" and received.clock.due_on == date(2026, 10, 29)


def test_correction_only_within_7_working_days_of_receipt(calendar, citizen, dept, officer):
    # Working days after 24 September: Sep 28, 29, 30, Oct 8, 9, 10 (调休 Saturday), 12 → the 7th is 12 October.
    late = submit_on(SEP_24, actor=citizen, department=dept)
    with pytest.raises(ValidationFailed) as exc:
        on((2026, 10, 13), services.request_correction_ask, actor=officer, request=late, note="请写明文件名称")
    assert exc.value.code == "correction_too_late"
    assert "7 个工作日" in exc.value.message and "2026年10月12日" in exc.value.message
    in_time = submit_on(SEP_24, actor=citizen, department=dept)
    on((2026, 10, 12), services.request_correction_ask, actor=officer, request=in_time, note="请写明文件名称")
    assert in_time.status == "correction"


def test_correction_stops_the_clock_and_the_supplied_correction_restarts_20_days(received, citizen, officer):
    on((2026, 9, 28), services.request_correction_ask, actor=officer, request=received, note="请写明文件名称")
    first_clock = Clock.objects.get(pk=received.clock_id)
    assert first_clock.state == Clock.State.STOPPED
    assert selectors.request_due_on(received) is None  # the page says "waiting for correction"

    on((2026, 10, 12), services.request_correction_supply, actor=citizen, request=received, text="《示例县老旧小区改造实施方案》")
    received.refresh_from_db()
    # 20 working days after Monday 12 October: Oct 13-16, 19-23, 26-30, Nov 2-6 (19), Nov 9 (20th).
    assert received.clock_id != first_clock.pk
    assert received.clock.started_on == date(2026, 10, 12)
    assert received.clock.due_on == date(2026, 11, 9)
    assert selectors.request_due_on(received) == date(2026, 11, 9)
    assert received.status == "registered" and received.corrected_on == date(2026, 10, 12)
    # Only once (一次性告知).
    with pytest.raises(Conflict):
        on((2026, 10, 12), services.request_correction_ask, actor=officer, request=received, note="再补正")


def test_third_party_consultation_suspends_the_clock(received, officer):
    on(SEP_24, services.request_register, actor=officer, request=received)
    on((2026, 9, 29), services.request_consultation_start, actor=officer, request=received, note="征求某公司意见")
    assert received.clock.state == Clock.State.SUSPENDED
    on((2026, 10, 9), services.request_consultation_end, actor=officer, request=received, note="该公司不同意公开")
    received.refresh_from_db()
    # Stopped: Sep 30, Oct 8, Oct 9 (3 working days) → Oct 29 moves to Nov 3.
    assert received.clock.suspended_days == 3
    assert received.clock.due_on == date(2026, 11, 3)
    assert received.status == "registered"


def test_reply_codes_the_outcome_stops_the_clock_and_tells_the_requester(received, citizen, other_citizen, officer, settings, tmp_path):
    settings.ZHENGWU_UPLOAD_ROOT = tmp_path
    services.request_register(actor=officer, request=received)
    upload = SimpleUploadedFile("改造资金安排.pdf", PDF_BYTES, content_type="application/pdf")
    on((2026, 10, 15), services.request_reply, actor=officer, request=received, outcome="2",
       text="部分信息涉及第三方,已区分处理后公开。", attachments=[upload])
    received.refresh_from_db()
    assert (received.status, received.outcome, received.replied_on) == ("replied", "2", date(2026, 10, 15))
    assert received.outcome_label == "部分公开"
    assert received.clock.state == Clock.State.STOPPED
    message = Message.objects.get(recipient=citizen)
    assert received.receipt_no in message.title and "部分公开" in message.body
    [disclosed] = selectors.request_files(request=received)["reply"]
    assert file_can_download(user=citizen, stored_file=disclosed)
    assert file_can_download(user=officer, stored_file=disclosed)
    assert not file_can_download(user=other_citizen, stored_file=disclosed)
    with pytest.raises(Conflict):
        services.request_reply(actor=officer, request=received, outcome="1", text="再答复")


@pytest.mark.parametrize("code", ["", "7", "3.9", "1.1", None])
def test_reply_refuses_codes_outside_the_report_categories(received, officer, code):
    services.request_register(actor=officer, request=received)
    with pytest.raises(ValidationFailed) as exc:
        services.request_reply(actor=officer, request=received, outcome=code, text="答复")
    assert exc.value.code == "outcome_invalid"


def test_overdue_correction_outcome_only_while_waiting_for_correction(received, officer):
    services.request_register(actor=officer, request=received)
    with pytest.raises(ValidationFailed):
        services.request_reply(actor=officer, request=received, outcome="6.1", text="逾期未补正")
    on((2026, 9, 28), services.request_correction_ask, actor=officer, request=received, note="请写明文件名称")
    with pytest.raises(Conflict):
        on((2026, 11, 30), services.request_reply, actor=officer, request=received, outcome="1", text="公开")
    on((2026, 11, 30), services.request_reply, actor=officer, request=received, outcome="6.1", text="逾期未补正,不再处理")
    assert received.outcome == "6.1"


def test_officer_of_another_department_gets_not_found(received, other_officer, head):
    for act in (
        lambda: services.request_register(actor=other_officer, request=received),
        lambda: services.request_reply(actor=other_officer, request=received, outcome="1", text="x"),
        lambda: selectors.request_get_for_staff(user=other_officer, receipt_no=received.receipt_no),
    ):
        with pytest.raises(NotFound):
            act()
    # A head sees the request but cannot act as the officer.
    assert selectors.request_get_for_staff(user=head, receipt_no=received.receipt_no) == received
    with pytest.raises(NotFound):
        services.request_register(actor=head, request=received)


def test_another_citizen_gets_not_found(received, other_citizen, citizen):
    assert selectors.request_get_for_applicant(user=citizen, receipt_no=received.receipt_no.lower()) == received
    with pytest.raises(NotFound):
        selectors.request_get_for_applicant(user=other_citizen, receipt_no=received.receipt_no)


def test_every_action_is_on_the_timeline_and_audited(received, officer, head, citizen):
    services.request_register(actor=officer, request=received)
    services.request_extension_ask(actor=officer, request=received, reason="需要会商")
    services.request_extension_decide(actor=head, request=received, approve=True)
    services.request_reply(actor=officer, request=received, outcome="1", text="予以公开")
    kinds = list(RequestEvent.objects.filter(request=received).values_list("kind", flat=True))
    assert kinds == ["submit", "register", "extension_request", "extension_approve", "reply"]
    actions = set(AuditEvent.objects.filter(object_id=str(received.pk), action__startswith="disclosure_request.")
                  .values_list("action", flat=True))
    assert actions == {f"disclosure_request.request.{k}" for k in kinds}
    # The requester's view hides the internal approval request.
    shown = [e.kind for e in selectors.request_timeline(request=received, for_requester=True)]
    assert "extension_request" not in shown and "extension_approve" in shown


def test_public_query_needs_the_phone_tail(received):
    assert selectors.request_query_public(receipt_no=received.receipt_no, phone_tail="5678") == received
    for tail in ("0000", "", "56789", "abcd"):
        with pytest.raises(NotFound):
            selectors.request_query_public(receipt_no=received.receipt_no, phone_tail=tail)


def test_outcome_codes_are_exactly_the_report_categories():
    assert len(OUTCOMES) == 2 + 8 + 3 + 5 + 3
    labels = {o.code: o.full_label for o in OUTCOMES}
    assert labels["1"] == "予以公开" and labels["2"] == "部分公开"
    assert labels["3.3"] == "不予公开:3.危及“三安全一稳定”"
    assert labels["4.3"] == "无法提供:3.补正后申请内容仍不明确"
    assert labels["5.5"] == "不予处理:5.要求行政机关确认或重新出具已获取信息"
    assert labels["6.2"].startswith("其他处理:2.申请人逾期未按收费通知要求缴纳费用")


def test_request_clock_names_department_and_post_from_the_start(received, dept):
    received.clock.refresh_from_db()
    assert (received.clock.unit_id, received.clock.role, received.clock.handler_id) == (
        dept.pk, "disclosure_officer", None)


def test_registering_names_the_officer_on_the_clock(received, officer, dept):
    services.request_register(actor=officer, request=received)
    received.clock.refresh_from_db()
    assert (received.clock.unit_id, received.clock.role, received.clock.handler_id) == (
        dept.pk, "disclosure_officer", officer.pk)


def test_migration_names_who_answers_for_clocks_started_before(received, officer, dept):
    import importlib

    from django.apps import apps

    from zhengwu.core.models import Clock

    fill = importlib.import_module("zhengwu.disclosure_requests.migrations.0002_clock_responsibility").fill
    services.request_register(actor=officer, request=received)
    Clock.objects.update(unit=None, role="", handler=None)  # as the enricher era left them

    fill(apps, None)

    assert Clock.objects.filter(pk=received.clock_id).values_list("unit_id", "role", "handler_id").get() == (
        dept.pk, "disclosure_officer", officer.pk)
