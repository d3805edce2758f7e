"""The public status query: receipt number + ID tail, one 404 for every miss."""

from datetime import date

import pytest

from zhengwu.cases.selectors import PUBLIC_NOT_FOUND, case_get_public
from zhengwu.cases.services import case_act, case_submit
from zhengwu.core.errors import NotFound

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(item, citizen, staff, on_2026_09_24):
    c = case_submit(actor=citizen, item=item, applicant=citizen, channel="online")
    case_act(actor=staff["clerk"], case=c, action="accept", expected_version=c.version)
    return c


def test_public_query_shows_steps_and_expected_conclusion(case, citizen, django_assert_max_num_queries):
    tail = citizen.id_number[-4:].lower()
    with django_assert_max_num_queries(2):
        status = case_get_public(receipt_no=case.receipt_no.lower(), id_tail=tail)
    assert status.receipt_no == case.receipt_no
    assert (status.status_label, status.step_name) == ("办理中", "审查")
    assert status.expected_conclusion == date(2026, 10, 15)
    assert [(s.action, s.step_name) for s in status.timeline] == [("提交申请", "受理"), ("受理", "受理")]


@pytest.mark.parametrize("receipt,tail", [("ZW20260924999999", None), (None, "0000"), (None, ""), (None, "12345")])
def test_unknown_receipt_and_wrong_tail_give_the_same_not_found(case, citizen, receipt, tail):
    right_tail = citizen.id_number[-4:]
    if tail == "0000" and right_tail == "0000":
        tail = "1111"
    with pytest.raises(NotFound) as err:
        case_get_public(receipt_no=receipt or case.receipt_no, id_tail=right_tail if tail is None else tail)
    assert (err.value.message, err.value.code, err.value.status) == (PUBLIC_NOT_FOUND, "case_not_found", 404)
