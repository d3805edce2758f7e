import json

import pytest
from django.core.management import call_command

from zhengwu.accounts.models import User
from zhengwu.catalog.models import Category, Item, ItemMaterial, WorkArea
from zhengwu.catalog.services import basic_catalog_read, catalog_load
from zhengwu.core.audit import audit_chain_verify
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.identifiers import validate_credit_code, validate_resident_id
from zhengwu.core.models import AuditEvent, SiteIdentity
from zhengwu.demo.services import demo_county_load, demo_data_read
from zhengwu.org.models import Assignment, Unit
from zhengwu.org.roles import SEPARATED_ADMIN_ROLES, Role


def _small_catalog() -> dict:
    """All work areas, the demo's detailed items and the first item of each area.

    The full catalog costs seconds per load (every row is audited); the tests that
    need all 385 items load it themselves.
    """
    data = basic_catalog_read()
    detailed = set(demo_data_read()["items"])
    first_of_area, items = set(), []
    for row in data["items"]:
        if row["code"] in detailed or row["work_area"] not in first_of_area:
            items.append(row)
            first_of_area.add(row["work_area"])
    return {**data, "items": items}


@pytest.fixture
def demo(db):
    catalog_load(actor=None, data=_small_catalog())
    return demo_county_load()


@pytest.fixture
def full_demo(db):
    catalog_load(actor=None)
    return demo_county_load()


def _counts():
    return {
        "units": Unit.objects.count(),
        "users": User.objects.count(),
        "posts": Assignment.objects.count(),
        "materials": ItemMaterial.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def test_every_power_work_area_and_every_item_gets_a_department(full_demo):
    areas = WorkArea.objects.filter(category=Category.POWER).select_related("department")
    assert areas.count() == 30
    assert all(a.department is not None and a.department.kind == Unit.Kind.DEPARTMENT for a in areas)
    assert WorkArea.objects.get(name="公安工作").department.name == "县公安局"
    assert WorkArea.objects.get(name="农林工作").department.name == "县农业农村局"
    assert not Item.objects.filter(department__isnull=True).exists()


def test_disclosure_and_convenience_groups_have_their_owners(demo):
    for area in WorkArea.objects.filter(category=Category.DISCLOSURE):
        assert area.department.name == "县人民政府办公室"
    assert WorkArea.objects.get(category=Category.CONVENIENCE).department.name == "县政务服务中心"
    # the social security card is run by the 人社局, not by the centre that owns the group
    assert Item.objects.get(code="BM016").department.name == "县人力资源和社会保障局"


def test_second_run_creates_nothing_new(full_demo):
    assert full_demo.changed
    before = _counts()
    report = demo_county_load()
    assert not report.changed
    assert _counts() == before
    assert audit_chain_verify().ok


def test_tree_has_departments_sections_townships_service_points_and_villages(demo):
    county = Unit.objects.get(kind=Unit.Kind.COUNTY)
    assert county.name == "示例县"
    # The 2011 list's 33, three formed by the 2019 reform, seven of them merged since.
    assert Unit.objects.filter(kind=Unit.Kind.DEPARTMENT).count() == 36
    assert Unit.objects.filter(kind=Unit.Kind.DEPARTMENT, is_active=True).count() == 29
    assert Unit.objects.get(name="户政科").parent.name == "县公安局"
    for town in Unit.objects.filter(kind__in=[Unit.Kind.TOWNSHIP, Unit.Kind.STREET]):
        kinds = list(town.children.values_list("kind", flat=True))
        assert kinds.count(Unit.Kind.SERVICE_POINT) == 1
        assert len([k for k in kinds if k in (Unit.Kind.VILLAGE, Unit.Kind.COMMUNITY)]) == 2
    assert all(u.responsibilities for u in Unit.objects.filter(kind=Unit.Kind.DEPARTMENT))


def test_detailed_items_have_a_full_implementation_list(demo):
    item = Item.objects.get(code="QL094")
    assert "《中华人民共和国建筑法》第七条" in item.legal_basis
    assert item.statutory_limit_days == 7 and item.promised_limit_days == 3
    assert item.handling_type == Item.HandlingType.PROMISED
    assert item.place.startswith("示例县政务服务中心一楼") and item.hours
    assert item.materials.count() == 5
    assert Item.objects.get(code="QL017").materials.filter(name="居民户口簿").exists()


def test_other_items_get_defaults_but_no_invented_law(demo):
    item = Item.objects.get(code="QL001")
    assert item.exercise_level == "县级" and item.implementing_body == "县发展和改革局"
    assert item.place and item.hours and item.consultation_phone
    assert item.legal_basis == "" and item.statutory_limit_days is None


def test_loader_does_not_overwrite_county_edits(demo):
    from zhengwu.catalog.services import item_update

    item = Item.objects.get(code="QL017")
    item_update(actor=None, item=item, place="示例县政务服务中心三楼")
    demo_county_load()
    assert Item.objects.get(code="QL017").place == "示例县政务服务中心三楼"


def test_demo_accounts_are_marked_valid_and_separated(demo):
    assert User.objects.filter(is_demo=False).count() == 0
    assert not User.objects.filter(is_superuser=True).exists()
    citizen = User.objects.get(kind=User.Kind.CITIZEN)
    assert validate_resident_id(citizen.id_number) == citizen.id_number
    enterprise = User.objects.get(kind=User.Kind.ENTERPRISE)
    assert validate_credit_code(enterprise.credit_code) == enterprise.credit_code
    password = demo_data_read()["accounts"]["password"]
    assert all(u.check_password(password) for u in User.objects.all())
    admins = Assignment.objects.filter(role__in=SEPARATED_ADMIN_ROLES)
    assert sorted(a.user.username for a in admins) == ["anquan", "shenji", "xitong"]
    assert User.objects.get(username="xitong").is_staff
    assert Assignment.objects.get(user__username="gaj_shenpi").role == Role.APPROVER
    assert Assignment.objects.get(user__username="gaj_shenpi").unit.name == "县公安局"


def test_site_identity_is_marked_as_demo(demo):
    site = SiteIdentity.current()
    assert site.site_name == "示例县人民政府" and site.sponsor == "示例县人民政府办公室"
    assert "演示" in site.icp_record and "演示" in site.police_record


def test_demo_citizen_can_log_in(demo, client):
    citizen = User.objects.get(kind=User.Kind.CITIZEN)
    password = demo_data_read()["accounts"]["password"]
    response = client.post("/accounts/login/", {"username": citizen.id_number.lower(), "password": password})
    assert response.status_code == 302


def test_loading_without_catalog_fails_clearly_and_saves_nothing(db):
    with pytest.raises(ValidationFailed) as info:
        demo_county_load()
    assert "load_catalog" in info.value.message
    assert not Unit.objects.exists() and not User.objects.exists()


# "__all__": the exchange's demo loader writes records into its datastore (a second
# database alias on SQLite).
@pytest.mark.django_db(databases="__all__")
def test_command_prints_and_writes_the_account_table(db, settings, tmp_path, capsys):
    settings.VAR_DIR = tmp_path
    catalog_load(actor=None, data=_small_catalog())
    call_command("load_demo_county")
    out, err = capsys.readouterr()
    table = (tmp_path / "demo_accounts.txt").read_text(encoding="utf-8")
    assert "演示账户" in out and "xitong" in out and "chuangkou" in table
    assert demo_data_read()["accounts"]["password"] in table
    assert "生产环境" in err


def test_demo_data_file_is_consistent():
    data = demo_data_read()
    codes = [u["code"] for u in data["units"]]
    assert len(codes) == len(set(codes))
    seen = set()
    for unit in data["units"]:
        assert unit["parent"] is None or unit["parent"] in seen  # parents listed first
        seen.add(unit["code"])
    assert len([k for k in data["work_areas"] if k.startswith("ql-")]) == 30
    json.dumps(data)  # plain JSON, no objects


def test_the_2019_reform_puts_the_2011_catalog_on_todays_departments_with_its_history(demo):
    from datetime import date

    from zhengwu.catalog.succession import item_department_on
    from zhengwu.org.models import UnitChange
    from zhengwu.org.selectors import unit_name_on

    natural = Unit.objects.get(code="SLX-45")
    assert natural.name == "县自然资源局" and natural.is_active
    assert Unit.objects.get(code="SLX-08").successor == natural
    assert Unit.objects.get(code="SLX-19").successor.name == "县市场监督管理局"
    assert Unit.objects.get(code="SLX-16").name == "县卫生健康委员会"
    assert Unit.objects.get(code="SLX-33").name == "县监察委员会"
    assert unit_name_on(Unit.objects.get(code="SLX-33"), date(2018, 6, 1)) == "县监察局"
    assert not Item.objects.filter(department__is_active=False).exists()
    assert Item.objects.get(code="QL255").department.name == "县市场监督管理局"
    assert UnitChange.objects.filter(effective_on=date(2019, 3, 28), status=UnitChange.Status.APPLIED).count() == 9
    # 宅基地: the township government approves, 自然资源 and 农业农村 review.
    homestead = Item.objects.get(code="QL074")
    assert homestead.department.code == "SLX-T01" and homestead.implementing_body == "城关镇人民政府"
    assert unit_name_on(item_department_on(homestead, date(2018, 6, 1)), date(2018, 6, 1)) == "县国土资源局"
    assert unit_name_on(item_department_on(homestead, date(2019, 6, 1)), date(2019, 6, 1)) == "县自然资源局"
    steps = homestead.process_definitions.get(is_current=True).steps
    assert [(s["key"], s.get("department")) for s in steps] == [
        ("accept", None), ("review", "SLX-45"), ("joint_review", "SLX-13"), ("approve", None), ("conclude", None)]
    assert sum(s["limit_days"] for s in steps) == homestead.promised_limit_days
    assert Assignment.objects.filter(user__username="gt_shenhe", unit=natural, role=Role.REVIEWER).exists()
