"""The CKAN-compatible Action API: envelope, error types, access, masking and the usage log."""

import json

import pytest

from zhengwu.exchange import datastore as ds
from zhengwu.exchange import ingest, reads, services
from zhengwu.exchange.models import UsageLog

from .conftest import make_resource
from .helpers import GOOD_ROWS, NEXT_YEAR, TODAY, csv_bytes

pytestmark = pytest.mark.django_db(databases=ds.TEST_DATABASES)


def call(client, name, key=None, method="get", header="Authorization", **params):
    headers = {header: key} if key else {}
    if method == "post":
        r = client.post(f"/api/3/action/{name}", json.dumps(params), content_type="application/json", headers=headers)
    else:
        r = client.get(f"/api/3/action/{name}", {k: json.dumps(v) if isinstance(v, (dict, list)) else v
                                                   for k, v in params.items()}, headers=headers)
    return r.status_code, r.json()


@pytest.fixture
def world(civil_resource, civil_steward, civil, edu, edu_steward, office_steward):
    ingest.resource_load_file(actor=civil_steward, resource=civil_resource, stream=csv_bytes(GOOD_ROWS), file_name="a.csv")
    open_r = make_resource(steward=civil_steward, unit=civil, office_steward=office_steward, seq=2, is_open=True,
                           share_type="unconditional", name="养老机构名录",
                           fields=[{"name": "bh", "title": "编号", "type": "text", "is_key": True, "indexed": True},
                                   {"name": "mc", "title": "名称", "type": "text"},
                                   {"name": "cws", "title": "床位数", "type": "integer"}])
    ingest.resource_upsert(actor=civil_steward, resource=open_r, records=[
        {"bh": f"Y{i:03d}", "mc": f"第{i}养老院", "cws": i} for i in range(1, 251)])
    _k, edu_key = services.key_issue(actor=edu_steward, unit=edu, name="学籍系统")
    return {"cond": civil_resource, "open": open_r, "edu_key": edu_key, "edu": edu}


def test_envelope_and_status_show(client):
    status, body = call(client, "status_show")
    assert status == 200 and body["success"] is True and "help" in body
    assert body["result"]["ckan_version"].startswith("2.")


def test_the_plain_path_answers_too(client, world):
    r = client.get("/api/action/package_list")
    assert r.status_code == 200 and r.json()["result"] == [world["open"].slug]


def test_anonymous_sees_only_open_entries(client, world):
    _s, body = call(client, "package_search", rows=10)
    assert body["result"]["count"] == 1
    assert body["result"]["results"][0]["organization"]["title"] == "县民政局"


def test_key_holders_see_the_shared_catalog_with_facets(client, world):
    _s, body = call(client, "package_search", key=world["edu_key"], **{"facet.field": ["share_type", "organization"]})
    result = body["result"]
    assert result["count"] == 2
    assert result["facets"]["share_type"] == {"conditional": 1, "unconditional": 1}
    assert result["search_facets"]["organization"]["items"][0]["display_name"] == "县民政局"


def test_package_search_fq_and_rows_cap(client, world):
    _s, body = call(client, "package_search", key=world["edu_key"], fq="share_type:conditional", rows=5000)
    assert [p["name"] for p in body["result"]["results"]] == [world["cond"].slug]
    status, body = call(client, "package_search", fq="evil:1")
    assert status == 409 and body["error"]["__type"] == "Validation Error"


def test_unknown_package_is_not_found_error(client, world):
    status, body = call(client, "package_show", id="nope")
    assert status == 404 and body["error"]["__type"] == "Not Found Error"


def test_closed_records_need_a_key(client, world):
    status, body = call(client, "datastore_search", resource_id=world["cond"].slug)
    assert status == 403 and body["error"]["__type"] == "Authorization Error"


def test_open_records_read_without_a_key_with_keyset_next(client, world):
    _s, body = call(client, "datastore_search", resource_id=world["open"].slug, limit=100)
    result = body["result"]
    assert result["total"] == 250 and len(result["records"]) == 100
    last = result["records"][-1]["_id"]
    assert result["_links"]["next"].endswith(f"after={last}&limit=100")
    _s, body = call(client, "datastore_search", resource_id=world["open"].slug, limit=100, after=last)
    assert body["result"]["records"][0]["_id"] > last


def test_filters_are_values_never_sql(client, world):
    _s, body = call(client, "datastore_search", resource_id=world["open"].slug, filters={"bh": "Y001' OR '1'='1"})
    assert body["result"]["records"] == [] and body["result"]["total"] == 0
    status, body = call(client, "datastore_search", resource_id=world["open"].slug, filters={"bh; DROP TABLE x": 1})
    assert status == 409 and "没有这个信息项" in body["error"]["message"]
    status, body = call(client, "datastore_search", resource_id=world["open"].slug, sort="mc; drop")
    assert status == 409


def test_filtered_total_is_exact(client, world):
    _s, body = call(client, "datastore_search", resource_id=world["open"].slug, filters={"bh": ["Y001", "Y002"]})
    assert body["result"]["total"] == 2 and body["result"]["total_was_estimated"] is False


def test_conditional_resource_without_grant_is_refused(client, world):
    status, body = call(client, "datastore_search", key=world["edu_key"], resource_id=world["cond"].slug)
    assert status == 403 and "授权" in body["error"]["message"]


def _grant(world, civil_steward, edu_steward, fields, plain=()):
    services.config_set(actor=None, provide_first=False)
    req = services.request_submit(actor=edu_steward, unit=world["edu"], resource=world["cond"], purpose="核对资助对象",
                                  fields=fields, plain_fields=list(plain), period_from=TODAY, period_to=NEXT_YEAR,
                                  legal_basis="《学生资助管理办法》")
    services.request_decide(actor=civil_steward, request=req, approve=True)


def test_granted_fields_are_read_with_id_numbers_masked(client, world, civil_steward, edu_steward):
    _grant(world, civil_steward, edu_steward, ["bh", "sfzh"])
    status, body = call(client, "datastore_search", key=world["edu_key"], header="X-CKAN-API-Key",
                        resource_id=world["cond"].slug)
    assert status == 200
    rec = body["result"]["records"][0]
    assert set(rec) == {"_id", "bh", "sfzh"}
    assert rec["sfzh"] == "430***********1234"
    status, body = call(client, "datastore_search", key=world["edu_key"], resource_id=world["cond"].slug,
                        fields="bh,xm")
    assert status == 403 and "xm" in body["error"]["message"]


def test_plain_grant_shows_the_id_number(client, world, civil_steward, edu_steward):
    _grant(world, civil_steward, edu_steward, ["bh", "sfzh"], plain=["sfzh"])
    _s, body = call(client, "datastore_search", key=world["edu_key"], resource_id=world["cond"].slug)
    assert body["result"]["records"][0]["sfzh"] == "430121199001011234"


def test_every_read_is_logged_as_metadata_in_a_chain(client, world, civil_steward, edu_steward):
    _grant(world, civil_steward, edu_steward, ["bh", "sfzh"])
    call(client, "datastore_search", key=world["edu_key"], resource_id=world["cond"].slug, filters={"bh": "M001"})
    log = UsageLog.objects.get(resource=world["cond"])
    assert log.unit_id == world["edu"].pk and log.rows == 1 and log.filters["filters"] == {"bh": "M001"}
    assert "430121" not in json.dumps(log.filters) and len(log.response_hash) == 64
    assert reads.usage_chain_verify() == (True, None)
    UsageLog.objects.filter(pk=log.pk).update(rows=99)
    assert reads.usage_chain_verify() == (False, log.pk)


def test_revoked_and_expired_keys_are_refused(client, world, edu_steward):
    from django.utils import timezone

    from zhengwu.exchange.models import ApiKey

    key = ApiKey.objects.get(prefix=world["edu_key"].split("_")[1])
    services.key_revoke(actor=edu_steward, key=key)
    status, body = call(client, "package_list", key=world["edu_key"])
    assert status == 403 and "吊销" in body["error"]["message"]
    ApiKey.objects.filter(pk=key.pk).update(revoked_at=None, expires_at=timezone.now())
    status, body = call(client, "package_list", key=world["edu_key"])
    assert status == 403 and "过期" in body["error"]["message"]


def test_rate_limit_per_key(client, world, edu_steward, edu):
    _k, raw = services.key_issue(actor=edu_steward, unit=edu, name="慢系统", rate_per_minute=2)
    assert call(client, "package_list", key=raw)[0] == 200
    assert call(client, "package_list", key=raw)[0] == 200
    response = client.get("/api/3/action/package_list", HTTP_AUTHORIZATION=raw)
    body = response.json()
    assert response.status_code == 429 and "每分钟" in body["error"]["message"]
    assert body["success"] is False and body["error"]["__type"] == "Authorization Error"
    assert 1 <= body["error"]["retry_after"] <= 60 and response["Retry-After"] == str(body["error"]["retry_after"])


def test_datastore_info_and_resource_show(client, world):
    _s, body = call(client, "datastore_info", id=world["open"].slug)
    assert body["result"]["meta"]["count"] == 250
    assert [f["id"] for f in body["result"]["fields"]] == ["bh", "mc", "cws"]
    _s, body = call(client, "resource_show", id=world["open"].slug)
    assert body["result"]["datastore_active"] is True


def test_organization_list_and_show(client, world):
    _s, body = call(client, "organization_list", all_fields="true")
    assert body["result"][0]["title"] == "县民政局" and body["result"][0]["package_count"] == 1
    status, body = call(client, "organization_show", id="nope")
    assert status == 404


def test_post_json_and_bad_json(client, world):
    status, body = call(client, "package_show", method="post", id=world["open"].slug)
    assert status == 200 and body["result"]["title"] == "养老机构名录"
    r = client.post("/api/3/action/package_show", "{bad", content_type="application/json")
    assert r.status_code == 409 and r.json()["error"]["__type"] == "Validation Error"


def test_datastore_upsert_by_provider_key(client, world, civil_steward, civil):
    _k, raw = services.key_issue(actor=civil_steward, unit=civil, name="民政业务系统")
    status, body = call(client, "datastore_upsert", key=raw, method="post", resource_id=world["open"].slug,
                        records=[{"bh": "Y999", "mc": "新养老院", "cws": 10}])
    assert status == 200 and body["result"]["records_written"] == 1
    status, body = call(client, "datastore_upsert", key=world["edu_key"], method="post",
                        resource_id=world["open"].slug, records=[{"bh": "Y1", "mc": "x"}])
    assert status == 403


def test_package_search_q_uses_the_segmented_index(client, world):
    from zhengwu.exchange import fts

    # Words, not substrings: "养老" is a word of 养老机构名录; the query's words must all match.
    _s, body = call(client, "package_search", q="养老 机构")
    assert [p["name"] for p in body["result"]["results"]] == [world["open"].slug]
    _s, body = call(client, "package_search", q="养老 学籍")
    assert body["result"]["count"] == 0
    # Field titles are indexed too; the conditional entry is visible to a key only.
    _s, body = call(client, "package_search", key=world["edu_key"], q="身份证号")
    assert world["cond"].slug in [p["name"] for p in body["result"]["results"]]
    # Query syntax of either engine is plain text here.
    for evil in ('"养老" OR *', "养老 & !机构 | x:*", "NEAR(养老)"):
        assert call(client, "package_search", q=evil)[0] == 200
    assert fts.catalog_index_refresh() is False  # built once, unchanged catalog: not rebuilt


def test_unknown_ids_and_keys_get_chinese_messages(client, world):
    status, body = call(client, "datastore_search", resource_id="no-such-resource")
    assert status == 404 and body["error"]["__type"] == "Not Found Error" and body["error"]["message"]
    status, body = call(client, "resource_show", id="no-such-resource")
    assert status == 404 and body["error"]["message"]
    status, body = call(client, "organization_show", id="no-such-unit")
    assert status == 404 and body["error"]["message"]
    status, body = call(client, "package_list", key="zwk_nothere_abcdef")
    assert status == 403 and "访问密钥无效" in body["error"]["message"]


def test_a_bad_record_in_an_upsert_writes_nothing(client, world, civil, civil_steward):
    _k, key = services.key_issue(actor=civil_steward, unit=civil, name="民政业务系统")
    before = ds.table_count(world["open"].table_name)
    status, body = call(client, "datastore_upsert", key=key, method="post", resource_id=world["open"].slug,
                        records=[{"bh": "Y900", "mc": "新院"}, {"bh": "Y901", "mc": "坏", "cws": "很多"}])
    assert status == 409 and "第 2 条记录" in body["error"]["message"] and "未写入任何数据" in body["error"]["message"]
    assert ds.table_count(world["open"].table_name) == before
