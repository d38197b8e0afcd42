# SPDX-License-Identifier: EUPL-1.2
# Shared by the hub and sync end-to-end tests (tests/e2e/hub_*.sh,
# sync_*.sh); sourced, never run by itself (not named *.sh). Gives a temp
# dir $T cleaned up on exit, every started process killed by the trap,
# PASS/FAIL helpers, a hub on a free loopback port (port 0, read back
# from --port-file), and a throwaway PostgreSQL cluster on a unix socket.
set -u
: "${DOTE_BIN:=$(cd "$(dirname "$0")/../.." && pwd)/build/bin}"
: "${DOTE_TESTS_BIN:=$(dirname "$DOTE_BIN")/tests}"
T=$(mktemp -d)
chmod 755 "$T"
PIDS=()
PG_DIR=
failures=0
SYNCTOOL=$DOTE_TESTS_BIN/synctool
export DOTE_SYNC_BACKOFF_MAX_MS=${DOTE_SYNC_BACKOFF_MAX_MS:-1500}

cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	if [ -n "$PG_DIR" ]; then
		runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR" -m immediate stop >/dev/null 2>&1
	fi
	[ -n "${KEEP_T:-}" ] || rm -rf "$T"
}
trap cleanup EXIT

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; failures=$((failures + 1)); }
check() { # name, got, want
	if [ "$2" == "$3" ]; then pass "$1"; else fail "$1" "got '$2', want '$3'"; fi
}
check_match() { # name, text, regex
	if [[ "$2" =~ $3 ]]; then pass "$1"; else fail "$1" "'${2:0:200}' does not match /$3/"; fi
}
finish() { [ "$failures" -eq 0 ]; exit $?; }

# start_hub NAME DBURL [args...]: sets HUB_PID and HUB_URL (http://127.0.0.1:PORT);
# HUB_LISTEN_PORT=N reuses a port (a restarted hub the kiosk already knows).
start_hub() {
	local name=$1 db=$2 i
	shift 2
	rm -f "$T/$name.port"
	"$DOTE_BIN/dote-hub" --db "$db" --listen "127.0.0.1:${HUB_LISTEN_PORT:-0}" \
		--port-file "$T/$name.port" "$@" \
		>>"$T/$name.log" 2>&1 &
	HUB_PID=$!
	PIDS+=("$HUB_PID")
	for i in $(seq 100); do
		[ -s "$T/$name.port" ] && break
		kill -0 "$HUB_PID" 2>/dev/null || break
		sleep 0.05
	done
	HUB_PORT=$(cat "$T/$name.port" 2>/dev/null)
	HUB_URL=http://127.0.0.1:$HUB_PORT
	[ -n "$HUB_PORT" ]
}

# start_proxy NAME TARGET_PORT [faultproxy args]: sets PROXY_PID, PROXY_URL
start_proxy() {
	local name=$1 target=$2 i
	shift 2
	rm -f "$T/$name.port"
	"$DOTE_TESTS_BIN/faultproxy" "$T/$name.port" "$target" "$@" 2>>"$T/$name.log" &
	PROXY_PID=$!
	PIDS+=("$PROXY_PID")
	for i in $(seq 100); do
		[ -s "$T/$name.port" ] && break
		sleep 0.05
	done
	PROXY_URL=http://127.0.0.1:$(cat "$T/$name.port")
}

# start_pg: a throwaway cluster as user postgres on a unix socket in $T;
# sets PG_URL, or returns 1 when PostgreSQL cannot be started here.
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
start_pg() {
	[ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] && id postgres >/dev/null 2>&1 || return 1
	command -v runuser >/dev/null || return 1
	mkdir -p "$T/pg" "$T/pgsock"
	chown postgres "$T/pg" "$T/pgsock"
	runuser -u postgres -- "$PG_BIN/initdb" -D "$T/pg" -A trust -U postgres -E UTF8 --no-sync \
		>"$T/initdb.log" 2>&1 || return 1
	PG_DIR=$T/pg
	runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$T/pg" -w -l "$T/pg/server.log" \
		-o "-k $T/pgsock -c listen_addresses= -p 5432 -c max_connections=200" start >/dev/null || return 1
	runuser -u postgres -- "$PG_BIN/createdb" -h "$T/pgsock" -p 5432 dote || return 1
	PG_URL="postgresql:///dote?host=$T/pgsock&port=5432&user=postgres"
}

# backends: "sqlite" and, when a cluster starts, "pg". db_url BACKEND NAME
backends() {
	BACKENDS=(sqlite)
	if start_pg; then BACKENDS+=(pg); else echo "SKIP $1-pg: PostgreSQL cannot be started here"; fi
}
PG_DBS=0
db_url() {
	if [ "$1" == pg ]; then
		PG_DBS=$((PG_DBS + 1))
		runuser -u postgres -- "$PG_BIN/createdb" -h "$T/pgsock" -p 5432 "d$PG_DBS"
		echo "postgresql:///d$PG_DBS?host=$T/pgsock&port=5432&user=postgres"
	else
		echo "$T/$2.db"
	fi
}
