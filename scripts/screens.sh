#!/usr/bin/env bash
# `make screens [URL=http://127.0.0.1:8000]`: screenshots of every public and staff page
# at 1366 and 375 px into docs/screens/ (scripts/screens.py). Without URL it starts the
# platform with the demo county on a temporary var directory and a free port, and stops
# it afterwards; with URL it uses that running platform (run from the same environment,
# so that `manage.py demo_totp` reads the same database).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_venv
cd "$ROOT_DIR"

export ZHENGWU_CHROMIUM="${ZHENGWU_CHROMIUM:-/usr/bin/chromium}"
[ -x "$ZHENGWU_CHROMIUM" ] || die "未找到 Chromium($ZHENGWU_CHROMIUM),请先 apt-get install chromium / Chromium not found"

if [ -n "${URL:-}" ]; then
    exec "$VENV_PY" scripts/screens.py --url "$URL" "$@"
fi

VAR="$(mktemp -d /tmp/zhengwu-screens.XXXXXX)"
PORT="${SCREENS_PORT:-$(free_port)}"
export ZHENGWU_VAR_DIR="$VAR"
LOG="$VAR/run.log"
say "启动演示平台 / starting the demo platform on port $PORT (var: $VAR, log: $LOG)"
PORT="$PORT" setsid scripts/run.sh >"$LOG" 2>&1 &
RUN_PID=$!
cleanup() {
    # run.sh traps TERM and stops gunicorn and the consumer; its process group catches the rest.
    kill -TERM "$RUN_PID" 2>/dev/null || true
    wait "$RUN_PID" 2>/dev/null || true
    kill -TERM -- "-$RUN_PID" 2>/dev/null || true
    [ "${KEEP_VAR:-}" = "1" ] || rm -rf "$VAR"
}
trap cleanup EXIT INT TERM
for _ in $(seq 1 900); do
    grep -q "zhengwu is running" "$LOG" 2>/dev/null && break
    kill -0 "$RUN_PID" 2>/dev/null || { tail -30 "$LOG"; die "平台启动失败 / the platform did not start"; }
    sleep 1
done
grep -q "zhengwu is running" "$LOG" || die "平台 15 分钟内未就绪 / not ready after 15 minutes"
"$VENV_PY" scripts/screens.py --url "http://127.0.0.1:$PORT" "$@"
