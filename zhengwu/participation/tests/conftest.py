"""Shared fixtures: a department with a 信息员 and a 审核员, another department, citizens, a fixed "today"."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from zhengwu.accounts.tests.factories import CitizenFactory, StaffFactory
from zhengwu.accounts.tests.timetravel import at
from zhengwu.org.models import Unit
from zhengwu.org.roles import Role
from zhengwu.org.tests.factories import UnitFactory, grant_post

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 3, 2)


def moment(d: date, hour: int = 10) -> datetime:
    return datetime(d.year, d.month, d.day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def on_today(db):
    with at(moment(TODAY)):
        yield TODAY


@pytest.fixture
def dept(db):
    return UnitFactory(code="FZ", name="县司法局", kind=Unit.Kind.DEPARTMENT)


@pytest.fixture
def other_dept(db):
    return UnitFactory(code="JT", name="县交通运输局", kind=Unit.Kind.DEPARTMENT)


@pytest.fixture
def editor(dept):
    return grant_post(StaffFactory(real_name="信息员甲"), Role.EDITOR, unit=dept)


@pytest.fixture
def publisher(dept):
    return grant_post(StaffFactory(real_name="审核员乙"), Role.PUBLISHER, unit=dept)


@pytest.fixture
def outsider(other_dept):
    return grant_post(StaffFactory(real_name="外部门审核员"), Role.PUBLISHER, unit=other_dept)


@pytest.fixture
def citizen(db):
    return CitizenFactory(real_name="王小明")


@pytest.fixture
def citizen2(db):
    return CitizenFactory(real_name="李四")
