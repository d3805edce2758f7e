#!/usr/bin/env bash
# `make bench`: see bench/run_bench.py. Arguments go to it (e.g. --duration 5).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_venv
cd "$ROOT_DIR"
if ! command -v wrk >/dev/null 2>&1; then
    if is_root; then
        apt_install wrk || warn "无法安装 wrk,将使用 Python 负载生成器 / wrk not installed, using the Python generator"
    else
        warn "未安装 wrk(sudo apt-get install -y wrk),将使用 Python 负载生成器 / using the Python generator"
    fi
fi
exec "$VENV_PY" bench/run_bench.py "$@"
