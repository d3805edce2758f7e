import pytest

from zhengwu.catalog.models import Item, ItemMaterial, WorkArea
from zhengwu.catalog.services import (
    catalog_load,
    item_create,
    item_reinstate,
    item_retire,
    item_update,
    material_set,
    work_area_assign_department,
)
from zhengwu.core.errors import Conflict, ValidationFailed
from zhengwu.core.models import AuditEvent

from .factories import ItemFactory, ItemMaterialFactory, StaffUserFactory, UnitFactory, WorkAreaFactory

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------ loading the basic catalog


def test_load_creates_385_items_65_295_25(loaded_catalog):
    assert loaded_catalog.created == 385
    assert loaded_catalog.counts == {"disclosure": 65, "power": 295, "convenience": 25}
    assert Item.objects.count() == 385
    assert Item.objects.filter(category="disclosure").count() == 65
    assert Item.objects.filter(category="power").count() == 295
    assert Item.objects.filter(category="convenience").count() == 25


def test_load_creates_two_disclosure_groups_30_power_areas_one_convenience_group(loaded_catalog):
    assert list(WorkArea.objects.filter(category="disclosure").order_by("seq").values_list("name", flat=True)) == [
        "政府信息公开条例规定事项", "财政专项资金管理和使用情况",
    ]
    power_areas = list(WorkArea.objects.filter(category="power").order_by("seq").values_list("name", flat=True))
    assert len(power_areas) == 30
    assert power_areas[0] == "发展改革工作"
    assert power_areas[-1] == "城市管理工作"
    assert list(WorkArea.objects.filter(category="convenience").values_list("name", flat=True)) == ["便民服务事项"]


def test_public_security_area_holds_items_11_to_33(loaded_catalog):
    seqs = list(Item.objects.filter(work_area__name="公安工作").order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(11, 34))


EXACT_ITEMS = [
    ("GK001", "政府信息公开条例规定事项", 1, "行政法规、规章和规范性文件"),
    ("GK020", "政府信息公开条例规定事项", 20, "执行计划生育政策的情况"),
    ("GK021", "财政专项资金管理和使用情况", 21, "村级公益事业建设一事一议财政奖补资金管理和使用情况"),
    ("QL001", "发展改革工作", 1, "依法划定的电力设施保护区内进行可能危及电力设施安全作业许可"),
    ("QL017", "公安工作", 17, "申领、换领、补领居民身份证办理"),
    ("QL228", "税务工作", 228, "企业所得税征收"),
    ("QL238", "税务工作", 238, "企业所得税征收"),
    ("QL295", "城市管理工作", 295, "在街道两侧和公共场地临时堆放物料,搭建建筑物、构筑物或者其他临时设施许可"),
    ("BM001", "便民服务事项", 1, "人口计生、土地、民政等法律、法规、政策咨询"),
    ("BM025", "便民服务事项", 25, "民间纠纷调解受理"),
]


def test_load_places_exact_items_by_area_and_number(loaded_catalog):
    # The expected rows are copied from the seed's 附件2 by hand, not from the JSON.
    items = Item.objects.select_related("work_area").filter(code__in=[row[0] for row in EXACT_ITEMS])
    found = {i.code: (i.code, i.work_area.name, i.seq, i.name) for i in items}
    assert [found.get(row[0]) for row in EXACT_ITEMS] == EXACT_ITEMS
    assert {(i.source, i.status) for i in items} == {(Item.Source.BASIC, Item.Status.ACTIVE)}


def test_second_load_changes_nothing_and_writes_only_a_summary(loaded_catalog):
    last_id = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    report = catalog_load(actor=None)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 385)
    assert list(AuditEvent.objects.filter(id__gt=last_id).values_list("action", flat=True)) == ["catalog.load"]
    assert Item.objects.count() == 385


def test_first_load_audits_every_created_item_plus_summary(loaded_catalog):
    assert AuditEvent.objects.filter(action="catalog.item.create").count() == 385
    assert AuditEvent.objects.filter(action="catalog.load").count() == 1


def test_load_updates_a_renamed_basic_item_and_audits_it(catalog_data):
    catalog_load(actor=None, data=catalog_data)
    next(i for i in catalog_data["items"] if i["code"] == "QL017")["name"] = "居民身份证申领、换领、补领"
    report = catalog_load(actor=None, data=catalog_data)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 384)
    assert Item.objects.get(code="QL017").name == "居民身份证申领、换领、补领"
    event = AuditEvent.objects.filter(action="catalog.item.load_update").get()
    assert event.object_id == "QL017"
    assert event.details["changes"]["name"]["after"] == "居民身份证申领、换领、补领"


def test_load_moves_an_item_to_its_new_work_area(catalog_data):
    catalog_load(actor=None, data=catalog_data)
    next(i for i in catalog_data["items"] if i["code"] == "QL017")["work_area"] = "ql-04"
    catalog_load(actor=None, data=catalog_data)
    assert Item.objects.get(code="QL017").work_area.code == "ql-04"


def test_load_keeps_county_edits_of_the_implementation_list(loaded_catalog):
    unit = UnitFactory(name="县公安局")
    item = Item.objects.get(code="QL017")
    item_update(actor=None, item=item, department=unit, statutory_limit_days=60, promised_limit_days=20,
                place="县政务服务中心2号窗口", handling_type="promised")
    catalog_load(actor=None)
    item.refresh_from_db()
    assert item.department == unit
    assert (item.statutory_limit_days, item.promised_limit_days) == (60, 20)
    assert item.place == "县政务服务中心2号窗口"
    assert item.handling_type == "promised"


def test_load_does_not_unretire_an_item(loaded_catalog):
    item_retire(actor=None, item=Item.objects.get(code="BM025"), reason="已并入综治中心")
    report = catalog_load(actor=None)
    assert report.created == 0
    item = Item.objects.get(code="BM025")
    assert item.status == Item.Status.RETIRED
    assert item.retire_reason == "已并入综治中心"


def test_load_does_not_delete_items_dropped_from_the_data(catalog_data):
    catalog_load(actor=None, data=catalog_data)
    catalog_data["items"] = [i for i in catalog_data["items"] if i["code"] != "BM025"]
    catalog_load(actor=None, data=catalog_data)
    assert Item.objects.filter(code="BM025").exists()


def test_load_rejects_malformed_data_in_chinese_and_saves_nothing(db):
    with pytest.raises(ValidationFailed, match="事项目录数据格式不正确"):
        catalog_load(actor=None, data={"work_areas": [], "items": [{"code": "X"}]})
    assert Item.objects.count() == 0
    assert AuditEvent.objects.count() == 0


# ------------------------------------------------------------------ county edits


def test_item_create_allocates_a_local_code_and_the_next_number():
    area = WorkAreaFactory(category="power")
    ItemFactory(work_area=area, seq=295)
    first = item_create(actor=None, category="power", work_area=area, name="本县新增事项甲")
    second = item_create(actor=None, category="power", work_area=area, name="本县新增事项乙", handling_type="instant")
    assert (first.code, first.seq, first.source) == ("QL-L0001", 296, Item.Source.LOCAL)
    assert (second.code, second.seq, second.handling_type) == ("QL-L0002", 297, "instant")


@pytest.mark.parametrize(("category", "prefix"), [("disclosure", "GK-L"), ("convenience", "BM-L")])
def test_item_create_uses_the_category_prefix(category, prefix):
    area = WorkAreaFactory(category=category)
    item = item_create(actor=None, category=category, work_area=area, name="新增")
    assert item.code == f"{prefix}0001"


def test_item_create_is_audited():
    actor = StaffUserFactory()
    item = item_create(actor=actor, category="power", work_area=WorkAreaFactory(), name="新增事项")
    event = AuditEvent.objects.get(action="catalog.item.create")
    assert (event.object_id, event.actor_id) == (item.code, actor.pk)
    assert event.details["name"] == "新增事项"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "  "}, "事项名称不能为空"),
        ({"name": "长" * 301}, "事项名称不能超过300个字"),
        ({"statutory_limit_days": -1}, "法定办结时限"),
        ({"promised_limit_days": "十"}, "必须是非负整数"),
        ({"statutory_limit_days": 5, "promised_limit_days": 10}, "承诺办结时限不能超过法定办结时限"),
        ({"handling_type": "urgent"}, "办件类型无效"),
        ({"status": "retired"}, "不能设置以下字段"),
    ],
)
def test_item_create_rejects_bad_fields_in_chinese_and_saves_nothing(fields, message):
    area = WorkAreaFactory()
    fields = {"name": "新增事项", **fields}
    with pytest.raises(ValidationFailed, match=message):
        item_create(actor=None, category="power", work_area=area, **fields)
    assert not Item.objects.exists()
    assert not AuditEvent.objects.exists()


def test_item_create_rejects_a_work_area_of_another_category():
    with pytest.raises(ValidationFailed, match="工作领域与事项类别不一致"):
        item_create(actor=None, category="power", work_area=WorkAreaFactory(category="convenience"), name="甲")


def test_item_create_rejects_an_unknown_category():
    with pytest.raises(ValidationFailed, match="未知的事项类别"):
        item_create(actor=None, category="secret", work_area=WorkAreaFactory(), name="甲")


def test_item_update_audits_before_and_after_of_changed_fields_only():
    item = ItemFactory(place="旧地点", fees="不收费")
    item_update(actor=None, item=item, place="县政务服务中心", fees="不收费", statutory_limit_days=20)
    event = AuditEvent.objects.get(action="catalog.item.update")
    assert event.details["changes"] == {
        "place": {"before": "旧地点", "after": "县政务服务中心"},
        "statutory_limit_days": {"before": None, "after": 20},
    }
    item.refresh_from_db()
    assert item.place == "县政务服务中心"


def test_item_update_without_changes_writes_no_audit_row():
    item = ItemFactory(place="县政务服务中心")
    item_update(actor=None, item=item, place="县政务服务中心")
    assert not AuditEvent.objects.exists()


def test_item_update_checks_promised_against_the_stored_statutory_limit():
    item = ItemFactory(statutory_limit_days=10)
    with pytest.raises(ValidationFailed, match="承诺办结时限不能超过法定办结时限"):
        item_update(actor=None, item=item, promised_limit_days=11)
    item.refresh_from_db()
    assert item.promised_limit_days is None
    assert not AuditEvent.objects.exists()


def test_item_update_records_department_by_code():
    unit = UnitFactory(code="GA001")
    item = ItemFactory()
    item_update(actor=None, item=item, department=unit)
    event = AuditEvent.objects.get(action="catalog.item.update")
    assert event.details["changes"]["department"] == {"before": None, "after": "GA001"}


def test_item_update_rejects_bool_as_time_limit():
    item = ItemFactory()
    with pytest.raises(ValidationFailed, match="必须是非负整数"):
        item_update(actor=None, item=item, statutory_limit_days=True)


# ------------------------------------------------------------------ retiring


def test_retire_keeps_the_item_and_records_the_reason():
    item = ItemFactory()
    item_retire(actor=None, item=item, reason="职能已划转")
    stored = Item.objects.get(pk=item.pk)
    assert stored.status == Item.Status.RETIRED
    assert stored.retire_reason == "职能已划转"
    assert stored.retired_at is not None
    assert item.is_retired  # the caller's instance is current too
    event = AuditEvent.objects.get(action="catalog.item.retire")
    assert event.details == {"reason": "职能已划转"}


def test_retire_requires_a_reason():
    item = ItemFactory()
    with pytest.raises(ValidationFailed, match="停用事项必须填写停用原因"):
        item_retire(actor=None, item=item, reason="  ")
    assert Item.objects.get(pk=item.pk).status == Item.Status.ACTIVE
    assert not AuditEvent.objects.exists()


def test_retire_twice_is_a_conflict():
    item = ItemFactory()
    item_retire(actor=None, item=item, reason="职能已划转")
    with pytest.raises(Conflict, match="事项已停用"):
        item_retire(actor=None, item=item, reason="再次停用")


def test_reinstate_returns_a_retired_item_to_use():
    item = ItemFactory()
    item_retire(actor=None, item=item, reason="职能已划转")
    item_reinstate(actor=None, item=item)
    stored = Item.objects.get(pk=item.pk)
    assert (stored.status, stored.retired_at, stored.retire_reason) == (Item.Status.ACTIVE, None, "")
    event = AuditEvent.objects.get(action="catalog.item.reinstate")
    assert event.details == {"previous_reason": "职能已划转"}


def test_reinstate_an_active_item_is_a_conflict():
    with pytest.raises(Conflict, match="事项未停用"):
        item_reinstate(actor=None, item=ItemFactory())


# ------------------------------------------------------------------ materials


def test_material_set_replaces_the_list_and_numbers_it_in_order():
    item = ItemFactory()
    ItemMaterialFactory(item=item, seq=1, name="旧材料")
    material_set(actor=None, item=item, materials=[
        {"name": "居民户口簿", "form": "paper", "originals": 1, "copies": 1},
        {"name": "近期证件照片", "form": "electronic", "copies": 0, "required": False, "note": "白底"},
    ])
    rows = list(item.materials.order_by("seq").values_list("seq", "name", "form", "originals", "copies", "required"))
    assert rows == [(1, "居民户口簿", "paper", 1, 1, True), (2, "近期证件照片", "electronic", 0, 0, False)]
    event = AuditEvent.objects.get(action="catalog.item.materials_set")
    assert [m["name"] for m in event.details["before"]] == ["旧材料"]
    assert [m["name"] for m in event.details["after"]] == ["居民户口簿", "近期证件照片"]


def test_material_set_with_the_same_list_writes_nothing():
    item = ItemFactory()
    materials = [{"name": "居民户口簿", "form": "paper", "originals": 1, "copies": 1}]
    material_set(actor=None, item=item, materials=materials)
    material_set(actor=None, item=item, materials=materials)
    assert AuditEvent.objects.filter(action="catalog.item.materials_set").count() == 1


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"name": ""}, "第1项申请材料的材料名称不能为空"),
        ({"name": "户口簿", "form": "fax"}, "材料形式无效"),
        ({"name": "户口簿", "copies": -1}, "复印件份数必须是非负整数"),
        ({"name": "户口簿", "colour": "red"}, "未知字段"),
    ],
)
def test_material_set_rejects_bad_rows_and_keeps_the_old_list(row, message):
    item = ItemFactory()
    ItemMaterialFactory(item=item, seq=1, name="旧材料")
    with pytest.raises(ValidationFailed, match=message):
        material_set(actor=None, item=item, materials=[row])
    assert list(item.materials.values_list("name", flat=True)) == ["旧材料"]
    assert not AuditEvent.objects.exists()


# ------------------------------------------------------------------ work areas


def test_assign_department_fills_items_without_one():
    area = WorkAreaFactory()
    other = UnitFactory(name="县交通运输局")
    free = ItemFactory(work_area=area)
    taken = ItemFactory(work_area=area, department=other, implementing_body="县交通运输局")
    written = ItemFactory(work_area=area, implementing_body="县公安局出入境管理大队")
    unit = UnitFactory(name="县公安局")
    work_area_assign_department(actor=None, work_area=area, department=unit)
    area.refresh_from_db()
    free.refresh_from_db()
    taken.refresh_from_db()
    written.refresh_from_db()
    assert area.department == unit
    assert (free.department, free.implementing_body) == (unit, "县公安局")
    assert (taken.department, taken.implementing_body) == (other, "县交通运输局")
    assert (written.department, written.implementing_body) == (unit, "县公安局出入境管理大队")


def test_assign_department_is_audited_with_the_items_it_filled():
    area = WorkAreaFactory()
    item = ItemFactory(work_area=area)
    unit = UnitFactory(code="GA001")
    work_area_assign_department(actor=None, work_area=area, department=unit)
    event = AuditEvent.objects.get(action="catalog.work_area.assign_department")
    assert event.details == {"before": None, "after": "GA001", "items_assigned": [item.code]}


def test_no_change_path_deletes_an_item():
    item = ItemFactory()
    item_retire(actor=None, item=item, reason="撤销")
    material_set(actor=None, item=item, materials=[])
    assert Item.objects.filter(pk=item.pk).exists()
    assert not ItemMaterial.objects.filter(item=item).exists()
