#!/usr/bin/env bash
# `make screens [URL=http://127.0.0.1:8000]`: screenshots of every public and staff page
# at 1366 and 375 px into docs/screens/ (scripts/screens.py). Without URL it starts the
# platform with the demo county on a temporary var directory and a free port, and stops
# it afterwards; with URL it uses that running platform (run from the same environment,
# so that `manage.py demo_totp` reads the same database).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# ZHENGWU_SKIP_VENV=1: use the .venv as it is (a shared environment must not be reinstalled).
[ "${ZHENGWU_SKIP_VENV:-}" = "1" ] || ensure_venv
cd "$ROOT_DIR"

export ZHENGWU_CHROMIUM="${ZHENGWU_CHROMIUM:-/usr/bin/chromium}"
[ -x "$ZHENGWU_CHROMIUM" ] || die "未找到 Chromium($ZHENGWU_CHROMIUM),请先 apt-get install chromium / Chromium not found"

if [ -n "${URL:-}" ]; then
    exec "$VENV_PY" scripts/screens.py --url "$URL" "$@"
fi

VAR="$(mktemp -d /tmp/zhengwu-screens.XXXXXX)"
PORT="${SCREENS_PORT:-$(free_port)}"
export ZHENGWU_VAR_DIR="$VAR"
export ZHENGWU_DEMO=true
LOG="$VAR/server.log"
manage() { "$VENV_PY" manage.py "$@"; }
# The same preparation as `make run` (scripts/run.sh), without the task consumer: the
# screenshots only read.
say "准备演示数据 / preparing the demo county in $VAR"
manage migrate --noinput -v 0
manage load_catalog
manage calendar_seed
manage load_demo_county
manage build_demo_year
manage seal_setup
manage search_rebuild
manage collectstatic --noinput -v 0
say "启动 / serving on 127.0.0.1:$PORT (log: $LOG)"
"$VENV_DIR/bin/gunicorn" zhengwu.wsgi:application --workers 2 --bind "127.0.0.1:$PORT" \
    --no-control-socket --forwarded-allow-ips "" >"$LOG" 2>&1 &
SERVER_PID=$!
cleanup() {
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    [ "${KEEP_VAR:-}" = "1" ] || rm -rf "$VAR"
}
trap cleanup EXIT INT TERM
for _ in $(seq 1 150); do
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -30 "$LOG"; die "gunicorn 启动失败 / gunicorn failed to start"; }
    sleep 0.2
done
"$VENV_PY" scripts/screens.py --url "http://127.0.0.1:$PORT" "$@"
