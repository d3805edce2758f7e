#!/usr/bin/env bash
# `make run`: install, prepare the embedded (SQLite + Huey-on-SQLite) site, then serve it
# with gunicorn and the huey consumer side by side until Ctrl-C / TERM.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PORT="${PORT:-8000}"
[[ "$PORT" =~ ^[0-9]+$ ]] || die "PORT 必须是数字 / PORT must be a number: $PORT"
# The site `make run` builds is the demo county; production deployments leave this unset.
export ZHENGWU_DEMO="${ZHENGWU_DEMO:-true}"

ensure_venv
cd "$ROOT_DIR"

if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
    die "端口 $PORT 已被占用,请换一个端口:make run PORT=9000 / port $PORT is in use, try: make run PORT=9000"
fi

manage() { "$VENV_PY" manage.py "$@"; }
say "数据库迁移 / migrate";                 manage migrate --noinput
say "加载事项目录 / load_catalog";          manage load_catalog
say "加载工作日历 / calendar_seed";         manage calendar_seed
say "加载示例县 / load_demo_county";        manage load_demo_county
# A year of activity, built once through the services and kept (ADR 0015).
say "一年演示数据 / build_demo_year";        manage build_demo_year
say "电子印章证书 / seal_setup";              manage seal_setup
say "重建检索索引 / search_rebuild";          manage search_rebuild
say "收集静态文件 / collectstatic";         manage collectstatic --noinput -v 0

VAR_DIR="$("$VENV_PY" -c 'import os; os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengwu.settings"); from django.conf import settings; print(settings.VAR_DIR)')"

pids=()
stopping=0
stop_all() {
    [ "$stopping" -eq 1 ] && return
    stopping=1
    local pid
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap 'stop_all; echo "已停止 / stopped"; exit 0' INT
trap 'stop_all; echo "已停止 / stopped"; exit 0' TERM
trap 'stop_all' EXIT

# Request metrics of both gunicorn workers (and the consumer) add up in one /metrics scrape.
export PROMETHEUS_MULTIPROC_DIR="$VAR_DIR/prometheus"
rm -rf "$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"

# The browser talks to gunicorn directly here, so gunicorn believes no forwarding header
# (--forwarded-allow-ips ''; its default trusts 127.0.0.1, where every local client comes
# from) and the app trusts no X-Real-IP (ZHENGWU_TRUSTED_PROXIES unset): a client cannot
# name its own address. Behind nginx set both to nginx's address (see README).
"$VENV_DIR/bin/gunicorn" zhengwu.wsgi:application \
    --workers 2 --bind "127.0.0.1:$PORT" --graceful-timeout 5 --no-control-socket \
    --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-}" \
    --access-logfile - --error-logfile - &
pids+=("$!")
# Started directly, not through manage(): a backgrounded function is a subshell, and
# TERM to that subshell would leave the consumer running.
"$VENV_PY" manage.py run_huey &
pids+=("$!")

# Announce the URL only once gunicorn really accepts connections.
for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
    kill -0 "${pids[0]}" 2>/dev/null || die "gunicorn 启动失败 / gunicorn failed to start"
    sleep 0.2
done

echo
echo "================================================================"
if [ -f "$VAR_DIR/demo_accounts.txt" ]; then
    echo "演示账号 / demo accounts:"
    cat "$VAR_DIR/demo_accounts.txt"
else
    warn "未找到 $VAR_DIR/demo_accounts.txt / demo accounts file not found"
fi
echo
echo "政务信息平台已启动 / zhengwu is running:  http://127.0.0.1:$PORT/"
echo "按 Ctrl-C 停止 / press Ctrl-C to stop"
echo "================================================================"

# Whichever of the two exits first takes the other down with it.
set +e
wait -n "${pids[@]}"
status=$?
set -e
warn "一个进程已退出(状态 $status),正在停止 / a process exited (status $status), stopping"
stop_all
exit "$status"
