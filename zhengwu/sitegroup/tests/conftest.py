import pytest

from zhengwu.accounts.tests.factories import StaffFactory
from zhengwu.org import services as org_services
from zhengwu.org.models import Unit
from zhengwu.org.roles import Role

from .feed_server import FeedServer


@pytest.fixture
def feed_limits(settings):
    # Small limits keep the hostile cases fast; the mechanisms are the production ones.
    settings.ZHENGWU_SITEGROUP_TIMEOUT_SECONDS = 1.0
    settings.ZHENGWU_SITEGROUP_MAX_BYTES = 256 * 1024
    settings.ZHENGWU_SITEGROUP_MAX_ENTRIES = 50
    return settings


@pytest.fixture
def feed_server(feed_limits):
    with FeedServer(slow_seconds=3.0, huge_bytes=3 * 1024 * 1024) as server:
        yield server


@pytest.fixture
def department(db):
    county = org_services.unit_create(actor=None, code="SG", name="示例县", kind=Unit.Kind.COUNTY)
    return org_services.unit_create(actor=None, code="SG-ZF", name="县人民政府办公室", kind=Unit.Kind.DEPARTMENT, parent=county)


def _staff(department, role, username):
    user = StaffFactory(username=username)
    if role:
        org_services.assignment_grant(actor=None, user=user, unit=department, role=role)
    return user


@pytest.fixture
def editor(department):
    return _staff(department, Role.EDITOR, "sg_editor")


@pytest.fixture
def handler(department):
    return _staff(department, Role.HANDLER, "sg_handler")
