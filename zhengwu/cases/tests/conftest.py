from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from zhengwu.accounts.tests.factories import CitizenFactory, StaffFactory
from zhengwu.accounts.tests.timetravel import at
from zhengwu.catalog.tests.factories import ItemFactory
from zhengwu.core.workdays import calendar_seed_from_package
from zhengwu.org.models import Unit
from zhengwu.org.roles import Role
from zhengwu.org.tests.factories import UnitFactory, grant_post

SHANGHAI = ZoneInfo("Asia/Shanghai")


def moment(y, m, d, hour=10):
    return datetime(y, m, d, hour, tzinfo=SHANGHAI)


@pytest.fixture
def calendar_2026(db):
    return calendar_seed_from_package(actor=None, years=[2026])


@pytest.fixture
def dept(db):
    return UnitFactory(code="NY", name="县农业农村局", kind=Unit.Kind.DEPARTMENT)


@pytest.fixture
def item(dept):
    return ItemFactory(
        name="农村村民宅基地审批", department=dept, promised_limit_days=10, statutory_limit_days=20,
        online_application=True,
    )


@pytest.fixture
def staff(dept):
    hall = UnitFactory(code="ZWZX", name="县政务服务中心", kind=Unit.Kind.DEPARTMENT)
    people = {
        "clerk": grant_post(StaffFactory(), Role.WINDOW_CLERK, unit=hall),
        "reviewer": grant_post(StaffFactory(), Role.REVIEWER, unit=dept),
        "reviewer2": grant_post(StaffFactory(), Role.REVIEWER, unit=dept),
        "approver": grant_post(StaffFactory(), Role.APPROVER, unit=dept),
        "handler": grant_post(StaffFactory(), Role.HANDLER, unit=dept),
    }
    return people


@pytest.fixture
def citizen(db):
    return CitizenFactory()


@pytest.fixture
def on_2026_09_24(calendar_2026):
    with at(moment(2026, 9, 24)):
        yield


# Staff-handling fixtures shared by test_staff_*.py, registered once here.
from .staff_fixtures import (  # noqa: E402,F401
    applicant,
    joint_item,
    materials,
    other_dept,
    other_item,
    other_staff,
    supervisor,
)
