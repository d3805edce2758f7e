import pytest

from zhengwu.accounts.tests.factories import StaffFactory
from zhengwu.cases.tests.conftest import (  # noqa: F401 - shared fixtures
    calendar_2026,
    citizen,
    dept,
    item,
    moment,
    on_2026_09_24,
    staff,
)
from zhengwu.org.models import Unit
from zhengwu.org.roles import Role
from zhengwu.org.tests.factories import UnitFactory, grant_post


@pytest.fixture
def supervisor(db):
    bureau = UnitFactory(code="JCJ", name="县监察局", kind=Unit.Kind.DEPARTMENT)
    return grant_post(StaffFactory(), Role.SUPERVISOR, unit=bureau)
