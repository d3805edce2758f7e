"""The supervision sweep over 1,000,000 open step clocks (issue 4, goal ≤ 2 s on SQLite).

Builds its own database under var/bench-supervision/ (or the PostgreSQL named by
DATABASE_URL): migrates, loads the 2025-2026 calendars, bulk-inserts a million running
clocks with realistic dates (1-20 working-day limits, up to 15 % overrun), each the
current step of a running case (200 items in 20 departments, one case in five transferred
to a named handler), then times ``supervision_sweep``: first a full sweep where every yellow/red clock is new, then the
next working day when only the clocks that changed colour get an alert.

``run()`` runs the measurement in a fresh interpreter so the bench database never mixes
with the caller's; ``python bench/bench_supervision.py`` measures in-process.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = ROOT / "var" / "bench-supervision"
TODAY = date(2026, 6, 15)  # a Monday
OWNER_ID_OF_FIRST = "1/0"  # the first clock's owner id in the current layout (older bench databases differ)
NEXT_DAY = date(2026, 6, 16)


def run(clocks: int = 1_000_000, seed: int = 4) -> dict:
    """Measure in a subprocess with its own var dir; return the figures."""
    env = {**os.environ, "ZHENGWU_VAR_DIR": str(VAR_DIR), "DJANGO_SETTINGS_MODULE": "zhengwu.settings"}
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--json", str(clocks), str(seed)],
        env=env, cwd=ROOT, check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _build(clocks: int, seed: int) -> dict:
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from zhengwu.core.models import Clock
    from zhengwu.core.workdays import add_working_days, calendar_seed_from_package

    call_command("migrate", verbosity=0)
    if connection.vendor != "sqlite" and Clock.objects.count() != clocks:
        # A server database is shared with the other module benches (the case bench leaves
        # clocks, events and cases behind): start from empty tables.
        call_command("flush", "--noinput", verbosity=0)
    calendar_seed_from_package(actor=None, years=[2025, 2026])
    from zhengwu.supervision.models import Alert, Fault, SweepRun

    qn = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cur:
        # A fresh sweep each run: forget earlier alerts and faults; the clocks (same seed,
        # same rows) are kept when a previous run built them.
        cur.execute(f"DELETE FROM {qn(Alert._meta.db_table)}")
        cur.execute(f"DELETE FROM {qn(Fault._meta.db_table)}")
        cur.execute(f"DELETE FROM {qn(SweepRun._meta.db_table)}")
        first = Clock.objects.order_by("pk").values_list("owner_id", flat=True).first()
        if Clock.objects.count() == clocks and first == OWNER_ID_OF_FIRST:
            return {"build_seconds": 0.0, "reused_clocks": True}
        from zhengwu.cases.models import Case

        cur.execute(f"DELETE FROM {qn(Case._meta.db_table)}")  # the cases hold the clocks (rebuilt after)
        cur.execute(f"DELETE FROM {qn(Clock._meta.db_table)}")
    rng = random.Random(seed)
    dates: dict[tuple[date, int, int], tuple[date, date]] = {}

    def plan(start: date, limit: int, warn: int) -> tuple[date, date]:
        key = (start, limit, warn)
        if key not in dates:
            dates[key] = (add_working_days(start, limit).due, add_working_days(start, max(limit - warn, 0)).due)
        return dates[key]

    t0 = time.perf_counter()
    cols = ["owner_type", "owner_id", "limit_days", "warn_days", "started_on", "due_on", "warn_on", "state",
            "suspended_days", "extended_days", "calendar_complete", "created_at", "role"]
    sql = (f"INSERT INTO {qn(Clock._meta.db_table)} ({', '.join(qn(c) for c in cols)}) "
           f"VALUES ({', '.join(['%s'] * len(cols))})")
    created = connection.ops.adapt_datetimefield_value(timezone.now())
    batch = []
    with transaction.atomic(), connection.cursor() as cur:
        for n in range(clocks):
            # Step limits of 1-20 working days, each step somewhere between its start and
            # 15 % past its limit (about 7 calendar days per 5 working days): most run
            # inside their limit, some are yellow, about one in ten is red.
            limit = rng.randint(1, 20)
            warn = max(limit // 4, 1 if limit >= 2 else 0)
            elapsed = rng.randint(0, int(limit * 1.15))
            start = TODAY - timedelta(days=round(elapsed * 7 / 5))
            due, warn_on = plan(start, limit, warn)
            # Owned like a real step clock: "<case id>/<step index>"; the cases are built after.
            batch.append(("cases.step", f"{n + 1}/{n % 4}", limit, warn, start, due, warn_on, "running", 0, 0, True,
                          created, ""))
            if len(batch) == 20_000:
                cur.executemany(sql, batch)
                batch.clear()
        if batch:
            cur.executemany(sql, batch)
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    return {"build_seconds": round(time.perf_counter() - t0, 2), "reused_clocks": False}


def _build_cases(clocks: int) -> dict:
    """One running case per step clock, as in production, so the sweep's enrichment does real work.

    Every alert on a step clock is then matched to its case, department, post and (for
    one case in five, transferred to a named person) handler. 200 items in 20
    departments, each with its default flowchart; cases sit at steps 0-3.
    """
    from django.db import connection, transaction
    from django.utils import timezone

    from zhengwu.accounts.models import User
    from zhengwu.cases.models import Case
    from zhengwu.cases.services import process_default_for_item
    from zhengwu.catalog.models import Category, Item, WorkArea
    from zhengwu.core.models import Clock
    from zhengwu.org import services as org_services
    from zhengwu.org.models import Unit

    if Case.objects.count() == clocks and Case.objects.filter(pk=1, step_clock_id__isnull=False).exists():
        return {"cases_build_seconds": 0.0}
    t0 = time.perf_counter()
    qn = connection.ops.quote_name
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {qn(Case._meta.db_table)}")
    county = Unit.objects.filter(code="SUPB").first() or org_services.unit_create(
        actor=None, code="SUPB", name="巡检基准县", kind=Unit.Kind.COUNTY)
    departments = [
        Unit.objects.filter(code=f"SUPB-{d:02d}").first() or org_services.unit_create(
            actor=None, code=f"SUPB-{d:02d}", name=f"巡检基准县第{d}局", kind=Unit.Kind.DEPARTMENT, parent=county)
        for d in range(20)
    ]
    area = WorkArea.objects.get_or_create(code="SUPB-WA", defaults={
        "category": Category.POWER, "name": "巡检基准领域", "seq": 1, "department": departments[0]})[0]
    definitions = []
    for n in range(200):
        item = Item.objects.get_or_create(code=f"SUPB{n:03d}", defaults={
            "category": Category.POWER, "work_area": area, "seq": n + 1, "name": f"巡检基准事项{n}",
            "department": departments[n % 20], "promised_limit_days": 20, "statutory_limit_days": 20,
            "online_application": True})[0]
        definitions.append(process_default_for_item(actor=None, item=item))
    applicant = User.objects.filter(username="supb_citizen").first() or User.objects.create_user(
        username="supb_citizen", kind=User.Kind.CITIZEN, real_name="申请人")
    handler = User.objects.filter(username="supb_handler").first() or User.objects.create_user(
        username="supb_handler", kind=User.Kind.STAFF, real_name="承办人")
    # Set-based, like the clocks: the definition, item and step follow from the clock id.
    cases_of = ", ".join(f"({n}, {d.pk}, {d.item_id})" for n, d in enumerate(definitions))
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    flags = ("CASE WHEN c.id %% 5 = 0 THEN '{\"assignee_id\": " + str(handler.pk) + "}' ELSE '{}' END")
    cols = ["id", "receipt_no", "item_id", "definition_id", "applicant_id", "channel", "status", "step_index", "flags",
            "version", "data", "submitted_at", "step_clock_id", "created_at", "updated_at"]
    # The case id and step index come from the clock's owner id "<case>/<step>".
    case_id = "CAST(substr(c.owner_id, 1, instr(c.owner_id, '/') - 1) AS INTEGER)"
    step = "CAST(substr(c.owner_id, instr(c.owner_id, '/') + 1) AS INTEGER)"
    if connection.vendor == "postgresql":
        case_id = "CAST(split_part(c.owner_id, '/', 1) AS bigint)"
        step = "CAST(split_part(c.owner_id, '/', 2) AS integer)"
    sql = (
        f"WITH defs(n, definition_id, item_id) AS (VALUES {cases_of}) "
        f"INSERT INTO {qn(Case._meta.db_table)} ({', '.join(qn(c) for c in cols)}) "
        f"SELECT {case_id}, 'SB' || c.id, defs.item_id, defs.definition_id, %s, 'online', 'running', {step}, "
        f"{flags}, 1, '{{}}', %s, c.id, %s, %s "
        f"FROM {qn(Clock._meta.db_table)} c JOIN defs ON defs.n = c.id %% {len(definitions)}"
    )
    if connection.vendor == "postgresql":
        sql = sql.replace("'SB' || c.id", "'SB' || c.id::text").replace(f"{flags}", f"({flags})::jsonb").replace(
            "'{}', %s, c.id", "'{}'::jsonb, %s, c.id")
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, [applicant.pk, now, now, now])
        if connection.vendor == "postgresql":  # explicit ids: move the sequence past them
            table = Case._meta.db_table
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {qn(table)}))")
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return {"cases_build_seconds": round(time.perf_counter() - t0, 2)}


def _fill_clock_responsibility() -> dict:
    """Name department, post and handler on each step clock, as ``case_act`` does when it
    starts a step (and when it transfers one): set-based, from the cases just built."""
    from django.db import connection, transaction

    from zhengwu.core.models import Clock

    if Clock.objects.filter(pk=1, unit__isnull=False).exists():
        return {"responsibility_seconds": 0.0}
    t0 = time.perf_counter()
    if connection.vendor == "postgresql":
        role = "(d.steps -> CAST(c.step_index AS integer) ->> 'role')"
        handler = "CAST(c.flags ->> 'assignee_id' AS bigint)"
    else:
        role = "json_extract(d.steps, '$[' || c.step_index || '].role')"
        handler = "CAST(json_extract(c.flags, '$.assignee_id') AS INTEGER)"
    sql = (
        "UPDATE core_clock SET unit_id = x.dept, role = x.role, handler_id = x.handler FROM ("
        f"SELECT c.step_clock_id AS cid, i.department_id AS dept, COALESCE({role}, '') AS role, {handler} AS handler "
        "FROM cases_case c JOIN catalog_item i ON i.id = c.item_id "
        "JOIN cases_processdefinition d ON d.id = c.definition_id) x WHERE core_clock.id = x.cid"
    )
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql)
    return {"responsibility_seconds": round(time.perf_counter() - t0, 2)}


def measure(clocks: int = 1_000_000, seed: int = 4) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("ZHENGWU_VAR_DIR", str(VAR_DIR))
    os.environ.setdefault("DJANGO_DEBUG", "false")  # DEBUG would keep every SQL string in memory
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengwu.settings")
    import django

    django.setup()
    from django.db import connection

    from zhengwu.supervision.models import Alert
    from zhengwu.supervision.services import supervision_sweep

    built = _build(clocks, seed)
    built.update(_build_cases(clocks))
    built.update(_fill_clock_responsibility())
    checkpoints = []

    def checkpoint():
        """What the task worker's WAL checkpointer (zhengwu.core.wal) does in the quarter
        hour between two sweeps: copy the WAL into the database file. Timed apart and
        reported, never inside a sweep (nor left to overlap the next one)."""
        if connection.vendor != "sqlite":
            return
        t = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        checkpoints.append(round(time.perf_counter() - t, 3))

    checkpoint()
    t0 = time.perf_counter()
    first = supervision_sweep(today=TODAY)
    first_seconds = time.perf_counter() - t0
    checkpoint()
    t0 = time.perf_counter()
    second = supervision_sweep(today=NEXT_DAY)
    second_seconds = time.perf_counter() - t0
    checkpoint()
    t0 = time.perf_counter()
    again = supervision_sweep(today=NEXT_DAY)
    again_seconds = time.perf_counter() - t0
    # The dashboard's department statistics (ADR 0005): read from the figures the sweeps
    # above kept, for the default period and for the year; best of three reads each.
    from zhengwu.supervision.selectors import department_statistics

    stats = {}
    for period in ("month", "year"):
        took = []
        for _ in range(3):
            t0 = time.perf_counter()
            rows = department_statistics(today=NEXT_DAY, period=period)
            took.append(time.perf_counter() - t0)
        stats[period] = {"seconds": round(min(took), 4), "departments": len(rows),
                         "red_alerts": sum(r["red_alerts"] for r in rows),
                         "yellow_alerts": sum(r["yellow_alerts"] for r in rows)}
    return {
        "name": "supervision_sweep",
        "database": connection.vendor,
        "clocks": clocks,
        **built,
        "first_sweep_seconds": round(first_seconds, 3),
        "first_sweep": {"normal": first.normal, "yellow": first.yellow, "red": first.red,
                        "new_alerts": first.new_yellow + first.new_red},
        "next_day_sweep_seconds": round(second_seconds, 3),
        "next_day_sweep": {"normal": second.normal, "yellow": second.yellow, "red": second.red,
                           "new_alerts": second.new_yellow + second.new_red},
        "repeat_sweep_seconds": round(again_seconds, 3),
        "repeat_new_alerts": again.new_yellow + again.new_red,
        # SQLite: seconds of the WAL checkpoint before the first sweep and after the first
        # and the next-day sweep (the worker's checkpointer does these between sweeps).
        "checkpoint_seconds": checkpoints,
        "alerts_total": Alert.objects.count(),
        # Enrichment matched every alert to its case: department, post and named handler.
        "alerts_with_department": Alert.objects.filter(unit__isnull=False).count(),
        "alerts_with_handler": Alert.objects.filter(handler__isnull=False).count(),
        "phases": {"first": first.seconds, "next_day": second.seconds},
        # The figures' refresh inside each sweep: the first sweep rebuilds them from every
        # case and alert, the next day's adds what is new.
        "statistics_refresh_seconds": {"first": first.seconds.get("statistics"),
                                       "next_day": second.seconds.get("statistics")},
        "department_statistics": stats,
        "department_statistics_goal_seconds": 0.5,
        "department_statistics_goal_met": max(v["seconds"] for v in stats.values()) <= 0.5,
        "goal_seconds": 2.0,
        "goal_met": max(first_seconds, second_seconds) <= 2.0,
    }


def describe(out: dict) -> str:
    f, s = out["first_sweep"], out["next_day_sweep"]
    return (
        f"电子监察巡检({out['database']},{out['clocks']:,} 个计时中的环节):"
        f"首次 {out['first_sweep_seconds']} s(正常 {f['normal']:,} / 黄牌 {f['yellow']:,} / 红牌 {f['red']:,},"
        f"新增预警 {f['new_alerts']:,});次日 {out['next_day_sweep_seconds']} s(新增预警 {s['new_alerts']:,});"
        f"重复巡检 {out['repeat_sweep_seconds']} s(新增 {out['repeat_new_alerts']});"
        f"目标 ≤ {out['goal_seconds']} s:{'达到' if out['goal_met'] else '未达到'}\n"
        f"部门统计(监察总览)读取:本月 {out['department_statistics']['month']['seconds']} s,"
        f"本年 {out['department_statistics']['year']['seconds']} s(目标 ≤ 0.5 s:"
        f"{'达到' if out['department_statistics_goal_met'] else '未达到'});"
        f"巡检内汇总:首次(重建){out['statistics_refresh_seconds']['first']} s,"
        f"次日(增量){out['statistics_refresh_seconds']['next_day']} s"
    )


if __name__ == "__main__":
    args = sys.argv[1:]
    as_json = bool(args) and args[0] == "--json"
    if as_json:
        args = args[1:]
    result = measure(*(int(a) for a in args))
    if not as_json:
        print(describe(result))
    results_dir = ROOT / "bench" / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    (results_dir / "bench_supervision-latest.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(json.dumps(result, ensure_ascii=False))
