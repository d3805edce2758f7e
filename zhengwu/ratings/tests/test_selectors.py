"""Rating statistics per department, grouped in SQL; the staff rectification list."""

import pytest

from zhengwu.accounts.tests.factories import CitizenFactory, StaffFactory
from zhengwu.catalog.tests.factories import ItemFactory
from zhengwu.org.models import Unit
from zhengwu.org.roles import Role
from zhengwu.org.tests.factories import UnitFactory, grant_post
from zhengwu.ratings.models import Level
from zhengwu.ratings.selectors import (
    rating_summary_by_department,
    rectification_list_for_staff,
)
from zhengwu.ratings.services import rating_submit

from .journey import concluded_case

pytestmark = pytest.mark.django_db


def _rate(item, staff, level, comment="意见"):
    citizen = CitizenFactory()
    case = concluded_case(item, citizen, staff)
    return rating_submit(actor=citizen, case=case, level=level, comment=comment)


def test_summary_counts_levels_bad_ratings_and_open_rectifications_per_department(
    item, staff, on_2026_09_24, django_assert_max_num_queries
):
    other_dept = UnitFactory(code="SW", name="县水务局", kind=Unit.Kind.DEPARTMENT)
    other_item = ItemFactory(department=other_dept, promised_limit_days=10)
    for role in (Role.REVIEWER, Role.APPROVER, Role.HANDLER):
        grant_post(staff[role.value], role, unit=other_dept)
    for level in (Level.VERY_SATISFIED, Level.SATISFIED, Level.BASIC, Level.DISSATISFIED):
        _rate(item, staff, level)
    _rate(other_item, staff, Level.VERY_DISSATISFIED)

    with django_assert_max_num_queries(2):
        summary = {row["department_name"]: row for row in rating_summary_by_department()}

    ny = summary["县农业农村局"]
    assert (ny["total"], ny["bad"], ny["open_rectifications"]) == (4, 1, 1)
    assert ny["levels"] == {"非常满意": 1, "满意": 1, "基本满意": 1, "不满意": 1, "非常不满意": 0}
    assert ny["average"] == 3.5 and ny["satisfaction_rate"] == 0.75
    sw = summary["县水务局"]
    assert (sw["total"], sw["bad"], sw["satisfaction_rate"], sw["open_rectifications"]) == (1, 1, 0.0, 1)


def test_staff_list_shows_only_their_departments_rectifications_with_few_queries(
    item, staff, on_2026_09_24, django_assert_max_num_queries
):
    for _ in range(3):
        _rate(item, staff, Level.DISSATISFIED)
    stranger = grant_post(StaffFactory(), Role.HANDLER, unit=UnitFactory(code="QT"))

    with django_assert_max_num_queries(3):
        rows = rectification_list_for_staff(user=staff["handler"])
        [r.stages.all() for r in rows]

    assert len(rows) == 3 and all(r.case.item_id == item.pk for r in rows)
    assert rectification_list_for_staff(user=stranger) == []
