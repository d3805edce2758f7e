"""Logged-in pages with 10,000 open cases, against the bare page (issue 16, Performance).

Logged-in pages are never served from the page cache. This bench builds its own SQLite
database (var/bench-office/): one department with the four case posts, one item,
``--cases`` open cases submitted through ``case_submit`` (all waiting at 受理, so the window
clerk's inbox holds every one) by 500 applicants. Then, in one process through Django's
full middleware stack (test client, real session rows, OTP-verified staff session), it
times the bare page ``/bench/bare/``, the staff workbench ``/office/``, the case inbox
``/office/cases/`` and a citizen's "my cases" ``/cases/mine/``, and reports for each page:

* ms per request (median of ``--rounds`` rounds of ``--requests`` requests) and the ratio
  bare ms / page ms (goal ≥ 0.3 for the three logged-in pages);
* where a request's time goes: SQL time by table family (session, auth/OTP, org
  responsibility, the page's selector tables, other), session writes per request,
  template rendering (its own SQL excluded) and the rest (middleware and view Python).

    python bench/bench_office.py [--cases 10000] [--requests 60] [--rounds 3] [--var-dir DIR]

It also times two floor pages (a signed-in page with nothing of its own, staff and
citizen), then measures every page again the issue's way: gunicorn (2 workers) on the same
database, wrk with 20 connections and the page's session cookie, requests/s against the
bare page's; the goal is judged on those HTTP ratios. The cases are submitted in a child
process first, so the timing process carries nothing of the submissions.

Figures go to bench/results/office-latest.json (and office-<stamp>.json).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import re
import shutil
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
RATIO_GOAL = 0.3
GOAL_PAGES = ("workbench", "inbox", "my_cases")
APPLICANTS = 500
PAGES = (
    ("bare", "基准页 bare page", "/bench/bare/", None),
    # The floors: a signed-in page with nothing of its own (session, user, second factor,
    # access rule, the frame, the unread count). No logged-in page can be cheaper.
    ("office_floor", "工作台空白页 staff frame only", "/bench/office-empty/", "clerk"),
    ("citizen_floor", "门户空白页 citizen frame only", "/bench/citizen-empty/", "citizen"),
    ("workbench", "工作台 staff workbench", "/office/", "clerk"),
    ("inbox", "办件收件箱 case inbox", "/office/cases/", "clerk"),
    ("my_cases", "我的办件 citizen's cases", "/cases/mine/", "citizen"),
)
_TABLE = re.compile(r'(?:FROM|INTO|UPDATE|JOIN)\s+"?(\w+)"?', re.I)


def _prepare_environment(var_dir: Path, reuse: bool = False) -> None:
    if not var_dir.name.startswith("bench"):
        raise SystemExit(f"refusing to wipe {var_dir}: a bench directory's name starts with 'bench'")
    if not reuse:
        shutil.rmtree(var_dir, ignore_errors=True)
        var_dir.mkdir(parents=True)
    for p in (str(ROOT), str(ROOT / "bench")):
        if p not in sys.path:
            sys.path.insert(0, p)
    os.environ["ZHENGWU_VAR_DIR"] = str(var_dir)
    os.environ["DATABASE_URL"] = f"sqlite:///{var_dir / 'zhengwu.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("ZHENGWU_LOG_LEVEL", "WARNING")
    os.environ.pop("HUEY_REDIS_URL", None)
    import django

    django.setup()
    from django.conf import settings

    # No collectstatic here: plain static URLs instead of the manifest's hashed ones (a
    # dictionary lookup either way).
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


def _family(sql: str) -> str:
    """Which part of the request a statement serves, by the first table it names."""
    m = _TABLE.search(sql)
    table = m.group(1).lower() if m else ""
    if table.startswith("django_session"):
        return "session"
    if table.startswith(("accounts_", "auth_", "otp_")):
        return "auth_otp"
    if table.startswith("org_"):
        return "org_responsibility"
    if table.startswith(("cases_", "core_clock", "catalog_")):
        return "selector"
    return "other"


class Probe:
    """Counts SQL by family, session saves and template rendering of the requests in between."""

    def __init__(self):
        self.reset()
        self.rendering = 0

    def reset(self):
        self.sql_ms = defaultdict(float)
        self.sql_n = defaultdict(int)
        self.sql_in_render_ms = 0.0
        self.render_ms = 0.0
        self.session_saves = 0
        self.session_save_ms = 0.0

    def execute(self, execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            ms = (time.perf_counter() - t0) * 1000
            family = _family(sql)
            self.sql_ms[family] += ms
            self.sql_n[family] += 1
            if self.rendering:
                self.sql_in_render_ms += ms

    def install(self):
        from django.contrib.sessions.backends import db as session_db
        from django.template.backends.django import Template

        probe = self
        render, save = Template.render, session_db.SessionStore.save

        def timed_render(self, *args, **kwargs):
            probe.rendering += 1
            t0 = time.perf_counter()
            try:
                return render(self, *args, **kwargs)
            finally:
                probe.rendering -= 1
                if not probe.rendering:
                    probe.render_ms += (time.perf_counter() - t0) * 1000

        def timed_save(self, *args, **kwargs):
            t0 = time.perf_counter()
            try:
                return save(self, *args, **kwargs)
            finally:
                probe.session_saves += 1
                probe.session_save_ms += (time.perf_counter() - t0) * 1000

        Template.render, session_db.SessionStore.save = timed_render, timed_save


def _clients(keys: dict) -> dict:
    from django.conf import settings
    from django.test import Client

    clients = {None: Client()}
    for who, key in keys.items():
        clients[who] = Client()
        clients[who].cookies[settings.SESSION_COOKIE_NAME] = key
    return clients


def _world(n_cases: int, log) -> dict:
    """Department, item, posts, applicants and ``n_cases`` open cases, all through services."""
    from bench.bench_cases import _world as cases_world
    from zhengwu.accounts.models import User
    from zhengwu.cases.services import case_submit

    item, staff, _few = cases_world()
    applicants = [
        User(username=f"bench_office_citizen_{n}", kind=User.Kind.CITIZEN, real_name=f"办事人{n}")
        for n in range(APPLICANTS)
    ]
    for user in applicants:
        user.set_unusable_password()
    applicants = User.objects.bulk_create(applicants)
    t0 = time.perf_counter()
    for i in range(n_cases):
        applicant = applicants[i % len(applicants)]
        case_submit(actor=applicant, item=item, applicant=applicant, channel="online")
        if (i + 1) % 2000 == 0:
            log(f"  {i + 1:,} 件 / cases ({(i + 1) / (time.perf_counter() - t0):,.0f}/s)")
    return {"clerk": staff["clerk"].username, "citizen": applicants[0].username}


def _sessions(usernames: dict) -> dict:
    """Fresh signed-in sessions (the clerk's with a verified second factor)."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from zhengwu.accounts.models import User

    keys = {}
    for who, username in usernames.items():
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        if user.kind == User.Kind.STAFF:
            device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
            session = SessionStore(session_key=client.session.session_key)
            session["otp_device_id"] = device.persistent_id
            session.save()
        keys[who] = client.session.session_key
    return keys


def _time_page(client, path: str, requests: int, rounds: int, probe: Probe) -> dict:
    from django.db import connection

    response = client.get(path)  # warm templates and caches
    if response.status_code != 200:
        return {"error": f"HTTP {response.status_code} {response.get('Location', '')}"}
    per_round, cpu_round = [], []
    probe.reset()
    with connection.execute_wrapper(probe.execute):
        for _ in range(rounds):
            t0, c0 = time.perf_counter(), time.thread_time()
            for _ in range(requests):
                client.get(path)
            per_round.append((time.perf_counter() - t0) / requests * 1000)
            # CPU time of this thread: the request's cost without the waits for a core
            # that other processes on a shared machine add to the wall time.
            cpu_round.append((time.thread_time() - c0) / requests * 1000)
    n = requests * rounds
    ms = statistics.median(per_round)
    sql_ms = sum(probe.sql_ms.values())
    render_own = probe.render_ms - probe.sql_in_render_ms
    total_ms = sum(per_round) / rounds  # mean, for the breakdown's shares
    breakdown = {f"sql_{k}_ms": round(v / n, 3) for k, v in sorted(probe.sql_ms.items())}
    breakdown.update({f"sql_{k}_queries": round(v / n, 2) for k, v in sorted(probe.sql_n.items())})
    breakdown.update({
        "session_writes_per_request": round(probe.session_saves / n, 2),
        "session_write_ms": round(probe.session_save_ms / n, 3),
        "template_ms_without_sql": round(render_own / n, 3),
        "python_rest_ms": round(total_ms - (sql_ms + render_own) / n, 3),
        "queries_per_request": round(sum(probe.sql_n.values()) / n, 2),
    })
    return {"ms_per_request": round(ms, 3), "cpu_ms_per_request": round(statistics.median(cpu_round), 3),
            "rounds_cpu_ms": [round(x, 3) for x in cpu_round], "rounds_ms": [round(x, 3) for x in per_round],
            "bytes": len(response.content), "breakdown": breakdown}


def _profile(client, path: str, requests: int = 20, top: int = 30) -> None:
    import cProfile
    import io
    import pstats

    client.get(path)
    prof = cProfile.Profile(time.thread_time)  # CPU, not the waits of a loaded machine
    prof.enable()
    for _ in range(requests):
        client.get(path)
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(top)
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(top)
    print(f"--- cProfile {path} ({requests} requests)\n{out.getvalue()}")


def _http_load(var_dir: Path, keys: dict, *, duration: int, connections: int, log) -> dict | None:
    """Every page over HTTP: gunicorn (2 workers, as ``make bench``'s portal pages) on this
    bench's database, loaded by wrk with the page's session cookie, one page at a time.
    Ratios are requests/s against the bare page's in the same run."""
    import subprocess

    import run_bench
    from django.conf import settings

    if shutil.which("wrk") is None:
        log("未找到 wrk,跳过 HTTP 压测 / wrk not found: no HTTP figures")
        return None
    env = run_bench.bench_env(var_dir)
    if not (var_dir / "static" / "staticfiles.json").exists():
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                       check=True, timeout=600)
    port = run_bench.free_port()
    proc = run_bench.start_gunicorn(env, port)
    # The workers import the URLconf and open the search index on their first request; on a
    # busy machine that takes longer than wrk's 5 s timeout, so each page is first fetched a
    # few times, sequentially and with a generous timeout.
    import http.client

    def warm(path: str, headers: dict | None) -> None:
        for _ in range(4):
            conn = http.client.HTTPConnection(run_bench.HOST, port, timeout=120)
            try:
                conn.request("GET", path, headers=headers or {})
                conn.getresponse().read()
            finally:
                conn.close()

    out: dict = {"server": "gunicorn, 2 workers", "load_generator": f"wrk, {connections} connections, 2 threads",
                 "duration_s": duration, "loadavg_before": [round(x, 2) for x in os.getloadavg()], "pages": {}}
    try:
        for key, _label, path, who in PAGES:
            headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={keys[who]}"} if who else None
            url = f"http://{run_bench.HOST}:{port}{path}"
            try:
                warm(path, headers)
                run_bench.run_wrk(url, connections=connections, threads=2, duration=2, headers=headers)  # warm-up
                figures = run_bench.run_wrk(url, connections=connections, threads=2, duration=duration, headers=headers)
            except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
                figures = {"error": f"{type(exc).__name__}: {exc}"[:200]}
            if figures.get("non_2xx"):
                figures["error"] = f"{figures['non_2xx']} 个非 2xx 响应 / non-2xx responses"
            elif not figures.get("error") and not figures.get("requests"):
                figures["error"] = "没有完成的请求(全部超时)/ no request completed"
            out["pages"][key] = figures
            log(f"  HTTP {path}: {figures.get('requests_per_s', figures.get('error'))} 请求/秒")
    finally:
        run_bench.stop_gunicorn(proc)
    out["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    bare = out["pages"].get("bare", {}).get("requests_per_s")
    for key, figures in out["pages"].items():
        if key != "bare" and bare and figures.get("requests_per_s") and not figures.get("error"):
            figures["ratio_to_bare"] = round(figures["requests_per_s"] / bare, 3)
    return out


def run(cases: int = 10_000, *, requests: int = 60, rounds: int = 3, var_dir: Path | None = None,
        save: bool = True, log=print, profile: tuple[str, ...] = (), reuse: bool = False,
        http_duration: int = 10, http_connections: int = 20, build_only: bool = False) -> dict:
    env_dir = Path(os.environ.get("ZHENGWU_VAR_DIR", "") or ".")
    # `make bench` (bench/modules.py) gives each module bench its own var/bench-<name>-<db>.
    var_dir = Path(var_dir or (env_dir if env_dir.name.startswith("bench") else ROOT / "var" / "bench-office"))
    users_file = var_dir / "users.json"
    reuse = reuse and users_file.exists()
    _prepare_environment(var_dir, reuse)
    logging.getLogger("zhengwu.calendar").setLevel(logging.ERROR)
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    if reuse:
        log(f"沿用 {var_dir} 中的办件 / reusing the cases in {var_dir}")
        usernames = json.loads(users_file.read_text())
    else:
        log(f"提交 {cases:,} 件办件 / submitting {cases:,} open cases")
        usernames = _world(cases, log)
        users_file.write_text(json.dumps(usernames))
    if build_only:
        from django.db import connection

        connection.close()  # checkpoints the WAL: the timing process starts from a settled file
        return {}
    # Planner statistics as a running server has them (the task worker refreshes them
    # nightly, core.dbstats): without them SQLite guesses, e.g. scanning 10,000 open cases
    # by status instead of looking up the few clocks due today.
    call_command("db_statistics", verbosity=0)
    keys = _sessions(usernames)
    from zhengwu.cases.models import Case

    cases = Case.objects.count()
    clients = _clients(keys)
    for key, _label, path, who in PAGES:
        if key in profile:
            _profile(clients[who], path)
    probe = Probe()
    probe.install()
    load_before = os.getloadavg()
    pages = {}
    for key, label, path, who in PAGES:
        pages[key] = {"label": label, "path": path, **_time_page(clients[who], path, requests, rounds, probe)}
        log(f"  {path}: {pages[key].get('ms_per_request', pages[key].get('error'))} ms")
    bare = pages["bare"].get("ms_per_request")
    bare_cpu = pages["bare"].get("cpu_ms_per_request")
    for key, page in pages.items():
        if key != "bare" and bare and page.get("ms_per_request"):
            page["ratio_to_bare"] = round(bare / page["ms_per_request"], 3)
            # What decides requests/s on a saturated server is the CPU a request costs.
            page["cpu_ratio_to_bare"] = round(bare_cpu / page["cpu_ms_per_request"], 3)
    http = _http_load(var_dir, keys, duration=http_duration, connections=http_connections, log=log) if http_duration else None
    for key, page in pages.items():
        if key == "bare":
            continue
        if http and key in http["pages"] and http["pages"][key].get("ratio_to_bare") is not None:
            # The measure: wrk against gunicorn, as requests/s of the bare page.
            page["goal_ratio"], page["goal_measure"] = http["pages"][key]["ratio_to_bare"], "http"
        elif page.get("cpu_ratio_to_bare") is not None:
            page["goal_ratio"], page["goal_measure"] = page["cpu_ratio_to_bare"], "in_process_cpu"
        if key in GOAL_PAGES and page.get("goal_ratio") is not None:
            page["goal_met"] = page["goal_ratio"] >= RATIO_GOAL
    result = {
        "bench": "office", "timestamp": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "open_cases": cases, "requests": requests, "rounds": rounds, "cpus": os.cpu_count(),
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        "goal": f"ratio to the bare page >= {RATIO_GOAL} (workbench, inbox, my cases), over HTTP with wrk",
        "pages": pages,
        "http": http,
        "summary": {key: {"cpu_ms": p.get("cpu_ms_per_request"), "cpu_ratio_to_bare": p.get("cpu_ratio_to_bare"),
                          "queries": p.get("breakdown", {}).get("queries_per_request"),
                          "session_writes": p.get("breakdown", {}).get("session_writes_per_request"),
                          "http_requests_per_s": ((http or {}).get("pages", {}).get(key) or {}).get("requests_per_s"),
                          "http_ratio_to_bare": ((http or {}).get("pages", {}).get(key) or {}).get("ratio_to_bare"),
                          "goal_met": p.get("goal_met")}
                    for key, p in pages.items()},
    }
    print_report(result)
    if save:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        text = json.dumps(result, ensure_ascii=False, indent=2)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        (RESULTS_DIR / f"office-{stamp}.json").write_text(text)
        (RESULTS_DIR / "office-latest.json").write_text(text)
    return result


def print_report(result: dict) -> None:
    print()
    print(f"登录后页面({result['open_cases']:,} 件在办,单进程,每页 {result['rounds']}×{result['requests']} 次请求,"
          f"负载 {result['loadavg_before'][0]:.2f}→{result['loadavg_after'][0]:.2f},{result['cpus']} 个 CPU)")
    print(f"{'页面':<28}{'ms/请求':>9}{'CPU ms':>8}{'之比(CPU)':>10}{'之比(墙钟)':>10}{'查询':>6}{'会话写':>7}{'会话SQL':>8}{'认证SQL':>8}"
          f"{'岗位SQL':>8}{'页面SQL':>8}{'其他SQL':>8}{'模板':>7}{'其余':>7}")
    for page in result["pages"].values():
        if page.get("error"):
            print(f"{page['label']:<28}{page['error']}")
            continue
        b = page["breakdown"]
        ratio, cpu_ratio = page.get("ratio_to_bare"), page.get("cpu_ratio_to_bare")
        print(f"{page['label']:<28}{page['ms_per_request']:>9.2f}{page['cpu_ms_per_request']:>10.2f}"
              f"{('—' if cpu_ratio is None else f'{cpu_ratio:.2f}'):>11}{('—' if ratio is None else f'{ratio:.2f}'):>12}"
              f"{b['queries_per_request']:>8.1f}{b['session_writes_per_request']:>8.2f}"
              f"{b.get('sql_session_ms', 0):>9.2f}{b.get('sql_auth_otp_ms', 0):>9.2f}"
              f"{b.get('sql_org_responsibility_ms', 0):>9.2f}{b.get('sql_selector_ms', 0):>9.2f}"
              f"{b.get('sql_other_ms', 0):>9.2f}{b['template_ms_without_sql']:>8.2f}{b['python_rest_ms']:>8.2f}")
    print("(单进程 ms;之比 = 基准页 / 本页;SQL、模板、其余为墙钟时间的分解;'其余' = 中间件与视图的 Python 时间)")
    http = result.get("http")
    if http:
        print()
        print(f"HTTP({http['server']},{http['load_generator']},每页 {http['duration_s']} 秒,"
              f"负载 {http['loadavg_before'][0]:.2f}→{http['loadavg_after'][0]:.2f})")
        print(f"{'页面':<28}{'请求/秒':>10}{'p50 ms':>9}{'p99 ms':>9}{'与基准页之比':>14}{'目标':>8}")
        for key, page in result["pages"].items():
            figures = http["pages"].get(key, {})
            if figures.get("error"):
                print(f"{page['label']:<28}{figures['error']}")
                continue
            ratio = figures.get("ratio_to_bare")
            goal = "" if key not in GOAL_PAGES else ("达到" if page.get("goal_met") else "未达到")
            p50, p99 = figures.get("p50_ms"), figures.get("p99_ms")
            print(f"{page['label']:<28}{figures['requests_per_s']:>10.1f}{(p50 or 0):>9.1f}{(p99 or 0):>9.1f}"
                  f"{('—' if ratio is None else f'{ratio:.2f}'):>16}{goal:>8}")
    print(f"(目标:工作台、收件箱、我的办件与基准页之比 ≥ {RATIO_GOAL},HTTP 请求/秒;"
          "无 HTTP 数据时按单进程 CPU 时间;空白页 = 登录后页面的下限)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--var-dir", type=Path, default=None)
    parser.add_argument("--reuse", action="store_true", help="keep the database of the last run (same --var-dir)")
    parser.add_argument("--profile", default="", help="cProfile these pages first (comma list: workbench,inbox,my_cases)")
    parser.add_argument("--http-duration", type=int, default=10, help="wrk seconds per page over HTTP; 0 = in-process only")
    parser.add_argument("--http-connections", type=int, default=20)
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.build_only:
        run(args.cases, var_dir=args.var_dir, build_only=True)
        return 0
    if not args.reuse:
        # The cases are submitted in a process of their own, and the pages are timed in this
        # one on the database it left: a process that has just submitted 10,000 cases
        # carries their leftovers (the immediate task queue's results, a long WAL) and
        # measured every page, the bare one included, up to twice as slow as a server's
        # worker would be.
        import subprocess

        build = [sys.executable, str(Path(__file__).resolve()), "--build-only", "--cases", str(args.cases)]
        if args.var_dir:
            build += ["--var-dir", str(args.var_dir)]
        subprocess.run(build, check=True)
    result = run(args.cases, requests=args.requests, rounds=args.rounds, var_dir=args.var_dir,
                 profile=tuple(p for p in args.profile.split(",") if p), reuse=True,
                 http_duration=max(0, min(args.http_duration, 120)), http_connections=max(1, min(args.http_connections, 200)))
    return 0 if all(p.get("goal_met", True) for p in result["pages"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
