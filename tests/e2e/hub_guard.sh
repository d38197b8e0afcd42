#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# The hub's HTTP layer under attack, on loopback (issue 13): slow
# connections (slowloris) held to a per-address limit and to deadlines
# for the headers and the body that a trickle does not extend (2 s for
# the headers when many addresses fill the hub), while kiosks and the
# dashboard keep being answered; no memory spent on a
# body before its route and token are checked (RSS measured under ~150
# unauthenticated 4 MB POSTs) and all bodies in flight within a budget;
# dashboard logins limited per address and in total so that unknown-name
# password hashing cannot starve the hub, and strangers cannot lock a
# known account out; the kiosks' rate limit exact per kiosk; conflicting
# Content-Length headers and bad configuration refused. Attackers bind
# 127.0.0.2/127.0.0.3 (all of 127/8 is loopback), legitimate clients
# 127.0.0.1. Every load is bounded in count and time.
. "$(dirname "$0")/hub_lib.bash"

GUARD="python3 $(cd "$(dirname "$0")/../tools" && pwd)/hubguard.py"
kv() { # key "k=v k2=v2": prints v
	local p
	for p in $2; do [ "${p%%=*}" == "$1" ] && echo "${p#*=}"; done
}
le() { # name got max
	if [ -n "$2" ] && [ "${2%.*}" -le "$3" ] 2>/dev/null; then pass "$1"; else fail "$1" "got '$2', want <= $3"; fi
}
ge() { # name got min
	if [ -n "$2" ] && [ "${2%.*}" -ge "$3" ] 2>/dev/null; then pass "$1"; else fail "$1" "got '$2', want >= $3"; fi
}

# --- 1. Bad configuration: refused at start-up, exit code 2, the key named.
bad_config() { # name expected-word args...
	local name=$1 word=$2 out rc
	shift 2
	out=$(timeout 3 "$DOTE_BIN/dote-hub" --db "$T/cfg.db" --listen 127.0.0.1:0 "$@" 2>&1 </dev/null)
	rc=$?
	if [ "$rc" -eq 2 ] && [[ "$out" == *"$word"* ]]; then
		pass "config-refused-$name"
	else
		fail "config-refused-$name" "exit $rc, output '${out:0:160}'"
	fi
}
bad_config body-max-negative body_max --set body_max=-1
bad_config max-connections-abc max_connections --set max_connections=abc
bad_config threads-trailing threads --threads 4x
bad_config timeout-zero connection_timeout --set connection_timeout=0
bad_config rate-huge rate_per_minute --set rate_per_minute=99999999999999999999
bad_config offline-days-zero offline_days --set offline_days=0
bad_config clock-ahead-negative clock_ahead_seconds --set clock_ahead_seconds=-5
bad_config port-abc listen --listen 127.0.0.1:abc
bad_config port-range listen --listen 127.0.0.1:70000
printf 'body_max = 12k\n' >"$T/bad.conf"
bad_config file-body-max body_max --config "$T/bad.conf"

# --- A hub with small limits, so the attacks stay small.
db=$T/guard.db
"$SYNCTOOL" catalog "$db" 015146 3 >/dev/null || { fail setup catalog; finish; }
echo 'una-password-lunga' | "$DOTE_BIN/dote" user add --db "$db" --name coord --role coordinator >/dev/null ||
	{ fail setup "dote user add"; finish; }
start_hub guard "$db" --threads 4 --set max_connections=60 --set per_address_connections=20 \
	--set header_timeout=5 --set body_timeout=4 --set body_memory=17000000 \
	--set rate_per_minute=5 --set login_per_minute=5 || { fail setup "hub did not start"; finish; }
url=$HUB_URL port=$HUB_PORT

enroll() { # comune: prints the token
	local code
	code=$("$DOTE_BIN/dote" kiosk enroll-code --comune "$1" --db "$db" 2>/dev/null)
	curl -s -X POST --data-binary "{\"code\":\"$code\",\"public_key\":\"$("$SYNCTOOL" key K01)\"}" \
		"$url/v1/enroll" | jq -r .token
}
tok1=$(enroll 015146)
# The next kiosk is K548: 'K01' and 'K548' fell in the same slot of the
# old 4096-slot limiter (djb2), each resetting the other's bucket.
"$SYNCTOOL" sql "$db" "INSERT INTO kiosk(id, comune, name, public_key, token_hash, status, enrolled_at)
	VALUES ('K547', '015146', '', '', 'x', 'revoked', '2026-01-01T00:00:00Z')" >/dev/null
tok2=$(enroll 015146)
tok3=$(enroll 015146)	# for the Content-Length and body tests: its own bucket

# --- 7. Rate limiter: exact per kiosk. rate_per_minute=5, bursts of 5.
ok1=0 ok2=0
for i in 1 2 3 4 5 6 7 8 9 10; do
	c=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $tok1" --data-binary '{}' "$url/v1/heartbeat")
	[ "$c" == 200 ] && ok1=$((ok1 + 1))
	c=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $tok2" --data-binary '{}' "$url/v1/heartbeat")
	[ "$c" == 200 ] && ok2=$((ok2 + 1))
done
check "rate-kiosk-a-exactly-5" "$ok1" 5
check "rate-kiosk-b-exactly-5" "$ok2" 5

# --- 10. Two different Content-Length headers: 400; with Transfer-Encoding too.
# (A kiosk's heartbeat that would otherwise be answered 200.)
r=$(printf 'POST /v1/heartbeat HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: 2\r\nContent-Length: 40\r\n\r\n{}' "$tok3" | $GUARD raw "$port")
check "content-length-conflict-400" "$r" "status=400"
r=$(printf 'POST /v1/heartbeat HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n' "$tok3" | $GUARD raw "$port")
check "content-length-and-chunked-400" "$r" "status=400"
r=$(printf 'POST /v1/heartbeat HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}' "$tok3" | $GUARD raw "$port")
check "content-length-same-twice-accepted" "$r" "status=200"

# --- 2. Memory before authentication. Answers come from the headers alone.
# 50 at once, under max_connections=60: with more, whether the hub frees
# answered slots before the client opens the 61st is a race (a loaded CI
# machine saw 3 of 150 accepted and closed unanswered, at the limit); 50
# bodies of 4 MB buffered would still be 200 MB against the 32 MB bound.
r=$($GUARD bodies "$port" "$HUB_PID" 50 4194304 /v1/applications)
echo "# 50 unauthenticated 4 MB POSTs: $r"
check "unauth-bodies-answered-401-from-headers" "$(kv a401 "$r")" 50
le "unauth-bodies-rss-stays-small-KiB" "$(($(kv rss_during "$r") - $(kv rss_before "$r")))" 32768
# A small body refused is read and dropped, so the answer is not lost to
# a reset: a kiosk learns 401/403 (here 60 kB with a revoked-like bad token).
c=$(head -c 60000 /dev/zero | tr '\0' ' ' | curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer 00' \
	--data-binary @- "$url/v1/applications")
check "small-refused-body-answer-arrives" "$c" 401
r=$($GUARD bodies "$port" "$HUB_PID" 20 4194304 /v1/nowhere)
check "unknown-route-404-from-headers" "$(kv a404 "$r")" 20
r=$($GUARD bodies "$port" "$HUB_PID" 3 5000000 /v1/applications "$tok3")
check "over-body-max-413-from-headers" "$(kv a413 "$r")" 3
# body_memory 17 MB: four 4 MiB bodies at once, the next ones 503.
r=$(EXPECT=2 $GUARD bodies "$port" "$HUB_PID" 6 4194304 /v1/applications "$tok3")
echo "# 6 authenticated 4 MiB bodies at once, budget 17 MB: $r"
check "body-budget-holds-4" "$(kv anone "$r")" 4
check "body-budget-refuses-rest-503" "$(kv a503 "$r")" 2
head -c 4194000 /dev/zero | tr '\0' ' ' >"$T/spaces"
c=$(curl -s -o "$T/resp" -w '%{http_code}' -H "Authorization: Bearer $tok3" -H 'Content-Type: application/json' \
	--data-binary @"$T/spaces" "$url/v1/applications")
check "body-budget-freed-after-requests" "$c $(jq -r .error "$T/resp" | cut -c1-14)" "400 malformed JSON"

# --- 1. Slowloris from 127.0.0.2: 80 connections against max_connections=60.
$GUARD slowloris "$port" 127.0.0.2 80 7 >"$T/slow.out" &
slow=$!
sleep 1.5
lat=$($GUARD latency "$url/v1/catalog?comune=015146" 20 10)
login_code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$url/login")
hb_code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $tok3" --data-binary '{}' "$url/v1/heartbeat")
wait $slow
r=$(cat "$T/slow.out")
echo "# slowloris: $r; catalog meanwhile: $lat"
le "slowloris-held-per-address" "$(kv held_1s "$r")" 20
check "slowloris-all-closed-by-header-deadline" "$(kv held_end "$r")" 0
check "catalog-answered-under-slowloris" "$(kv failed "$lat")" 0
le "catalog-p95-under-slowloris-ms" "$(kv p95_ms "$lat")" 500
check "dashboard-answered-under-slowloris" "$login_code" 200
check "kiosk-heartbeat-answered-under-slowloris" "$hb_code" 200
r=$($GUARD trickle "$port" headers 10)
c=$(kv closed_after "$r")
if [ "${c%.*}" -ge 4 ] && [ "${c%.*}" -le 7 ]; then pass "header-deadline-despite-trickle"; else fail "header-deadline-despite-trickle" "closed after $c s (header_timeout 5)"; fi
r=$($GUARD trickle "$port" body 10)
c=$(kv closed_after "$r")
if [ "${c%.*}" -ge 3 ] && [ "${c%.*}" -le 7 ]; then pass "body-deadline-despite-trickle"; else fail "body-deadline-despite-trickle" "closed after $c s (body_timeout 4)"; fi
# Many attacking addresses, each within its limit, fill max_connections
# (4 x 20 >= 90% of 60): then a connection gets 2 s for its headers, not 5.
crowd=()
for a in 127.0.0.2 127.0.0.8 127.0.0.9 127.0.0.10; do
	$GUARD slowloris "$port" $a 20 5 >"$T/crowd.$a" &
	crowd+=($!)
done
sleep 1
lat=$($GUARD latency "$url/v1/catalog?comune=015146" 10 4)
wait "${crowd[@]}"
echo "# crowded: $(cat "$T"/crowd.* | tr '\n' ' '); catalog meanwhile: $lat"
longest=$(cat "$T"/crowd.* | tr ' ' '\n' | sed -n 's/^longest_closed=//p' | sort -n | tail -1)
# Cut before the 5 s header_timeout: a connection opened before the crowd
# was full keeps its 5 s until the fill rises, then gets the tight budget,
# so on a busy machine (the crowd's own processes slow to connect) the
# longest measured 4 s once, 2-3 s when quiet; 5 would mean no tightening.
le "crowded-headers-cut-before-header-timeout" "${longest%.*}" 4
check "catalog-answered-when-crowded" "$(kv failed "$lat")" 0

# --- 3. Logins: per address and in total; no lockout by strangers.
login() { # name password [curl args]: prints the HTTP code
	local jar=$T/jar.$RANDOM csrf
	curl -s -c "$jar" -b "$jar" "${@:3}" "$url/login" >"$jar.html"
	csrf=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$jar.html" | sed 's/.*value="//;s/"//')
	curl -sS -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" "${@:3}" --data-urlencode "name=$1" \
		--data-urlencode "password=$2" --data-urlencode csrf="$csrf" "$url/login" 2>>"$T/curl.err"
}
codes=
for i in 1 2 3 4 5 6 7; do codes+="$(login coord sbagliata-davvero --interface 127.0.0.2) "; done
# Three wrong passwords, then the address backs off (1 s, doubling:
# reports/web/login_brake.h; a try may land after a backoff ends) and
# never more than login_per_minute (5) are checked.
if [[ "$codes" == "401 401 401 "* && "$codes" == *"429 429 " ]] && [ "$(grep -o 401 <<<"$codes" | wc -l)" -le 5 ]; then
	pass "login-stranger-failures-then-limited"
else
	fail "login-stranger-failures-then-limited" "got '$codes'"
fi
check "login-owner-not-locked-out" "$(login coord una-password-lunga)" 303
# Eight loops of unknown names from four addresses; catalog latency meanwhile.
loops=()
for a in 127.0.0.4 127.0.0.5 127.0.0.6 127.0.0.7 127.0.0.4 127.0.0.5 127.0.0.6 127.0.0.7; do
	(end=$((SECONDS + 8)); while [ $SECONDS -lt $end ]; do echo "$(login "nobody$RANDOM" x-password-x --interface $a)"; done >>"$T/loops.codes") &
	loops+=($!)
done
sleep 1
lat=$($GUARD latency "$url/v1/catalog?comune=015146" 60 6)
wait "${loops[@]}"
echo "# catalog under 8 login loops: $lat"
le "catalog-median-under-login-loops-ms" "$(kv median_ms "$lat")" 50
le "catalog-p95-under-login-loops-ms" "$(kv p95_ms "$lat")" 500
# At most 2 argon2id hashes (64 MiB each) at once: the old hub ran one per
# busy thread (peak RSS 283 MB with 4 threads).
hwm=$(awk '/^VmHWM:/ { print int($2 / 1024) }' "/proc/$HUB_PID/status")
echo "# peak RSS of the hub: $hwm MB"
le "login-hashes-at-once-peak-rss-MB" "$hwm" 200
check "catalog-answered-under-login-loops" "$(kv failed "$lat")" 0
echo "# login answers during the loops: $(sort "$T/loops.codes" | uniq -c | tr -s ' \n' ' ')"
[ -s "$T/curl.err" ] && echo "# curl: $(sort "$T/curl.err" | uniq -c | head -3 | tr -s ' \n' ' ')"
le "login-loops-hashed-at-most-per-address-limit" "$(grep -c '^401' "$T/loops.codes")" 20

kill -0 "$HUB_PID" 2>/dev/null && pass "hub-alive-after-all" || fail "hub-alive-after-all" "hub died"

# --- 1b. The header deadline is the client's, not the hub's: a kiosk whose
# next request waits unread while the hub's thread is held up (here by a
# heartbeat waiting 3 s on a locked database, header_timeout 1 s) is
# answered when the thread comes free, not cut. On a busy PostgreSQL hub
# this cut queued kiosks under load (hub_load).
kill "$HUB_PID"
start_hub stall "$db" --threads 1 --set header_timeout=1 --set rate_per_minute=600 ||
	{ fail stall-setup "hub did not start"; finish; }
r=$($GUARD stall "$HUB_PORT" "$db" "$tok3" 3)
echo "# kiosk asking while the hub's thread waits 3 s: $r"
check "queued-kiosk-answered-past-header-timeout" "$(kv status "$r")" 200
ge "queued-kiosk-waited-for-the-thread-s" "$(kv secs "$r")" 2
r=$($GUARD trickle "$HUB_PORT" headers 5)
c=$(kv closed_after "$r")
if [ "${c%.*}" -ge 1 ] && [ "${c%.*}" -le 2 ]; then pass "trickle-still-cut-at-header-timeout"; else fail "trickle-still-cut-at-header-timeout" "$r"; fi
finish
