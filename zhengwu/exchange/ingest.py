"""Filling a resource's table: CSV/Excel upload, API upsert, front-end processor pull.

Every load is one transaction in the datastore: a file with bad rows writes nothing
unless the uploader asked for the good rows (then the report lists every bad line), so
nothing is ever half-loaded. Files are read as a stream (constant memory whatever the
size). Each load leaves a ``LoadRun`` with its counts and errors, and restarts the
resource's freshness clock.
"""

from __future__ import annotations

import codecs
import datetime as dt
import csv
import io
import re
import sqlite3
import time
from pathlib import Path

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from zhengwu.core.audit import audit_record
from zhengwu.core.errors import NotFound, PermissionDenied, ValidationFailed

from . import datastore as ds
from . import selectors
from .models import FrontEndSource, LoadRun, Resource
from .services import columns_of, freshness_restart, table_ensure

SNIFF_BYTES = 256 * 1024
MAX_API_RECORDS = 10000
# Before any updated-at value a source holds (ISO text or timestamp).
MARK_START = "0001-01-01"
csv.field_size_limit(1024 * 1024)


def _loadable(resource: Resource) -> None:
    if resource.status != Resource.Status.PUBLISHED or not resource.is_table:
        raise ValidationFailed("只有已发布的数据库表类资源可以更新数据", code="exchange_not_published")
    table_ensure(resource)


def _may_load(actor, resource: Resource) -> None:
    if not any(u.pk == resource.provider_id for u in selectors.acting_units(actor)):
        raise PermissionDenied(f"只有“{resource.provider.name}”的数据管理员可以更新该资源的数据",
                               code="exchange_not_steward")


def detect_encoding(head: bytes) -> str:
    """UTF-8 (with or without BOM) or GB18030, from the first bytes; else a Chinese error."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    # The sample may end inside a multi-byte character: decode incrementally without final.
    for enc in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(enc)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return enc
    raise ValidationFailed("无法识别文件编码:请将文件另存为 UTF-8 或 GB18030(GBK)编码的 CSV", code="exchange_encoding")


def _aligned(names: list[str], columns: list[ds.Column]) -> list[int]:
    """For each column, its position in the file."""
    return [names.index(c.name) for c in columns]


def _header_map(header: list[str], columns: list[ds.Column]) -> list[str]:
    """Map the file's header (field names or Chinese titles) to field names; extra or missing → error."""
    by_label = {}
    for c in columns:
        by_label[c.name] = c.name
        if c.title:
            by_label[c.title] = c.name
    names, extra = [], []
    for h in header:
        h = (h or "").strip().lstrip("\ufeff")
        if h in by_label:
            names.append(by_label[h])
        else:
            extra.append(h or "(空列名)")
    missing = [c.title or c.name for c in columns if c.name not in names]
    problems = []
    if extra:
        problems.append("多出的列:" + "、".join(extra))
    if missing:
        problems.append("缺少的列:" + "、".join(missing))
    if len(set(names)) != len(names):
        problems.append("有重复的列")
    if problems:
        raise ValidationFailed("文件的列与资源的信息项不一致," + ";".join(problems), code="exchange_columns")
    return names


def _csv_rows(stream, encoding: str, columns: list[ds.Column], report_bad):
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    reader = csv.reader(text)
    try:
        header = next(reader)
    except StopIteration:
        raise ValidationFailed("文件为空", code="exchange_empty_file") from None
    names = _header_map(header, columns)
    width = len(names)
    order = _aligned(names, columns)
    identity = order == list(range(width))
    for cells in reader:
        if len(cells) != width:
            if not cells:
                continue
            report_bad(reader.line_num, "", f"列数为 {len(cells)},与表头的 {width} 列不符")
            continue
        yield reader.line_num, (cells if identity else [cells[i] for i in order])


def _excel_rows(stream, columns: list[ds.Column], report_bad):
    import openpyxl

    try:
        book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable workbook is the same bad input
        raise ValidationFailed("无法读取 Excel 文件,请确认是 .xlsx 格式且未加密", code="exchange_excel") from None
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    try:
        header = next(rows)
    except StopIteration:
        raise ValidationFailed("文件为空", code="exchange_empty_file") from None
    header = [str(h) if h is not None else "" for h in header]
    while header and not header[-1]:
        header.pop()
    names = _header_map(header, columns)
    width = len(names)
    for line, cells in enumerate(rows, start=2):
        cells = list(cells[:width]) + [None] * (width - len(cells))
        if all(c is None or c == "" for c in cells):
            continue
        yield line, dict(zip(names, cells, strict=True))
    book.close()


def _csv_header(head: bytes, encoding: str, columns: list[ds.Column]) -> list[str]:
    """The file's header mapped to field names, from the first bytes (checked like the Python reader does)."""
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head, final=False)
    try:
        header = next(csv.reader(io.StringIO(text)))
    except StopIteration:
        raise ValidationFailed("文件为空", code="exchange_empty_file") from None
    return _header_map(header, columns)


PROGRESS_SECONDS = 0.5
PROGRESS_TTL = 3600


def progress_key(token: str) -> str:
    return f"exchange:upload:{token}"


def progress_read(token: str) -> dict | None:
    """What a running upload has done so far (bytes of the file, rows), for the page's progress bar."""
    if not PROGRESS_TOKEN_RE.match(token or ""):
        return None
    return cache.get(progress_key(token))


PROGRESS_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


class _Progress:
    """Keeps a running load's bytes and rows done in the cache, at most twice a second."""

    def __init__(self, token: str, stream):
        self.key = progress_key(token) if PROGRESS_TOKEN_RE.match(token or "") else None
        self.stream = stream
        self.last = 0.0
        self.total = 0
        if self.key:
            try:
                here = stream.tell()
                self.total = stream.seek(0, 2)
                stream.seek(here)
            except (AttributeError, OSError):
                self.total = 0
            cache.set(self.key, {"bytes": 0, "total": self.total, "rows": 0, "done": False}, PROGRESS_TTL)

    def __call__(self, sent: int | None, rows: int, *, force: bool = False) -> None:
        if not self.key:
            return
        now = time.monotonic()
        if not force and now - self.last < PROGRESS_SECONDS:
            return
        self.last = now
        if sent is None:
            try:
                sent = self.stream.tell()
            except (AttributeError, OSError, ValueError):
                sent = 0
        cache.set(self.key, {"bytes": min(sent, self.total) if self.total else sent, "total": self.total,
                             "rows": rows, "done": False}, PROGRESS_TTL)

    def finish(self, run) -> None:
        if self.key:
            cache.set(self.key, {"bytes": self.total, "total": self.total, "rows": run.rows_read, "done": True,
                                 "outcome": run.get_outcome_display(), "run": run.pk}, PROGRESS_TTL)


class _Tracker:
    def __init__(self):
        self.report = None
        self.early = []

    def bad(self, line, field, reason):
        if self.report is not None:
            self.report.error(line, field, reason)
        else:
            self.early.append((line, field, reason))


def resource_load_file(*, actor, resource: Resource, stream, file_name: str, load_good_rows: bool = False,
                       progress_token: str = "") -> LoadRun:
    """Load a CSV or .xlsx file into the resource's table (upsert by key) in one transaction.

    ``progress_token`` (from the upload form) names where the bytes and rows done so far
    are kept while the load runs, for the page's progress bar.
    """
    _may_load(actor, resource)
    _loadable(resource)
    columns = columns_of(selectors.resource_fields(resource))
    started = timezone.now()
    is_excel = file_name.lower().endswith((".xlsx", ".xlsm"))
    tracker = _Tracker()
    encoding = ""
    if is_excel:
        rows = _excel_rows(stream, columns, tracker.bad)
    else:
        head = stream.read(SNIFF_BYTES)
        if not head:
            raise ValidationFailed("文件为空", code="exchange_empty_file")
        encoding = detect_encoding(head)
        stream.seek(0)
        rows = _csv_rows(stream, encoding, columns, tracker.bad)
    load_id = LoadRun.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    load_id += 1
    progress = _Progress(progress_token, stream)

    report = None
    if not is_excel and ds.is_postgres():
        # PostgreSQL: the file goes to COPY as bytes and is checked in SQL; a file whose
        # shape COPY cannot read (wrong width, bad bytes) falls back to the Python reader.
        report = ds.table_copy_csv(table=resource.table_name, columns=columns, stream=stream, encoding=encoding,
                                   header=_csv_header(head, encoding, columns), load_id=load_id, now=started,
                                   all_or_nothing=not load_good_rows, progress=progress)
        stream.seek(0)
    try:
        if report is None:
            report = ds.WriteReport()
            tracker.report = report
            report = ds.table_rows_write(table=resource.table_name, columns=columns, rows=rows, method="upsert",
                                         load_id=load_id, now=started, all_or_nothing=not load_good_rows,
                                         report=report, progress=progress)
    except UnicodeDecodeError:
        raise ValidationFailed(f"文件中有不是 {encoding.upper()} 编码的内容,请检查文件编码后重新上传",
                               code="exchange_encoding") from None
    run = load_finish(actor=actor, resource=resource, kind=LoadRun.Kind.UPLOAD, report=report, started=started,
                      file_name=file_name[:200], encoding=encoding, partial_allowed=load_good_rows)
    progress.finish(run)
    return run


def load_finish(*, actor, resource: Resource, kind: str, report: ds.WriteReport, started, file_name: str = "",
                encoding: str = "", partial_allowed: bool = False, message: str = "") -> LoadRun:
    """Record a load (counts, errors), and unless rejected: new totals, kept counts, freshness clock."""
    if report.rows_bad and not partial_allowed:
        outcome = LoadRun.Outcome.REJECTED
    elif report.rows_bad:
        outcome = LoadRun.Outcome.PARTIAL
    else:
        outcome = LoadRun.Outcome.LOADED
    with transaction.atomic():
        run = LoadRun.objects.create(
            resource=resource, kind=kind, outcome=outcome, file_name=file_name, encoding=encoding,
            rows_read=report.rows_read, rows_loaded=report.rows_written, rows_bad=report.rows_bad,
            errors=report.errors, message=message[:300], started_at=started, finished_at=timezone.now(), actor=actor)
        if outcome != LoadRun.Outcome.REJECTED:
            locked = Resource.objects.select_for_update(of=("self",)).select_related("freshness_clock", "provider").get(pk=resource.pk)
            locked.record_count = ds.table_count(locked.table_name)
            locked.last_loaded_at = run.finished_at
            # Kept counts are recounted after bulk loads; an API upsert of a few rows leaves
            # them stale, so they are dropped and filtered totals are counted per request.
            locked.value_counts = (ds.table_value_counts(locked.table_name, columns_of(selectors.resource_fields(locked)))
                                   if kind != LoadRun.Kind.API else {})
            freshness_restart(actor=actor, resource=locked, today=timezone.localdate())
            locked.save(update_fields=["record_count", "last_loaded_at", "freshness_clock", "value_counts",
                                       "updated_at"])
            resource.value_counts = locked.value_counts
            resource.record_count, resource.last_loaded_at = locked.record_count, locked.last_loaded_at
        audit_record(actor=actor, action=f"exchange.load.{kind}", obj=resource,
                     details={"run": run.pk, "outcome": outcome, "read": report.rows_read,
                              "loaded": report.rows_written, "bad": report.rows_bad})
    return run


def resource_upsert(*, actor, resource: Resource, records, method: str = "upsert", unit=None) -> LoadRun:
    """CKAN ``datastore_upsert``: insert / upsert / update records by key, all or nothing."""
    if unit is None:
        _may_load(actor, resource)
    elif unit.pk != resource.provider_id:
        raise PermissionDenied("只有资源的提供部门可以写入该资源的数据", code="exchange_not_provider")
    _loadable(resource)
    if not isinstance(records, list) or not records:
        raise ValidationFailed("records 必须是非空的记录列表", code="exchange_records_invalid")
    if len(records) > MAX_API_RECORDS:
        raise ValidationFailed(f"一次最多写入 {MAX_API_RECORDS} 条记录", code="exchange_records_too_many")
    columns = columns_of(selectors.resource_fields(resource))
    known = {c.name for c in columns}
    rows = []
    for i, rec in enumerate(records, start=1):
        if not isinstance(rec, dict):
            raise ValidationFailed(f"第 {i} 条记录不是对象", code="exchange_records_invalid")
        extra = [k for k in rec if k not in known and k != "_id"]
        if extra:
            raise ValidationFailed(f"第 {i} 条记录含有未编目的信息项:{'、'.join(map(str, extra))}",
                                   code="exchange_field_unknown")
        rows.append((i, rec))
    started = timezone.now()
    load_id = (LoadRun.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    report = ds.table_rows_write(table=resource.table_name, columns=columns, rows=rows, method=method,
                                 load_id=load_id, now=started, all_or_nothing=True)
    run = load_finish(actor=actor, resource=resource, kind=LoadRun.Kind.API, report=report, started=started)
    if report.rows_bad:
        first = report.errors[0]
        raise ValidationFailed(f"第 {first['line']} 条记录的“{first['field']}”{first['reason']};共 {report.rows_bad} "
                               "条记录有误,本次未写入任何数据", code="exchange_records_invalid",
                               details={"errors": report.errors[:100], "run": run.pk})
    return run


# ---------------------------------------------------------------- front-end processor

# A DSN's password, in URL form (postgresql://user:secret@host/db) or key=value form.
_URL_PASSWORD = re.compile(r"^(postgres(?:ql)?://[^:/@?#]*:)([^@]*)(@)")
_KV_PASSWORD = re.compile(r"(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)")
SECRET_SHOWN = "******"
SCHEDULE_MINUTES = {FrontEndSource.Schedule.HALF_HOURLY: 30, FrontEndSource.Schedule.HOURLY: 60,
                    FrontEndSource.Schedule.DAILY: 24 * 60}


def location_masked(location: str) -> str:
    """The location as shown back to staff and written to the audit log: never its password."""
    location = _URL_PASSWORD.sub(lambda m: m.group(1) + SECRET_SHOWN + m.group(3), location or "")
    return _KV_PASSWORD.sub(lambda m: m.group(1) + SECRET_SHOWN, location)


def source_set(*, actor, resource: Resource, kind: str, location: str, table: str, updated_column: str,
               schedule: str = FrontEndSource.Schedule.HALF_HOURLY, enabled: bool = True) -> FrontEndSource:
    """Configure (or change) the resource's front-end processor; the password is kept when shown masked."""
    _may_load(actor, resource)
    if kind not in FrontEndSource.Kind.values:
        raise ValidationFailed("前置机类型只能是 SQLite 文件或 PostgreSQL 连接", code="exchange_source_kind")
    if schedule not in FrontEndSource.Schedule.values:
        raise ValidationFailed("抽取周期只能是每 30 分钟、每小时、每天或仅手动", code="exchange_source_schedule")
    for label, name in (("来源表", table), ("更新时间列", updated_column)):
        if not ds.NAME_RE.match(name or ""):
            raise ValidationFailed(f"{label}名称无效:只能含小写字母、数字和下划线", code="exchange_source_name")
    location = (location or "").strip()
    if not location:
        raise ValidationFailed("请填写前置机文件路径或连接串", code="exchange_source_location")
    if len(location) > 500:
        raise ValidationFailed("文件路径或连接串不能超过 500 个字符", code="exchange_source_location")
    old = FrontEndSource.objects.filter(resource=resource).first()
    if SECRET_SHOWN in location:
        # The form shows the stored location masked: sent back unchanged, the stored one stays.
        if old is None or location != location_masked(old.location):
            raise ValidationFailed("连接串中的密码显示为 ******,修改连接串时请重新填写密码",
                                   code="exchange_source_password")
        location = old.location
    with transaction.atomic():
        source, _ = FrontEndSource.objects.update_or_create(resource=resource, defaults={
            "kind": kind, "location": location, "table": table, "updated_column": updated_column,
            "schedule": schedule, "enabled": bool(enabled)})
        audit_record(actor=actor, action="exchange.source.set", obj=resource,
                     details={"kind": kind, "location": location_masked(location), "table": table,
                              "updated_column": updated_column, "schedule": schedule, "enabled": bool(enabled)})
    return source


def source_test(*, actor, resource: Resource) -> tuple[bool, str]:
    """Try the source read-only: reachable, table and columns there, how many rows wait. Audited."""
    _may_load(actor, resource)
    source = FrontEndSource.objects.filter(resource_id=resource.pk).first()
    if source is None:
        raise NotFound("该资源未配置前置机数据源", code="exchange_no_source")
    columns = columns_of(selectors.resource_fields(resource))
    names = [c.name for c in columns] + [source.updated_column]
    cols = ", ".join(ds.quote(n) for n in names)
    sql = (f"SELECT count(*) FROM (SELECT {cols} FROM {ds.quote(source.table)} "  # noqa: S608  # nosec B608 - checked names
           f"WHERE {ds.quote(source.updated_column)} > {{ph}}) s")
    try:
        if source.kind == FrontEndSource.Kind.SQLITE:
            path = Path(source.location)
            if not path.is_file():
                raise ValidationFailed(f"前置机文件不存在:{source.location}", code="exchange_source_unreachable")
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
            try:
                waiting = conn.execute(sql.format(ph="?"), (source.mark or MARK_START,)).fetchone()[0]
            finally:
                conn.close()
        else:
            import psycopg

            with psycopg.connect(source.location, connect_timeout=5, autocommit=True) as conn:
                conn.read_only = True
                waiting = conn.execute(sql.format(ph="%s"), (source.mark or MARK_START,)).fetchone()[0]
        ok, message = True, f"连接正常:来源表 {source.table} 可读,有 {waiting} 行待抽取"
    except ValidationFailed as exc:
        ok, message = False, exc.message
    except Exception as exc:  # noqa: BLE001 - sqlite3 and psycopg errors alike: the reason is shown
        ok, message = False, f"连接失败:{location_masked(str(exc))[:200]}"
    with transaction.atomic():
        audit_record(actor=actor, action="exchange.source.test", obj=resource, details={"ok": ok, "message": message},
                     result="success" if ok else "failure")
    return ok, message


def _source_rows(source: FrontEndSource, columns: list[ds.Column]):
    """Yield (line, record) from the source table, rows changed after the stored mark, by mark."""
    names = [c.name for c in columns]
    cols = ", ".join(ds.quote(n) for n in names) + f", {ds.quote(source.updated_column)}"
    sql = (f"SELECT {cols} FROM {ds.quote(source.table)} WHERE {ds.quote(source.updated_column)} > {{ph}} "  # noqa: S608
           f"ORDER BY {ds.quote(source.updated_column)}")
    if source.kind == FrontEndSource.Kind.SQLITE:
        path = Path(source.location)
        if not path.is_file():
            raise ValidationFailed(f"前置机文件不存在:{source.location}", code="exchange_source_unreachable")
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        cur = conn.execute(sql.format(ph="?"), (source.mark or MARK_START,))
    else:
        import psycopg

        conn = psycopg.connect(source.location, autocommit=False)
        conn.read_only = True
        cur = conn.cursor(name="exchange_pull")
        cur.execute(sql.format(ph="%s"), (source.mark or MARK_START,))
    try:
        line = 0
        while True:
            chunk = cur.fetchmany(5000)
            if not chunk:
                break
            for row in chunk:
                line += 1
                yield line, dict(zip(names, row[:-1], strict=True)), row[-1]
    finally:
        conn.close()


def source_pull(*, resource: Resource, actor=None) -> LoadRun:
    """Pull the rows changed since the last run; good rows load, bad ones are logged."""
    # Read afresh: the mark moves with every run (a cached ``resource.source`` would pull again).
    source = FrontEndSource.objects.filter(resource_id=resource.pk).first()
    if source is None:
        raise NotFound("该资源未配置前置机数据源", code="exchange_no_source")
    _loadable(resource)
    columns = columns_of(selectors.resource_fields(resource))
    started = timezone.now()
    marks = []

    def rows():
        for line, rec, mark in _source_rows(source, columns):
            marks.append(mark)
            if len(marks) > 1:
                marks.pop(0)
            yield line, rec

    load_id = (LoadRun.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    try:
        report = ds.table_rows_write(table=resource.table_name, columns=columns, rows=rows(), method="upsert",
                                     load_id=load_id, now=started, all_or_nothing=False)
    except (sqlite3.Error, ValidationFailed, OSError) as exc:
        message = exc.message if isinstance(exc, ValidationFailed) else f"前置机读取失败:{exc}"
        return _failed(actor=actor, resource=resource, started=started, message=message)
    except Exception as exc:  # noqa: BLE001 - a PostgreSQL source fails with psycopg's own errors
        return _failed(actor=actor, resource=resource, started=started, message=f"前置机读取失败:{exc}")
    run = load_finish(actor=actor, resource=resource, kind=LoadRun.Kind.PULL, report=report, started=started,
                  partial_allowed=True, message=f"抽取 {report.rows_read} 行")
    if marks:
        FrontEndSource.objects.filter(pk=source.pk).update(mark=str(marks[-1]))
    return run


def _failed(*, actor, resource, started, message: str) -> LoadRun:
    with transaction.atomic():
        run = LoadRun.objects.create(resource=resource, kind=LoadRun.Kind.PULL, outcome=LoadRun.Outcome.FAILED,
                                     message=message[:300], started_at=started, finished_at=timezone.now(), actor=actor)
        audit_record(actor=actor, action="exchange.load.pull", obj=resource, details={"run": run.pk, "outcome": "failed"},
                     result="failure")
    return run


def source_due(source: FrontEndSource, now=None) -> bool:
    """Whether the scheduled pull should run now: enabled, not manual, its period since the last pull."""
    minutes = SCHEDULE_MINUTES.get(source.schedule)
    if not source.enabled or minutes is None:
        return False
    last = (LoadRun.objects.filter(resource_id=source.resource_id, kind=LoadRun.Kind.PULL)
            .order_by("-started_at").values_list("started_at", flat=True).first())
    # A few minutes' slack: the task runs every 30 minutes and a pull takes time itself.
    return last is None or (now or timezone.now()) - last >= dt.timedelta(minutes=minutes - 5)


def sources_pull_all() -> list[LoadRun]:
    runs = []
    for source in FrontEndSource.objects.filter(enabled=True).select_related("resource", "resource__provider"):
        if source_due(source):
            runs.append(source_pull(resource=source.resource))
    return runs
