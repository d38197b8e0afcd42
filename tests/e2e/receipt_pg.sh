#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Receipts against a hub on PostgreSQL, through the real enrolment: a
# kiosk key is enrolled with POST /v1/enroll and an operator's one-time
# code, applications are submitted the kiosk's way, and
# `dote receipt verify --db postgres://...` accepts their QR payloads until
# the operator revokes the kiosk with `dote kiosk revoke`.
source "$(dirname "$0")/hub_lib.bash"
BIN=$DOTE_BIN
command -v zbarimg >/dev/null || { echo "SKIP receipt_pg: zbarimg not installed"; exit 0; }
[ -x "$DOTE_TESTS_BIN/submit_loop" ] || { fail receipt_pg "submit_loop not built"; finish; }
if ! start_pg; then echo "SKIP receipt_pg: PostgreSQL cannot be started here"; exit 0; fi

"$BIN/dote" demo --db "$T/kiosk.db" --catalog-only --hosts 5 >/dev/null || fail receipt_pg-demo "demo catalog"
"$BIN/dote-hub" --db "$PG_URL" --load-catalog "$T/kiosk.db" >"$T/load.log" 2>&1 \
	|| fail receipt_pg-load "$(tail -2 "$T/load.log")"
start_hub hub "$PG_URL" || { fail receipt_pg-hub "hub did not start: $(tail -3 "$T/hub.log")"; finish; }
code=$("$BIN/dote" kiosk enroll-code --comune 015146 --db "$PG_URL" 2>/dev/null)
check_match receipt_pg-code "$code" '^[A-Z0-9-]+$'

# The kiosk's key pair exists before enrolment (submit_loop --count 0 creates it).
"$DOTE_TESTS_BIN/submit_loop" --db "$T/kiosk.db" --state "$T/state" --count 0 >/dev/null
pk=$(tr -d '\n' < "$T/state/key.pub")
reply=$(curl -s -X POST -H 'Content-Type: application/json' \
	-d "{\"code\":\"$code\",\"public_key\":\"$pk\",\"name\":\"test\"}" "$HUB_URL/v1/enroll")
kid=$(sed -n 's/.*"kiosk_id" *: *"\([A-Z0-9-]*\)".*/\1/p;s/.*"id" *: *"\([A-Z0-9-]*\)".*/\1/p' <<<"$reply" | head -1)
check_match receipt_pg-enrolled "$kid" '^K[0-9]+$'
# The kiosk now signs as the id the hub gave it.
sed -i "s/^id=.*/id=$kid/" "$T/state/identity"

"$DOTE_TESTS_BIN/submit_loop" --db "$T/kiosk.db" --state "$T/state" --count 2 \
	--receipts "$T/receipts" --hub "$HUB_URL" > "$T/out" || fail receipt_pg-submit "submit failed"
proto=$(awk 'NR==1{print $2}' "$T/out")
url=$(zbarimg --raw -q "$T/receipts/$proto.png" 2>/dev/null | head -1)
check_match receipt_pg-qr "$url" "^HTTP://127.0.0.1:[0-9]+/R/[A-Z2-7]+$"
out=$("$BIN/dote" receipt verify "$url" --db "$PG_URL"); rc=$?
check receipt_pg-genuine "$rc" 0
check_match receipt_pg-fields "$out" "protocol: +$proto"
tampered="${url:0:${#url}-1}$( [ "${url: -1}" = A ] && echo B || echo A )"
"$BIN/dote" receipt verify "$tampered" --db "$PG_URL" >/dev/null; check receipt_pg-tampered $? 1
"$BIN/dote" kiosk revoke "$kid" --db "$PG_URL" >/dev/null 2>&1
out=$("$BIN/dote" receipt verify "$url" --db "$PG_URL"); rc=$?
check receipt_pg-revoked "$rc" 1
check_match receipt_pg-revoked-says "$out" "revoked"
finish
