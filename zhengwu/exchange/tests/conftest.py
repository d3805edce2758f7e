import pytest

from zhengwu.accounts.tests.factories import StaffFactory
from zhengwu.org.models import Unit
from zhengwu.org.roles import Role
from zhengwu.org.tests.factories import UnitFactory, grant_post

from zhengwu.exchange import services

FIELDS = [
    {"name": "bh", "title": "对象编号", "type": "text", "length": 20, "is_key": True, "required": True},
    {"name": "xm", "title": "姓名", "type": "text", "length": 50, "personal": "name", "required": True},
    {"name": "sfzh", "title": "身份证号", "type": "text", "length": 18, "personal": "id_number"},
    {"name": "ssxz", "title": "所属乡镇", "type": "text", "choices": ["城关镇", "河口乡"]},
    {"name": "je", "title": "保障金额", "type": "number", "min_value": 0, "max_value": 100000},
    {"name": "djrq", "title": "登记日期", "type": "date"},
]


@pytest.fixture(autouse=True)
def _fields_cache_empty():
    from zhengwu.exchange import selectors

    selectors._FIELDS_CACHE.clear()
    yield
    selectors._FIELDS_CACHE.clear()


@pytest.fixture
def county(db):
    return UnitFactory(code="SLX", name="示例县", kind=Unit.Kind.COUNTY)


@pytest.fixture
def office(county):
    return UnitFactory(code="SLX-34", name="县电子政务办公室", kind=Unit.Kind.DEPARTMENT, parent=county)


@pytest.fixture
def civil(county):
    return UnitFactory(code="SLX-04", name="县民政局", kind=Unit.Kind.DEPARTMENT, parent=county)


@pytest.fixture
def edu(county):
    return UnitFactory(code="SLX-02", name="县教育局", kind=Unit.Kind.DEPARTMENT, parent=county)


@pytest.fixture
def office_steward(office):
    user = grant_post(StaffFactory(real_name="电子政务办数据管理员"), Role.DATA_STEWARD, unit=office)
    services.config_set(actor=None, provide_first=True, data_office=office)
    return user


@pytest.fixture
def civil_steward(civil):
    return grant_post(StaffFactory(real_name="民政数据管理员"), Role.DATA_STEWARD, unit=civil)


@pytest.fixture
def edu_steward(edu):
    return grant_post(StaffFactory(real_name="教育数据管理员"), Role.DATA_STEWARD, unit=edu)


def make_resource(*, steward, unit, office_steward, share_type="conditional", fields=None, seq=1, is_open=False,
                  cycle="monthly", publish=True, name="最低生活保障对象名册"):
    r = services.resource_create(
        actor=steward, provider=unit,
        codes={"class_code": "3", "item_code": unit.code[-2:], "catalog_code": "001", "detail_code": "001", "seq": seq},
        data={"name": name, "abstract": "低保对象", "format": "table", "share_type": share_type,
              "share_conditions": "履行法定职责所需" if share_type == "conditional" else "",
              "no_share_basis": "《保守国家秘密法》" if share_type == "none" else "",
              "share_method": "api", "is_open": is_open, "update_cycle": cycle},
        fields=fields or FIELDS)
    if publish:
        services.resource_submit(actor=steward, resource=r)
        r = services.resource_review(actor=office_steward, resource=r, approve=True)
    return r


@pytest.fixture
def civil_resource(civil_steward, civil, office_steward):
    return make_resource(steward=civil_steward, unit=civil, office_steward=office_steward)
