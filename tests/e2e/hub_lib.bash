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
	# A PostgreSQL hub (and dote) must be told its document key's file
	# (reports/store/doc_key.h); SQLite databases of the test share it.
	export DOTE_HUB_KEY=${DOTE_HUB_KEY:-$T/document.key}
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

# --- the office tests' helpers (office_selection.sh, office_chain.sh) ---

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# cf_for N: a valid codice fiscale for birth day N (1..28) of March 1995,
# a woman born in Milano; `dote cf` names the right check character.
cf_for() {
	local base why
	base=$(printf 'BNCGLI95C%02dF205' $(( $1 + 40 )))
	why=$("$DOTE_BIN/dote" cf "${base}A" | sed -n 's/.*check character should be \([A-Z]\).*/\1/p')
	echo "$base${why:-A}"
}

# json_post URL PATH TOKEN BODY|@FILE [curl args]: a kiosk's JSON POST
# (no Authorization when TOKEN is empty); prints 'CODE BODY'.
json_post() {
	local url=$1 path=$2 tok=$3 body=$4
	shift 4
	curl -s -o "$T/resp" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
		${tok:+-H "Authorization: Bearer $tok"} --data-binary "$body" "$@" "$url$path"
	echo " $(cat "$T/resp")"
}

# Staff pages on the hub at $URL (or $HUB_URL), with a curl cookie JAR:
# staff_csrf JAR [PATH]: the CSRF token on the page PATH (/ufficio);
# page_get JAR PATH: prints the code, the page in $T/page;
# form_post JAR CSRF PATH k=v...: a form POST; prints the code, the page in $T/page.
staff_csrf() {
	curl -s -b "$1" "${URL:-$HUB_URL}${2:-/ufficio}" | grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | cut -d'"' -f4
}
page_get() { curl -s -b "$1" -o "$T/page" -w '%{http_code}' "${URL:-$HUB_URL}$2"; }
form_post() {
	local jar=$1 csrf=$2 path=$3 args=() kv
	shift 3
	for kv in "$@"; do args+=(--data-urlencode "$kv"); done
	curl -s -b "$jar" -o "$T/page" -w '%{http_code}' --data "csrf=$csrf" "${args[@]}" "${URL:-$HUB_URL}$path"
}

# web_login URL JAR NAME PASSWORD: logs in through the login form (its CSRF
# cookie and token first, as a browser gets them); prints the HTTP code.
web_login() { # url jar name password: prints the code; the answer's headers in JAR.headers
	local pre
	rm -f "$2"
	pre=$(curl -s -c "$2" -b "$2" "$1/login" | grep -o 'name="csrf" value="[0-9a-f]*"' | cut -d'"' -f4)
	curl -s -c "$2" -b "$2" -o /dev/null -D "$2.headers" -w '%{http_code}' --data-urlencode "name=$3" \
		--data-urlencode "password=$4" --data "csrf=$pre" "$1/login"
}

# receipt_stage URL: the receipt page's stage and sentence, as
# kiosk_status (kiosk_apply.bash) prints the kiosk's "check my
# application": "Stato: LABEL | SENTENCE".
receipt_stage() {
	curl -s "$1" | /usr/bin/python3 -c 'import sys, html, re
s = sys.stdin.read()
st = re.search(r"<p class=\"state\">Stato della domanda: (.*?)</p>", s)
nx = re.search(r"<p class=\"next\">(.*?)</p>", s)
print("Stato: %s | %s" % (html.unescape(st.group(1)), html.unescape(nx.group(1))) if st and nx else "no status")'
}
# html_text FILE: a page's text as a person reads it (tags dropped, blanks squeezed).
html_text() { sed -e 's/<[^>]*>/ /g' -e 's/&#39;/'"'"'/g' -e 's/&quot;/"/g' -e 's/&amp;/\&/g' "$1" | tr -s ' \n' ' '; }

# start_smtp_sink DIR PORT: the SMTP relay the hub is told about
# (tests/tools/smtp_sink.py, Debian's python3-aiosmtpd); each message lands in
# DIR/NNN.txt. Sets SINK_PID; waits until it listens.
start_smtp_sink() {
	local i
	mkdir -p "$1"
	/usr/bin/python3 "${DOTE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/tools/smtp_sink.py" "$1" "$2" 2>>"$T/smtp-sink.log" &
	SINK_PID=$!
	PIDS+=("$SINK_PID")
	for i in $(seq 100); do [ -s "$1/ready" ] && return 0; sleep 0.05; done
	return 1
}
mail_count() { ls "$1"/*.txt 2>/dev/null | wc -l; }
wait_mails() { # DIR N: waits up to 15 s for N messages in the sink
	local i
	for i in $(seq 150); do [ "$(mail_count "$1")" -ge "$2" ] && return 0; sleep 0.1; done
	return 1
}

# start_chromium NAME: a headless Chromium of its own (profile in $T/NAME,
# so its cookies are its own: one person's browser) with the DevTools
# protocol on a free port; sets CHROMIUM_PORT, or returns 1.
start_chromium() {
	local profile=$T/$1 i
	mkdir -p "$profile"
	chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync --user-data-dir="$profile" --remote-debugging-port=0 \
		--remote-allow-origins='*' about:blank >"$T/$1.log" 2>&1 &
	PIDS+=($!)
	for i in $(seq 150); do [ -s "$profile/DevToolsActivePort" ] && break; sleep 0.1; done
	CHROMIUM_PORT=$(head -1 "$profile/DevToolsActivePort" 2>/dev/null)
	[ -n "$CHROMIUM_PORT" ]
}
