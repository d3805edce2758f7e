import io
import sqlite3

import pytest

from zhengwu.core.errors import PermissionDenied, ValidationFailed
from zhengwu.exchange import datastore as ds
from zhengwu.exchange import ingest
from zhengwu.exchange.models import LoadRun

from .helpers import GOOD_ROWS, csv_bytes

pytestmark = pytest.mark.django_db(databases=ds.TEST_DATABASES)


def _load(resource, steward, data, **kw):
    return ingest.resource_load_file(actor=steward, resource=resource, stream=data, file_name=kw.pop("name", "a.csv"), **kw)


def test_good_csv_loads_every_row(civil_resource, civil_steward):
    run = _load(civil_resource, civil_steward, csv_bytes(GOOD_ROWS))
    civil_resource.refresh_from_db()
    assert run.outcome == LoadRun.Outcome.LOADED and run.rows_loaded == 3
    assert civil_resource.record_count == 3 == ds.table_count(civil_resource.table_name)


def test_gb18030_file_is_detected(civil_resource, civil_steward):
    run = _load(civil_resource, civil_steward, csv_bytes(GOOD_ROWS, encoding="gb18030"))
    assert run.encoding == "gb18030" and run.rows_loaded == 3


def test_chinese_titles_work_as_header(civil_resource, civil_steward):
    run = _load(civil_resource, civil_steward, csv_bytes(GOOD_ROWS, header="对象编号,姓名,身份证号,所属乡镇,保障金额,登记日期"))
    assert run.rows_loaded == 3


def test_a_bad_row_loads_nothing_and_reports_line_field_reason(civil_resource, civil_steward):
    rows = GOOD_ROWS + ["M004,赵六,430121,朝阳区,900,2025-01-01"]
    run = _load(civil_resource, civil_steward, csv_bytes(rows))
    assert run.outcome == LoadRun.Outcome.REJECTED and run.rows_loaded == 0
    assert run.errors == [{"line": 5, "field": "ssxz", "reason": "不在代码表内"}]
    assert ds.table_count(civil_resource.table_name) == 0


def test_load_the_good_rows_when_asked(civil_resource, civil_steward):
    rows = GOOD_ROWS + ["M004,赵六,430121,城关镇,abc,2025-01-01"]
    run = _load(civil_resource, civil_steward, csv_bytes(rows), load_good_rows=True)
    assert run.outcome == LoadRun.Outcome.PARTIAL and run.rows_loaded == 3
    assert run.errors[0]["field"] == "je" and "数值" in run.errors[0]["reason"]


@pytest.mark.parametrize("row, field, reason", [
    ("M009,,1,城关镇,1,2025-01-01", "xm", "必填"),
    ("M009,甲,1,城关镇,-5,2025-01-01", "je", "范围"),
    ("M009,甲,1,城关镇,5,2025-13-01", "djrq", "日期"),
    ("M009,甲,1,城关镇,5", "", "列数"),
])
def test_row_errors_name_the_reason(civil_resource, civil_steward, row, field, reason):
    run = _load(civil_resource, civil_steward, csv_bytes([row]))
    assert run.errors[0]["field"] == field and reason in run.errors[0]["reason"]


def test_duplicate_keys_in_one_file_are_reported(civil_resource, civil_steward):
    run = _load(civil_resource, civil_steward, csv_bytes(GOOD_ROWS + [GOOD_ROWS[0]]))
    assert run.outcome == LoadRun.Outcome.REJECTED
    assert run.errors == [{"line": 5, "field": "bh", "reason": "主键在本次数据中重复"}]
    assert ds.table_count(civil_resource.table_name) == 0


def test_a_second_load_updates_by_key(civil_resource, civil_steward):
    _load(civil_resource, civil_steward, csv_bytes(GOOD_ROWS))
    _load(civil_resource, civil_steward, csv_bytes(["M001,张三丰,430121199001011234,城关镇,900,2025-01-02"]))
    civil_resource.refresh_from_db()
    assert civil_resource.record_count == 3


@pytest.mark.parametrize("data, message", [
    (io.BytesIO(b""), "为空"),
    (io.BytesIO(b"\xff\xfe\x00\x00\xff\xfe\xfa"), "编码"),
    (csv_bytes(GOOD_ROWS, header="bh,xm,sfzh,ssxz,je,djrq,extra"), "多出的列:extra"),
    (csv_bytes(["M1,甲"], header="bh,xm"), "缺少的列"),
])
def test_bad_files_get_a_chinese_message_and_write_nothing(civil_resource, civil_steward, data, message):
    with pytest.raises(ValidationFailed, match=message):
        _load(civil_resource, civil_steward, data)
    assert ds.table_count(civil_resource.table_name) == 0


def test_excel_upload(civil_resource, civil_steward):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["bh", "xm", "sfzh", "ssxz", "je", "djrq"])
    sheet.append(["M001", "张三", "430121199001011234", "城关镇", 800, "2025-01-02"])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    run = _load(civil_resource, civil_steward, out, name="a.xlsx")
    assert run.rows_loaded == 1


def test_only_the_provider_loads(civil_resource, edu_steward):
    with pytest.raises(PermissionDenied):
        _load(civil_resource, edu_steward, csv_bytes(GOOD_ROWS))


def test_api_upsert_insert_and_update(civil_resource, civil_steward):
    recs = [{"bh": "A1", "xm": "甲"}, {"bh": "A2", "xm": "乙"}]
    ingest.resource_upsert(actor=civil_steward, resource=civil_resource, records=recs, method="insert")
    with pytest.raises(ValidationFailed, match="已存在"):
        ingest.resource_upsert(actor=civil_steward, resource=civil_resource, records=[{"bh": "A1", "xm": "丙"}],
                               method="insert")
    with pytest.raises(ValidationFailed, match="不存在"):
        ingest.resource_upsert(actor=civil_steward, resource=civil_resource,
                               records=[{"bh": "A1", "xm": "丙"}, {"bh": "ZZ", "xm": "丁"}], method="update")
    ingest.resource_upsert(actor=civil_steward, resource=civil_resource, records=[{"bh": "A1", "xm": "丙"}],
                           method="update")
    page = ds.table_search(table=civil_resource.table_name, columns=[ds.Column("bh", "text", is_key=True),
                                                                      ds.Column("xm", "text")],
                           select=["xm"], filters={"bh": "A1"})
    assert page.records[0]["xm"] == "丙" and page.total == 1


def test_api_upsert_refuses_unknown_fields(civil_resource, civil_steward):
    with pytest.raises(ValidationFailed, match="未编目"):
        ingest.resource_upsert(actor=civil_steward, resource=civil_resource, records=[{"bh": "A", "evil": 1}])


def test_front_end_pull_is_incremental_and_logged(civil_resource, civil_steward, tmp_path):
    path = tmp_path / "front.sqlite3"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE dibao (bh TEXT, xm TEXT, sfzh TEXT, ssxz TEXT, je REAL, djrq TEXT, updated_at TEXT)")
    con.executemany("INSERT INTO dibao VALUES (?,?,?,?,?,?,?)", [
        ("M001", "张三", "430121199001011234", "城关镇", 800, "2025-01-02", "2026-01-01T10:00:00"),
        ("M002", "李四", "1", "火星", 1, "2025-01-02", "2026-01-02T10:00:00"),
    ])
    con.commit()
    ingest.source_set(actor=civil_steward, resource=civil_resource, kind="sqlite", location=str(path), table="dibao",
                      updated_column="updated_at")
    run = ingest.source_pull(resource=civil_resource)
    assert (run.rows_read, run.rows_loaded, run.rows_bad) == (2, 1, 1)
    assert run.errors[0]["field"] == "ssxz"
    con.execute("INSERT INTO dibao VALUES ('M003','王五','1','河口乡',5,'2025-01-02','2026-01-03T10:00:00')")
    con.commit()
    run = ingest.source_pull(resource=civil_resource)
    assert (run.rows_read, run.rows_loaded) == (1, 1)
    civil_resource.refresh_from_db()
    assert civil_resource.record_count == 2


def test_front_end_pull_failure_is_logged(civil_resource, civil_steward, tmp_path):
    ingest.source_set(actor=civil_steward, resource=civil_resource, kind="sqlite", location=str(tmp_path / "none.db"),
                      table="dibao", updated_column="updated_at")
    run = ingest.source_pull(resource=civil_resource)
    assert run.outcome == LoadRun.Outcome.FAILED and "不存在" in run.message
