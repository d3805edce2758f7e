"""once_per_period: with a consumer on each server, the first claim of a period runs."""

from django.core.cache import cache

from zhengwu.core.periodic import once_per_period


def test_the_second_run_in_the_same_period_is_skipped_and_the_next_period_runs(monkeypatch):
    runs = []

    @once_per_period("probe", 900)
    def work(value):
        runs.append(value)
        return value

    monkeypatch.setattr("zhengwu.core.periodic.time.time", lambda: 900 * 1000 + 5)
    assert work("A") == "A"
    assert work("B") is None  # the other server's consumer, same quarter hour

    monkeypatch.setattr("zhengwu.core.periodic.time.time", lambda: 900 * 1001 + 1)
    assert work("C") == "C"
    assert runs == ["A", "C"]
    assert cache.get("zhengwu:periodic:probe:1000") is not None
