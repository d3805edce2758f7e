#!/usr/bin/env bash
# `make bench`: see bench/run_bench.py (pages) and bench/modules.py (module benches).
# Arguments go to run_bench.py, e.g. `make bench ARGS="--quick"` or
# `make bench ARGS="--skip-pages --modules cases,supervision"`.
# The module benches the issues ask for on PostgreSQL too run against a throw-away
# cluster started here (as in make test) unless BENCH_PG_URL names a server.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=scripts/pg.sh
source "$ROOT_DIR/scripts/pg.sh"

ensure_venv
cd "$ROOT_DIR"
if ! command -v wrk >/dev/null 2>&1; then
    if is_root; then
        apt_install wrk || warn "无法安装 wrk,将使用 Python 负载生成器 / wrk not installed, using the Python generator"
    else
        warn "未安装 wrk(sudo apt-get install -y wrk),将使用 Python 负载生成器 / using the Python generator"
    fi
fi

trap stop_pg_cluster EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ " $* " != *" --modules none "* ]] && [ -z "${BENCH_PG_URL:-}" ]; then
    if [ -z "$(pg_bindir)" ] && is_root; then
        apt_install postgresql || true
    fi
    if [ -n "$(pg_bindir)" ]; then
        # Durable like a real server (fsync on); commits do not wait for the disk, which is
        # what SQLite's WAL with synchronous=NORMAL does too, so the two compare fairly.
        PG_EXTRA_OPTS="-c synchronous_commit=off -c shared_buffers=256MB"
        PG_DB_NAME=zhengwu_bench
        if start_pg_cluster; then
            export BENCH_PG_URL="$PG_URL"
        else
            warn "无法启动 PostgreSQL,模块基准只在 SQLite 上运行 / PostgreSQL did not start: SQLite only"
        fi
    else
        warn "未安装 PostgreSQL,模块基准只在 SQLite 上运行 / no PostgreSQL: module benches on SQLite only"
    fi
fi
status=0
"$VENV_PY" bench/run_bench.py "$@" || status=$?

# Load test with Locust (bench/loadtest.py, bench/locustfile.py): the demo county behind
# gunicorn, 100 simulated users for 5 minutes, on SQLite and (with BENCH_PG_URL) PostgreSQL.
# BENCH_LOADTEST=0 skips it; BENCH_LOADTEST_USERS and BENCH_LOADTEST_DURATION change it.
if [ "${BENCH_LOADTEST:-1}" != "0" ]; then
    load_args=(--out bench/results --users "${BENCH_LOADTEST_USERS:-100}" --duration "${BENCH_LOADTEST_DURATION:-5m}")
    say "负载测试 / load test (Locust): SQLite"
    env -u DATABASE_URL "$VENV_PY" bench/loadtest.py "${load_args[@]}" || status=1
    if [ -n "${BENCH_PG_URL:-}" ]; then
        say "负载测试 / load test (Locust): PostgreSQL"
        "$VENV_PY" bench/loadtest.py "${load_args[@]}" --database-url "$BENCH_PG_URL" || status=1
    else
        warn "没有 PostgreSQL,负载测试只在 SQLite 上运行 / no PostgreSQL: load test on SQLite only"
    fi
fi
exit "$status"
