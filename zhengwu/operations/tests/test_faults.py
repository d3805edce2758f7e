"""Faults (issue 19, ADR 0017): disk full, database locked or unreachable, Redis unreachable,
task consumer down. Each time the affected request gets a Chinese 503 (page or JSON body)
with Retry-After, nothing acknowledged is lost, and the same request works once the
fault clears."""

from __future__ import annotations

import errno
import socket
import sqlite3
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection
from django.test import Client
from huey.contrib.djhuey import HUEY
from huey.storage import RedisStorage, SqliteStorage

from zhengwu.accounts.tests.factories import CitizenFactory
from zhengwu.cases.models import Case
from zhengwu.catalog.models import Item
from zhengwu.catalog.services import item_create
from zhengwu.catalog.tests.factories import ItemFactory, ItemMaterialFactory, WorkAreaFactory
from zhengwu.core import faults
from zhengwu.core.deferred import deferred_replay
from zhengwu.core.models import DeferredTask, StoredFile
from zhengwu.core.tests.upload_samples import PDF_BYTES, upload
from zhengwu.core.uploads import storage as upload_storage
from zhengwu.operations import health
from zhengwu.operations.models import FaultTicket, Heartbeat
from zhengwu.search.backends import search_backend, search_backend_reset

SUBMIT = "/api/v1/cases/submit"


def closed_port() -> int:
    """A port nothing listens on: bound by the kernel, then released."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(autouse=True)
def _own_files(settings, tmp_path):
    settings.ZHENGWU_UPLOAD_ROOT = tmp_path / "uploads"
    settings.ZHENGWU_SEARCH_DIR = str(tmp_path / "search")
    search_backend_reset()
    yield
    search_backend_reset()


@pytest.fixture
def applying(db):
    """A signed-in citizen and an item with one required material: (client, item, material)."""
    item = ItemFactory(name="农村村民宅基地审批", online_application=True)  # open online (issue 16)
    material = ItemMaterialFactory(item=item, seq=1, name="宅基地申请审批表", required=True)
    client = Client(raise_request_exception=False)
    client.force_login(CitizenFactory())
    return client, item, material


def submit(client, item, material):
    return client.post(SUBMIT, {"item_code": item.code, "note": "翻建",
                                f"material_{material.pk}": upload("审批表.pdf", PDF_BYTES)})


def files_on_disk(settings) -> list:
    root = settings.ZHENGWU_UPLOAD_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def assert_503(response, code):
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    if response["Content-Type"].startswith("application/json"):
        body = response.json()
        assert body["code"] == code and "请稍后再试" in body["message"]
    else:
        text = response.content.decode()
        assert "服务暂时不可用" in text and "请约" in text


def dead_redis() -> RedisStorage:
    return RedisStorage("zhengwu-fault", url=f"redis://127.0.0.1:{closed_port()}/0?socket_connect_timeout=1")


@contextmanager
def queue(storage):
    """Point the task queue at ``storage`` (not the tests' inline mode) for the block."""
    saved = HUEY.storage, HUEY._immediate
    HUEY._immediate = False
    HUEY.storage = storage
    try:
        yield storage
    finally:
        HUEY.storage, HUEY._immediate = saved


# --- classification ---------------------------------------------------------------------

@pytest.mark.parametrize("exc, expected", [
    (OSError(errno.ENOSPC, "No space left on device"), faults.DISK_FULL),
    (OperationalError("database or disk is full"), faults.DISK_FULL),
    (OperationalError("database is locked"), faults.DATABASE_BUSY),
    (sqlite3.OperationalError("database is locked"), faults.DATABASE_BUSY),
    (OperationalError('connection failed: connection refused'), faults.DATABASE_DOWN),
    (OperationalError("unable to open database file"), faults.DATABASE_DOWN),
    (ValueError("a bug"), None),
    (OSError(errno.EACCES, "Permission denied"), None),
])
def test_infrastructure_errors_are_told_from_bugs(exc, expected):
    assert faults.infrastructure_fault(exc) == expected


def test_a_fault_wrapped_in_another_exception_is_still_found():
    try:
        try:
            raise OSError(errno.ENOSPC, "No space left on device")
        except OSError as inner:
            raise RuntimeError("while storing") from inner
    except RuntimeError as outer:
        assert faults.infrastructure_fault(outer) == faults.DISK_FULL


# --- disk full -------------------------------------------------------------------------

def test_disk_full_on_upload_answers_503_keeps_nothing_and_works_after(applying, settings, monkeypatch):
    client, item, material = applying

    def full(temp, storage_name):
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(upload_storage, "commit_file", full)
        response = submit(client, item, material)

    assert_503(response, "storage_full")
    assert "存储空间已满" in response.json()["message"]
    assert not Case.objects.exists() and not StoredFile.objects.exists()
    assert files_on_disk(settings) == []  # the temp copy of the upload is removed too

    again = submit(client, item, material)  # space freed

    assert again.status_code == 201
    case = Case.objects.get(receipt_no=again.json()["receipt_no"])
    assert StoredFile.objects.filter(object_id=str(case.pk)).count() == 1


def test_disk_full_on_a_page_is_a_chinese_503_page(db, monkeypatch):
    from zhengwu.portal import views as portal_views

    def full():
        raise OperationalError("database or disk is full")

    monkeypatch.setattr(portal_views.catalog_selectors, "category_counts", full)
    response = Client(raise_request_exception=False).get("/catalog/")

    assert_503(response, "storage_full")
    assert response["Content-Type"].startswith("text/html")
    assert "存储空间已满" in response.content.decode()
    assert response["Cache-Control"] == "no-store"


# --- database locked --------------------------------------------------------------------

@contextmanager
def write_lock_held():
    """Another process holds the database's write lock; ours gives up after ~0.2 s."""
    if connection.vendor == "sqlite":
        other = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        with connection.cursor() as cur:
            cur.execute("PRAGMA busy_timeout = 200")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
            with connection.cursor() as cur:
                cur.execute("PRAGMA busy_timeout = 5000")
    else:
        import psycopg

        params = connection.get_connection_params()
        other = psycopg.connect(**params, autocommit=False)
        other.execute(f"LOCK TABLE {Case._meta.db_table} IN ACCESS EXCLUSIVE MODE")
        with connection.cursor() as cur:
            cur.execute("SET lock_timeout = '200ms'")
        try:
            yield
        finally:
            other.rollback()
            other.close()
            with connection.cursor() as cur:
                cur.execute("SET lock_timeout = 0")


@pytest.mark.django_db(transaction=True)
def test_locked_database_answers_503_stores_nothing_and_the_retry_works():
    item = ItemFactory(name="农村村民宅基地审批", online_application=True)  # open online (issue 16)
    material = ItemMaterialFactory(item=item, seq=1, name="宅基地申请审批表", required=True)
    client = Client(raise_request_exception=False)
    client.force_login(CitizenFactory())

    with write_lock_held():
        response = submit(client, item, material)

    assert_503(response, "database_busy")
    assert not Case.objects.exists() and not StoredFile.objects.exists()

    again = submit(client, item, material)

    assert again.status_code == 201
    assert Case.objects.filter(receipt_no=again.json()["receipt_no"]).exists()


# --- database unreachable ---------------------------------------------------------------

@contextmanager
def database_unreachable():
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent-zhengwu-dir/zhengwu.sqlite3"
    else:
        connection.settings_dict["PORT"] = str(closed_port())
        connection.settings_dict["HOST"] = "127.0.0.1"
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


@pytest.mark.django_db(transaction=True)
def test_unreachable_database_answers_503_page_and_json_then_recovers():
    ItemFactory(name="农村村民宅基地审批")
    client = Client(raise_request_exception=False)

    with database_unreachable():
        page = client.get("/catalog/")
        api = client.get("/api/v1/catalog/items")

    assert_503(page, "database_unavailable")
    assert page["Content-Type"].startswith("text/html") and "数据库暂时无法访问" in page.content.decode()
    assert_503(api, "database_unavailable")
    assert "数据库暂时无法访问" in api.json()["message"]

    assert client.get("/catalog/").status_code == 200
    assert client.get("/api/v1/catalog/items").status_code == 200


def test_readyz_says_503_when_the_database_is_unreachable(db):
    from django.db import connections

    with pytest.MonkeyPatch.context() as m:
        def refused(*args, **kwargs):
            raise OperationalError("connection refused")

        m.setattr(connections["default"], "cursor", refused)
        result = health.check_database()
    assert not result.ok and result.grade == "A" and "数据库无法访问" in result.detail


# --- Redis unreachable ------------------------------------------------------------------

def test_redis_down_after_commit_keeps_the_write_and_queues_its_task_when_back(
    db, django_capture_on_commit_callbacks,
):
    area = WorkAreaFactory()
    backend = search_backend()
    before = backend.count()

    with queue(dead_redis()):
        with django_capture_on_commit_callbacks(execute=True):
            item = item_create(actor=None, category="power", work_area=area, name="本县新增事项甲")

    # The write stands and is not reported as failed; its index update waits in the database.
    assert Item.objects.filter(code=item.code).exists()
    waiting = DeferredTask.objects.get()
    assert waiting.kind == "search_index" and waiting.args == ["item", item.code]
    assert "ConnectionError" in waiting.last_error
    assert backend.count() == before
    check = health.check_queue()
    assert not check.ok and "1 个" in check.detail

    assert deferred_replay() == {"replayed": 1, "failed": 0, "waiting": 0}  # Redis back (inline queue)

    assert backend.count() == before + 1
    assert not DeferredTask.objects.exists()


def test_replay_while_redis_is_still_down_keeps_the_task(db):
    DeferredTask.objects.create(kind="search_index", args=["item", "QL0001"])

    with queue(dead_redis()):
        result = deferred_replay()

    assert result == {"replayed": 0, "failed": 1, "waiting": 1}
    assert DeferredTask.objects.get().attempts == 1


def test_redis_cache_unreachable_answers_503(db, settings):
    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        "OPTIONS": {"socket_connect_timeout": 1},
    }}
    client = Client(raise_request_exception=False)

    page = client.get("/catalog/")
    api = client.get("/api/v1/catalog/items")

    assert_503(page, "queue_unavailable")
    assert_503(api, "queue_unavailable")


def test_redis_queue_unreachable_is_a_health_ticket(db):
    with queue(dead_redis()):
        check = health.check_queue()
        opened = health.health_sweep(checks=[check])

    assert not check.ok and "任务队列无法访问" in check.detail
    assert [t.check_key for t in opened] == ["task_queue"] and opened[0].grade == "B"


# --- task consumer down -----------------------------------------------------------------

def test_consumer_down_queue_grows_submissions_stay_and_tasks_run_when_it_returns(
    applying, settings, tmp_path, django_capture_on_commit_callbacks,
):
    client, item, material = applying
    area = WorkAreaFactory()
    backend = search_backend()
    before = backend.count()
    settings.ZHENGWU_OPS_QUEUE_MAX = 2
    Heartbeat.objects.create(name=health.CONSUMER, seen_at="2026-01-01T00:00:00+08:00")

    with queue(SqliteStorage("zhengwu-fault", filename=str(tmp_path / "queue.sqlite3"))):
        receipts = [submit(client, item, material).json()["receipt_no"] for _ in range(2)]
        with django_capture_on_commit_callbacks(execute=True):
            created = [item_create(actor=None, category="power", work_area=area, name=f"新增事项{i}") for i in range(3)]

        # Acknowledged and stored although nothing consumes the queue.
        assert Case.objects.filter(receipt_no__in=receipts).count() == 2
        assert HUEY.pending_count() == 3
        assert backend.count() == before
        opened = {t.check_key: t for t in health.health_sweep()}
        assert opened["task_queue"].grade == "B" and "积压 3 个" in opened["task_queue"].description
        assert "没有心跳" in opened["task_consumer"].description

        # The consumer is back: every queued task runs once. (Marked inline only so that
        # huey's db_task does not close the test's connection, which holds its transaction.)
        HUEY._immediate = True
        ran = 0
        while (task := HUEY.dequeue()) is not None:
            HUEY.execute(task)
            ran += 1

        assert ran == 3 and HUEY.pending_count() == 0
        assert backend.count() == before + len(created)
        assert health.check_queue().ok
    assert FaultTicket.objects.filter(check_key="task_queue").count() == 1
