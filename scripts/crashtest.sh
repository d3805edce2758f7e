#!/usr/bin/env bash
# `make crashtest`: bench/crashtest.py on SQLite, then on PostgreSQL (a throw-away cluster
# unless DATABASE_URL names a server), figures saved under bench/results/.
# Arguments go to both runs, e.g. `make crashtest ARGS="--submissions 100 --kills 2"`.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=scripts/pg.sh
source "$ROOT_DIR/scripts/pg.sh"

ensure_venv
cd "$ROOT_DIR"
trap stop_pg_cluster EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

pg_url_given() { [[ "${DATABASE_URL:-}" =~ ^(postgres|postgresql|pgsql|psql)(\+[a-z0-9]+)?:// ]]; }
OUT="${CRASHTEST_OUT:-$ROOT_DIR/bench/results}"
overall=0
declare -A result

say "崩溃测试 / crash test: SQLite"
if env -u DATABASE_URL "$VENV_PY" bench/crashtest.py --out "$OUT" "$@"; then result[SQLite]="通过 / passed"; else result[SQLite]="失败 / failed"; overall=1; fi

pg_url=""
if pg_url_given; then
    pg_url="$DATABASE_URL"
else
    if [ -z "$(pg_bindir)" ] && is_root; then apt_install postgresql || true; fi
    if [ -n "$(pg_bindir)" ]; then
        # Durable like production (fsync on): a SIGKILLed process must not lose a commit.
        PG_EXTRA_OPTS="-c synchronous_commit=on"
        PG_DB_NAME=zhengwu_crash
        start_pg_cluster && pg_url="$PG_URL"
    fi
fi
if [ -n "$pg_url" ]; then
    say "崩溃测试 / crash test: PostgreSQL"
    if "$VENV_PY" bench/crashtest.py --database-url "$pg_url" --out "$OUT" "$@"; then
        result[PostgreSQL]="通过 / passed"
    else
        result[PostgreSQL]="失败 / failed"; overall=1
    fi
else
    result[PostgreSQL]="未运行 / not run — 没有 PostgreSQL(sudo apt-get install -y postgresql)"
    is_ci && overall=1
fi
stop_pg_cluster
echo "SQLite: ${result[SQLite]}"
echo "PostgreSQL: ${result[PostgreSQL]}"
exit "$overall"
