"""Load test with Locust (issue 19): the demo county behind gunicorn, bench/locustfile.py's
mixed scenario headless, p50/p95/p99 and failures per page.

    python bench/loadtest.py [--users 100] [--duration 5m] [--database-url postgres://…] [--out bench/results]

The platform is prepared like the crash test's (bench/crashtest.py ``prepare``: a temp var
dir, the demo county, ``--citizens`` citizen accounts with real password hashes, since
the simulated citizens sign in through the login form), then gunicorn (``--workers``)
and the Huey consumer start on a free port. Locust runs in its own process (gevent). The
figures are printed and, with ``--out``, saved as loadtest-<db>-<time>.json and .md.
Exit status 1 when any request failed.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from crashtest import PY, ROOT, Platform, drop_database, free_port, log, prepare  # noqa: E402


def _num(value: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def read_stats(prefix: Path) -> tuple[list[dict], list[dict]]:
    pages = []
    with open(f"{prefix}_stats.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            pages.append({
                "method": row["Type"], "name": row["Name"], "requests": int(_num(row["Request Count"])),
                "failures": int(_num(row["Failure Count"])), "rps": round(_num(row["Requests/s"]), 2),
                "p50_ms": _num(row["50%"]), "p95_ms": _num(row["95%"]), "p99_ms": _num(row["99%"]),
                "max_ms": round(_num(row["Max Response Time"])),
            })
    failures = []
    path = Path(f"{prefix}_failures.csv")
    if path.exists():
        with open(path, newline="") as fh:
            failures = [dict(r) for r in csv.DictReader(fh)]
    return pages, failures


def markdown(figures: dict) -> str:
    lines = [
        f"# Load test ({figures['database']}), {figures['when']}", "",
        f"{figures['users']} simulated users (anonymous : citizens : staff = 6 : 3 : 1), {figures['duration']}, "
        f"spawn rate {figures['spawn_rate']}/s; gunicorn {figures['workers']} workers + Huey consumer; "
        f"{figures['machine']}.", "",
        "| page | requests | failures | req/s | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for p in figures["pages"]:
        lines.append(f"| {p['method']} {p['name']} | {p['requests']} | {p['failures']} | {p['rps']} | "
                     f"{p['p50_ms']:.0f} | {p['p95_ms']:.0f} | {p['p99_ms']:.0f} | {p['max_ms']} |")
    if figures["failure_kinds"]:
        lines += ["", "Failures:", ""] + [f"- {f.get('Method')} {f.get('Name')}: {f.get('Error')} ×{f.get('Occurrences')}"
                                         for f in figures["failure_kinds"]]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--spawn-rate", type=float, default=5.0)
    parser.add_argument("--duration", default="5m", help="Locust run time: 30s, 5m …")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--citizens", type=int, default=30)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--out", default="")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (for --reuse)")
    parser.add_argument("--reuse", default="", help="a dir kept by --keep (SQLite): skip the preparation")
    args = parser.parse_args(argv)
    # TERM (from `timeout` or Ctrl-C in make) unwinds through the finally blocks, which stop
    # gunicorn and the consumer and drop the PostgreSQL database.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    if args.reuse:
        work = Path(args.reuse)
        setup = json.loads((work / "setup.json").read_text())
        env = {**os.environ, "ZHENGWU_VAR_DIR": str(work / "var"), "ZHENGWU_DEMO": "true", "ZHENGWU_PLAIN_STATIC": "true",
               "ZHENGWU_TRUSTED_PROXIES": "127.0.0.1", "ZHENGWU_BACKUP_NIGHTLY": "false", "DJANGO_DEBUG": "false",
               "PROMETHEUS_MULTIPROC_DIR": str(work / "var" / "prometheus")}
        for name in ("DATABASE_URL", "HUEY_IMMEDIATE", "HUEY_REDIS_URL", "CACHE_URL", "ZHENGWU_SEARCH_BACKEND"):
            env.pop(name, None)
        pg_admin, db_label = None, "sqlite"
        args.keep = True
    else:
        work = Path(tempfile.mkdtemp(prefix="zhengwu-load-"))
        env, setup, pg_admin, db_label = prepare(work, args.database_url, args.citizens, fast_passwords=False)
    platform = None
    try:
        setup_file = work / "setup.json"
        setup_file.write_text(json.dumps(setup))
        port = free_port()
        platform = Platform(env, port, args.workers, work)
        platform.start_gunicorn()
        platform.start_consumer()
        log(f"locust: {args.users} users for {args.duration} against 127.0.0.1:{port} ({db_label})")
        prefix = work / "locust"
        started = time.time()
        proc = subprocess.run(
            [str(Path(PY).parent / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
             "-u", str(args.users), "-r", str(args.spawn_rate), "-t", args.duration, "--host", f"http://127.0.0.1:{port}",
             "--csv", str(prefix), "--only-summary", "--stop-timeout", "10"],
            cwd=ROOT, env={**env, "ZHENGWU_LOAD_SETUP": str(setup_file)}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True,
        )
        (work / "locust.log").write_text(proc.stdout)
        seconds = time.time() - started
        platform.stop()
        pages, failures = read_stats(prefix)
    finally:
        if platform is not None:
            platform.stop()
        drop_database(pg_admin)
    total = next((p for p in pages if p["name"] == "Aggregated"), {"requests": 0, "failures": 0})
    figures = {
        "database": db_label, "users": args.users, "duration": args.duration, "spawn_rate": args.spawn_rate,
        "workers": args.workers, "seconds": round(seconds, 1), "requests": total["requests"],
        "failures": total["failures"], "pages": pages, "failure_kinds": failures,
        "when": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "machine": f"{os.cpu_count()} CPUs shared with other work, load average {os.getloadavg()[0]:.1f} at the end",
    }
    print(markdown(figures))
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        stem = out / f"loadtest-{db_label}-{time.strftime('%Y%m%d-%H%M%S')}"
        stem.with_suffix(".json").write_text(json.dumps(figures, ensure_ascii=False, indent=2))
        stem.with_suffix(".md").write_text(markdown(figures))
        log(f"figures saved to {stem}.json and .md")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        log(f"kept {work}")
    return 0 if total["requests"] and not total["failures"] else 1


if __name__ == "__main__":
    sys.exit(main())
