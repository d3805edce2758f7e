"""The front-end processor (前置机) pages: each source with its last runs; add, edit, test
and pull through the services, audited; a DSN's password is never shown back."""

import sqlite3

import pytest
from django.test import Client

from zhengwu.accounts.tests.mfa_helpers import login_verified
from zhengwu.core.audit import AuditEvent
from zhengwu.core.errors import ValidationFailed
from zhengwu.exchange import datastore as ds
from zhengwu.exchange import ingest
from zhengwu.exchange.models import FrontEndSource, LoadRun

pytestmark = pytest.mark.django_db(databases=ds.TEST_DATABASES)


def _client(user):
    c = Client()
    login_verified(c, user)
    return c


@pytest.fixture
def front(tmp_path):
    path = tmp_path / "front.sqlite3"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE dibao (bh TEXT, xm TEXT, sfzh TEXT, ssxz TEXT, je REAL, djrq TEXT, updated_at TEXT)")
    con.executemany("INSERT INTO dibao VALUES (?,?,?,?,?,?,?)", [
        ("M001", "张三", "430121199001011234", "城关镇", 800, "2025-01-02", "2026-01-01T10:00:00"),
        ("M002", "李四", "1", "火星", 1, "2025-01-02", "2026-01-02T10:00:00"),
    ])
    con.commit()
    con.close()
    return path


def _save(c, r, **kw):
    data = {"act": "save", "kind": "sqlite", "location": "", "table": "dibao", "updated_column": "updated_at",
            "schedule": "hourly", "enabled": "on", **kw}
    return c.post(f"/office/exchange/resources/{r.pk}/source/", data)


def test_add_test_pull_and_see_the_runs(civil_steward, civil_resource, front):
    c = _client(civil_steward)
    body = c.get("/office/exchange/sources/").content.decode()
    assert "未配置前置机" in body and civil_resource.name in body
    assert _save(c, civil_resource, location=str(front)).status_code == 302
    source = FrontEndSource.objects.get(resource=civil_resource)
    assert (source.kind, source.table, source.schedule) == ("sqlite", "dibao", "hourly")
    body = c.post(f"/office/exchange/resources/{civil_resource.pk}/source/", {"act": "test"}).content.decode()
    assert "连接正常" in body and "有 2 行待抽取" in body
    r = c.post(f"/office/exchange/resources/{civil_resource.pk}/source/", {"act": "pull"})
    run = LoadRun.objects.get(resource=civil_resource, kind=LoadRun.Kind.PULL)
    assert r.status_code == 302 and (run.rows_read, run.rows_loaded, run.rows_bad) == (2, 1, 1)
    body = c.get("/office/exchange/sources/").content.decode()
    assert "每小时" in body and "不在代码表内" in body and "2026-01-02T10:00:00" in body
    actions = set(AuditEvent.objects.filter(object_id=str(civil_resource.pk)).values_list("action", flat=True))
    assert {"exchange.source.set", "exchange.source.test", "exchange.load.pull"} <= actions


def test_a_failed_test_says_why(civil_steward, civil_resource, tmp_path):
    c = _client(civil_steward)
    _save(c, civil_resource, location=str(tmp_path / "missing.sqlite3"))
    body = c.post(f"/office/exchange/resources/{civil_resource.pk}/source/", {"act": "test"}).content.decode()
    assert "前置机文件不存在" in body
    assert AuditEvent.objects.filter(action="exchange.source.test", result="failure").exists()


def test_the_dsn_password_is_never_shown_and_kept_when_unchanged(civil_steward, civil_resource):
    c = _client(civil_steward)
    dsn = "postgresql://front_ro:S3cret-pw@10.0.0.8:5432/minzheng"
    assert _save(c, civil_resource, kind="postgresql", location=dsn).status_code == 302
    page = c.get(f"/office/exchange/resources/{civil_resource.pk}/source/").content.decode()
    listing = c.get("/office/exchange/sources/").content.decode()
    masked = "postgresql://front_ro:******@10.0.0.8:5432/minzheng"
    assert masked in page and masked in listing and "S3cret" not in page + listing
    # Sent back as shown: the stored password stays; the audit log never has it.
    assert _save(c, civil_resource, kind="postgresql", location=masked, schedule="daily").status_code == 302
    source = FrontEndSource.objects.get(resource=civil_resource)
    assert source.location == dsn and source.schedule == "daily"
    details = " ".join(str(d) for d in AuditEvent.objects.filter(action="exchange.source.set").values_list("details", flat=True))
    assert "S3cret" not in details and "******" in details
    # A changed host with the masked password is refused: the password must be typed again.
    r = _save(c, civil_resource, kind="postgresql", location=masked.replace("10.0.0.8", "10.0.0.9"))
    assert r.status_code == 400 and "请重新填写密码" in r.content.decode()
    assert FrontEndSource.objects.get(resource=civil_resource).location == dsn


@pytest.mark.parametrize("location, shown", [
    ("host=h dbname=d user=u password=abc123", "host=h dbname=d user=u password=******"),
    ("postgres://u:p%40ss@h/d?sslmode=require", "postgres://u:******@h/d?sslmode=require"),
    ("/srv/front/minzheng.sqlite3", "/srv/front/minzheng.sqlite3"),
])
def test_location_masking(location, shown):
    assert ingest.location_masked(location) == shown


@pytest.mark.parametrize("field, value, message", [
    ("table", "dibao; drop table x", "来源表名称无效"),
    ("schedule", "weekly", "抽取周期"),
    ("kind", "mysql", "前置机类型"),
    ("location", "  ", "请填写"),
])
def test_bad_source_settings_get_a_chinese_message(civil_steward, civil_resource, field, value, message):
    kw = {"kind": "sqlite", "location": "/tmp/x.sqlite3", "table": "dibao", "updated_column": "updated_at",
          "schedule": "hourly", field: value}
    with pytest.raises(ValidationFailed, match=message):
        ingest.source_set(actor=civil_steward, resource=civil_resource, **kw)
    assert not FrontEndSource.objects.filter(resource=civil_resource).exists()


def test_only_the_provider_sees_the_source_page(edu_steward, civil_resource):
    assert _client(edu_steward).get(f"/office/exchange/resources/{civil_resource.pk}/source/").status_code == 404


def test_scheduled_pulls_run_only_when_due(civil_steward, civil_resource, front):
    ingest.source_set(actor=civil_steward, resource=civil_resource, kind="sqlite", location=str(front), table="dibao",
                      updated_column="updated_at", schedule="daily")
    assert len(ingest.sources_pull_all()) == 1  # never pulled: due
    assert ingest.sources_pull_all() == []  # pulled a moment ago, daily
    FrontEndSource.objects.filter(resource=civil_resource).update(schedule="manual")
    LoadRun.objects.filter(resource=civil_resource).delete()
    assert ingest.sources_pull_all() == []


def test_upload_progress_endpoint_reports_the_running_load(civil_steward, edu_steward, civil_resource):
    from zhengwu.exchange.tests.helpers import GOOD_ROWS, csv_bytes

    c = _client(civil_steward)
    url = f"/office/exchange/resources/{civil_resource.pk}/upload/progress/"
    assert c.get(url, {"token": "tok-abcdefgh"}).json() == {"bytes": 0, "total": 0, "rows": 0, "done": False}
    f = csv_bytes(GOOD_ROWS)
    f.name = "dibao.csv"
    assert c.post(f"/office/exchange/resources/{civil_resource.pk}/upload/",
                  {"file": f, "progress": "tok-abcdefgh"}).status_code == 302
    state = c.get(url, {"token": "tok-abcdefgh"}).json()
    assert state["done"] is True and state["rows"] == 3 and state["outcome"] == "已入库"
    assert _client(edu_steward).get(url, {"token": "tok-abcdefgh"}).status_code == 404
