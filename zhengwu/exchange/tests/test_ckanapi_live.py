"""The CKAN client ``ckanapi`` works unchanged against a live server (issue 18 "done when")."""

import json
import os
import subprocess
import sys
from pathlib import Path

import ckanapi
import pytest

from zhengwu.exchange import datastore as ds
from zhengwu.exchange import ingest, services

from .conftest import make_resource
from .helpers import GOOD_ROWS, csv_bytes

pytestmark = pytest.mark.django_db(transaction=True, databases=ds.TEST_DATABASES)


@pytest.fixture
def catalog(civil_resource, civil_steward, civil, edu, edu_steward, office_steward):
    ingest.resource_load_file(actor=civil_steward, resource=civil_resource, stream=csv_bytes(GOOD_ROWS), file_name="a.csv")
    open_r = make_resource(steward=civil_steward, unit=civil, office_steward=office_steward, seq=2, is_open=True,
                           share_type="unconditional", name="养老机构名录",
                           fields=[{"name": "bh", "title": "编号", "type": "text", "is_key": True},
                                   {"name": "mc", "title": "名称", "type": "text"}])
    ingest.resource_upsert(actor=civil_steward, resource=open_r, records=[{"bh": f"Y{i}", "mc": f"第{i}养老院"}
                                                                        for i in range(1, 31)])
    _k, key = services.key_issue(actor=edu_steward, unit=edu, name="学籍系统")
    return {"open": open_r, "cond": civil_resource, "key": key}


def test_remoteckan_reads_the_catalog_and_records(live_server, catalog):
    anonymous = ckanapi.RemoteCKAN(live_server.url)
    found = anonymous.action.package_search(q="养老", rows=10)
    assert [p["name"] for p in found["results"]] == [catalog["open"].slug]
    package = anonymous.action.package_show(id=catalog["open"].slug)
    assert package["organization"]["title"] == "县民政局"
    records = anonymous.action.datastore_search(resource_id=package["resources"][0]["id"], limit=5)
    assert records["total"] == 30 and len(records["records"]) == 5
    with pytest.raises(ckanapi.NotAuthorized):
        anonymous.action.datastore_search(resource_id=catalog["cond"].slug)
    with pytest.raises(ckanapi.NotFound):
        anonymous.action.package_show(id="no-such-package")
    keyed = ckanapi.RemoteCKAN(live_server.url, apikey=catalog["key"])
    assert keyed.action.package_search()["count"] == 2


def test_ckanapi_dump_all_datasets_completes(live_server, catalog, tmp_path):
    out = tmp_path / "datasets.jsonl"
    cli = Path(sys.executable).with_name("ckanapi")
    # The parent starts its workers as "ckanapi" from PATH: the venv's bin must be on it.
    env = {**os.environ, "PATH": f"{cli.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run([str(cli), "dump", "datasets", "--all", "-r", live_server.url, "-a", catalog["key"],
                           "-O", str(out), "-q"], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    names = sorted(json.loads(line)["name"] for line in out.read_text(encoding="utf-8").splitlines())
    assert names == sorted([catalog["open"].slug, catalog["cond"].slug])


def test_a_key_over_its_rate_is_refused_as_ckanapi_knows(live_server, catalog, edu, edu_steward):
    _k, raw = services.key_issue(actor=edu_steward, unit=edu, name="慢系统", rate_per_minute=1)
    client = ckanapi.RemoteCKAN(live_server.url, apikey=raw)
    assert client.action.package_list()
    with pytest.raises(ckanapi.NotAuthorized) as refused:
        client.action.package_list()
    err = refused.value.args[0]
    assert err["__type"] == "Authorization Error" and "每分钟最多请求 1 次" in err["message"]
    assert 1 <= err["retry_after"] <= 60
