from datetime import date

import pytest

from zhengwu.accounts.tests.factories import StaffFactory
from zhengwu.accounts.tests.timetravel import at
from zhengwu.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from zhengwu.core.models import AuditEvent, Clock
from zhengwu.letters import services
from zhengwu.core.registries.hooks import LETTER_CHANGED, register_hook, unregister_hook
from zhengwu.letters.models import ChannelPolicy, Hop, Letter, Reply
from zhengwu.notifications.models import Message
from zhengwu.org.roles import Role

from .conftest import BODY, moment, submit

pytestmark = pytest.mark.django_db


def assign(letter, staff, dept="LX-HB", **kw):
    return services.letter_assign(actor=staff["clerk"], letter=letter, department=dept, **kw)


def reply_and_approve(letter, staff, prefix="env"):
    services.letter_reply_draft(actor=staff[f"{prefix}_handler"], letter=letter, body="经核查,已责令饭店安装油烟净化设施。")
    return services.letter_reply_decide(actor=staff[f"{prefix}_head"], letter=letter, approve=True)


# ------------------------------------------------------------------ submission


def test_submit_gives_a_query_code_and_starts_the_triage_clock_at_the_letters_office(citizen, staff, units, on_2026_09_24):
    letter = submit(citizen)

    assert len(letter.query_code) == 12 and not set(letter.query_code) & set("01OIL")
    assert letter.status == Letter.Status.SUBMITTED and letter.writer == citizen
    [hop] = letter.hops.all()
    assert hop.kind == Hop.Kind.TRIAGE and hop.unit == units["office"]
    # 县长信箱: 3 working days to decide; from Thu 24 Sep (Fri 25 is 中秋节): Mon 28, Tue 29, Wed 30.
    assert hop.clock.owner_type == "letters.hop"
    assert hop.clock.started_on == date(2026, 9, 24) and hop.clock.due_on == date(2026, 9, 30)
    assert AuditEvent.objects.filter(action="letters.letter.submit", object_id=str(letter.pk)).exists()


def test_petition_acceptance_clock_is_15_working_days_across_the_national_day(citizen, staff, on_2026_09_24):
    letter = submit(citizen, channel="petition", category="labour")

    hop = letter.hops.get()
    # Sep 28, 29, 30, (Oct 1–7 holiday), Oct 8, 9, 10 (make-up Saturday), 12–16, 19–22: the 15th working day.
    assert hop.clock.due_on == date(2026, 10, 22)


def test_petition_is_never_anonymous(citizen, staff):
    with pytest.raises(PermissionDenied, match="须实名"):
        submit(None, channel="petition")
    with pytest.raises(ValidationFailed, match="不接受匿名"):
        submit(citizen, channel="petition", anonymous=True)


def test_report_may_be_anonymous_and_is_then_not_linked_to_the_account(citizen, staff):
    letter = submit(citizen, channel="report", anonymous=True)

    assert letter.writer is None and letter.is_anonymous
    assert submit(None, channel="suggestion", body=BODY + "另外").writer is None


def test_anonymous_rules_follow_the_editable_channel_policy(staff):
    ChannelPolicy.objects.filter(channel="suggestion").update(allow_anonymous=False)

    with pytest.raises(PermissionDenied):
        submit(None, channel="suggestion")


def test_staff_cannot_write_letters(staff):
    with pytest.raises(PermissionDenied):
        submit(staff["clerk"])


@pytest.mark.parametrize("field,value,message", [
    ("title", "", "请填写标题"),
    ("title", "长" * 101, "标题不能超过 100 个字"),
    ("body", "太短了", "至少 10 个字"),
    ("body", "很长" * 2600, "不能超过 5000 个字"),
    ("body", "x" * 1_000_000, "不能超过 5000 个字"),
    ("body", 12345, "格式不正确"),
    ("category", "nonsense", "请选择正确的信件类别"),
    ("channel", None, "请选择正确的来信渠道"),
    ("township", "NO-SUCH", "所在乡镇(街道)不存在"),
    ("township", ["LX-T1"], "所在乡镇(街道)不存在"),
])
def test_bad_input_is_refused_in_chinese(citizen, staff, field, value, message):
    with pytest.raises(ValidationFailed, match=message.replace("(", r"\(").replace(")", r"\)")):
        submit(citizen, **{field: value})


def test_script_markup_and_control_characters_are_removed_from_the_text(citizen, staff):
    letter = submit(
        citizen,
        title="<b>油烟</b>\x00问题",
        body="<script>alert('x')</script>楼下饭店油烟很大\u202e,<img src=x onerror=alert(1)>请处理。\x07谢谢大家的帮助",
    )

    assert letter.title == "油烟问题"
    assert "script" not in letter.body and "alert" not in letter.body and "<" not in letter.body
    assert "\x07" not in letter.body and "\u202e" not in letter.body
    assert "楼下饭店油烟很大" in letter.body


def test_department_mailbox_needs_a_department(citizen, staff, units):
    with pytest.raises(ValidationFailed, match="请选择来信部门"):
        submit(citizen, channel="department")
    letter = submit(citizen, channel="department", addressed_to="LX-HB")
    assert letter.addressed_to == units["env"]


def test_report_letters_never_carry_publication_consent(citizen, staff):
    assert submit(citizen, channel="report", publish_consent=True).publish_consent is False


def test_hooks_run_after_commit_with_the_event(citizen, staff, django_capture_on_commit_callbacks):
    seen = []

    def hook(*, letter, event):
        seen.append((letter.pk, event))

    register_hook(LETTER_CHANGED, hook)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            letter = submit(citizen)
        with django_capture_on_commit_callbacks(execute=True):
            assign(letter, staff)
    finally:
        unregister_hook(LETTER_CHANGED, hook)

    assert seen == [(letter.pk, "submitted"), (letter.pk, "assigned")]


def test_a_failing_hook_does_not_break_the_letter(citizen, staff, django_capture_on_commit_callbacks):
    def broken(*, letter, event):
        raise RuntimeError("boom")

    register_hook(LETTER_CHANGED, broken)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            letter = submit(citizen)
    finally:
        unregister_hook(LETTER_CHANGED, broken)

    assert Letter.objects.filter(pk=letter.pk).exists()


# ------------------------------------------------------------------ triage


def test_only_the_letter_clerk_triages(citizen, staff):
    letter = submit(citizen)

    for who in ("env_handler", "env_head", "supervisor"):
        with pytest.raises(PermissionDenied):
            services.letter_accept(actor=staff[who], letter=letter)
        with pytest.raises(PermissionDenied):
            services.letter_assign(actor=staff[who], letter=letter, department="LX-HB")


def test_not_accepted_needs_a_reason_stops_the_clock_and_tells_the_writer(citizen, staff):
    letter = submit(citizen)
    with pytest.raises(ValidationFailed, match="不予受理理由"):
        services.letter_not_accept(actor=staff["clerk"], letter=letter, reason="  ")

    services.letter_not_accept(actor=staff["clerk"], letter=letter, reason="属于诉讼程序处理的事项")

    letter.refresh_from_db()
    assert letter.status == Letter.Status.NOT_ACCEPTED and letter.closed_at
    assert letter.hops.get().clock.state == Clock.State.STOPPED
    assert Message.objects.filter(recipient=citizen, body__contains="属于诉讼程序处理的事项").exists()


def test_assign_starts_a_handling_hop_with_its_own_clock_and_notifies_the_department(citizen, staff, units, calendar_2026):
    with at(moment(2026, 9, 24)):
        letter = submit(citizen)
    with at(moment(2026, 9, 28)):
        services.letter_accept(actor=staff["clerk"], letter=letter)
        assign(letter, staff, reason="油烟污染属环保职责")

    letter.refresh_from_db()
    triage, handle = letter.hops.order_by("pk")
    assert letter.status == Letter.Status.HANDLING and letter.department == units["env"]
    assert triage.outcome == Hop.Outcome.ASSIGNED and triage.clock.state == Clock.State.STOPPED
    assert triage.clock.stopped_on == date(2026, 9, 28)
    # 15 working days from Mon 28 Sep: Sep 29, 30, Oct 8, 9, 10 (make-up Saturday), 12–16, 19–23 → Oct 23.
    assert handle.kind == Hop.Kind.HANDLE and handle.unit == units["env"]
    assert handle.clock.started_on == date(2026, 9, 28) and handle.clock.due_on == date(2026, 10, 23)
    assert Message.objects.filter(recipient=staff["env_handler"], title__contains="新交办信件").exists()
    assert Message.objects.filter(recipient=staff["env_head"]).exists()
    assert not Message.objects.filter(recipient=staff["labour_handler"]).exists()


def test_each_hop_clock_names_its_unit_and_post_from_the_start(citizen, staff, units, calendar_2026):
    # Supervision's alerts copy these as they are raised: nothing fills them in afterwards.
    with at(moment(2026, 9, 24)):
        letter = submit(citizen)
    with at(moment(2026, 9, 28)):
        services.letter_accept(actor=staff["clerk"], letter=letter)
        assign(letter, staff, reason="油烟污染属环保职责")

    triage, handle = letter.hops.order_by("pk").select_related("clock")
    assert (triage.clock.unit_id, triage.clock.role) == (units["office"].pk, Role.LETTER_CLERK)
    assert (handle.clock.unit_id, handle.clock.role) == (units["env"].pk, Role.HANDLER)


def test_a_petitions_handling_limit_counts_from_acceptance_a_mailbox_letters_from_the_hand_over(citizen, staff, calendar_2026):
    from zhengwu.core.workdays import add_working_days

    # Both accepted on Mon 28 Sep and handed to the department two weeks later, Mon 12 Oct.
    with at(moment(2026, 9, 24)):
        petition = submit(citizen, channel="petition", category="labour")
        mailbox = submit(citizen, title="小区门口路灯坏了一个月", body="城关镇幸福小区门口的路灯坏了一个多月,晚上出行很不方便,请尽快修理。")
    with at(moment(2026, 9, 28)):
        for letter in (petition, mailbox):
            services.letter_accept(actor=staff["clerk"], letter=letter)
    with at(moment(2026, 10, 12)):
        for letter in (petition, mailbox):
            assign(letter, staff)

    petition_clock = petition.hops.get(kind=Hop.Kind.HANDLE).clock
    mailbox_clock = mailbox.hops.get(kind=Hop.Kind.HANDLE).clock
    # 《信访工作条例》: a petition's 60 days run from acceptance, so the fortnight before the
    # hand-over (Sep 29, 30, Oct 8, 9, 10 make-up Saturday, 12: six working days) counts.
    assert petition_clock.started_on == date(2026, 9, 28) and petition_clock.limit_days == 60
    assert petition_clock.due_on == add_working_days(date(2026, 9, 28), 60).due
    assert petition_clock.due_on < add_working_days(date(2026, 10, 12), 60).due
    # The county head's mailbox: the department's 15 days run from the hand-over.
    assert mailbox_clock.started_on == date(2026, 10, 12)
    # Oct 13–16, 19–23, 26–30, Nov 2 → Nov 2.
    assert mailbox_clock.due_on == date(2026, 11, 2)


def test_consultation_has_five_working_days(citizen, staff, on_2026_09_24):
    letter = submit(citizen, channel="consultation", category="education")
    assign(letter, staff)

    handle = letter.hops.get(kind=Hop.Kind.HANDLE)
    # Sep 28, 29, 30, Oct 8, 9.
    assert handle.clock.limit_days == 5 and handle.clock.due_on == date(2026, 10, 9)


def test_transfer_needs_a_reason_closes_the_hop_and_starts_a_new_clock(citizen, staff, units, calendar_2026):
    with at(moment(2026, 9, 24)):
        letter = submit(citizen, category="labour")
        assign(letter, staff)
    with pytest.raises(ValidationFailed, match="转办理由"):
        services.letter_transfer(actor=staff["env_handler"], letter=letter, department="LX-RS", reason="")
    with pytest.raises(PermissionDenied):
        services.letter_transfer(actor=staff["labour_handler"], letter=letter, department="LX-RS", reason="不是我们的")

    with at(moment(2026, 10, 12)):
        services.letter_transfer(actor=staff["env_handler"], letter=letter, department="LX-RS", reason="属于劳动保障事项")

    letter.refresh_from_db()
    _, first, second = letter.hops.order_by("pk")
    assert letter.department == units["labour"]
    assert first.outcome == Hop.Outcome.TRANSFERRED and first.clock.stopped_on == date(2026, 10, 12)
    assert second.unit == units["labour"] and second.reason == "属于劳动保障事项"
    # 15 working days from Mon 12 Oct: Oct 13–16, 19–23, 26–30, Nov 2 → Nov 2.
    assert second.clock.started_on == date(2026, 10, 12) and second.clock.due_on == date(2026, 11, 2)
    assert Message.objects.filter(recipient=staff["labour_handler"], title__contains="新交办").exists()
    # The environment office keeps seeing the letter it once held.
    from zhengwu.letters.selectors import staff_letter_get

    assert staff_letter_get(user=staff["env_handler"], letter_id=letter.pk) == letter


def test_transfer_to_the_same_department_is_refused(citizen, staff):
    letter = submit(citizen)
    assign(letter, staff)

    with pytest.raises(ValidationFailed, match="相同"):
        services.letter_transfer(actor=staff["clerk"], letter=letter, department="LX-HB", reason="再交一次")


# ------------------------------------------------------------------ joint handling


def test_joint_handling_opinion_is_required_before_the_reply_and_seen_by_the_main_department(citizen, staff):
    letter = submit(citizen)
    assign(letter, staff, co_departments=["LX-RS"])
    joint = letter.hops.get(kind=Hop.Kind.JOINT)
    assert joint.clock.state == Clock.State.RUNNING
    assert Message.objects.filter(recipient=staff["labour_handler"], title__contains="会办").exists()

    with pytest.raises(Conflict, match="会办部门"):
        services.letter_reply_draft(actor=staff["env_handler"], letter=letter, body="已处理完毕,请知悉。")
    with pytest.raises(Conflict):
        services.letter_joint_opinion(actor=staff["env_handler"], letter=letter, opinion="我们是主办")

    services.letter_joint_opinion(actor=staff["labour_handler"], letter=letter, opinion="饭店员工用工合规,无劳动问题")

    joint.refresh_from_db()
    assert joint.opinion == "饭店员工用工合规,无劳动问题" and joint.outcome == Hop.Outcome.OPINION
    assert joint.clock.state == Clock.State.STOPPED
    assert Message.objects.filter(recipient=staff["env_handler"], title__contains="会办意见").exists()
    reply = services.letter_reply_draft(actor=staff["env_handler"], letter=letter, body="已处理完毕,请知悉。")
    assert reply.status == Reply.Status.SUBMITTED


# ------------------------------------------------------------------ reply


def test_only_the_department_handler_drafts_and_only_its_head_approves(citizen, staff):
    letter = submit(citizen)
    assign(letter, staff)
    for who in ("labour_handler", "env_head", "clerk"):
        with pytest.raises(PermissionDenied):
            services.letter_reply_draft(actor=staff[who], letter=letter, body="答复内容在这里。")
    services.letter_reply_draft(actor=staff["env_handler"], letter=letter, body="答复内容在这里。")
    for who in ("env_handler", "labour_head"):
        with pytest.raises(PermissionDenied):
            services.letter_reply_decide(actor=staff[who], letter=letter, approve=True)


def test_head_returns_a_reply_with_a_reason_to_the_handler(citizen, staff):
    letter = submit(citizen)
    assign(letter, staff)
    services.letter_reply_draft(actor=staff["env_handler"], letter=letter, body="已处理。谢谢关注。")
    with pytest.raises(ValidationFailed):
        services.letter_reply_decide(actor=staff["env_head"], letter=letter, approve=False, reason="")

    reply = services.letter_reply_decide(actor=staff["env_head"], letter=letter, approve=False, reason="请写明处理结果")

    letter.refresh_from_db()
    assert reply.status == Reply.Status.RETURNED and letter.status == Letter.Status.HANDLING
    assert Message.objects.filter(recipient=staff["env_handler"], body__contains="请写明处理结果").exists()
    assert not Message.objects.filter(recipient=citizen, title__contains="已答复").exists()


def test_approval_stops_the_clock_records_on_time_and_notifies_the_writer(citizen, staff, calendar_2026):
    with at(moment(2026, 9, 24)):
        letter = submit(citizen)
        assign(letter, staff)
    with at(moment(2026, 10, 22)):  # the due day itself is still on time
        reply_and_approve(letter, staff)

    letter.refresh_from_db()
    assert letter.status == Letter.Status.REPLIED and letter.on_time is True
    assert letter.replied_at == moment(2026, 10, 22)
    assert letter.hops.get(kind=Hop.Kind.HANDLE).clock.state == Clock.State.STOPPED
    assert Message.objects.filter(recipient=citizen, title__contains="已答复").exists()


def test_a_reply_after_the_due_day_is_late(citizen, staff, calendar_2026):
    with at(moment(2026, 9, 24)):
        letter = submit(citizen)
        assign(letter, staff)
    with at(moment(2026, 10, 23)):
        reply_and_approve(letter, staff)

    letter.refresh_from_db()
    assert letter.on_time is False


def test_an_anonymous_letter_is_concluded_on_approval(staff):
    letter = submit(None, channel="suggestion")
    assign(letter, staff)
    reply_and_approve(letter, staff)

    letter.refresh_from_db()
    assert letter.status == Letter.Status.CLOSED


def test_petition_extension_of_30_days_needs_the_head(citizen, staff, calendar_2026):
    with at(moment(2026, 9, 24)):
        letter = submit(citizen, channel="petition", category="labour")
        assign(letter, staff, dept="LX-RS")
    hop = letter.hops.get(kind=Hop.Kind.HANDLE)
    due = hop.clock.due_on
    assert hop.clock.limit_days == 60

    services.letter_extension_request(actor=staff["labour_handler"], letter=letter, reason="需要调取三年工资记录")
    with pytest.raises(PermissionDenied):
        services.letter_extension_decide(actor=staff["labour_handler"], letter=letter, approve=True)
    services.letter_extension_decide(actor=staff["labour_head"], letter=letter, approve=True)

    hop.refresh_from_db()
    hop.clock.refresh_from_db()
    assert hop.extension == Hop.Extension.APPROVED and hop.clock.extended_days == 30
    assert hop.clock.due_on > due
    with pytest.raises(Conflict, match="已申请过延期"):
        services.letter_extension_request(actor=staff["labour_handler"], letter=letter, reason="再延一次")


def test_consultation_cannot_be_extended(citizen, staff):
    letter = submit(citizen, channel="consultation")
    assign(letter, staff)

    with pytest.raises(ValidationFailed, match="不能延期"):
        services.letter_extension_request(actor=staff["env_handler"], letter=letter, reason="忙")


# ------------------------------------------------------------------ rating and re-handling


def test_only_the_writer_rates_once(citizen, other_citizen, staff):
    letter = submit(citizen)
    assign(letter, staff)
    reply_and_approve(letter, staff)

    with pytest.raises(NotFound):
        services.letter_rate(actor=other_citizen, letter=letter, satisfaction="satisfied")
    with pytest.raises(ValidationFailed):
        services.letter_rate(actor=citizen, letter=letter, satisfaction="great")
    services.letter_rate(actor=citizen, letter=letter, satisfaction="basic")
    letter.refresh_from_db()
    assert letter.status == Letter.Status.CLOSED and letter.satisfaction == "basic"
    with pytest.raises(Conflict, match="已评价"):
        services.letter_rate(actor=citizen, letter=letter, satisfaction="satisfied")


def test_rehandling_reopens_once_with_a_new_clock_and_a_second_request_is_refused(citizen, staff, calendar_2026):
    with at(moment(2026, 9, 24)):
        letter = submit(citizen)
        assign(letter, staff)
        reply_and_approve(letter, staff)
        with pytest.raises(Conflict, match="不满意"):
            services.letter_rehandle_request(actor=citizen, letter=letter, reason="还是有油烟")
        services.letter_rate(actor=citizen, letter=letter, satisfaction="unsatisfied", comment="没解决")
    with at(moment(2026, 10, 12)):
        services.letter_rehandle_request(actor=citizen, letter=letter, reason="饭店只停了两天,又开始排油烟")

    letter.refresh_from_db()
    again = letter.hops.filter(kind=Hop.Kind.HANDLE).order_by("-pk").first()
    assert letter.status == Letter.Status.HANDLING and letter.rehandle_count == 1
    assert again.is_rehandling and again.clock.started_on == date(2026, 10, 12)
    assert again.clock.due_on == date(2026, 11, 2)
    with at(moment(2026, 10, 20)):
        reply_and_approve(letter, staff)
        services.letter_rate(actor=citizen, letter=letter, satisfaction="unsatisfied")

    with pytest.raises(Conflict, match="只能申请一次重新办理"):
        services.letter_rehandle_request(actor=citizen, letter=letter, reason="还是不行")
    letter.refresh_from_db()
    # The first reply's date and timeliness stay in the statistics.
    assert letter.replied_at == moment(2026, 9, 24)


def test_every_step_leaves_a_timeline_and_the_writer_sees_the_reduced_one(citizen, staff):
    from zhengwu.letters.selectors import timeline

    letter = submit(citizen)
    assign(letter, staff, co_departments=["LX-RS"])
    services.letter_joint_opinion(actor=staff["labour_handler"], letter=letter, opinion="内部意见,不对外")
    reply_and_approve(letter, staff)

    full = [e.action for e in timeline(letter, public_only=False)]
    public = timeline(letter, public_only=True)
    assert full == ["submit", "assign", "joint_opinion", "reply_draft", "reply"]
    assert [e.action for e in public] == ["submit", "assign", "reply"]
    assert not any("内部意见" in e.note for e in public)
    actions = set(AuditEvent.objects.filter(object_type__contains="letter").values_list("action", flat=True))
    assert {"letters.letter.submit", "letters.letter.assign", "letters.letter.joint_opinion",
            "letters.letter.reply_draft", "letters.letter.reply_approve"} <= actions


# ------------------------------------------------------------------ visibility


def test_staff_see_only_letters_that_stopped_at_their_department(citizen, staff):
    from zhengwu.letters.selectors import staff_inbox, staff_letter_get

    letter = submit(citizen)
    assign(letter, staff)

    assert staff_letter_get(user=staff["env_handler"], letter_id=letter.pk) == letter
    assert staff_letter_get(user=staff["clerk"], letter_id=letter.pk) == letter
    assert staff_letter_get(user=staff["supervisor"], letter_id=letter.pk) == letter
    for who in ("labour_handler", "other"):
        with pytest.raises(NotFound):
            staff_letter_get(user=staff[who], letter_id=letter.pk)
    rows, _ = staff_inbox(user=staff["env_handler"], view="todo")
    assert [r.letter for r in rows] == [letter] and rows[0].due_on
    assert staff_inbox(user=staff["labour_handler"], view="all")[0] == []


def test_inbox_is_a_fixed_number_of_queries(citizen, staff, django_assert_max_num_queries, settings):
    settings.ZHENGWU_LETTERS_RATE_USER = (100, 3600)
    from zhengwu.letters.selectors import staff_inbox

    for i in range(8):
        letter = submit(citizen, body=BODY + str(i))
        assign(letter, staff)
    with django_assert_max_num_queries(6):
        rows, _ = staff_inbox(user=staff["clerk"], view="all")
    assert len(rows) == 8


def test_section_staff_work_for_their_department(citizen, staff, units):
    from zhengwu.letters.selectors import staff_letter_get
    from zhengwu.org.models import Unit
    from zhengwu.org.roles import Role
    from zhengwu.org.tests.factories import UnitFactory, grant_post

    section = UnitFactory(code="LX-HB-1", name="监察科", kind=Unit.Kind.SECTION, parent=units["env"])
    section_handler = grant_post(StaffFactory(), Role.HANDLER, unit=section)
    letter = submit(citizen)
    assign(letter, staff)

    assert staff_letter_get(user=section_handler, letter_id=letter.pk) == letter
    services.letter_reply_draft(actor=section_handler, letter=letter, body="科室答复草稿内容。")


def test_overdue_hops_raise_supervision_alerts_naming_the_department(citizen, staff, units, calendar_2026):
    from zhengwu.supervision.models import Alert
    from zhengwu.supervision.services import supervision_sweep

    with at(moment(2026, 9, 24)):
        letter = submit(citizen)
        assign(letter, staff)
    supervision_sweep(today=date(2026, 10, 26))  # the handling hop fell due on Oct 22

    hop = letter.hops.get(kind=Hop.Kind.HANDLE)
    alert = Alert.objects.get(clock_id=hop.clock_id, level="red")
    assert alert.owner_type == "letters.hop" and alert.unit == units["env"] and alert.role == "handler"


def test_migration_names_who_answers_for_open_hop_clocks_started_before(citizen, staff, units, calendar_2026):
    import importlib

    from django.apps import apps

    fill = importlib.import_module("zhengwu.letters.migrations.0003_clock_responsibility").fill
    with at(moment(2026, 9, 24)):
        waiting = submit(citizen)
        handled = submit(citizen, title="夜间施工噪音", body="工地每天晚上十一点以后还在打桩,严重影响周边居民休息,请有关部门处理。")
    with at(moment(2026, 9, 28)):
        services.letter_accept(actor=staff["clerk"], letter=handled)
        assign(handled, staff)
    Clock.objects.update(unit=None, role="", handler=None)  # as the enricher era left them

    fill(apps, None)

    def answers(hop):
        return Clock.objects.filter(pk=hop.clock_id).values_list("unit_id", "role").get()

    assert answers(waiting.hops.get()) == (units["office"].pk, Role.LETTER_CLERK)
    triage, handle = handled.hops.order_by("pk")
    assert answers(handle) == (units["env"].pk, Role.HANDLER)
    assert answers(triage) == (None, "")  # closed hops are left alone
