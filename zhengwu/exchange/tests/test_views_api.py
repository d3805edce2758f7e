import pytest
from django.test import Client

from zhengwu.accounts.tests.mfa_helpers import login_verified
from zhengwu.exchange import datastore as ds
from zhengwu.exchange import ingest
from zhengwu.exchange.models import AccessRequest, ApiKey, LoadRun

from .conftest import make_resource
from .helpers import GOOD_ROWS, NEXT_YEAR, TODAY, csv_bytes

pytestmark = pytest.mark.django_db(databases=ds.TEST_DATABASES)


def _client(user):
    c = Client()
    login_verified(c, user)
    return c


def test_catalog_page_lists_open_entries_for_the_public(client, civil_steward, civil, office_steward, civil_resource):
    make_resource(steward=civil_steward, unit=civil, office_steward=office_steward, seq=2, is_open=True,
                  share_type="unconditional", name="养老机构名录")
    body = client.get("/exchange/catalog/").content.decode()
    assert "养老机构名录" in body and "最低生活保障对象名册" not in body


def test_catalog_facets_for_staff(civil_steward, civil_resource):
    body = _client(civil_steward).get("/exchange/catalog/", {"share_type": "conditional"}).content.decode()
    assert "最低生活保障对象名册" in body and "有条件共享" in body


def test_closed_entry_is_hidden_from_the_public(client, civil_resource):
    assert client.get(f"/exchange/catalog/{civil_resource.pk}/").status_code == 404


def test_upload_page_shows_the_error_report(civil_steward, civil_resource):
    c = _client(civil_steward)
    f = csv_bytes(GOOD_ROWS + ["M004,赵六,1,朝阳区,1,2025-01-01"])
    f.name = "dibao.csv"
    r = c.post(f"/office/exchange/resources/{civil_resource.pk}/upload/", {"file": f}, follow=True)
    body = r.content.decode()
    assert "有错误,未入库" in body and "不在代码表内" in body and LoadRun.objects.get().rows_loaded == 0


def test_request_page_lists_what_the_department_owes(edu_steward, edu, office_steward, civil_resource):
    make_resource(steward=edu_steward, unit=edu, office_steward=office_steward, name="在校学生学籍",
                  share_type="unconditional")
    r = _client(edu_steward).post(f"/office/exchange/resources/{civil_resource.pk}/request/", {
        "unit": edu.code, "fields": ["bh"], "purpose": "核对", "legal_basis": "依据",
        "period_from": TODAY, "period_to": NEXT_YEAR})
    assert r.status_code == 403 and "在校学生学籍" in r.content.decode()
    assert not AccessRequest.objects.exists()


def test_key_page_shows_the_key_once(edu_steward, edu):
    c = _client(edu_steward)
    body = c.post("/office/exchange/keys/", {"name": "学籍系统", "days": "30", "rate": "60"}).content.decode()
    key = ApiKey.objects.get()
    assert f"zwk_{key.prefix}_" in body
    assert "只显示这一次" not in c.get("/office/exchange/keys/").content.decode()


def test_dashboard_shows_the_county_figures(civil_steward, civil_resource):
    ingest.resource_load_file(actor=civil_steward, resource=civil_resource, stream=csv_bytes(GOOD_ROWS), file_name="a.csv")
    body = _client(civil_steward).get("/office/exchange/dashboard/").content.decode()
    assert "exchange-data" in body and "共享数据</dt><dd>3 条" in body


def test_api_key_issue_and_bad_input(edu_steward, edu):
    c = _client(edu_steward)
    r = c.post("/api/v1/exchange/keys", {"unit": edu.code, "name": "学籍系统", "days": 0}, content_type="application/json")
    assert r.status_code == 400 and "有效天数" in r.json()["message"]
    r = c.post("/api/v1/exchange/keys", {"unit": edu.code, "name": "学籍系统"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["key"].startswith("zwk_")


def test_api_upsert_all_or_nothing(civil_steward, civil_resource):
    c = _client(civil_steward)
    r = c.post(f"/api/v1/exchange/resources/{civil_resource.slug}/upsert",
               {"records": [{"bh": "A1", "xm": "甲"}, {"bh": "A2", "xm": ""}]}, content_type="application/json")
    assert r.status_code == 400 and "必填" in r.json()["message"]
    assert ds.table_count(civil_resource.table_name) == 0


def test_api_request_refused_with_owed_list(edu_steward, edu, office_steward, civil_resource):
    owed = make_resource(steward=edu_steward, unit=edu, office_steward=office_steward, name="在校学生学籍",
                         share_type="unconditional")
    r = _client(edu_steward).post("/api/v1/exchange/requests", {
        "unit": edu.code, "resource": civil_resource.slug, "purpose": "核对", "fields": ["bh"],
        "period_from": TODAY, "period_to": NEXT_YEAR, "legal_basis": "依据"}, content_type="application/json")
    assert r.status_code == 403 and r.json()["details"]["owed"][0]["id"] == owed.pk


def test_api_front_end_source_and_pull(civil_steward, civil_resource, tmp_path):
    import sqlite3

    path = tmp_path / "front.sqlite3"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE dibao (bh TEXT, xm TEXT, sfzh TEXT, ssxz TEXT, je REAL, djrq TEXT, gxsj TEXT)")
    con.execute("INSERT INTO dibao VALUES ('M1','甲','1','城关镇',1,'2025-01-01','2026-01-01 08:00:00')")
    con.commit()
    c = _client(civil_steward)
    r = c.post(f"/api/v1/exchange/resources/{civil_resource.slug}/source",
               {"kind": "sqlite", "location": str(path), "table": "dibao", "updated_column": "gxsj", "schedule": "daily"},
               content_type="application/json")
    assert r.status_code == 200 and (r.json()["schedule"], r.json()["enabled"]) == ("daily", True)
    r = c.post(f"/api/v1/exchange/resources/{civil_resource.slug}/pull")
    assert r.status_code == 200 and r.json()["rows_loaded"] == 1
    r = c.post(f"/api/v1/exchange/resources/{civil_resource.slug}/source",
               {"kind": "sqlite", "location": str(path), "table": "dibao; drop", "updated_column": "gxsj"},
               content_type="application/json")
    assert r.status_code == 400 and "来源表" in r.json()["message"]


def test_home_page_panel_lists_open_data(client, civil_steward, civil, office_steward):
    make_resource(steward=civil_steward, unit=civil, office_steward=office_steward, seq=2, is_open=True,
                  share_type="unconditional", name="养老机构名录")
    body = client.get("/").content.decode()
    assert "开放数据" in body and "养老机构名录" in body
