"""The sealer thread and its window (ADR 0005): rows are chained within a second."""

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
