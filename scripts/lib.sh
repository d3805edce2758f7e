# Shared helpers for scripts/*.sh; sourced, never executed.
# shellcheck shell=bash

ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV_DIR="$ROOT_DIR/.venv"
VENV_PY="$VENV_DIR/bin/python"
# The stamp holds a hash of everything that decides what is installed, so a second
# `make run` skips pip entirely and a changed lock file reinstalls.
DEPS_STAMP="$VENV_DIR/.zhengwu-deps.sha256"

say() { printf '==> %s\n' "$*"; }
warn() { printf '!!  %s\n' "$*" >&2; }
die() { printf '错误 / error: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }
is_ci() { [ "${CI:-}" = "true" ] || [ "${CI:-}" = "1" ]; }

find_python() {
    local candidate
    for candidate in "${PYTHON:-}" python3 python3.13 python3.12 python3.11; do
        [ -n "$candidate" ] || continue
        command -v "$candidate" >/dev/null 2>&1 || continue
        if "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

# apt_install PKG...: install Debian packages when we are root (as on CI). Tries without
# `apt-get update` first because a fresh index costs a minute and is usually not needed.
apt_install() {
    is_root || return 1
    command -v apt-get >/dev/null 2>&1 || return 1
    say "apt-get install $*"
    export DEBIAN_FRONTEND=noninteractive
    if apt-get install -y -q --no-install-recommends "$@" </dev/null; then
        return 0
    fi
    say "apt-get install failed; running apt-get update and retrying"
    apt-get update -q </dev/null && apt-get install -y -q --no-install-recommends "$@" </dev/null
}

ensure_venv() {
    cd "$ROOT_DIR"
    if [ ! -x "$VENV_PY" ]; then
        local py
        py="$(find_python)" || die "需要 python3 ≥ 3.11 / python3 >= 3.11 is required (Debian 12: apt-get install python3 python3-venv)"
        say "创建虚拟环境 / creating .venv with $py"
        if ! "$py" -m venv "$VENV_DIR" 2>/dev/null; then
            rm -rf "$VENV_DIR"
            if apt_install python3-venv; then
                "$py" -m venv "$VENV_DIR" || die "python3 -m venv failed"
            else
                die "python3 -m venv 失败:请先安装 / failed: install it with: sudo apt-get install -y python3-venv"
            fi
        fi
    fi
    local want have=""
    want="$(cat requirements.lock pyproject.toml | sha256sum | cut -d' ' -f1)"
    [ -f "$DEPS_STAMP" ] && have="$(cat "$DEPS_STAMP")"
    if [ "$want" != "$have" ]; then
        say "安装依赖 / installing dependencies (requirements.lock)"
        local pip=("$VENV_PY" -m pip --disable-pip-version-check -q)
        "${pip[@]}" install --progress-bar off -r requirements.lock
        "${pip[@]}" install --progress-bar off -e . --no-deps
        echo "$want" >"$DEPS_STAMP"
    fi
}

# Pick a free TCP port on 127.0.0.1 (the kernel chooses; we release it right away).
free_port() {
    "$VENV_PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
