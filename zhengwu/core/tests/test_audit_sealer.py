"""The sealer thread and its window (ADR 0005): rows are chained within a second."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from zhengwu.core.audit import SEAL_WINDOW_SECONDS, audit_chain_verify, audit_record
from zhengwu.core.audit_sealer import AuditSealer, seal_interval, start_sealer, stop_sealer
from zhengwu.core.models import AuditEvent


def test_the_default_interval_keeps_the_window():
    assert 0 < seal_interval() <= SEAL_WINDOW_SECONDS / 2


@pytest.mark.parametrize("interval", [0, -1, 0.6, 5])
def test_an_interval_that_would_break_the_window_is_refused(settings, interval):
    settings.ZHENGWU_AUDIT_SEAL_INTERVAL = interval
    with pytest.raises(ImproperlyConfigured, match="1 秒内封存"):
        seal_interval()


def test_start_sealer_is_off_when_switched_off(settings):
    settings.ZHENGWU_AUDIT_SEALER = False
    assert start_sealer() is None


@pytest.mark.django_db(transaction=True)
def test_the_sealer_thread_seals_committed_rows_and_once_more_on_stop():
    """The thread (its own connection) chains what other transactions committed.

    Each tick is driven by hand through a very long interval, so the test waits for
    nothing: one tick = one look after the interval; the stop runs the last one.
    """
    sealer = AuditSealer(interval=3600)
    with transaction.atomic():
        audit_record(actor=None, action="test.sealer", object_id=1)
    done = threading.Event()

    def tick_in_thread():
        try:
            sealer.tick()
        finally:
            connection.close()  # this thread's own connection (the test database is dropped after)
            done.set()

    threading.Thread(target=tick_in_thread).start()
    assert done.wait(30)
    assert sealer.sealed == 1 and sealer.late == 0 and sealer.errors == 0
    assert not AuditEvent.objects.filter(seq__isnull=True).exists()

    with transaction.atomic():
        audit_record(actor=None, action="test.sealer", object_id=2)
    sealer.start()
    sealer.stop(timeout=30)  # the last tick on the way out
    assert not sealer.is_alive()
    assert sealer.sealed == 2
    report = audit_chain_verify(seal=False)
    assert report.ok and report.checked == 2 and report.unsealed == 0


@pytest.mark.django_db(transaction=True)
def test_start_sealer_runs_one_per_process(settings):
    settings.ZHENGWU_AUDIT_SEAL_INTERVAL = 0.05
    try:
        first = start_sealer()
        second = start_sealer()
        assert first is second and first.is_alive()
        assert first.interval == 0.05
    finally:
        stop_sealer()
    assert not first.is_alive()


@pytest.mark.django_db(transaction=True)
def test_two_sealers_at_once_keep_one_linear_chain():
    """Two worker processes' sealers meet: the chain head makes them take turns."""
    with transaction.atomic():
        for n in range(40):
            audit_record(actor=None, action="test.sealer", object_id=n)
    start = threading.Barrier(2)
    errors = []

    def seal():
        from zhengwu.core.audit import audit_seal

        try:
            start.wait(10)
            for _ in range(5):
                audit_seal(limit=7)  # small batches, so the two interleave if they can
        except Exception as exc:  # reported below, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=seal) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    report = audit_chain_verify(seal=False)
    assert report.ok and report.checked == 40 and report.unsealed == 0
    assert sorted(AuditEvent.objects.values_list("seq", flat=True)) == list(range(1, 41))


# --- The window under load: writers seal an overdue backlog themselves -------------------


@pytest.fixture
def _writers_seal(settings):
    # Off for the rest of the suite (conftest.py); these tests are about it.
    settings.ZHENGWU_AUDIT_SEAL_ASSIST = True


def _backdate(event_id: int, seconds: float) -> None:
    """Move a row's created_at into the past (the model refuses updates; this is the test's doing)."""
    from django.utils import timezone

    from zhengwu.core import fastsql

    when = timezone.now() - dt.timedelta(seconds=seconds)
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    param = fastsql._sqlite_datetime(when) if connection.vendor == "sqlite" else when
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET created_at = %s WHERE id = %s", [param, event_id])


@pytest.mark.usefixtures("_writers_seal")
@pytest.mark.django_db
def test_a_writer_seals_a_row_left_unsealed_past_the_threshold():
    """No sealer ran: the next audited write chains the overdue row inside its own transaction."""
    from zhengwu.core import audit

    with transaction.atomic():
        old = audit_record(actor=None, action="test.sealer", object_id="old")
    _backdate(old.pk, 2 * SEAL_WINDOW_SECONDS)
    before = audit.SEALED_HERE.by_writers

    with transaction.atomic():
        new = audit_record(actor=None, action="test.sealer", object_id="new")

    sealed = dict(AuditEvent.objects.values_list("pk", "seq"))
    assert sealed[old.pk] == 1 and sealed[new.pk] == 2  # the backlog and the writer's own row
    assert audit.SEALED_HERE.by_writers - before == 2
    report = audit_chain_verify(seal=False)
    assert report.ok and report.checked == 2 and report.unsealed == 0


@pytest.mark.usefixtures("_writers_seal")
@pytest.mark.django_db
def test_a_writer_leaves_rows_younger_than_the_threshold_to_the_sealer(settings):
    settings.ZHENGWU_AUDIT_SEAL_ASSIST_AFTER = 0.5
    with transaction.atomic():
        audit_record(actor=None, action="test.sealer", object_id="first")
    with transaction.atomic():
        audit_record(actor=None, action="test.sealer", object_id="second")
    assert AuditEvent.objects.filter(seq__isnull=True).count() == 2  # both fresh: nothing sealed yet


@pytest.mark.usefixtures("_writers_seal")
@pytest.mark.django_db
def test_a_rolled_back_writer_takes_its_seals_back_with_it():
    """The seal is part of the writer's transaction: a refused action leaves the chain as it was."""
    with transaction.atomic():
        old = audit_record(actor=None, action="test.sealer", object_id="old")
    _backdate(old.pk, 2 * SEAL_WINDOW_SECONDS)

    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action="test.sealer", object_id="doomed")
        assert AuditEvent.objects.get(pk=old.pk).seq == 1  # sealed inside the transaction …
        raise RuntimeError("the action fails after its audit row")

    assert AuditEvent.objects.get(pk=old.pk).seq is None  # … and unsealed again with its rollback
    assert not AuditEvent.objects.filter(object_id="doomed").exists()
    assert audit_chain_verify().ok


@pytest.mark.parametrize("after", [-0.1, SEAL_WINDOW_SECONDS, 3])
def test_an_assist_threshold_outside_the_window_is_refused(settings, after):
    from zhengwu.core.audit import seal_assist_after

    settings.ZHENGWU_AUDIT_SEAL_ASSIST_AFTER = after
    with pytest.raises(ImproperlyConfigured, match="1 秒内封存"):
        seal_assist_after()


@pytest.mark.usefixtures("_writers_seal")
@pytest.mark.django_db(transaction=True)
def test_under_concurrent_writers_no_row_waits_past_the_window(settings):
    """Three writers, no sealer thread at all: at every write no older row is left unsealed.

    The run lasts longer than the window, so without the writers' sealing the first rows
    would still be unsealed at the last writes. What is asserted is recorded data, not the machine's speed: inside each writer's
    transaction, after its audit row, the oldest unsealed row was written no earlier than
    the window before that write began (``before``). A writer holds SQLite's write lock, so
    every row it can see was committed before it; a row older than the threshold would
    have been sealed by this very write. Then every row of the run is chained.
    """
    from django.utils import timezone

    settings.ZHENGWU_AUDIT_SEAL_ASSIST_AFTER = 0.05
    writes, writers = 15, 3
    seen: list[tuple] = []  # (write began, oldest unsealed created_at at that write)
    errors = []
    start = threading.Barrier(writers)

    def write(n):
        try:
            start.wait(30)
            for i in range(writes):
                before = timezone.now()
                with transaction.atomic():
                    audit_record(actor=None, action="test.sealer", object_id=f"{n}/{i}")
                    oldest = (AuditEvent.objects.filter(seq__isnull=True).order_by("id")
                              .values_list("created_at", flat=True).first())
                seen.append((before, oldest))
                threading.Event().wait(0.1)  # rows age past the threshold between writes
        except Exception as exc:  # reported below, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    assert len(seen) == writes * writers
    window = dt.timedelta(seconds=SEAL_WINDOW_SECONDS)
    began = sorted(before for before, _ in seen)
    assert began[-1] - began[0] > window  # long enough that rows nobody sealed would show as late
    late = [(before, oldest) for before, oldest in seen if oldest is not None and oldest < before - window]
    assert late == []
    assert AuditEvent.objects.filter(seq__isnull=False).exists()  # the writers did seal
    report = audit_chain_verify()
    assert report.ok and report.checked == writes * writers and report.unsealed == 0


@pytest.mark.django_db
def test_writers_leave_sealing_to_the_sealer_when_switched_off(settings):
    settings.ZHENGWU_AUDIT_SEAL_ASSIST = False
    with transaction.atomic():
        old = audit_record(actor=None, action="test.sealer", object_id="old")
    _backdate(old.pk, 2 * SEAL_WINDOW_SECONDS)
    with transaction.atomic():
        audit_record(actor=None, action="test.sealer", object_id="new")
    assert AuditEvent.objects.filter(seq__isnull=True).count() == 2
