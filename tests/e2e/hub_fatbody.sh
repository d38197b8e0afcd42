#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Bodies that are small in bytes and big once parsed (issue 21, attack 2):
# one valid kiosk token, 16 requests at once, each about 4 MB of JSON
# holding 200,000 tiny records, three rounds, on /v1/applications and
# then on /v1/heartbeat. The hub's peak RSS (VmHWM) must stay under 4x
# body_memory above its idle RSS, and its RSS come back near idle after
# the attack. body_memory is 16 MiB here (the default is 64 MiB: the
# same accounting, a faster test). tests/tools/hubsiege.py sends.
. "$(dirname "$0")/hub_lib.bash"

SIEGE="python3 $(cd "$(dirname "$0")/../tools" && pwd)/hubsiege.py"
kv() { local p; for p in $2; do [ "${p%%=*}" == "$1" ] && echo "${p#*=}"; done; }
MEM=16777216

db=$T/fat.db
"$SYNCTOOL" catalog "$db" 015146 3 >/dev/null || { fail setup catalog; finish; }
for path in /v1/applications /v1/heartbeat; do
	name=${path##*/}
	start_hub "$name" "$db" --threads 4 --set body_memory=$MEM || { fail "$name-setup" "hub did not start"; continue; }
	if [ -z "${tok:-}" ]; then
		code=$("$DOTE_BIN/dote" kiosk enroll-code --comune 015146 --db "$db" 2>/dev/null)
		tok=$(curl -s -X POST --data-binary "{\"code\":\"$code\",\"public_key\":\"$("$SYNCTOOL" key K01)\"}" \
			"$HUB_URL/v1/enroll" | jq -r .token)
	fi
	# A first real request, so that idle RSS includes what any request costs.
	curl -s -o /dev/null -H "Authorization: Bearer $tok" --data-binary '{}' "$HUB_URL/v1/heartbeat"
	sleep 0.5
	r=$($SIEGE fatbody "$HUB_PORT" "$HUB_PID" "$tok" "$path" 16 3 200000)
	echo "# $path: $r (body_memory $MEM)"
	grow=$(( ($(kv hwm "$r") - $(kv rss_before "$r")) * 1024 ))
	if [ "$grow" -le $((4 * MEM)) ]; then
		pass "$name-peak-rss-under-4x-body-memory"
	else
		fail "$name-peak-rss-under-4x-body-memory" "peak $((grow / 1048576)) MiB above idle, limit $((4 * MEM / 1048576)) MiB"
	fi
	left=$(( ($(kv rss_after "$r") - $(kv rss_before "$r")) * 1024 ))
	if [ "$left" -le "$MEM" ]; then
		pass "$name-memory-returned-after-attack"
	else
		fail "$name-memory-returned-after-attack" "$((left / 1048576)) MiB still held 3 s after"
	fi
	hb=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $tok" --data-binary '{}' "$HUB_URL/v1/heartbeat")
	check "$name-kiosk-served-after" "$hb" 200
	kill "$HUB_PID"; wait "$HUB_PID" 2>/dev/null
done
finish
