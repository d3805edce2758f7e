"""The module benches of `make bench`, each in its own process with its own database.

Every module bench is a stand-alone script that prints its progress and figures and
saves a JSON file under bench/results/. This runner starts them one after the other
(on SQLite, and on PostgreSQL where the issue asks for it and a server is given),
streams their output, and collects the JSON each one saved, for the summary report.

    python bench/modules.py [--only cases,supervision,...] [--quick] [--pg-url URL]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"


@dataclass(frozen=True)
class ModuleBench:
    name: str
    label: str
    argv: tuple[str, ...]  # full-size run
    quick_argv: tuple[str, ...]  # a minute-scale smoke run
    result_glob: str  # what the script saves under bench/results/
    on_postgres: bool = False  # the issue asks for PostgreSQL figures too
    var_dir_env: bool = True  # the script reads ZHENGWU_VAR_DIR for its database


MODULES = (
    ModuleBench("cases", "办件环节吞吐量 / case steps per second (goal ≥ 1,000/s on SQLite)",
                ("bench/bench_cases.py", "--cases", "20000"), ("bench/bench_cases.py", "--cases", "1000"),
                "bench_cases-latest.json", on_postgres=True),
    # The same case lives in two and four processes at once, as web workers would: on
    # SQLite they share one write lock; on PostgreSQL (issue 14) four should give ≥ 1.6×
    # one, now that no audited write waits for the audit chain head (ADR 0005).
    ModuleBench("cases-workers", "办件环节吞吐量,两个进程 / case steps per second, two worker processes",
                ("bench/bench_cases.py", "--cases", "5000", "--processes", "2"),
                ("bench/bench_cases.py", "--cases", "1000", "--processes", "2"),
                "bench_cases-latest.json", on_postgres=True),
    ModuleBench("cases-workers4", "办件环节吞吐量,四个进程 / case steps per second, four worker processes",
                ("bench/bench_cases.py", "--cases", "5000", "--processes", "4"),
                ("bench/bench_cases.py", "--cases", "1000", "--processes", "4"),
                "bench_cases-latest.json", on_postgres=True),
    ModuleBench("supervision", "电子监察巡检与部门统计 / supervision sweep over 1,000,000 steps (goal ≤ 2 s on SQLite), department statistics (≤ 0.5 s)",
                ("bench/bench_supervision.py", "1000000"), ("bench/bench_supervision.py", "100000"),
                "bench_supervision-latest.json", on_postgres=True),
    ModuleBench("search", "全文检索 / search over 1,000,000 documents (goal p95 ≤ 10 ms)",
                ("bench/bench_search.py", "--docs", "1000000"), ("bench/bench_search.py", "--docs", "20000"),
                "search-*.json"),
    ModuleBench("office", "登录后页面 / staff workbench, case inbox and my cases with 10,000 open cases "
                "(goal ≥ 0.3 of the bare page)",
                ("bench/bench_office.py", "--cases", "10000"),
                ("bench/bench_office.py", "--cases", "1000", "--requests", "20", "--http-duration", "3"), "office-latest.json"),
    ModuleBench("routing", "信件分办建议 / route suggestion latency (goal p95 ≤ 20 ms)",
                ("bench/bench_routing.py",), ("bench/bench_routing.py",), "routing-*.json"),
    ModuleBench("exchange", "数据共享交换 / CSV ingest vs the database's bulk path (goal ≥ 0.5), datastore_search at "
                "10,000,000 rows (goal p95 ≤ 50 ms)",
                ("bench/bench_exchange.py", "--rows", "1000000", "--search-rows", "10000000"),
                ("bench/bench_exchange.py", "--rows", "50000", "--search-rows", "100000", "--lookups", "50"),
                "exchange-*-latest.json", on_postgres=True),
    ModuleBench("insights", "民意分析 / analysis dashboard over 200,000 letters (goal ≤ 1 s per view)",
                ("bench/bench_insights.py",), ("bench/bench_insights.py", "20000"), "insights-*.json"),
)


def _newest(pattern: str, since: float) -> Path | None:
    found = [p for p in RESULTS_DIR.glob(pattern) if p.stat().st_mtime >= since]
    return max(found, key=lambda p: p.stat().st_mtime) if found else None


def run_one(bench: ModuleBench, *, quick: bool, database_url: str | None, log=print) -> dict:
    script = ROOT / (bench.quick_argv if quick else bench.argv)[0]
    if not script.exists():
        return {"name": bench.name, "error": f"{script.name} 不存在"}
    vendor = "postgresql" if database_url else "sqlite"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "zhengwu.settings", "PYTHONUNBUFFERED": "1"}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    if bench.var_dir_env:
        env["ZHENGWU_VAR_DIR"] = str(ROOT / "var" / f"bench-{bench.name}-{vendor}")
    argv = [sys.executable, *(bench.quick_argv if quick else bench.argv)]
    log(f"== {bench.label} [{vendor}]: {' '.join(argv[1:])}")
    started = time.time()
    proc = subprocess.run(argv, cwd=ROOT, env=env, check=False)  # noqa: S603 - our own scripts
    seconds = round(time.time() - started, 1)
    saved = _newest(bench.result_glob, started - 1)
    out = {"name": bench.name, "database": vendor, "wall_seconds": seconds, "exit_code": proc.returncode}
    if saved is None:
        out["error"] = f"没有找到结果文件 bench/results/{bench.result_glob}"
        return out
    try:
        data = json.loads(saved.read_text(encoding="utf-8"))
    except ValueError as exc:
        out["error"] = f"结果文件无法解析: {exc}"
        return out
    data.pop("profile", None)
    # Keep a per-database copy: the next database's run overwrites the script's own file.
    copy = RESULTS_DIR / f"module-{bench.name}-{vendor}.json"
    copy.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    out.update(result_file=str(copy.relative_to(ROOT)), figures=data)
    return out


def run_all(*, only: set[str] | None, quick: bool, pg_url: str | None, log=print) -> list[dict]:
    results = []
    for bench in MODULES:
        if only and bench.name not in only:
            continue
        results.append(run_one(bench, quick=quick, database_url=None, log=log))
        if bench.on_postgres and pg_url:
            results.append(run_one(bench, quick=quick, database_url=pg_url, log=log))
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="模块基准 / module benches")
    parser.add_argument("--only", default="", help="comma list of: " + ",".join(b.name for b in MODULES))
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", ""))
    args = parser.parse_args(argv)
    only = {x.strip() for x in args.only.split(",") if x.strip()} or None
    results = run_all(only=only, quick=args.quick, pg_url=args.pg_url or None)
    print(json.dumps(results, ensure_ascii=False, indent=2, default=str))
    return 0 if all("error" not in r for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
