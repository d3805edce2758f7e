from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from zhengwu.accounts.models import User
from zhengwu.accounts.tests.factories import CitizenFactory, StaffFactory
from zhengwu.core.workdays import calendar_seed_from_package
from zhengwu.org.models import Unit
from zhengwu.org.roles import Role
from zhengwu.org.tests.factories import UnitFactory, grant_post

SHANGHAI = ZoneInfo("Asia/Shanghai")


def moment(y, m, d, hour=10):
    return datetime(y, m, d, hour, tzinfo=SHANGHAI)


@pytest.fixture
def calendar(db):
    """The official arrangements for 2025 and 2026 (2026: 中秋 Sep 25-27, 国庆 Oct 1-7, Oct 10 调休)."""
    return calendar_seed_from_package(actor=None, years=[2025, 2026])


@pytest.fixture
def county(db):
    return UnitFactory(code="SLX", name="示例县", kind=Unit.Kind.COUNTY)


@pytest.fixture
def dept(county):
    return UnitFactory(code="ZFB", name="县人民政府办公室", kind=Unit.Kind.DEPARTMENT, parent=county)


@pytest.fixture
def other_dept(county):
    return UnitFactory(code="GAJ", name="县公安局", kind=Unit.Kind.DEPARTMENT, parent=county)


@pytest.fixture
def officer(dept):
    return grant_post(StaffFactory(real_name="经办人甲"), Role.DISCLOSURE_OFFICER, unit=dept)


@pytest.fixture
def head(dept):
    return grant_post(StaffFactory(real_name="负责人甲"), Role.DEPARTMENT_HEAD, unit=dept)


@pytest.fixture
def other_officer(other_dept):
    return grant_post(StaffFactory(real_name="经办人乙"), Role.DISCLOSURE_OFFICER, unit=other_dept)


@pytest.fixture
def clerk(county):
    hall = UnitFactory(code="ZWZX", name="县政务服务中心", kind=Unit.Kind.DEPARTMENT, parent=county)
    return grant_post(StaffFactory(real_name="窗口甲"), Role.WINDOW_CLERK, unit=hall)


@pytest.fixture
def citizen(db):
    return CitizenFactory(real_name="张三")


@pytest.fixture
def other_citizen(db):
    return CitizenFactory(real_name="李四")


@pytest.fixture
def enterprise(db):
    return User.objects.create_user(
        username="91110000MA01TEST01", credit_code="91110000MA01TEST01", real_name="示例科技有限公司",
        kind=User.Kind.ENTERPRISE, password="Zhengwu#2026test",
    )
