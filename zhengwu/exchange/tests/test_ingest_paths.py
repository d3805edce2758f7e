"""The file paths of an upload: on PostgreSQL ``COPY`` into a text stage checked in SQL, on
SQLite (and for files COPY cannot read) the Python reader. Both must give the same rows,
the same reasons and the same all-or-nothing guarantee; neither may read a file whole."""

import datetime as dt
import io

import pytest

from zhengwu.exchange import datastore as ds
from zhengwu.exchange import ingest
from zhengwu.exchange.models import LoadRun

from .conftest import make_resource
from .helpers import GOOD_ROWS, csv_bytes

pytestmark = pytest.mark.django_db(databases=ds.TEST_DATABASES)

TYPED = [
    {"name": "bh", "title": "编号", "type": "text", "length": 8, "is_key": True, "required": True},
    {"name": "sl", "title": "数量", "type": "integer", "min_value": 0, "max_value": 100},
    {"name": "je", "title": "金额", "type": "number"},
    {"name": "rq", "title": "日期", "type": "date"},
    {"name": "sj", "title": "时间", "type": "datetime"},
    {"name": "sf", "title": "是否", "type": "boolean"},
    {"name": "lx", "title": "类型", "type": "text", "choices": ["甲", "乙"]},
]
HEADER = "bh,sl,je,rq,sj,sf,lx"


@pytest.fixture
def typed(civil_steward, civil, office_steward):
    return make_resource(steward=civil_steward, unit=civil, office_steward=office_steward, fields=TYPED, seq=7,
                         name="类型测试表")


def _load(resource, steward, data, **kw):
    return ingest.resource_load_file(actor=steward, resource=resource, stream=data, file_name="t.csv", **kw)


def _rows(resource):
    cols = [ds.Column(f["name"], f["type"], is_key=f.get("is_key", False)) for f in TYPED]
    page = ds.table_search(table=resource.table_name, columns=cols, select=[c.name for c in cols], filters={},
                           sort=[("bh", False)], include_total=False)
    return [{k: v for k, v in r.items() if k != "_id"} for r in page.records]


def test_every_type_loads_the_same_on_either_path(typed, civil_steward):
    rows = [" A1 , 3 ,1.5,2025-01-02,2025-01-02 08:30:00,是,甲",
            "A2,3.0,-2e3,2025/02/03,2025-02-03T10:00:00+00:00,false,",
            "A3,,,,,,乙"]
    run = _load(typed, civil_steward, csv_bytes(rows, header=HEADER))
    assert (run.outcome, run.rows_read, run.rows_loaded) == (LoadRun.Outcome.LOADED, 3, 3), run.errors
    got = _rows(typed)
    # The same instant whichever offset the store keeps it in.
    instants = [dt.datetime.fromisoformat(r.pop("sj")) for r in got[:2]]
    assert instants == [dt.datetime(2025, 1, 2, 0, 30, tzinfo=dt.UTC), dt.datetime(2025, 2, 3, 10, 0, tzinfo=dt.UTC)]
    assert got[0] == {"bh": "A1", "sl": 3, "je": 1.5, "rq": "2025-01-02", "sf": True, "lx": "甲"}
    assert got[1] == {"bh": "A2", "sl": 3, "je": -2000.0, "rq": "2025-02-03", "sf": False, "lx": None}
    assert got[2] == {"bh": "A3", "sl": None, "je": None, "rq": None, "sj": None, "sf": None, "lx": "乙"}


@pytest.mark.parametrize("row, field, reason", [
    (",1,1,2025-01-01,2025-01-01 00:00:00,是,甲", "bh", "必填项为空"),
    ("TOOLONG123,1,1,2025-01-01,2025-01-01 00:00:00,是,甲", "bh", "超过长度 8"),
    ("B1,abc,1,2025-01-01,2025-01-01 00:00:00,是,甲", "sl", "不是整数"),
    ("B1,2.5,1,2025-01-01,2025-01-01 00:00:00,是,甲", "sl", "不是整数"),
    ("B1,101,1,2025-01-01,2025-01-01 00:00:00,是,甲", "sl", "超出取值范围"),
    ("B1,1,nan,2025-01-01,2025-01-01 00:00:00,是,甲", "je", "不是有限数值"),
    ("B1,1,1,2025-02-30,2025-01-01 00:00:00,是,甲", "rq", "不是有效日期(应为 YYYY-MM-DD)"),
    ("B1,1,1,2025-01-01,2025-01-01 25:00:00,是,甲", "sj", "不是有效日期时间(应为 YYYY-MM-DD HH:MM:SS)"),
    ("B1,1,1,2025-01-01,2025-01-01 00:00:00,也许,甲", "sf", "不是“是/否”"),
    ("B1,1,1,2025-01-01,2025-01-01 00:00:00,是,丙", "lx", "不在代码表内"),
])
def test_each_bad_cell_is_named_and_nothing_is_written(typed, civil_steward, row, field, reason):
    good = "B0,1,1,2025-01-01,2025-01-01 00:00:00,是,甲"
    run = _load(typed, civil_steward, csv_bytes([good, row], header=HEADER))
    assert run.outcome == LoadRun.Outcome.REJECTED and run.rows_loaded == 0
    assert run.errors == [{"line": 3, "field": field, "reason": reason}]
    assert ds.table_count(typed.table_name) == 0


def test_good_rows_option_keeps_the_first_of_duplicate_keys(civil_resource, civil_steward):
    rows = GOOD_ROWS + ["M001,重复,1,城关镇,1,2025-01-01", "M009,甲,1,城关镇,abc,2025-01-01"]
    run = _load(civil_resource, civil_steward, csv_bytes(rows), load_good_rows=True)
    assert (run.outcome, run.rows_loaded, run.rows_bad) == (LoadRun.Outcome.PARTIAL, 3, 2)
    assert run.errors == [{"line": 5, "field": "bh", "reason": "主键在本次数据中重复"},
                          {"line": 6, "field": "je", "reason": "不是有限数值" if ds.is_postgres() else "不是数值"}]
    cols = [ds.Column("bh", "text", is_key=True), ds.Column("xm", "text")]
    page = ds.table_search(table=civil_resource.table_name, columns=cols, select=["xm"], filters={"bh": "M001"})
    assert page.records[0]["xm"] == "张三"


def test_postgresql_checks_the_file_in_sql_and_sqlite_in_python(civil_resource, civil_steward, monkeypatch):
    used = []
    real_copy, real_rows = ds.table_copy_csv, ds.table_rows_write
    monkeypatch.setattr(ds, "table_copy_csv", lambda **kw: used.append("copy") or real_copy(**kw))
    monkeypatch.setattr(ds, "table_rows_write", lambda **kw: used.append("python") or real_rows(**kw))
    run = _load(civil_resource, civil_steward, csv_bytes(GOOD_ROWS))
    assert run.rows_loaded == 3
    assert used == (["copy"] if ds.is_postgres() else ["python"])


def test_a_row_of_the_wrong_width_falls_back_to_the_python_reader(civil_resource, civil_steward, monkeypatch):
    used = []
    real_rows = ds.table_rows_write
    monkeypatch.setattr(ds, "table_rows_write", lambda **kw: used.append("python") or real_rows(**kw))
    run = _load(civil_resource, civil_steward, csv_bytes(GOOD_ROWS + ["M004,赵六"]))
    assert used == ["python"]
    assert run.outcome == LoadRun.Outcome.REJECTED and run.errors[0]["line"] == 5 and "列数" in run.errors[0]["reason"]
    assert ds.table_count(civil_resource.table_name) == 0


class _WatchedStream(io.BytesIO):
    """A file that records the largest piece anyone asked of it (a whole-file read asks for all)."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.largest = 0

    def _seen(self, size):
        self.largest = max(self.largest, len(self.getbuffer()) if size is None or size < 0 else size)

    def read(self, size=-1):
        self._seen(size)
        return super().read(size)

    def read1(self, size=-1):
        self._seen(size)
        return super().read1(size)

    def readinto(self, b):
        self._seen(len(b))
        return super().readinto(b)


def test_a_large_file_is_read_in_bounded_pieces(civil_resource, civil_steward):
    rows = [f"K{n:07d},张三,430121199001011234,城关镇,{n % 1000},2025-01-02" for n in range(40000)]
    data = csv_bytes(rows).getvalue()
    bound = max(ingest.SNIFF_BYTES, ds.COPY_CHUNK)
    assert len(data) > 1.5 * bound
    stream = _WatchedStream(data)
    run = _load(civil_resource, civil_steward, stream)
    assert run.rows_loaded == 40000
    assert 0 < stream.largest <= bound


def test_upload_progress_is_kept_under_the_token(civil_resource, civil_steward):
    run = _load(civil_resource, civil_steward, csv_bytes(GOOD_ROWS), progress_token="tok-12345678")
    state = ingest.progress_read("tok-12345678")
    assert state["done"] is True and state["rows"] == 3 and state["run"] == run.pk
    assert state["bytes"] == state["total"] == len(csv_bytes(GOOD_ROWS).getvalue())
    assert ingest.progress_read("bad token!") is None


def test_a_text_search_q_is_bounded_in_time(civil_resource, monkeypatch):
    from zhengwu.core.errors import ValidationFailed as Refused
    from zhengwu.exchange import selectors, services

    cols = services.columns_of(selectors.resource_fields(civil_resource))
    ds.table_fill_synthetic(table=civil_resource.table_name, columns=cols, start=1, count=100_000)
    found = ds.table_search(table=civil_resource.table_name, columns=cols, select=["xm"], filters={}, q="姓名1",
                            include_total=False, limit=5)
    assert len(found.records) == 5
    # A limit no scan of 100,000 rows can meet: refused with the reason, nothing else breaks.
    monkeypatch.setattr(ds, "Q_SECONDS", 0.001)
    with pytest.raises(Refused, match="检索时限"):
        ds.table_search(table=civil_resource.table_name, columns=cols, select=["xm"], filters={},
                        q="没有这样的文字", include_total=False)
    assert ds.table_count(civil_resource.table_name) == 100_000


def test_wrong_encoding_after_the_sniffed_head_is_refused_and_nothing_written(civil_resource, civil_steward):
    from zhengwu.core.errors import ValidationFailed as Refused

    rows = [f"K{n:06d},张三,430121199001011234,城关镇,1,2025-01-02" for n in range(6000)]
    head = csv_bytes(rows).getvalue()
    assert len(head) > ingest.SNIFF_BYTES
    tail = "Z000001,李四,1,城关镇,1,2025-01-02\n".encode("gb18030")
    with pytest.raises(Refused, match="不是 UTF-8 编码的内容"):
        _load(civil_resource, civil_steward, io.BytesIO(head + tail))
    assert ds.table_count(civil_resource.table_name) == 0
    assert not LoadRun.objects.filter(resource=civil_resource).exists()


def test_new_rows_get_ids_in_the_files_order(civil_resource, civil_steward):
    rows = [f"K{n:03d},张三,1,城关镇,1,2025-01-02" for n in range(300, 0, -1)]
    _load(civil_resource, civil_steward, csv_bytes(rows[:150]))
    _load(civil_resource, civil_steward, csv_bytes(rows[100:]))  # 50 updates, then 150 new rows
    cols = [ds.Column("bh", "text", is_key=True)]
    page = ds.table_search(table=civil_resource.table_name, columns=cols, select=["bh"], filters={},
                           include_total=False, limit=1000)
    assert [r["bh"] for r in page.records] == [r.split(",")[0] for r in rows]
