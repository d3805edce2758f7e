import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhengwu.catalog.services import item_retire, material_set, work_area_assign_department
from zhengwu.core.page_cache import content_version

from .factories import ItemFactory, UnitFactory, WorkAreaFactory

pytestmark = pytest.mark.django_db

ITEMS = "/api/v1/catalog/items"


def test_list_counts_385_items_with_65_295_25_by_category(client, loaded_catalog):
    counts = {c: client.get(ITEMS, {"category": c}).json()["count"] for c in ("disclosure", "power", "convenience")}
    assert client.get(ITEMS).json()["count"] == 385
    assert counts == {"disclosure": 65, "power": 295, "convenience": 25}


def test_list_returns_the_documented_fields(client, loaded_catalog):
    body = client.get(ITEMS, {"category": "power", "work_area": "公安工作", "page_size": 1}).json()
    assert (body["count"], body["page"], body["page_size"]) == (23, 1, 1)
    assert body["items"] == [{
        "code": "QL011", "category": "power", "category_name": "行政职权事项", "work_area": "公安工作",
        "work_area_code": "ql-03", "seq": 11, "name": "互联网上网服务营业场所信息网络安全审核",
        "department": None, "department_code": None, "status": "active",
    }]


def test_list_filters_by_department_and_query(client, db):
    unit = UnitFactory(code="GA", name="县公安局")
    area = WorkAreaFactory()
    ItemFactory(work_area=area, name="居民身份证办理")
    ItemFactory(work_area=area, name="户口迁移")
    ItemFactory(name="居民身份证挂失")
    work_area_assign_department(actor=None, work_area=area, department=unit)
    body = client.get(ITEMS, {"department": "GA", "q": "身份证"}).json()
    assert [(i["name"], i["department"], i["department_code"]) for i in body["items"]] == [
        ("居民身份证办理", "县公安局", "GA"),
    ]


def test_list_pages_through_the_catalog(client, loaded_catalog):
    first = client.get(ITEMS, {"category": "convenience", "page_size": 10}).json()
    third = client.get(ITEMS, {"category": "convenience", "page_size": 10, "page": 3}).json()
    assert [i["seq"] for i in first["items"]] == list(range(1, 11))
    assert [i["seq"] for i in third["items"]] == list(range(21, 26))


def test_list_page_beyond_the_end_is_empty_with_the_count(client, loaded_catalog):
    body = client.get(ITEMS, {"category": "convenience", "page": 9}).json()
    assert (body["count"], body["items"]) == (25, [])


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"page": "0"}, "页码超出允许范围"),
        ({"page": "abc"}, "页码必须是数字"),
        ({"page_size": "101"}, "每页条数超出允许范围"),
        ({"category": "secret"}, "类别取值无效"),
    ],
)
def test_list_rejects_bad_parameters_with_422_in_chinese(client, db, params, message):
    response = client.get(ITEMS, params)
    assert response.status_code == 422
    assert message in response.json()["message"]


def test_list_hides_retired_items(client, db):
    item = ItemFactory()
    item_retire(actor=None, item=item, reason="撤销")
    assert client.get(ITEMS).json()["count"] == 0


def test_list_query_count_does_not_grow_with_page_size(client, db):
    unit = UnitFactory()
    for _ in range(30):
        ItemFactory(department=unit)
    content_version()  # the response cache reads it at most every 2 s; measured are the view's own queries
    with CaptureQueriesContext(connection) as small:
        assert len(client.get(ITEMS, {"page_size": 2}).json()["items"]) == 2
    with CaptureQueriesContext(connection) as large:
        assert len(client.get(ITEMS, {"page_size": 30}).json()["items"]) == 30
    assert len(large) == len(small) <= 2


def test_detail_shows_the_implementation_list_and_materials(client, db):
    item = ItemFactory(code="QL017", name="申领、换领、补领居民身份证办理", handling_type="promised",
                       statutory_limit_days=60, promised_limit_days=20, place="县政务服务中心")
    material_set(actor=None, item=item, materials=[{"name": "居民户口簿", "form": "paper", "originals": 1}])
    body = client.get(f"{ITEMS}/QL017").json()
    assert body["name"] == "申领、换领、补领居民身份证办理"
    assert (body["handling_type"], body["handling_type_name"]) == ("promised", "承诺件")
    assert (body["statutory_limit_days"], body["promised_limit_days"]) == (60, 20)
    assert body["place"] == "县政务服务中心"
    assert body["status"] == "active"
    assert body["materials"] == [{
        "seq": 1, "name": "居民户口簿", "form": "paper", "form_name": "纸质",
        "originals": 1, "copies": 1, "required": True, "note": "",
    }]


def test_detail_of_a_retired_item_says_so(client, db):
    item = ItemFactory(code="BM025")
    item_retire(actor=None, item=item, reason="已并入综治中心")
    body = client.get(f"{ITEMS}/BM025").json()
    assert (body["status"], body["status_name"], body["retire_reason"]) == ("retired", "已停用", "已并入综治中心")


def test_detail_of_an_unknown_code_is_404_in_chinese(client, db):
    response = client.get(f"{ITEMS}/NOPE")
    assert response.status_code == 404
    assert response.json()["message"] == "事项不存在:NOPE"


def test_work_areas_list_counts_items(client, loaded_catalog):
    body = client.get("/api/v1/catalog/work-areas", {"category": "power"}).json()
    assert len(body) == 30
    assert (body[2]["code"], body[2]["name"], body[2]["item_count"]) == ("ql-03", "公安工作", 23)


def test_work_areas_rejects_an_unknown_category(client, db):
    response = client.get("/api/v1/catalog/work-areas", {"category": "secret"})
    assert response.status_code == 422
    assert "类别取值无效" in response.json()["message"]


def test_openapi_document_loads_and_lists_the_catalog_paths(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/catalog/items", "/api/v1/catalog/items/{code}", "/api/v1/catalog/work-areas"} <= set(paths)
    params = {p["name"] for p in paths["/api/v1/catalog/items"]["get"]["parameters"]}
    assert {"category", "work_area", "department", "q", "page", "page_size"} <= params
