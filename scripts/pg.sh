#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for `make test` and `make bench` (sourced after lib.sh).
# Sets PG_URL; the caller must call stop_pg_cluster (e.g. from an EXIT trap).
# PG_EXTRA_OPTS: server options (make test turns durability off; make bench keeps fsync on).

PG_TMP=""
PG_USER=""
PG_AS=()
PG_EXTRA_OPTS="${PG_EXTRA_OPTS:-}"

pg_bindir() {
    local dir
    # Debian keeps server binaries out of PATH, one directory per major version.
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then echo "$dir"; return; fi
    command -v initdb >/dev/null 2>&1 && dirname "$(command -v initdb)"
    return 0
}

stop_pg_cluster() {
    if [ -n "$PG_TMP" ] && [ -d "$PG_TMP/data" ]; then
        say "停止并删除临时 PostgreSQL / stopping and removing the throw-away cluster"
        (cd "$PG_TMP" && "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m immediate -w stop >/dev/null 2>&1) || true
    fi
    [ -z "$PG_TMP" ] || rm -rf "$PG_TMP"
    PG_TMP=""
}
start_pg_cluster() {
    PG_BIN="$(pg_bindir)"
    PG_TMP="$(mktemp -d /tmp/zhengwu-pg.XXXXXX)"
    if is_root; then
        # PostgreSQL refuses to run as root; use Debian's `postgres` system user.
        PG_USER=postgres
        if ! id -u "$PG_USER" >/dev/null 2>&1; then
            PG_USER=zhengwu-pg
            id -u "$PG_USER" >/dev/null 2>&1 ||
                useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$PG_USER"
        fi
        chown "$PG_USER" "$PG_TMP"
        if command -v runuser >/dev/null 2>&1; then
            PG_AS=(runuser -u "$PG_USER" --)
        else
            PG_AS=(setpriv --reuid="$PG_USER" --regid="$(id -g "$PG_USER")" --clear-groups --)
        fi
    fi
    chmod 700 "$PG_TMP"
    local password
    password="$("$VENV_PY" -c 'import secrets; print(secrets.token_hex(16))')"
    (umask 077; echo "$password" >"$PG_TMP/pwfile")
    [ -z "$PG_USER" ] || chown "$PG_USER" "$PG_TMP/pwfile"
    pg() { (cd "$PG_TMP" && "${PG_AS[@]}" "$@"); }

    say "启动临时 PostgreSQL / starting a throw-away PostgreSQL cluster ($PG_BIN) in $PG_TMP"
    if ! pg "$PG_BIN/initdb" -D "$PG_TMP/data" -U zhengwu --pwfile="$PG_TMP/pwfile" \
        --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --no-locale -N >"$PG_TMP/initdb.log" 2>&1; then
        cat "$PG_TMP/initdb.log" >&2
        return 1
    fi
    rm -f "$PG_TMP/pwfile"
    local port attempt
    for attempt in 1 2 3; do
        port="$(free_port)"
        # Durability is worthless for a cluster deleted in a few minutes; speed is not.
        if pg "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/postgres.log" -w -t 60 \
            -o "-p $port -k $PG_TMP -c listen_addresses=127.0.0.1 $PG_EXTRA_OPTS" \
            start >/dev/null; then
            break
        fi
        port=""
    done
    if [ -z "$port" ]; then
        tail -n 30 "$PG_TMP/postgres.log" >&2 || true
        return 1
    fi
    pg "$PG_BIN/createdb" -h "$PG_TMP" -p "$port" -U zhengwu "${PG_DB_NAME:-zhengwu_test}"
    PG_URL="postgres://zhengwu:$password@127.0.0.1:$port/${PG_DB_NAME:-zhengwu_test}"
    say "PostgreSQL 已启动 / ready on 127.0.0.1:$port"
}

