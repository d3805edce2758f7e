"""Fixtures of the letters tests: a county with a letters office, two departments and a
township; a clerk, a handler and a head per department; citizens; the 2026 calendar."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from zhengwu.accounts.tests.factories import CitizenFactory, StaffFactory
from zhengwu.accounts.tests.timetravel import at
from zhengwu.core.workdays import calendar_seed_from_package
from zhengwu.org.models import Unit
from zhengwu.org.roles import Role
from zhengwu.org.tests.factories import UnitFactory, grant_post

SHANGHAI = ZoneInfo("Asia/Shanghai")


def moment(y, m, d, hour=10):
    return datetime(y, m, d, hour, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _fresh_word_list():
    from zhengwu.letters.moderation import words_forget

    words_forget()
    yield
    words_forget()


@pytest.fixture
def calendar_2026(db):
    return calendar_seed_from_package(actor=None, years=[2026])


@pytest.fixture
def units(db):
    county = UnitFactory(code="LX", name="测试县", kind=Unit.Kind.COUNTY)
    return {
        "county": county,
        "office": UnitFactory(code="LX-XF", name="县信访局", kind=Unit.Kind.DEPARTMENT, parent=county),
        "env": UnitFactory(code="LX-HB", name="县环境保护局", kind=Unit.Kind.DEPARTMENT, parent=county),
        "labour": UnitFactory(code="LX-RS", name="县人力资源和社会保障局", kind=Unit.Kind.DEPARTMENT, parent=county),
        "town": UnitFactory(code="LX-T1", name="城关镇", kind=Unit.Kind.TOWNSHIP, parent=county),
    }


@pytest.fixture
def staff(units):
    return {
        "clerk": grant_post(StaffFactory(real_name="分办员甲"), Role.LETTER_CLERK, unit=units["office"]),
        "env_handler": grant_post(StaffFactory(real_name="环保承办"), Role.HANDLER, unit=units["env"]),
        "env_head": grant_post(StaffFactory(real_name="环保负责人"), Role.DEPARTMENT_HEAD, unit=units["env"]),
        "labour_handler": grant_post(StaffFactory(real_name="人社承办"), Role.HANDLER, unit=units["labour"]),
        "labour_head": grant_post(StaffFactory(real_name="人社负责人"), Role.DEPARTMENT_HEAD, unit=units["labour"]),
        "supervisor": grant_post(StaffFactory(real_name="监察员"), Role.SUPERVISOR, unit=units["county"]),
        "other": grant_post(StaffFactory(real_name="无关人员"), Role.HANDLER, unit=units["county"]),
    }


@pytest.fixture
def citizen(db):
    return CitizenFactory(real_name="王小明")


@pytest.fixture
def other_citizen(db):
    return CitizenFactory(real_name="李四")


@pytest.fixture
def on_2026_09_24(calendar_2026):
    # A Thursday a week before the National Day holiday (Oct 1–7, 2026; Sep 20 and Oct 10 are make-up workdays).
    with at(moment(2026, 9, 24)):
        yield


BODY = "楼下饭店每天油烟直接排到居民窗户上,晚上十点以后还在营业,请有关部门管一管。"


def submit(writer, **kw):
    from zhengwu.letters.services import letter_submit

    args = {"channel": "county_head", "category": "environment", "title": "楼下饭店油烟太大", "body": BODY,
            "township": "LX-T1", "publish_consent": True}
    args.update(kw)
    return letter_submit(actor=writer, **args)
