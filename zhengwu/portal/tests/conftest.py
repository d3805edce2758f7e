"""Fixtures for the portal tests: the loaded basic catalog, a few departments, users.

Static files: the root conftest switches STORAGES to the plain StaticFilesStorage, so
pages render without `collectstatic`.
"""

import os

import pytest

from zhengwu.accounts.tests.factories import CitizenFactory, StaffFactory
from zhengwu.catalog.models import Item, ItemMaterial, WorkArea
from zhengwu.catalog.services import catalog_load
from zhengwu.org.models import Assignment, Unit
from zhengwu.org.roles import Role
from zhengwu.org.tests.factories import DepartmentFactory as UnitFactory

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls
# from a thread with a running loop unless told this is deliberate.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def catalog(db):
    """The State Council's basic catalog (385 items), loaded by the real loader."""
    catalog_load(actor=None)


@pytest.fixture
def county(catalog):
    """A county with a public security bureau owning 公安工作 and a service centre."""
    root = UnitFactory(code="C000", name="示例县", kind=Unit.Kind.COUNTY)
    police = UnitFactory(
        code="D003", name="县公安局", parent=root, phone="0000-1110001",
        address="示例县人民路1号", responsibilities="负责全县治安管理、户籍管理和出入境管理。",
    )
    centre = UnitFactory(
        code="D900", name="县政务服务中心", parent=root, phone="0000-1234567", address="示例县民生路8号",
    )
    WorkArea.objects.filter(code="ql-03").update(department=police)
    Item.objects.filter(work_area__code="ql-03").update(
        department=police, consultation_phone="0000-1110001", supervision_phone="0000-1110099",
    )
    return {"root": root, "police": police, "centre": centre}


@pytest.fixture
def full_item(catalog, county):
    """A power item with every implementation-list field filled and two materials."""
    item = Item.objects.filter(work_area__code="ql-03").order_by("seq").first()
    Item.objects.filter(pk=item.pk).update(
        basic_code="000103001000", implementation_code="11330000MB0000000X4000103001000",
        business_code="1133000000000000000400010300100001", exercise_level="县级",
        implementing_body="县公安局", legal_basis="《中华人民共和国居民身份证法》第八条",
        acceptance_conditions="本县常住户口居民", statutory_limit_days=60, promised_limit_days=15,
        handling_type=Item.HandlingType.PROMISED, fees="免费", fee_basis="不收费",
        place="县政务服务中心一楼公安窗口", hours="工作日 9:00-17:00", visits_required=1,
        online_application=True,
    )
    ItemMaterial.objects.create(item=item, seq=1, name="居民户口簿", form=ItemMaterial.Form.PAPER,
                                originals=1, copies=1, required=True)
    ItemMaterial.objects.create(item=item, seq=2, name="近期免冠照片", form=ItemMaterial.Form.BOTH,
                                originals=2, copies=0, required=False, note="白色背景")
    item.refresh_from_db()
    return item


@pytest.fixture
def staff_user(db, county):
    user = StaffFactory(username="clerk01", real_name="王窗口")
    Assignment.objects.create(user=user, unit=county["centre"], role=Role.WINDOW_CLERK)
    return user


@pytest.fixture
def citizen_user(db):
    return CitizenFactory(real_name="李市民")
