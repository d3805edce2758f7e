import pytest

from zhengwu.catalog.models import Item
from zhengwu.catalog.selectors import category_counts, department_list, item_get, item_list, work_area_list
from zhengwu.catalog.services import item_retire, item_update, work_area_assign_department
from zhengwu.core.errors import NotFound, ValidationFailed

from .factories import ItemFactory, UnitFactory, WorkAreaFactory

pytestmark = pytest.mark.django_db


def test_item_list_puts_categories_in_catalog_order(loaded_catalog):
    codes = list(item_list().values_list("code", flat=True))
    assert len(codes) == 385
    assert codes[0] == "GK001"
    assert codes[65] == "QL001"
    assert codes[-1] == "BM025"


def test_item_list_filters_by_category(loaded_catalog):
    assert item_list(category="power").count() == 295
    assert item_list(category="disclosure").count() == 65
    assert item_list(category="convenience").count() == 25


def test_item_list_rejects_an_unknown_category_in_chinese(db):
    with pytest.raises(ValidationFailed, match="未知的事项类别:secret"):
        item_list(category="secret")


def test_item_list_filters_by_work_area_code_or_name(loaded_catalog):
    by_code = list(item_list(work_area="ql-03").values_list("seq", flat=True))
    by_name = list(item_list(work_area="公安工作").values_list("seq", flat=True))
    assert by_code == by_name == list(range(11, 34))


def test_item_list_with_an_unknown_work_area_is_empty(loaded_catalog):
    assert not item_list(work_area="不存在的领域").exists()


def test_item_list_searches_name_and_content(db):
    ItemFactory(name="居民身份证办理")
    ItemFactory(name="户口迁移", content="需要携带居民身份证")
    ItemFactory(name="企业所得税征收")
    names = set(item_list(q="身份证").values_list("name", flat=True))
    assert names == {"居民身份证办理", "户口迁移"}


def test_item_list_hides_retired_items_unless_asked(db):
    item = ItemFactory()
    item_retire(actor=None, item=item, reason="撤销")
    assert not item_list().exists()
    assert list(item_list(include_retired=True)) == [item]


def test_item_list_filters_by_department_code(db):
    police = UnitFactory(code="GA")
    area = WorkAreaFactory()
    own = ItemFactory(work_area=area)
    elsewhere = ItemFactory(department=police)
    ItemFactory()
    work_area_assign_department(actor=None, work_area=area, department=police)
    assert set(item_list(department="GA")) == {own, elsewhere}


def test_item_list_fetches_area_and_department_in_one_query(db, django_assert_num_queries):
    unit = UnitFactory()
    for _ in range(5):
        ItemFactory(department=unit)
    with django_assert_num_queries(1):
        rows = [(i.work_area.name, i.department.name) for i in item_list()]
    assert len(rows) == 5


def test_item_get_returns_retired_items_with_materials(db):
    item = ItemFactory(code="QL999")
    item_retire(actor=None, item=item, reason="撤销")
    assert item_get(code="QL999").is_retired


def test_item_get_unknown_code_is_not_found_in_chinese(db):
    with pytest.raises(NotFound, match="事项不存在:NOPE"):
        item_get(code="NOPE")


def test_work_area_list_counts_active_items(db):
    area = WorkAreaFactory(category="power")
    ItemFactory(work_area=area)
    retired = ItemFactory(work_area=area)
    item_retire(actor=None, item=retired, reason="撤销")
    WorkAreaFactory(category="convenience")
    areas = list(work_area_list(category="power"))
    assert [(a, a.item_count) for a in areas] == [(area, 1)]


def test_work_area_list_of_the_basic_catalog(loaded_catalog, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        areas = {a.name: a.item_count for a in work_area_list()}
    assert len(areas) == 33
    assert areas["公安工作"] == 23
    assert areas["住房城乡建设工作"] == 44
    assert areas["财政专项资金管理和使用情况"] == 45


def test_category_counts_cover_every_category(db):
    ItemFactory(work_area=WorkAreaFactory(category="power"))
    assert category_counts() == {"disclosure": 0, "power": 1, "convenience": 0}


def test_category_counts_of_the_basic_catalog_leave_out_retired(loaded_catalog):
    item_retire(actor=None, item=Item.objects.get(code="BM025"), reason="撤销")
    assert category_counts() == {"disclosure": 65, "power": 295, "convenience": 24}


def test_department_list_counts_areas_and_items(db, django_assert_max_num_queries):
    police = UnitFactory(code="GA", sort_order=1)
    transport = UnitFactory(code="JT", sort_order=2)
    UnitFactory(code="IDLE")
    area = WorkAreaFactory()
    ItemFactory(work_area=area)
    ItemFactory(work_area=area)
    work_area_assign_department(actor=None, work_area=area, department=police)
    lent = ItemFactory()
    item_update(actor=None, item=lent, department=transport)
    # A constant number of grouped queries, however many units and items there are.
    with django_assert_max_num_queries(5):
        rows = [(u.code, u.work_area_count, u.item_count) for u in department_list()]
    assert rows == [("GA", 1, 2), ("JT", 0, 1)]
