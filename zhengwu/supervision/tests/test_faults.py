"""Fault rules, each recorded against the post and the person."""

from datetime import date

import pytest

from zhengwu.accounts.tests.timetravel import at
from zhengwu.cases.services import case_act, case_submit
from zhengwu.catalog.tests.factories import ItemMaterialFactory
from zhengwu.core.tests.upload_samples import PDF_BYTES, upload
from zhengwu.core.uploads import files_store
from zhengwu.org.roles import Role
from zhengwu.supervision.models import Fault
from zhengwu.supervision.services import supervision_sweep

from .conftest import moment

pytestmark = pytest.mark.django_db

GOOD_REASON = "宅基地四至示意图与现场勘验不符,请重新核对"


@pytest.fixture
def case(item, citizen, calendar_2026):
    with at(moment(2026, 9, 24)):
        return case_submit(actor=citizen, item=item, applicant=citizen, channel="online")


def act(case, actor, action, on=(2026, 9, 24), reason=""):
    with at(moment(*on)):
        return case_act(actor=actor, case=case, action=action, expected_version=case.version, reason=reason)


def _faults(rule):
    return list(Fault.objects.filter(rule=rule).values_list("step_key", "post", "person_id"))


def test_overdue_step_is_recorded_once_against_the_step_post(case, dept):
    assert supervision_sweep(today=date(2026, 10, 12)).new_faults == 1
    assert supervision_sweep(today=date(2026, 10, 13)).new_faults == 0
    assert _faults(Fault.Rule.OVERDUE_STEP) == [("accept", Role.WINDOW_CLERK, None)]
    assert Fault.objects.get().unit_id == dept.pk


def test_overdue_step_of_a_transferred_step_names_the_person(case, staff, dept):
    act(case, staff["clerk"], "accept")
    with at(moment(2026, 9, 24)):
        case_act(actor=staff["reviewer"], case=case, action="transfer", expected_version=case.version,
                 reason="同事熟悉此类申请", payload={"to_user_id": staff["reviewer2"].pk})
    supervision_sweep(today=date(2026, 10, 20))
    assert _faults(Fault.Rule.OVERDUE_STEP) == [("review", Role.REVIEWER, staff["reviewer2"].pk)]


def test_overdue_step_of_a_case_no_longer_running_is_no_fault(case, staff):
    with at(moment(2026, 9, 24)):
        case_act(actor=staff["clerk"], case=case, action="refuse", expected_version=case.version,
                 reason="不属于本部门受理范围的申请事项")
    supervision_sweep(today=date(2026, 10, 20))
    assert _faults(Fault.Rule.OVERDUE_STEP) == []


def test_a_full_sweep_records_overdue_steps_whose_alert_came_earlier(case, dept):
    supervision_sweep(today=date(2026, 10, 12))
    Fault.objects.all().delete()  # e.g. faults written before this rule existed
    supervision_sweep(today=date(2026, 10, 13))
    assert _faults(Fault.Rule.OVERDUE_STEP) == []  # the red alert is old news for an ordinary sweep
    supervision_sweep(today=date(2026, 10, 13), full=True)
    assert _faults(Fault.Rule.OVERDUE_STEP) == [("accept", Role.WINDOW_CLERK, None)]


def test_step_on_time_is_no_fault(case):
    supervision_sweep(today=date(2026, 9, 25))
    assert _faults(Fault.Rule.OVERDUE_STEP) == []


@pytest.mark.parametrize("reason", ["退回", "无", "不行", " 同上 "])
def test_return_with_an_empty_formula_or_too_short_reason_is_a_fault(case, staff, reason):
    act(case, staff["clerk"], "accept")
    act(case, staff["reviewer"], "return", reason=reason)
    supervision_sweep(today=date(2026, 9, 24))
    assert _faults(Fault.Rule.RETURN_WITHOUT_REASON) == [("review", Role.REVIEWER, staff["reviewer"].pk)]


def test_return_with_a_real_reason_is_no_fault(case, staff):
    act(case, staff["clerk"], "accept")
    act(case, staff["reviewer"], "return", reason=GOOD_REASON)
    supervision_sweep(today=date(2026, 9, 24))
    assert _faults(Fault.Rule.RETURN_WITHOUT_REASON) == []


def test_second_return_on_a_case_is_a_repeated_returns_fault_once(case, staff):
    for _ in range(3):
        act(case, staff["clerk"], "accept")
        act(case, staff["reviewer"], "return", reason=GOOD_REASON)
        supervision_sweep(today=date(2026, 9, 24))
    assert _faults(Fault.Rule.REPEATED_RETURNS) == [("review", Role.REVIEWER, staff["reviewer"].pk)]


def test_one_return_is_not_repeated(case, staff):
    act(case, staff["clerk"], "accept")
    act(case, staff["reviewer"], "return", reason=GOOD_REASON)
    supervision_sweep(today=date(2026, 9, 24))
    assert _faults(Fault.Rule.REPEATED_RETURNS) == []


def test_acceptance_after_the_acceptance_limit_is_a_fault(case, staff):
    # The 1-day acceptance step started Thu 24 Sep falls due Mon 28 Sep (25-27 are holidays).
    act(case, staff["clerk"], "accept", on=(2026, 9, 29))
    supervision_sweep(today=date(2026, 9, 29))
    assert _faults(Fault.Rule.LATE_ACCEPTANCE) == [("accept", Role.WINDOW_CLERK, staff["clerk"].pk)]


def test_acceptance_on_the_last_day_is_no_fault(case, staff):
    act(case, staff["clerk"], "accept", on=(2026, 9, 28))
    supervision_sweep(today=date(2026, 9, 28))
    assert _faults(Fault.Rule.LATE_ACCEPTANCE) == []


def _conclude(case, staff):
    act(case, staff["clerk"], "accept")
    act(case, staff["reviewer"], "review_pass")
    act(case, staff["approver"], "approve")
    act(case, staff["handler"], "conclude")


def test_conclusion_without_a_required_material_is_a_fault(case, item, staff):
    ItemMaterialFactory(item=item, seq=1, name="宅基地申请书", required=True)
    _conclude(case, staff)
    supervision_sweep(today=date(2026, 9, 24))
    assert _faults(Fault.Rule.MISSING_MATERIALS) == [("conclude", Role.HANDLER, staff["handler"].pk)]


def test_conclusion_with_every_required_material_is_no_fault(case, item, citizen, staff, settings, tmp_path):
    settings.ZHENGWU_UPLOAD_ROOT = tmp_path / "uploads"
    ItemMaterialFactory(item=item, seq=1, name="宅基地申请书", required=True)
    ItemMaterialFactory(item=item, seq=2, name="其他说明", required=False)
    files_store(actor=citizen, uploads=[upload("申请书.pdf", PDF_BYTES)], purpose="case_material:1", owner=citizen,
                object_type="cases.case", object_id=str(case.pk))
    _conclude(case, staff)
    supervision_sweep(today=date(2026, 9, 24))
    assert _faults(Fault.Rule.MISSING_MATERIALS) == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("today, new_faults", [
    (date(2026, 9, 24), [0, 1]),  # no alert to raise: the two sweeps reach the event faults together
    (date(2026, 10, 20), [0, 2]),  # the overdue step as well
])
def test_two_sweeps_at_once_record_each_fault_and_alert_once(case, staff, today, new_faults):
    # The periodic task and an operator's `supervision_sweep` can meet. On PostgreSQL the
    # second sweep's NOT EXISTS could not see the first's uncommitted event faults and
    # failed on their unique index; the sweeps now take turns.
    import threading

    from django.db import connection

    from zhengwu.supervision.models import Alert, SweepRun

    act(case, staff["clerk"], "accept")
    act(case, staff["reviewer"], "return", reason="退回")  # a return without a real reason
    start, errors, results = threading.Barrier(2), [], []

    def sweep():
        try:
            start.wait()
            results.append(supervision_sweep(today=today))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(r.new_faults for r in results) == new_faults
    assert Fault.objects.filter(rule=Fault.Rule.RETURN_WITHOUT_REASON).count() == 1
    assert Fault.objects.filter(rule=Fault.Rule.OVERDUE_STEP).count() == new_faults[1] - 1
    assert sum(r.new_red + r.new_yellow for r in results) == Alert.objects.count()
    assert SweepRun.objects.count() == 2
