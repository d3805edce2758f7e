"""The background WAL checkpointer (zhengwu.core.wal)."""

import sqlite3
import time

import pytest
from django.db import connection, connections

from zhengwu.core import wal
from zhengwu.core.wal import WalCheckpointer, start_checkpointer, stop_checkpointer

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's WAL only")


def _wait_for(predicate, timeout=10.0, step=0.01):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


@pytest.fixture
def wal_db(tmp_path):
    """A file database in WAL mode whose own checkpoints are off, with one writer open."""
    path = tmp_path / "wal.sqlite3"
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")  # only the checkpointer may checkpoint
    writer.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")
    yield path, writer
    writer.close()


@pytest.fixture
def checkpointers():
    started = []
    yield started
    for checkpointer in started:
        checkpointer.stop(timeout=5)


def _write(writer, rows=500):
    writer.execute("BEGIN")
    writer.executemany("INSERT INTO t (body) VALUES (?)", [("x" * 500,)] * rows)
    writer.execute("COMMIT")


def _rows_in_database_file(path):
    """Rows of t in the database file itself: immutable=1 reads it without the WAL."""
    probe = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        return probe.execute("SELECT count(*) FROM t").fetchone()[0]
    finally:
        probe.close()


def _backfill(checkpointer):
    result = checkpointer.last_result
    return result is not None and result[1] > 0 and result[2] >= result[1]


def test_checkpoints_a_wal_that_grew_past_the_threshold(wal_db, checkpointers):
    path, writer = wal_db
    checkpointer = WalCheckpointer(path, interval=0.02, max_age=60, threshold_pages=10)
    checkpointers.append(checkpointer)
    checkpointer.start()

    _write(writer)

    # max_age is a minute: only the grown WAL can have triggered it.
    assert _wait_for(lambda: _backfill(checkpointer)), checkpointer.last_result
    assert _rows_in_database_file(path) == 500


def test_checkpoints_a_small_write_within_max_age(wal_db, checkpointers):
    path, writer = wal_db
    checkpointer = WalCheckpointer(path, interval=0.02, max_age=0.1, threshold_pages=100_000)
    checkpointers.append(checkpointer)
    checkpointer.start()

    writer.execute("INSERT INTO t (body) VALUES ('one row')")

    assert _wait_for(lambda: _backfill(checkpointer)), checkpointer.last_result
    assert _rows_in_database_file(path) == 1


def test_does_not_checkpoint_while_nothing_is_written(wal_db):
    path, writer = wal_db
    _write(writer)
    time.sleep(0.15)  # past the settling time of the WAL's mtime: one checkpoint is enough
    checkpointer = WalCheckpointer(path, interval=0.02, max_age=0.0, threshold_pages=10)
    try:
        assert checkpointer.tick()  # the WAL it found on its first look

        assert not checkpointer.tick()
        assert not checkpointer.tick()
        assert checkpointer.checkpoints == 1
    finally:
        checkpointer._close()


def test_restarts_a_wal_longer_than_rewind_pages_so_the_writer_rewinds_it(wal_db):
    path, writer = wal_db
    _write(writer)
    checkpointer = WalCheckpointer(path, max_age=0.0, threshold_pages=1, rewind_pages=10)
    try:
        assert checkpointer.tick(force=True)
    finally:
        checkpointer._close()
    frames_before = checkpointer.last_result[1]

    writer.execute("INSERT INTO t (body) VALUES ('after')")

    assert checkpointer.rewinds == 1
    assert frames_before > 10
    # A rewound WAL holds only the new commit (a PASSIVE checkpoint would leave it growing).
    probe = sqlite3.connect(path, isolation_level=None)
    try:
        _busy, log, _checkpointed = probe.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    finally:
        probe.close()
    assert 0 < log < frames_before


def test_survives_a_locked_database_and_checkpoints_afterwards(wal_db, checkpointers):
    path, writer = wal_db
    _write(writer)
    # An exclusive-locking writer keeps every other connection out: "database is locked".
    writer.execute("PRAGMA locking_mode=EXCLUSIVE")
    _write(writer)
    checkpointer = WalCheckpointer(path, interval=0.02, max_age=0.0, threshold_pages=10, busy_timeout=0.01)
    checkpointers.append(checkpointer)
    checkpointer.start()
    assert _wait_for(lambda: checkpointer.errors >= 2)
    assert checkpointer.is_alive()
    assert checkpointer.checkpoints == 0

    writer.execute("PRAGMA locking_mode=NORMAL")
    writer.execute("SELECT count(*) FROM t").fetchone()  # the lock is dropped at the next access

    assert _wait_for(lambda: _backfill(checkpointer)), checkpointer.last_result
    assert checkpointer.is_alive()
    assert _rows_in_database_file(path) == 1000


def test_stop_joins_the_thread_after_a_last_checkpoint(wal_db):
    path, writer = wal_db
    checkpointer = WalCheckpointer(path, interval=30, max_age=60, threshold_pages=100_000)
    checkpointer.start()
    _write(writer)

    checkpointer.stop(timeout=5)

    assert not checkpointer.is_alive()
    assert checkpointer.checkpoints == 1  # the one on the way out
    assert _rows_in_database_file(path) == 500
    assert checkpointer._connection is None


@pytest.mark.django_db
def test_start_checkpointer_starts_one_per_process(settings):
    settings.SQLITE_WAL_CHECKPOINTER = True
    assert wal._instance is None
    try:
        first = start_checkpointer(interval=0.05)
        second = start_checkpointer(interval=0.05)
        if connection.vendor != "sqlite":
            assert first is None and second is None
            return
        assert first is not None and first is second
        assert first.is_alive()
        assert str(first.path) == str(connection.settings_dict["NAME"])
    finally:
        stop_checkpointer()

    assert wal._instance is None
    assert not first.is_alive()


@sqlite_only
def test_start_checkpointer_is_off_when_switched_off(settings):
    settings.SQLITE_WAL_CHECKPOINTER = False

    assert start_checkpointer() is None
    assert wal._instance is None


def test_start_checkpointer_is_a_no_op_on_postgresql(monkeypatch):
    monkeypatch.setattr(connections["default"], "vendor", "postgresql")

    assert start_checkpointer() is None
    assert wal._instance is None


@pytest.mark.django_db
def test_worker_startup_hook_starts_the_checkpointer_once():
    from huey.contrib.djhuey import HUEY

    from zhengwu.core import tasks

    assert HUEY._startup["wal_checkpointer_start"] is tasks.wal_checkpointer_start
    assert HUEY._shutdown["wal_checkpointer_stop"] is tasks.wal_checkpointer_stop
    try:
        tasks.wal_checkpointer_start()
        tasks.wal_checkpointer_start()  # huey calls it once per worker thread
        if connection.vendor == "sqlite":
            assert wal._instance is not None and wal._instance.is_alive()
    finally:
        tasks.wal_checkpointer_stop()
    assert wal._instance is None
