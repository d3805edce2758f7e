"""`make bench`: load the portal pages and a bare Django page on one gunicorn server.

Builds a fresh bench database under var/bench/ (migrated, catalog + calendar + demo county
loaded), starts gunicorn (2 workers, DEBUG off, bench.settings) on a free 127.0.0.1 port,
loads each page with wrk (or a bounded Python generator when wrk is missing), prints
requests/s, p50, p99 and the ratio to the bare page, checks the goal, measures
`add_working_days` throughput and saves everything under bench/results/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import importlib
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, sys.path starts at bench/; the calendar bench imports `bench.*` and `zhengwu.*`.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
VAR_DIR = ROOT / "var" / "bench"
RESULTS_DIR = ROOT / "bench" / "results"
HOST = "127.0.0.1"  # never anything else: the load stays on this machine

PAGES = [
    ("catalog_list", "目录列表页 catalog list", "/catalog/"),
    ("item", "事项页 item page", "/catalog/items/QL017/"),
    # The public API mirrors those pages and is cached like them (issue 15: goal ≥ API_RATIO_GOAL).
    ("catalog_api", "目录接口 catalog API", "/api/v1/catalog/items?category=power"),
    ("item_api", "事项接口 item API", "/api/v1/catalog/items/QL017"),
    ("bare", "基准页 bare page", "/bench/bare/"),
]
API_PAGES = {"catalog_api", "item_api"}
API_RATIO_GOAL = 0.5
RATIO_GOAL = 0.7
P99_GOAL_MS = 100.0
# Hard ceilings so a broken server or a typo in the arguments cannot run for ever.
MAX_DURATION_S = 60
MAX_REQUESTS_PY = 500_000


def log(msg: str) -> None:
    print(f"==> {msg}", flush=True)


def bench_env(var_dir: Path = VAR_DIR) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        ZHENGWU_VAR_DIR=str(var_dir),
        # Explicit so a DATABASE_URL in the shell or .env cannot point the bench elsewhere.
        DATABASE_URL=f"sqlite:///{var_dir / 'zhengwu.sqlite3'}",
        DJANGO_DEBUG="false",
        ZHENGWU_DEMO="true",
        ZHENGWU_LOG_LEVEL="WARNING",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")])),
    )
    env.pop("HUEY_REDIS_URL", None)
    return env


def build_database(env: dict[str, str]) -> None:
    log(f"构建基准数据库 / building the bench database in {VAR_DIR}")
    shutil.rmtree(VAR_DIR, ignore_errors=True)
    VAR_DIR.mkdir(parents=True)
    for command in (
        ["migrate", "--noinput"],
        ["load_catalog"],
        ["calendar_seed"],
        ["load_demo_county"],
        ["collectstatic", "--noinput", "-v", "0"],
    ):
        log("manage.py " + " ".join(command))
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True,
            stdout=subprocess.DEVNULL, timeout=600,
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_gunicorn(env: dict[str, str], port: int) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen(
        [str(gunicorn), "zhengwu.wsgi:application", "--workers", "2", "--bind", f"{HOST}:{port}",
         "--chdir", str(ROOT), "--log-level", "warning", "--graceful-timeout", "5",
         "--no-control-socket"],
        cwd=ROOT, env=env, start_new_session=True,  # own process group: stopped as a whole
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn 启动失败 / gunicorn exited with {proc.returncode}")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn 30 秒内未就绪 / gunicorn not ready within 30 s")


def stop_gunicorn(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)
    except ProcessLookupError:
        pass


def fetch_status(port: int, path: str) -> tuple[int, int]:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, len(resp.read())
    finally:
        conn.close()


# --- load generators -----------------------------------------------------------------

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not m:
        raise ValueError(f"unparseable wrk latency {text!r}")
    return float(m.group(1)) * _UNITS[m.group(2)]


def parse_wrk(output: str) -> dict:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
    total = re.search(r"(\d+) requests in", output)
    if not (rps and p50 and p99 and total):
        raise RuntimeError("无法解析 wrk 输出 / cannot parse wrk output:\n" + output)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    p50_ms, p99_ms = _ms(p50.group(1)), _ms(p99.group(1))
    if p50_ms == 0 and p99_ms == 0:
        # wrk leaves timed-out requests out of the distribution; all timed out = no figures.
        p50_ms = p99_ms = None
    return {
        "requests_per_s": float(rps.group(1)),
        "p50_ms": p50_ms,
        "p99_ms": p99_ms,
        "requests": int(total.group(1)),
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        # Read errors are the server closing non-keep-alive connections; only count the rest.
        "errors": (int(sock.group(1)) + int(sock.group(3)) + int(sock.group(4))) if sock else 0,
    }


def run_wrk(url: str, *, connections: int, threads: int, duration: int, headers: dict | None = None) -> dict:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "5s"]
    for name, value in (headers or {}).items():
        cmd += ["-H", f"{name}: {value}"]
    cmd.append(url)
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 30, check=True)
    return parse_wrk(out.stdout)


def run_python_load(port: int, path: str, *, connections: int, duration: int) -> dict:
    """Closed-loop load from `connections` threads; bounded by time and request count."""
    latencies: list[float] = []
    counters = {"non_2xx": 0, "errors": 0}
    lock = threading.Lock()
    stop_at = time.monotonic() + duration

    def worker():
        local, non2xx, errors = [], 0, 0
        conn = None
        while time.monotonic() < stop_at and len(latencies) + len(local) < MAX_REQUESTS_PY:
            if conn is None:
                conn = http.client.HTTPConnection(HOST, port, timeout=5)
            t0 = time.perf_counter()
            try:
                conn.request("GET", path)
                resp = conn.getresponse()
                resp.read()
                local.append((time.perf_counter() - t0) * 1000)
                if not 200 <= resp.status < 400:
                    non2xx += 1
                if resp.will_close:
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException):
                errors += 1
                conn.close()
                conn = None
        if conn is not None:
            conn.close()
        with lock:
            latencies.extend(local)
            counters["non_2xx"] += non2xx
            counters["errors"] += errors

    started = time.monotonic()
    workers = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=duration + 30)
    elapsed = time.monotonic() - started
    if not latencies:
        raise RuntimeError(f"{path}: 没有完成任何请求 / no request completed")
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(round(p / 100 * (len(latencies) - 1))))]

    return {
        "requests_per_s": len(latencies) / elapsed,
        "p50_ms": pct(50),
        "p99_ms": pct(99),
        "requests": len(latencies),
        **counters,
    }


# --- calendar ------------------------------------------------------------------------

def run_calendar_bench() -> dict:
    os.environ.update(bench_env())
    import django

    django.setup()
    module = importlib.import_module("bench.bench_calendar")
    result = module.run()
    if isinstance(result, (int, float)):
        result = {"calls_per_s": float(result)}
    return dict(result or {})


def run_render_bench() -> dict:
    os.environ.update(bench_env())
    import django

    django.setup()
    return importlib.import_module("bench.bench_render").run()


def _figures(label: str, bench) -> dict:
    """Run one in-process bench; a failure becomes its figures' ``error`` (the report is still worth saving)."""
    log(label)
    try:
        return bench()
    except Exception as exc:  # noqa: BLE001 - any failure is reported, the run goes on
        return {"error": f"{type(exc).__name__}: {exc}"}


# --- reporting -----------------------------------------------------------------------

def evaluate(pages: list[dict]) -> None:
    bare = next((p for p in pages if p["key"] == "bare" and p.get("requests_per_s")), None)
    for page in pages:
        if page.get("error") or not page.get("requests_per_s"):
            page["goal_met"] = False
            page["error"] = page.get("error") or "没有完成任何请求 / no request completed"
            continue
        page["ratio_to_bare"] = page["requests_per_s"] / bare["requests_per_s"] if bare else None
        if page["key"] == "bare":
            page["goal_met"] = None  # the baseline itself is not judged
            continue
        goal = API_RATIO_GOAL if page["key"] in API_PAGES else RATIO_GOAL
        page["ratio_goal"] = goal
        page["goal_met"] = bool(
            page["ratio_to_bare"] is not None
            and page["ratio_to_bare"] >= goal
            and page["p99_ms"] is not None
            and page["p99_ms"] <= P99_GOAL_MS
            and page.get("non_2xx", 0) == 0
            and page.get("errors", 0) == 0
        )


def _fmt(value, spec: str) -> str:
    return "—" if value is None else format(value, spec)


class _SkipPages(Exception):
    pass


# Issue 14: steps/s against the SQLite floor of the same run (statements + COMMIT), the
# in-lock time, and the audit sealer's lateness (ADR 0005).
_CASE_KEYS = ("cases", "processes", "steps", "steps_per_second", "steps_per_cpu_second", "cpu_ceiling_steps_per_second",
              "sqlite_only_ceiling_steps_per_second", "ratio_to_sqlite_floor", "in_lock_us_per_step",
              "audit_rows_per_step", "audit_sealed_late", "goal_steps_per_second", "goal_met")
MODULE_FIGURES = {
    # name → (label, keys worth a line in the report)
    "cases": ("办件环节吞吐量 case steps", _CASE_KEYS),
    "cases-workers": ("办件环节吞吐量,两个进程 case steps, 2 processes", _CASE_KEYS),
    "cases-workers4": ("办件环节吞吐量,四个进程 case steps, 4 processes", _CASE_KEYS),
    "office": ("登录后页面 logged-in pages", ("open_cases", "summary", "loadavg_before", "loadavg_after")),
    "supervision": ("电子监察巡检 sweep", ("clocks", "first_sweep_seconds", "first_sweep", "next_day_sweep_seconds",
                                       "next_day_sweep", "repeat_sweep_seconds", "goal_seconds", "goal_met",
                                       "statistics_refresh_seconds", "department_statistics",
                                       "department_statistics_goal_met")),
}


def _module_lines(modules: list[dict]) -> list[str]:
    lines = ["", "## 模块基准 / module benches", ""]
    if not modules:
        return lines + ["(未运行 / not run)"]
    for m in modules:
        label, keys = MODULE_FIGURES.get(m["name"], (m["name"], None))
        lines.append(f"### {label} — {m.get('database', '')} ({m.get('wall_seconds', '—')} s)")
        if m.get("error"):
            lines.append(f"错误 / error: {m['error']}")
            continue
        figures = m.get("figures", {})
        shown = {k: figures[k] for k in keys if k in figures} if keys else figures
        lines += [f"- {k}: {json.dumps(v, ensure_ascii=False, default=str)}" for k, v in shown.items()]
        lines.append(f"- 结果文件 / file: `{m.get('result_file', '')}`")
    return lines


def markdown(result: dict) -> str:
    lines = [
        f"# 性能基准 / bench — {result['timestamp']}",
        "",
        f"gunicorn 2 workers · {result['load_generator']} · {result['connections']} connections · "
        f"{result['duration_s']} s per page · {result['cpu_count']} CPUs · commit {result['commit'] or '—'}",
        "",
        f"目标 / goal: 与基准页之比 ≥ {RATIO_GOAL}(接口 API ≥ {API_RATIO_GOAL}), p99 ≤ {P99_GOAL_MS:.0f} ms",
        "",
        "| 页面 page | URL | 请求/秒 req/s | p50 ms | p99 ms | 与基准页之比 ratio | 非 2xx | 超时/错误 | 结论 |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for p in result["pages"]:
        verdict = p.get("error") or {True: "达标", False: "未达标", None: "基准"}[p.get("goal_met")]
        lines.append(
            f"| {p['label']} | `{p['path']}` | {_fmt(p.get('requests_per_s'), '.1f')} | "
            f"{_fmt(p.get('p50_ms'), '.2f')} | {_fmt(p.get('p99_ms'), '.2f')} | "
            f"{_fmt(p.get('ratio_to_bare'), '.2f')} | {p.get('non_2xx', '—')} | {p.get('errors', '—')} | {verdict} |"
        )
    cal = result.get("calendar") or {}
    lines += ["", "## add_working_days", ""]
    if not cal:
        lines.append("未运行(--skip-pages)/ not run (--skip-pages)")
    elif cal.get("error"):
        lines.append(f"错误 / error: {cal['error']}")
    else:
        lines += [f"- {k}: {v}" for k, v in cal.items()]
    render = result.get("uncached_render") or {}
    lines += [
        "",
        "## 未缓存渲染 / uncached render (one process, cache emptied before each request)",
        "",
        "上表是匿名访问的稳定状态(页面缓存命中);登录用户和缓存失效后的第一次访问付出下面的代价。",
        "",
    ]
    if not render:
        lines.append("未运行(--skip-pages)/ not run (--skip-pages)")
    elif render.get("error"):
        lines.append(f"错误 / error: {render['error']}")
    else:
        lines += ["| URL | ms/请求 | 查询数 queries |", "|---|---:|---:|"]
        lines += [
            f"| `{path}` | {page['ms_per_request']:.2f} | {page['queries']} |"
            for path, page in render.get("pages", {}).items()
        ]
    lines += _module_lines(result.get("modules") or [])
    return "\n".join(lines) + "\n"


def git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                             text=True, timeout=10)
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def load_page(page: dict, port: int, *, use_wrk: bool, args) -> None:
    path = page["path"]
    # Generous timeout: the server may still be draining the queue left by the previous page.
    status, size = fetch_status(port, path)
    page["status"], page["bytes"] = status, size
    if status != 200:
        page["error"] = f"HTTP {status}"
        return
    log(f"{path}: 预热 {args.warmup} s,加载 {args.duration} s / warm-up, then load ({size} bytes)")
    url = f"http://{HOST}:{port}{path}"
    if use_wrk:
        if args.warmup:
            run_wrk(url, connections=args.connections, threads=args.threads, duration=args.warmup)
        page.update(run_wrk(url, connections=args.connections, threads=args.threads, duration=args.duration))
    else:
        if args.warmup:
            run_python_load(port, path, connections=args.connections, duration=args.warmup)
        page.update(run_python_load(port, path, connections=args.connections, duration=args.duration))
    if page.get("non_2xx") or page.get("errors"):
        log(f"{path}: {page.get('non_2xx')} 个非 2xx 响应 / non-2xx, {page.get('errors')} 个连接错误或超时 / socket errors")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page (default 10)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per page (default 2)")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--path", action="append", dest="paths",
                        help="load only these paths (repeatable; /bench/bare/ is always added)")
    parser.add_argument("--python-load", action="store_true", help="use the Python generator even if wrk exists")
    parser.add_argument("--reuse-db", action="store_true", help="skip rebuilding var/bench")
    parser.add_argument("--skip-pages", action="store_true", help="skip the page load test (module benches only)")
    parser.add_argument("--modules", default="all",
                        help="module benches to run: all, none, or a comma list of "
                             "cases,supervision,search,office,routing,insights")
    parser.add_argument("--quick", action="store_true", help="module benches at small sizes (a smoke run)")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", ""),
                        help="PostgreSQL for the module benches the issues ask on both databases")
    args = parser.parse_args(argv)
    args.duration = max(1, min(args.duration, MAX_DURATION_S))
    args.warmup = max(0, min(args.warmup, MAX_DURATION_S))
    args.connections = max(1, min(args.connections, 1000))

    pages_spec = PAGES
    if args.paths:
        pages_spec = [(f"path{i}", path, path) for i, path in enumerate(args.paths) if path != "/bench/bare/"]
        pages_spec.append(PAGES[-1])
    use_wrk = shutil.which("wrk") is not None and not args.python_load
    generator = "wrk" if use_wrk else "python-threads"
    if not use_wrk:
        log("未找到 wrk,改用 Python 负载生成器(结果偏低)/ wrk not found, using the Python generator")

    env = bench_env()
    ok = True
    proc = None
    pages: list[dict] = []
    # TERM (e.g. from a CI timeout) must still stop gunicorn: turn it into SystemExit.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        if args.skip_pages:
            raise _SkipPages
        if not args.reuse_db or not (VAR_DIR / "zhengwu.sqlite3").exists():
            build_database(env)
        port = free_port()
        proc = start_gunicorn(env, port)
        log(f"gunicorn 已启动 / up on http://{HOST}:{port}/ (2 workers)")
        for key, label, path in pages_spec:
            page = {"key": key, "label": label, "path": path}
            pages.append(page)
            try:
                load_page(page, port, use_wrk=use_wrk, args=args)
            except (RuntimeError, OSError, subprocess.SubprocessError, ValueError) as exc:
                page["error"] = f"{type(exc).__name__}: {exc}"[:200]
                log(f"{path}: 错误 / error: {page['error']}")
            if page.get("error"):
                ok = False
    except _SkipPages:
        log("跳过页面压测 / page load test skipped")
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        ok = False
        log(f"错误 / error: {exc}")
    finally:
        stop_gunicorn(proc)

    evaluate(pages)
    calendar = render = {}
    # Both read var/bench/, which only the page test builds: with --skip-pages it may be
    # missing or left by an older checkout (a stale static manifest made the render a 500).
    if not args.skip_pages:
        calendar = _figures("add_working_days 吞吐量 / throughput (bench/bench_calendar.py)", run_calendar_bench)
        render = _figures("未缓存时的页面渲染 / uncached render cost (bench/bench_render.py)", run_render_bench)
        ok = ok and "error" not in calendar and "error" not in render

    modules = []
    if args.modules != "none":
        from bench.modules import run_all

        only = None if args.modules == "all" else {m.strip() for m in args.modules.split(",") if m.strip()}
        modules = run_all(only=only, quick=args.quick, pg_url=args.pg_url or None, log=log)
        ok = ok and all("error" not in m for m in modules)

    now = dt.datetime.now(ZoneInfo("Asia/Shanghai"))
    result = {
        "timestamp": now.isoformat(timespec="seconds"),
        "commit": git_commit(),
        "load_generator": generator,
        "connections": args.connections,
        "threads": args.threads,
        "duration_s": args.duration,
        "warmup_s": args.warmup,
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "goal": {"ratio_to_bare_min": RATIO_GOAL, "api_ratio_to_bare_min": API_RATIO_GOAL, "p99_ms_max": P99_GOAL_MS},
        "pages": pages,
        "calendar": calendar,
        "uncached_render": render,
        "modules": modules,
        "quick": args.quick,
        "ok": ok,
    }
    report = markdown(result)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = now.strftime("%Y%m%d-%H%M%S")
    text = json.dumps(result, ensure_ascii=False, indent=2, default=str) + "\n"
    (RESULTS_DIR / f"{stamp}.json").write_text(text, encoding="utf-8")
    (RESULTS_DIR / f"{stamp}.md").write_text(report, encoding="utf-8")
    (RESULTS_DIR / "latest.json").write_text(text, encoding="utf-8")
    (RESULTS_DIR / "latest.md").write_text(report, encoding="utf-8")

    print()
    print(report)
    print(f"结果已保存 / saved: bench/results/{stamp}.json, bench/results/{stamp}.md, bench/results/latest.json")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
