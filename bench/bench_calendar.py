"""add_working_days throughput over the configured (already seeded) database.

Run standalone (``python bench/bench_calendar.py``) or import ``run()`` from the bench
runner. Starts are random dates inside the loaded years, n is 1..60, so every call takes
the in-memory path; the table load itself is timed separately.
"""

from __future__ import annotations

import json
import random
import time
from datetime import date, timedelta

if __package__:
    from .django_setup import setup_django
else:  # run as a script: only bench/ is on sys.path
    from django_setup import setup_django


def run(calls: int = 200_000, seed: int = 82) -> dict:
    setup_django()
    from zhengwu.core.workdays import (
        add_working_days,
        calendar_cache_clear,
        calendar_coverage,
    )

    calendar_cache_clear()
    t0 = time.perf_counter()
    coverage = calendar_coverage()  # loads the table
    load_seconds = time.perf_counter() - t0
    if coverage is None:
        raise RuntimeError("工作日历为空:请先运行 manage.py calendar_seed")
    first = date(coverage[0], 1, 1)
    # Keep due dates inside the loaded years (60 working days < 120 calendar days).
    span = (date(coverage[1], 12, 31) - first).days - 120
    rng = random.Random(seed)
    cases = [(first + timedelta(days=rng.randrange(span)), rng.randint(1, 60)) for _ in range(calls)]

    complete = 0
    t0 = time.perf_counter()
    for start, n in cases:
        complete += add_working_days(start, n).calendar_complete
    elapsed = time.perf_counter() - t0

    result = {
        "name": "add_working_days",
        "calls": calls,
        "seconds": round(elapsed, 4),
        "calls_per_second": round(calls / elapsed),
        "microseconds_per_call": round(elapsed / calls * 1e6, 3),
        "table_load_ms": round(load_seconds * 1000, 2),
        "coverage": list(coverage),
        "calendar_complete_share": complete / calls,
    }
    return result


if __name__ == "__main__":
    out = run()
    print(
        f"add_working_days: {out['calls_per_second']:,} 次/秒"
        f"(每次 {out['microseconds_per_call']} µs,{out['calls']:,} 次;"
        f"日历载入 {out['table_load_ms']} ms,覆盖 {out['coverage'][0]}–{out['coverage'][1]} 年)"
    )
    print(json.dumps(out, ensure_ascii=False))
