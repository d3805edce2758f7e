"""The shared fixed-window counter behind every rate limit (zhengwu.core.ratelimit)."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connections, transaction

from zhengwu.core.models import RateCounter
from zhengwu.core.ratelimit import ratelimit_hit, ratelimit_purge
from zhengwu.core.tasks import ratelimit_purge_task

pytestmark = pytest.mark.django_db

# 01:00 UTC: the start of a minute and of an hour, so windows of both lengths begin here.
T0 = datetime(2026, 5, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def hit(key="ip:10.0.0.1", *, window=60, at=T0):
    return ratelimit_hit(key=key, window_seconds=window, now=at)


def on_own_connection(fn):
    """Wrap ``fn`` to run on a pool thread, hence on a database connection of its own."""

    def run():
        try:
            return fn()
        finally:
            connections.close_all()

    return run


def in_another_connection(fn):
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(on_own_connection(fn)).result()


def test_hits_in_one_window_count_up():
    counts = [hit(at=T0 + timedelta(seconds=s)) for s in (0, 10, 59)]

    assert counts == [1, 2, 3]


def test_a_new_window_starts_at_one():
    hit(at=T0)
    hit(at=T0 + timedelta(seconds=30))

    assert hit(at=T0 + timedelta(seconds=60)) == 1


def test_two_keys_do_not_interfere():
    hit("ip:10.0.0.1")
    hit("ip:10.0.0.1")

    assert hit("ip:10.0.0.2") == 1
    assert hit("ip:10.0.0.1") == 3


def test_windows_of_different_lengths_do_not_share_a_count():
    hit(window=60)
    hit(window=60)

    assert hit(window=3600) == 1


def test_the_window_follows_timezone_now(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: T0)
    ratelimit_hit(key="k", window_seconds=60)

    monkeypatch.setattr("django.utils.timezone.now", lambda: T0 + timedelta(minutes=1))
    assert ratelimit_hit(key="k", window_seconds=60) == 1


def test_a_hit_inside_the_callers_transaction_counts():
    with transaction.atomic():
        hit()
        assert hit() == 2


@pytest.mark.django_db(transaction=True)
def test_the_count_is_shared_between_database_connections():
    # Two gunicorn workers share nothing but the database (each has its own LocMem cache,
    # which is what made the cache-held counters wrong); a second connection stands for
    # the second worker. Its rows are committed, hence transaction=True.
    assert hit() == 1

    assert in_another_connection(hit) == 2
    assert hit() == 3


@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_on_two_connections_lose_no_count():
    barrier = threading.Barrier(2)

    def burst():
        barrier.wait()
        return [hit() for _ in range(10)]

    with ThreadPoolExecutor(max_workers=2) as pool:
        bursts = [pool.submit(on_own_connection(burst)) for _ in range(2)]
        counts = [count for future in bursts for count in future.result()]

    # Every hit got its own number: no two read the same old count.
    assert sorted(counts) == list(range(1, 21))


def test_overlong_and_unprintable_keys_are_stored_as_a_digest():
    long_a, long_b = "x" * 5000 + "a", "x" * 5000 + "b"

    assert (hit(long_a), hit(long_a), hit(long_b), hit("ip:\x00evil")) == (1, 2, 1, 1)
    stored = set(RateCounter.objects.values_list("key", flat=True))
    assert len(stored) == 3 and all(key.startswith("sha256:") and len(key) == 71 for key in stored)


@pytest.mark.parametrize("key, window", [("", 60), ("k", 0), ("k", -5), (None, 60)])
def test_a_missing_key_or_window_is_a_programming_error(key, window):
    with pytest.raises(ValueError):
        ratelimit_hit(key=key, window_seconds=window, now=T0)


def test_purge_deletes_ended_windows_and_keeps_running_ones():
    hit("ended", window=60)
    hit("running", window=3600)
    later = T0 + timedelta(seconds=61)
    hit("current", window=60, at=later)

    assert ratelimit_purge(now=later) == 1
    assert sorted(RateCounter.objects.values_list("key", flat=True)) == ["current", "running"]


def test_the_periodic_task_purges_ended_windows():
    hit(at=T0 - timedelta(days=1))

    ratelimit_purge_task.call_local()

    assert not RateCounter.objects.exists()
