"""Analysis of letters (issue 6): each dashboard view's queries over 200,000 letters (goal ≤ 1 s on SQLite).

Builds a throw-away database under var/bench-insights/ (or reuses it when it already holds
the same number of letters): 30 departments, 12 townships, 200,000 letters over the year
to TODAY with bulk inserts, and their keywords (about 6 per letter, Zipf-distributed over a
2,000-word vocabulary, with a few words rising in the last month) and their statistics
rows. Then times
``insights_overview`` — every figure the dashboard and its Excel export show — for the
default 30-day view, a quarter by week, a year by month, and a filtered month, each
broken down by part.

``run()`` measures in a fresh interpreter; ``python bench/bench_insights.py`` in-process.
Results are printed and saved to bench/results/insights-latest.json.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = ROOT / "var" / "bench-insights"
RESULTS = ROOT / "bench" / "results" / "insights-latest.json"
TODAY = dt.date(2026, 6, 30)
GOAL_SECONDS = 1.0
CATEGORIES = ["urban_construction", "labour", "education", "health", "environment", "transport", "market",
              "agriculture", "civil_affairs", "public_safety", "gov_services", "other"]


def run(letters: int = 200_000, seed: int = 6) -> dict:
    env = {**os.environ, "ZHENGWU_VAR_DIR": str(VAR_DIR), "DJANGO_SETTINGS_MODULE": "zhengwu.settings"}
    env.pop("DATABASE_URL", None)
    out = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--json", str(letters), str(seed)],
                         env=env, cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _build(letters: int, seed: int) -> dict:
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from zhengwu.insights.models import LetterFact, LetterKeyword
    from zhengwu.letters.models import Letter
    from zhengwu.org.models import Unit

    call_command("migrate", verbosity=0)
    if Letter.objects.count() == letters and LetterFact.objects.count() == letters:
        return {"build_seconds": 0.0, "reused": True}
    qn = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"DELETE FROM {qn(LetterKeyword._meta.db_table)}")
        cur.execute(f"DELETE FROM {qn(LetterFact._meta.db_table)}")
        cur.execute(f"DELETE FROM {qn(Letter._meta.db_table)}")
    rng = random.Random(seed)
    t0 = time.perf_counter()
    county, _ = Unit.objects.get_or_create(code="BX", defaults={"name": "测试县", "kind": Unit.Kind.COUNTY})
    departments = [Unit.objects.get_or_create(code=f"BX-{i:02d}", defaults={
        "name": f"县第{i}局", "kind": Unit.Kind.DEPARTMENT, "parent": county})[0].pk for i in range(1, 31)]
    townships = [Unit.objects.get_or_create(code=f"BX-T{i:02d}", defaults={
        "name": f"第{i}镇", "kind": Unit.Kind.TOWNSHIP, "parent": county})[0].pk for i in range(1, 13)]
    vocabulary = [f"词{i:04d}" for i in range(2000)]
    weights = [1 / (i + 1) for i in range(2000)]  # Zipf
    rising = ["暴雨内涝", "电梯故障", "疫苗接种"]
    now = timezone.now()
    letter_t = qn(Letter._meta.db_table)
    kw_t = qn(LetterKeyword._meta.db_table)
    letter_cols = ["query_code", "channel", "category", "title", "body", "status", "received_at", "on_time",
                   "satisfaction", "rating_comment", "rehandle_count", "is_published", "publish_consent",
                   "not_accepted_reason", "fingerprint", "moderation_words", "department_id", "township_id",
                   "created_at", "updated_at"]
    letter_sql = (f"INSERT INTO {letter_t} ({', '.join(qn(c) for c in letter_cols)}) "
                  f"VALUES ({', '.join(['%s'] * len(letter_cols))})")
    kw_cols = ["letter_id", "word", "received_on", "category", "department_id", "township_id"]
    kw_sql = f"INSERT INTO {kw_t} ({', '.join(qn(c) for c in kw_cols)}) VALUES ({', '.join(['%s'] * len(kw_cols))})"
    fact_t = qn(LetterFact._meta.db_table)
    fact_cols = ["letter_id", "received_on", "category", "department_id", "township_id"]
    fact_sql = f"INSERT INTO {fact_t} ({', '.join(qn(c) for c in fact_cols)}) VALUES (%s, %s, %s, %s, %s)"
    adapt = connection.ops.adapt_datetimefield_value
    created = adapt(now)
    tz = timezone.get_current_timezone()
    keyword_rows = 0
    with transaction.atomic(), connection.cursor() as cur:
        batch = []
        for n in range(letters):
            day = TODAY - dt.timedelta(days=int(rng.random() ** 1.3 * 365))
            received = dt.datetime.combine(day, dt.time(rng.randint(0, 23), rng.randint(0, 59)), tzinfo=tz)
            batch.append((f"B{n:09d}", "complaint", rng.choice(CATEGORIES), f"来信{n}", "正文", "replied",
                          adapt(received), None, "", "", 0, False, False, "", "-", "[]",
                          rng.choice(departments) if rng.random() < 0.9 else None,
                          rng.choice(townships) if rng.random() < 0.8 else None, created, created))
            if len(batch) == 10_000:
                cur.executemany(letter_sql, batch)
                batch.clear()
        if batch:
            cur.executemany(letter_sql, batch)
        cur.execute(f"SELECT id, received_at, category, department_id, township_id FROM {letter_t}")
        rows = cur.fetchall()
        batch = []
        facts = []
        for letter_id, received_at, category, dep, town in rows:
            if isinstance(received_at, str):
                received_at = dt.datetime.fromisoformat(received_at)
            if timezone.is_naive(received_at):
                received_at = timezone.make_aware(received_at, dt.UTC)
            day = timezone.localtime(received_at, tz).date()
            facts.append((letter_id, day, category, dep, town))
            words = set(rng.choices(vocabulary, weights=weights, k=6))
            if (TODAY - day).days < 30 and rng.random() < 0.08:
                words.add(rng.choice(rising))
            for word in words:
                batch.append((letter_id, word, day, category, dep, town))
            if len(batch) >= 50_000:
                cur.executemany(kw_sql, batch)
                keyword_rows += len(batch)
                batch.clear()
        if batch:
            cur.executemany(kw_sql, batch)
            keyword_rows += len(batch)
        for i in range(0, len(facts), 50_000):
            cur.executemany(fact_sql, facts[i:i + 50_000])
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    return {"build_seconds": round(time.perf_counter() - t0, 1), "reused": False, "keyword_rows": keyword_rows}


def _time(fn) -> tuple[float, object]:
    t0 = time.perf_counter()
    value = fn()
    return time.perf_counter() - t0, value


def measure(letters: int = 200_000, seed: int = 6) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("ZHENGWU_VAR_DIR", str(VAR_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengwu.settings")
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    from django.db import connection

    from zhengwu.insights import selectors
    from zhengwu.insights.filters import InsightFilter
    from zhengwu.insights.models import LetterKeyword
    from zhengwu.org.models import Unit

    built = _build(letters, seed)
    some_department = Unit.objects.filter(code="BX-01").values_list("pk", flat=True).first()
    views = {
        "month_by_day": InsightFilter(start=TODAY - dt.timedelta(days=29), end=TODAY, granularity="day"),
        "quarter_by_week": InsightFilter(start=TODAY - dt.timedelta(days=89), end=TODAY, granularity="week"),
        "year_by_month": InsightFilter(start=TODAY - dt.timedelta(days=364), end=TODAY, granularity="month"),
        "month_one_department": InsightFilter(start=TODAY - dt.timedelta(days=29), end=TODAY, granularity="day",
                                              department_id=some_department),
    }
    parts = {
        "total": selectors.letter_total,
        "by_category": selectors.counts_by_category,
        "by_department": selectors.counts_by_department,
        "by_township": selectors.counts_by_township,
        "by_period": selectors.counts_by_period,
        "hot": selectors.hot_topics,
        "rising": selectors.rising_topics,
    }
    out_views = {}
    for name, f in views.items():
        selectors.insights_overview(f)  # warm the page cache of the database file once
        seconds, overview = _time(lambda f=f: selectors.insights_overview(f))
        out_views[name] = {
            "seconds": round(seconds, 3),
            "letters": overview["total"],
            "top_hot": overview["hot"][0]["word"] if overview["hot"] else None,
            "top_rising": overview["rising"][0]["word"] if overview["rising"] else None,
            "parts": {p: round(_time(lambda fn=fn, f=f: fn(f))[0], 3) for p, fn in parts.items()},
        }
    worst = max(v["seconds"] for v in out_views.values())
    return {
        "name": "insights_overview",
        "database": connection.vendor,
        "letters": letters,
        "keywords": LetterKeyword.objects.count(),
        **built,
        "views": out_views,
        "worst_view_seconds": worst,
        "goal_seconds": GOAL_SECONDS,
        "goal_met": worst <= GOAL_SECONDS,
    }


def describe(out: dict) -> str:
    views = ";".join(f"{k} {v['seconds']} s({v['letters']:,} 封)" for k, v in out["views"].items())
    return (
        f"民意分析({out['database']},{out['letters']:,} 封信件,{out['keywords']:,} 个关键词):{views};"
        f"最慢 {out['worst_view_seconds']} s,目标 ≤ {out['goal_seconds']} s:{'达到' if out['goal_met'] else '未达到'}"
    )


if __name__ == "__main__":
    args = sys.argv[1:]
    as_json = bool(args) and args[0] == "--json"
    if as_json:
        args = args[1:]
    result = measure(*(int(a) for a in args))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    if not as_json:
        print(describe(result))
    print(json.dumps(result, ensure_ascii=False))
