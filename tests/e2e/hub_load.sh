#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Load: 1,000 simulated kiosks (one connection each, libcurl multi) sync
# at once against one hub on loopback for a bounded time: each sends
# batches of new applications, heartbeats and catalog requests in turn.
# No request may fail, every record sent must be stored once, and the
# hub must still answer afterwards. SQLite, and PostgreSQL when a
# cluster can be started (fewer seconds there).
# (All from one address: per_address_connections=0 lifts the per-address
# connection limit the hub would otherwise apply.)
. "$(dirname "$0")/hub_lib.bash"

run() {
	local b=$1 secs=$2 db out sent
	db=$(db_url "$b" "$b-load")
	"$SYNCTOOL" catalog "$db" 015146 3 >/dev/null || { fail "$b-setup" "catalog"; return; }
	"$DOTE_TESTS_BIN/loadgen" setup "$db" 1000 "$T/$b-tokens" 015146 || { fail "$b-setup" "kiosks"; return; }
	# The default header_timeout (10 s): requests queued for one of the 4
	# threads behind slow batches are not the kiosks' delay and are not cut.
	start_hub "$b-load" "$db" --threads 4 --quiet --set rate_per_minute=600 --set per_address_connections=0 ||
		{ fail "$b-setup" "hub"; return; }
	out=$("$DOTE_TESTS_BIN/loadgen" run "$HUB_URL" "$T/$b-tokens" "$secs" 10 DC06-015146-001 2>"$T/$b-loadgen.err")
	echo "$b: $out"
	check_match "$b-1000-kiosks-no-errors" "$out" '^kiosks 1000 requests [0-9]+ errors 0 '
	sent=$(echo "$out" | sed -n 's/.* records \([0-9]*\) stored.*/\1/p')
	check_match "$b-every-kiosk-sent" "$sent" '^[0-9]{4,}$'
	check_match "$b-sent-equals-stored" "$out" " records $sent stored $sent "
	check "$b-stored-once" "$("$SYNCTOOL" sql "$db" "SELECT count(*), count(DISTINCT uuid), count(DISTINCT kiosk_id) FROM application")" "$sent|$sent|1000"
	check "$b-hub-serving-after" "$(curl -s "$HUB_URL/healthz")" "ok"
	kill "$HUB_PID"
}

backends hub-load
for b in "${BACKENDS[@]}"; do
	if [ "$b" == pg ]; then run pg 5; else run sqlite 12; fi
done
finish
