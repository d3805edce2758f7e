"""Case steps per second through the service layer, audit rows included (issue 4, bench a).

20,000 cases × (submit + accept + review_pass + approve + conclude) = 100,000 steps, each
through ``zhengwu.cases.services`` exactly as a page would call it: one transaction, a
CaseEvent, an audit row (unsealed; the audit sealer chains it within a second, ADR 0005) and
the clock rows. Goal of issue 4: ≥ 1,000 steps/s on SQLite; of issue 14: ≥ 0.75 of the floor
1e6 / (statements + COMMIT) of the same run, and on PostgreSQL 4 processes ≥ 1.6× one.

Runs on a fresh database in its own directory (var/bench-cases/ by default): migrate,
seed the calendar, create one department, one item, four staff posts and a few
applicants. ``--profile`` runs cProfile over a slice and prints where the time goes.

On SQLite the run also reports SQLite's own share of a step: the time inside the driver
executing the statements (BEGIN apart: under several processes it is the wait for the
write lock) and in COMMIT. ``1e6 / (statements + COMMIT)`` is what one process could do
if the service layer cost nothing. ``--processes N`` runs the cases in N processes at
once, as N web workers would, and reports their combined rate.
On SQLite the WAL checkpointer (``zhengwu.core.wal``) runs on a thread beside the timed
cases, as the task worker runs beside the web workers; ``--no-checkpointer`` leaves the
checkpoints to the connection's ``wal_autocheckpoint`` fallback inside COMMIT.

    python bench/bench_cases.py [--cases 20000] [--processes N] [--profile] [--var-dir DIR]
                                [--no-checkpointer]
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import datetime as dt
import io
import json
import logging
import multiprocessing
import os
import pstats
import shutil
import sqlite3
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
GOAL_STEPS_PER_SECOND = 1000
ACTIONS = (("clerk", "accept"), ("reviewer", "review_pass"), ("approver", "approve"), ("handler", "conclude"))
APPLICANTS = 50


def _prepare_environment(var_dir: Path, database_url: str | None) -> None:
    """Point Django at a fresh bench database before it is set up."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    if database_url is None:
        if not var_dir.name.startswith("bench"):
            # It is wiped: never let a stray ZHENGWU_VAR_DIR point this at real data.
            raise SystemExit(f"refusing to wipe {var_dir}: a bench directory's name starts with 'bench'")
        shutil.rmtree(var_dir, ignore_errors=True)
        var_dir.mkdir(parents=True)
        database_url = f"sqlite:///{var_dir / 'zhengwu.sqlite3'}"
    os.environ["ZHENGWU_VAR_DIR"] = str(var_dir)
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhengwu.settings"
    os.environ["DJANGO_DEBUG"] = "false"  # DEBUG would keep every SQL string in memory
    os.environ.setdefault("ZHENGWU_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    _load_urlconf()


def _load_urlconf() -> None:
    """Import the URLconf now, as a web worker's first request does.

    Otherwise the first step's applicant notice (``reverse()``) imports every view module
    inside its write transaction, holding SQLite's write lock and the audit sealer off
    for seconds on a loaded machine: an artefact of a fresh bench process.
    """
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - the import is the point


def _world():
    """One department with the four posts, one item, a few applicants (all through services)."""
    from django.utils import timezone

    from zhengwu.accounts.models import User
    from zhengwu.catalog.models import Category, Item, WorkArea
    from zhengwu.core.workdays import calendar_seed_from_package, package_years
    from zhengwu.org import services as org_services
    from zhengwu.org.models import Unit
    from zhengwu.org.roles import Role

    # This year and next (what the package knows of them): every clock of the run falls there.
    year = timezone.localdate().year
    calendar_seed_from_package(actor=None, years=[y for y in (year, year + 1) if y in package_years()] or None)
    county = org_services.unit_create(actor=None, code="BENCH", name="基准县", kind=Unit.Kind.COUNTY)
    dept = org_services.unit_create(actor=None, code="BENCH-NY", name="基准县农业农村局", kind=Unit.Kind.DEPARTMENT, parent=county)
    hall = org_services.unit_create(actor=None, code="BENCH-ZW", name="基准县政务服务中心", kind=Unit.Kind.DEPARTMENT, parent=county)
    area = WorkArea.objects.create(code="BENCH-WA", category=Category.POWER, name="基准领域", seq=1, department=dept)
    item = Item.objects.create(
        code="BENCH001", category=Category.POWER, work_area=area, seq=1, name="农村村民宅基地审批",
        department=dept, promised_limit_days=10, statutory_limit_days=20, online_application=True,
    )
    staff = {}
    for key, role, unit in (("clerk", Role.WINDOW_CLERK, hall), ("reviewer", Role.REVIEWER, dept),
                            ("approver", Role.APPROVER, dept), ("handler", Role.HANDLER, dept)):
        user = User.objects.create_user(username=f"bench_{key}", kind=User.Kind.STAFF, real_name=f"基准{key}")
        org_services.assignment_grant(actor=None, user=user, unit=unit, role=role)
        staff[key] = user
    applicants = [
        User.objects.create_user(username=f"bench_citizen_{n}", kind=User.Kind.CITIZEN, real_name=f"申请人{n}")
        for n in range(APPLICANTS)
    ]
    return item, staff, applicants


def _run_cases(n_cases: int, item, staff, applicants) -> int:
    from zhengwu.cases.services import case_act, case_submit

    steps = 0
    for i in range(n_cases):
        applicant = applicants[i % len(applicants)]
        case = case_submit(actor=applicant, item=item, applicant=applicant, channel="online")
        steps += 1
        for key, action in ACTIONS:
            case = case_act(actor=staff[key], case=case, action=action, expected_version=case.version)
            steps += 1
    return steps


def _query_breakdown(item, staff, applicants) -> dict:
    """SQL statements per step of one case life, grouped by the table they touch first."""
    import re
    from collections import Counter

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        _run_cases(1, item, staff, applicants)
    tables: Counter = Counter()
    for q in ctx.captured_queries:
        sql = q["sql"]
        verb = sql.split(None, 1)[0].upper()
        m = re.search(r'(?:FROM|INTO|UPDATE)\s+"(\w+)"', sql)
        tables[f"{verb} {m.group(1) if m else '-'}"] += 1
    total = len(ctx.captured_queries)
    return {"queries_per_step": round(total / (1 + len(ACTIONS)), 1), "by_statement": dict(tables.most_common())}


# Time each transaction holds SQLite's write lock: from the end of BEGIN (the lock is
# held) to the end of COMMIT (ADR 0004's in-lock time), summed over the run.
_LOCK_HELD = {"at": None, "seconds": 0.0}


class _CommitTimer:
    """Time spent in COMMIT during a run (what the disk costs: WAL writes and checkpoints)."""

    def __init__(self, connection):
        self.connection = connection
        self.seconds = 0.0
        self.count = 0
        self.slowest = 0.0  # the worst COMMIT: a checkpoint run inside it shows here
        self.slow = 0  # COMMITs over 50 ms

    def __enter__(self):
        original = self.connection._commit

        def timed_commit():
            t = time.perf_counter()
            try:
                return original()
            finally:
                end = time.perf_counter()
                took = end - t
                if _LOCK_HELD["at"] is not None:
                    _LOCK_HELD["seconds"] += end - _LOCK_HELD["at"]
                    _LOCK_HELD["at"] = None
                self.seconds += took
                self.count += 1
                self.slowest = max(self.slowest, took)
                self.slow += took > 0.05

        self.connection._commit = timed_commit
        return self

    def __exit__(self, *exc):
        del self.connection._commit  # back to the class's method


class _SqliteTimer:
    """Time spent inside SQLite on each statement, measured at the driver (SQLite only).

    The DatabaseWrapper's driver connection is swapped for a thin proxy for the run: the
    statements fastsql runs on the driver connection and those Django runs through its
    cursor (whose class gets a timed base under Django's own wrapper) are both timed
    around the C call alone. ``BEGIN`` is kept apart: with several processes it is where
    a step waits for SQLite's one write lock. The proxy adds about a microsecond per
    statement to the run it measures.
    """

    def __init__(self, connection):
        self.connection = connection
        self.statements = 0.0
        self.count = 0
        self.begin = 0.0

    def add(self, sql, took):
        if sql.startswith("BEGIN"):
            self.begin += took
            _LOCK_HELD["at"] = time.perf_counter()
        else:
            self.statements += took
            self.count += 1

    def __enter__(self):
        if self.connection.vendor != "sqlite":
            return self
        self.connection.ensure_connection()
        self._raw = self.connection.connection
        self.connection.connection = _TimedDriver(self._raw, self)
        return self

    def __exit__(self, *exc):
        if self.connection.vendor == "sqlite":
            self.connection.connection = self._raw


class _TimedDriver:
    """A sqlite3 connection whose ``execute`` and cursors report each statement's time."""

    def __init__(self, raw, timer):
        object.__setattr__(self, "_raw", raw)
        object.__setattr__(self, "_timer", timer)
        object.__setattr__(self, "_factories", {})

    def __getattr__(self, name):
        return getattr(self._raw, name)

    def __setattr__(self, name, value):
        setattr(self._raw, name, value)  # isolation_level, set by Django around transactions

    def execute(self, sql, params=()):
        t = time.perf_counter()
        try:
            return self._raw.execute(sql, params)
        finally:
            self._timer.add(sql, time.perf_counter() - t)

    def cursor(self, factory=sqlite3.Cursor):
        timed = self._factories.get(factory)
        if timed is None:
            timer = self._timer

            class TimedCursor(sqlite3.Cursor):
                def execute(self, sql, params=()):
                    t = time.perf_counter()
                    try:
                        return super().execute(sql, params)
                    finally:
                        timer.add(sql, time.perf_counter() - t)

            # Django's wrapper converts placeholders, then its super() is the timed C call.
            timed = TimedCursor if factory is sqlite3.Cursor else type(
                "Timed" + factory.__name__, (factory, TimedCursor), {})
            self._factories[factory] = timed
        return self._raw.cursor(factory=timed)


def _wal_pages_per_step(item, staff, applicants, cases: int = 100) -> float | None:
    """Pages one step writes to the SQLite WAL (each is written again at the next checkpoint)."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return None
    wal = Path(connection.settings_dict["NAME"] + "-wal")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA page_size")
        page_size = cursor.fetchone()[0]
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.execute("PRAGMA wal_autocheckpoint")
        autocheckpoint = cursor.fetchone()[0]
        cursor.execute("PRAGMA wal_autocheckpoint=0")
    try:
        _run_cases(cases, item, staff, applicants)
        frames = wal.stat().st_size / (page_size + 24)  # each WAL frame: a 24-byte header and a page
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA wal_autocheckpoint={int(autocheckpoint)}")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return round(frames / (cases * (1 + len(ACTIONS))), 1)


def _world_lookup(item_pk):
    """The bench world built by the parent process, read back in a worker process."""
    from zhengwu.accounts.models import User
    from zhengwu.catalog.models import Item

    staff = {key: User.objects.get(username=f"bench_{key}") for key, _ in ACTIONS}
    applicants = list(User.objects.filter(username__startswith="bench_citizen_").order_by("pk"))
    return Item.objects.get(pk=item_pk), staff, applicants


def _worker(n_cases: int, item_pk: int, ready, go, out) -> None:
    """One of ``--processes``: set up Django (the parent set the environment), then time its cases."""
    import django

    django.setup()
    _load_urlconf()
    logging.getLogger("zhengwu").setLevel(logging.ERROR)
    from django.db import connection

    if connection.vendor == "sqlite":
        # Four writers on a loaded 2-core VM can wait longer than the app's 5 s for the one
        # write lock (one worker then died with "database is locked" and the run hung):
        # the bench measures throughput, so a worker waits as long as it takes.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout=120000")
    item, staff, applicants = _world_lookup(item_pk)
    warm = _run_cases(5, item, staff, applicants)  # warm: connection, statement cache, URL templates
    from zhengwu.core import audit

    audit.SEALED_HERE = audit.SealReport()  # this worker's seals in the timed run (it seals overdue rows itself)
    ready.release()
    go.wait()
    t0, c0 = time.perf_counter(), time.process_time()
    with _CommitTimer(connection) as commits, _SqliteTimer(connection) as sql:
        steps = _run_cases(n_cases, item, staff, applicants)
    t1 = time.perf_counter()
    out.put({"steps": steps, "warm_steps": warm, "start": t0, "end": t1, "cpu": time.process_time() - c0,
             "commit": commits.seconds, "statements": sql.statements, "begin": sql.begin,
             "in_lock": _LOCK_HELD["seconds"], "sealed": dataclasses.asdict(audit.SEALED_HERE)})


def _run_processes(n_cases: int, processes: int, item) -> dict:
    """Run ``n_cases`` split over ``processes`` worker processes started together."""
    ctx = multiprocessing.get_context("spawn")  # a fresh interpreter: no inherited connection
    ready, go, out = ctx.Semaphore(0), ctx.Event(), ctx.Queue()
    shares = [n_cases // processes + (i < n_cases % processes) for i in range(processes)]
    workers = [ctx.Process(target=_worker, args=(share, item.pk, ready, go, out)) for share in shares]
    for worker in workers:
        worker.start()
    for _ in workers:
        if not ready.acquire(timeout=300):
            raise SystemExit("a bench worker process did not start")
    go.set()
    parts = [out.get(timeout=3600) for _ in workers]
    for worker in workers:
        worker.join()
    return {
        "steps": sum(p["steps"] for p in parts),
        "warm_steps": sum(p["warm_steps"] for p in parts),
        "seconds": max(p["end"] for p in parts) - min(p["start"] for p in parts),
        "cpu": sum(p["cpu"] for p in parts),
        "commit": sum(p["commit"] for p in parts),
        "statements": sum(p["statements"] for p in parts),
        "begin": sum(p["begin"] for p in parts),
        "in_lock": sum(p["in_lock"] for p in parts),
        "sealed": [p["sealed"] for p in parts],
    }


def _profile(n_cases: int, item, staff, applicants, top: int = 25) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    _run_cases(n_cases, item, staff, applicants)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(top)
    out.write("\n--- by own time ---\n")
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def run(cases: int = 20_000, *, profile: bool = False, profile_cases: int = 300,
        var_dir: Path | None = None, database_url: str | None = None, save: bool = True,
        checkpointer: bool = True, wal_autocheckpoint: int | None = None, processes: int = 1) -> dict:
    """Build the bench database, run ``cases`` full case lives, return (and save) the figures."""
    var_dir = Path(var_dir or ROOT / "var" / "bench-cases")
    _prepare_environment(var_dir, database_url)
    # Every due date past the last seeded year logs a warning: silence it while timing.
    logging.getLogger("zhengwu.calendar").setLevel(logging.ERROR)
    from django.core.management import call_command
    from django.db import connection

    from zhengwu.cases.models import Case, CaseEvent
    from zhengwu.core.audit import audit_chain_verify
    from zhengwu.core.audit_sealer import start_sealer, stop_sealer
    from zhengwu.core.models import AuditEvent, Clock
    from zhengwu.core.wal import start_checkpointer, stop_checkpointer

    call_command("migrate", "--noinput", verbosity=0)
    if connection.vendor != "sqlite":
        call_command("flush", "--noinput", verbosity=0)  # a server database is reused between runs
    item, staff, applicants = _world()
    audit_before = AuditEvent.objects.count()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # both variants start from an empty WAL
            if wal_autocheckpoint is not None:
                cursor.execute(f"PRAGMA wal_autocheckpoint={int(wal_autocheckpoint)}")
            cursor.execute("PRAGMA wal_autocheckpoint")
            autocheckpoint_pages = cursor.fetchone()[0]
    else:
        autocheckpoint_pages = None
    # None on PostgreSQL. Its thread's CPU counts in cpu_seconds below, as it would in the worker.
    wal_thread = start_checkpointer() if checkpointer else None
    # The audit sealer runs beside the steps as in the task worker (ADR 0005); its CPU
    # counts in cpu_seconds, its seals hold the write lock (SQLite) like any writer.
    from zhengwu.core import audit

    # The world's rows were written before any sealer ran: seal them now, so the figures
    # below count only the rows of the run (in production the sealer is always running).
    audit.audit_seal()
    audit.SEALED_HERE = audit.SealReport()  # every seal of this process from here: the thread's and the steps'
    sealer = start_sealer()
    wal = Path(connection.settings_dict["NAME"] + "-wal") if connection.vendor == "sqlite" else None
    t0, c0 = time.perf_counter(), time.process_time()
    untimed_steps = 0  # the workers' warm-up cases
    commits = sql = None
    worker_seals: list[dict] = []
    try:
        if processes == 1:
            with _CommitTimer(connection) as commits, _SqliteTimer(connection) as sql:
                steps = _run_cases(cases, item, staff, applicants)
            elapsed = time.perf_counter() - t0
            cpu = time.process_time() - c0
            commit_seconds, statement_seconds, begin_seconds = commits.seconds, sql.statements, sql.begin
            in_lock_seconds = _LOCK_HELD["seconds"]
        else:
            # One untimed case first: the item's default flowchart is created on its first
            # submission, and workers racing to create it would fail (PostgreSQL).
            warm = _run_cases(1, item, staff, applicants)
            combined = _run_processes(cases, processes, item)
            steps, elapsed, untimed_steps = combined["steps"], combined["seconds"], combined["warm_steps"] + warm
            # The workers' CPU and this process's (its checkpointer thread).
            cpu = combined["cpu"] + time.process_time() - c0
            commit_seconds, statement_seconds, begin_seconds = (
                combined["commit"], combined["statements"], combined["begin"])
            in_lock_seconds = combined["in_lock"]
            worker_seals = combined["sealed"]
        wal_bytes = wal.stat().st_size if wal is not None and wal.exists() else None
        sealer_backlog = AuditEvent.objects.filter(seq__isnull=True).count()  # at the end of the timed run
    finally:
        stop_sealer()  # seals the rest
        stop_checkpointer()  # before the WAL measurements below, which checkpoint themselves
    audit_rows = AuditEvent.objects.count() - audit_before
    seals = audit.SEALED_HERE  # this process (sealer thread, and the steps when processes == 1) + the workers
    for part in worker_seals:
        seals.add(audit.SealReport(**part))
    sqlite = connection.vendor == "sqlite"
    sqlite_us = (statement_seconds + commit_seconds) / steps * 1e6
    result = {
        "name": "case_steps",
        "database": connection.vendor,
        "cases": cases,
        "steps": steps,
        "seconds": round(elapsed, 3),
        "steps_per_second": round(steps / elapsed, 1),
        # CPU seconds of this process: what the run costs when the machine is busy with
        # other work (wall time then includes waiting for a core).
        "cpu_seconds": round(cpu, 3),
        "steps_per_cpu_second": round(steps / cpu, 1) if cpu else None,
        # What every core of this machine busy with steps and nothing else would give.
        "cores": os.cpu_count(),
        "cpu_ceiling_steps_per_second": round(steps / cpu * (os.cpu_count() or 1)) if cpu else None,
        # Where a step's time goes: COMMIT (the disk: WAL write, amortised checkpoints and
        # their fsync) against everything else (Python, Django and the SQL statements).
        "processes": processes,
        "us_per_step": round(elapsed / steps * 1e6),
        "commit_us_per_step": round(commit_seconds / steps * 1e6),
        "commit_max_ms": round(commits.slowest * 1e3, 1) if commits else None,
        "commits_over_50ms": commits.slow if commits else None,
        # SQLite's own time per step (see _SqliteTimer): statements inside the driver, BEGIN
        # (the wait for the write lock when several processes run), and the ceiling one
        # process would reach if everything else in a step cost nothing.
        "statement_us_per_step": round(statement_seconds / steps * 1e6) if sqlite else None,
        "begin_us_per_step": round(begin_seconds / steps * 1e6) if sqlite else None,
        "sqlite_us_per_step": round(sqlite_us) if sqlite else None,
        "sqlite_only_ceiling_steps_per_second": round(1e6 / sqlite_us) if sqlite and sqlite_us else None,
        # Issue 14's goal: steps/s against that floor (statements + COMMIT) of the same run.
        "ratio_to_sqlite_floor": round(steps / elapsed / (1e6 / sqlite_us), 2) if sqlite and sqlite_us else None,
        # The whole time the write lock was held per step (BEGIN done to COMMIT done, Python
        # inside included) and the steps/s that alone would allow with perfect hand-over.
        "in_lock_us_per_step": round(in_lock_seconds / steps * 1e6) if sqlite else None,
        "in_lock_ceiling_steps_per_second": round(steps / in_lock_seconds) if sqlite and in_lock_seconds else None,
        # The background checkpointer (zhengwu.core.wal): whether it ran, how often it
        # checkpointed and how long that took on its own thread; the WAL file at the end.
        "checkpointer": wal_thread is not None,
        "wal_autocheckpoint": autocheckpoint_pages,  # the in-COMMIT fallback, pages
        "checkpoints": wal_thread.checkpoints if wal_thread else None,
        "checkpoint_rewinds": wal_thread.rewinds if wal_thread else None,
        "checkpoint_seconds": round(wal_thread.checkpoint_seconds, 3) if wal_thread else None,
        "wal_mb_at_end": round(wal_bytes / 2**20, 1) if wal_bytes is not None else None,
        "goal_steps_per_second": GOAL_STEPS_PER_SECOND,
        "goal_met": steps / elapsed >= GOAL_STEPS_PER_SECOND,
        "audit_rows": audit_rows,
        "audit_rows_per_step": round(audit_rows / (steps + untimed_steps), 2),
        "case_events": CaseEvent.objects.count(),
        "clocks": Clock.objects.count(),
        "concluded": Case.objects.filter(status="concluded").count(),
        # The sealer (ADR 0005): rows it chained during the run, how many waited past the
        # one-second window, and how many were still waiting when the last step committed.
        "audit_sealer_passes": sealer.passes if sealer else None,
        "audit_sealed_in_run": sealer.sealed if sealer else None,
        # Every seal of the run, by the thread or by a step that found a row overdue
        # (ADR 0005): how many waited past the one-second window, the longest wait, and how
        # many the steps sealed themselves. Waits are measured when sealed, from created_at.
        "audit_sealed_total": seals.sealed,
        "audit_sealed_by_writers": seals.by_writers,
        "audit_sealed_late": seals.late,
        "audit_seal_max_wait_seconds": round(seals.max_wait_seconds, 3),
        "audit_unsealed_at_end": sealer_backlog,
        "audit_chain_ok": bool(getattr(audit_chain_verify(), "ok", True)),
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    result["queries"] = _query_breakdown(item, staff, applicants)
    result["wal_pages_per_step"] = _wal_pages_per_step(item, staff, applicants)
    if profile:
        result["profile"] = _profile(profile_cases, item, staff, applicants)
    if save:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        (RESULTS_DIR / "bench_cases-latest.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="办件环节吞吐量基准 / case steps per second")
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--processes", type=int, default=1,
                        help="run the cases in this many processes at once, as several web workers would")
    parser.add_argument("--profile", action="store_true", help="cProfile a slice of cases afterwards")
    parser.add_argument("--profile-cases", type=int, default=300)
    parser.add_argument("--var-dir", type=Path, default=None)
    parser.add_argument("--no-checkpointer", action="store_true",
                        help="no background WAL checkpointer: checkpoints run inside COMMIT")
    parser.add_argument("--wal-autocheckpoint", type=int, default=None, metavar="PAGES",
                        help="override the connection's wal_autocheckpoint for the run (SQLite)")
    args = parser.parse_args(argv)
    if not 1 <= args.cases <= 1_000_000:
        parser.error("--cases must be between 1 and 1,000,000")
    if not 1 <= args.processes <= 64 or args.processes > args.cases:
        parser.error("--processes must be between 1 and 64, and no more than --cases")
    # Under bench/modules.py: DATABASE_URL names the PostgreSQL server, ZHENGWU_VAR_DIR the directory.
    url = os.environ.get("DATABASE_URL", "")
    database_url = url if url.startswith(("postgres://", "postgresql://")) else None
    var_dir = args.var_dir or (Path(os.environ["ZHENGWU_VAR_DIR"]) if os.environ.get("ZHENGWU_VAR_DIR") else None)
    result = run(args.cases, profile=args.profile, profile_cases=args.profile_cases, var_dir=var_dir,
                 database_url=database_url, checkpointer=not args.no_checkpointer,
                 wal_autocheckpoint=args.wal_autocheckpoint, processes=args.processes)
    profile = result.pop("profile", None)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    print(f"办件环节吞吐量 / case steps: {result['steps_per_second']:.0f} steps/s "
          f"(目标 ≥ {GOAL_STEPS_PER_SECOND}):{'达标' if result['goal_met'] else '未达标'}")
    print(f"每步 / per step: {result['us_per_step']} µs,其中提交 / of which COMMIT {result['commit_us_per_step']} µs; "
          f"{result['queries']['queries_per_step']} 条 SQL / statements"
          + (f", WAL {result['wal_pages_per_step']} 页 / pages" if result.get("wal_pages_per_step") else ""))
    if result["sqlite_us_per_step"] is not None:
        print(f"SQLite 自身 / SQLite itself: 语句 / statements {result['statement_us_per_step']} µs + 提交 / COMMIT "
              f"{result['commit_us_per_step']} µs = {result['sqlite_us_per_step']} µs 每步 / per step"
              f"(BEGIN 等待写锁 / waiting for the write lock {result['begin_us_per_step']} µs);"
              f"即使其余耗时为零,单进程上限 / one process's ceiling were the rest free: "
              f"{result['sqlite_only_ceiling_steps_per_second']} steps/s")
    if result["processes"] > 1:
        print(f"{result['processes']} 个进程同时运行 / processes at once: 合计 / combined "
              f"{result['steps_per_second']:.0f} steps/s")
    print(f"CPU:每 CPU 秒 / per CPU second {result['steps_per_cpu_second']:.0f} 步 / steps;"
          f"{result['cores']} 个核全部用于办件时的上限 / ceiling with all {result['cores']} cores on steps: "
          f"{result['cpu_ceiling_steps_per_second']} steps/s")
    if result["checkpointer"]:
        print(f"后台 WAL 检查点 / background WAL checkpointer: {result['checkpoints']} 次 / checkpoints "
              f"({result['checkpoint_rewinds']} 次回卷 / rewinds), {result['checkpoint_seconds']} s; "
              f"最慢提交 / slowest COMMIT {result['commit_max_ms']} ms, "
              f"超过 50 ms / over 50 ms: {result['commits_over_50ms']}")
    else:
        print(f"后台 WAL 检查点 / background WAL checkpointer: 未运行 / off "
              f"(wal_autocheckpoint={result['wal_autocheckpoint']}); 最慢提交 / slowest COMMIT "
              f"{result['commit_max_ms']} ms, 超过 50 ms / over 50 ms: {result['commits_over_50ms']}")
    if profile:
        print(profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
