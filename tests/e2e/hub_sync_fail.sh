#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# A hub whose disk stops syncing its write-ahead log (issue 21). The hub
# commits a group without waiting for the disk and its syncer thread
# fdatasyncs the log before any answer goes out (reports/hub/pool.c);
# RELIABILITY.md says a failed sync turns every later batch into 503
# until the hub restarts. Here the real hub runs with
# tests/tools/preload/failsync.c, which makes fsync/fdatasync of the
# -wal file fail with EIO once a trigger file appears. A kiosk sends
# batches of 100 before, during and after the fault: no batch may get a
# 200 once the log cannot be synced (not even after the disk recovers:
# the kernel may have dropped the pages of the failed write), every
# acknowledged record must be in the database after a restart (kill -9),
# and the restarted hub takes the kiosk's resends: every record once,
# integrity_check ok.
. "$(dirname "$0")/hub_lib.bash"

SHIM=$DOTE_TESTS_BIN/failsync.so
[ -f "$SHIM" ] || { fail sync-fail-setup "$SHIM not built (make all)"; finish; }
command -v jq >/dev/null || { echo "SKIP sync-fail: jq not installed"; exit 0; }

post() { # path token body: prints 'CODE BODY'
	curl -s -m 30 -o "$T/resp" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
		${2:+-H "Authorization: Bearer $2"} --data-binary "$3" "$HUB_URL$1"
	echo " $(cat "$T/resp")"
}

db=$T/hub.db
"$SYNCTOOL" catalog "$db" 015146 3 >/dev/null || { fail sync-fail-setup "catalog"; finish; }
# Under `make check` the hub carries ASan, whose runtime must come first.
asan=$(ldd "$DOTE_BIN/dote-hub" 2>/dev/null | awk '/libasan/ { print $3 }')
LD_PRELOAD="${asan:+$asan }$SHIM" FAILSYNC_TRIGGER=$T/trip FAILSYNC_LOG=$T/failed-syncs \
	start_hub syncfail "$db" --threads 2 || { fail sync-fail-setup "hub"; finish; }
code=$("$DOTE_BIN/dote" kiosk enroll-code --comune 015146 --db "$db" 2>/dev/null)
r=$(post /v1/enroll "" "{\"code\":\"$code\",\"public_key\":\"$("$SYNCTOOL" key K01)\"}")
tok=$(echo "${r#200 }" | jq -r .token 2>/dev/null)
[[ "$tok" =~ ^[0-9a-f]{64}$ ]] || { fail sync-fail-setup "enrol: $r"; finish; }

# Batch i holds kiosk sequence numbers 100*i+1 .. 100*i+100.
batch() { "$SYNCTOOL" batch K01 015146 100 5 $((100 * $1)) $((100 * $1 + 1)) DC06-015146-001 1 > "$T/b$1.json"; }
acked=() refused=() bad=''
send() { # i: posts batch i, records what the hub answered; sets r
	r=$(post /v1/applications "$tok" "$(cat "$T/b$1.json")")
	if [[ "$r" == "200 "* ]]; then acked+=("$1"); else refused+=("$1:${r%% *}"); fi
}

# The disk works: two batches acknowledged.
batch 0; batch 1
send 0
check_match sync-fail-before-0 "$r" '^200 .*"stored":100,'
send 1
check_match sync-fail-before-1 "$r" '^200 .*"stored":100,'

# The log stops syncing: every batch is refused with 503, none acked.
touch "$T/trip"
for i in 2 3 4; do
	batch "$i"
	send "$i"
	[ "$i" = 2 ] && first503=$r
	[[ "$r" == "503 "* ]] || bad+=" batch $i: ${r:0:80};"
done
[ -z "$bad" ] && pass sync-fail-refused-while-failing || fail sync-fail-refused-while-failing "$bad"
check sync-fail-first-says-unconfirmed "$(grep -o '"error":"[^"]*"' <<<"${first503:-}")" \
	'"error":"storage unavailable; not confirmed on disk, send again"'
check_match sync-fail-fault-happened "$(head -1 "$T/failed-syncs" 2>/dev/null)" '/hub\.db-wal$'
grep -q "could not be synced" "$T/syncfail.log" && pass sync-fail-logged ||
	fail sync-fail-logged "$(tail -3 "$T/syncfail.log")"
check sync-fail-hub-still-answers "$(curl -s -m 10 "$HUB_URL/healthz")" "ok"

# The disk recovers, but the hub cannot know what the failed sync lost:
# still 503 until it restarts.
rm -f "$T/trip"
bad=''
for i in 5 6; do
	batch "$i"
	send "$i"
	[[ "$r" == "503 "* ]] || bad+=" batch $i: ${r:0:80};"
done
[ -z "$bad" ] && pass sync-fail-503-until-restart || fail sync-fail-503-until-restart "$bad"
check sync-fail-acked "${acked[*]}" "0 1"

# Restart (a crash: kill -9). Every acknowledged record is there.
kill -9 "$HUB_PID"
wait "$HUB_PID" 2>/dev/null
start_hub syncfail2 "$db" --threads 2 || { fail sync-fail-restart "hub"; finish; }
lost=0
for i in "${acked[@]}"; do
	n=$(sqlite3 "$db" "SELECT count(*) FROM application WHERE kiosk_id = 'K01' AND seq BETWEEN $((100 * i + 1)) AND $((100 * i + 100))")
	lost=$((lost + 100 - n))
done
check sync-fail-nothing-acked-lost "$lost" 0
kept=$(sqlite3 "$db" "SELECT count(*) FROM application WHERE kiosk_id = 'K01' AND seq BETWEEN 201 AND 300")

# The kiosk resends what was refused, and sends on: all accepted.
bad=''
batch 7
for i in 2 3 4 5 6 7; do
	r=$(post /v1/applications "$tok" "$(cat "$T/b$i.json")")
	[[ "$r" == "200 "* ]] || bad+=" batch $i: ${r:0:80};"
done
[ -z "$bad" ] && pass sync-fail-accepted-after-restart || fail sync-fail-accepted-after-restart "$bad"
check sync-fail-every-record-once "$("$SYNCTOOL" count "$db")" "applications 800 uuids 800 duplicates 0"
check sync-fail-integrity "$(sqlite3 "$db" 'PRAGMA integrity_check')" "ok"
echo "# acked: ${acked[*]}; refused: ${refused[*]}; failed syncs: $(wc -l < "$T/failed-syncs" 2>/dev/null);" \
	"of the batch whose sync failed, $kept of 100 records were in the database after the restart"
finish
