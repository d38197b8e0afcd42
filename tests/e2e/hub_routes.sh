#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# The hub answers exactly the routes of its one table (reports/hub/routes.c):
# every row of `dote-hub --routes` is answered by its handler on a real hub
# on loopback, near-miss paths get 404, reports/hub/README.md holds the
# table as printed, and an over-long query string gets a clear 414 (never
# cut silently).
. "$(dirname "$0")/hub_lib.bash"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

routes=$("$DOTE_BIN/dote-hub" --routes 2>&1)
rc=$?
check "routes-flag" "$rc" 0
check_match "routes-is-markdown" "$routes" '^\| Method \| Path \|'

# README's table is the output of --routes, byte for byte.
readme=$(sed -n '/^<!-- routes: dote-hub --routes -->$/,/^<!-- \/routes -->$/p' "$ROOT/reports/hub/README.md" |
	sed '1d;$d')
check "readme-equals-routes" "$readme" "$routes"

start_hub hub "$T/hub.db" --quiet || { fail hub-start "no port"; finish; }

# status METHOD PATH: prints "CODE BODY-START".
ask() {
	curl -s --path-as-is -o "$T/body" -w '%{http_code}' -X "$1" "$HUB_URL$2"
}
generic_404='{"error":"not found"}'

# Each row: its first method (GET for "any") on its path ("x" after a
# prefix) reaches its handler: anything but the hub's generic 404. The
# catch-all rows ("nobody") must answer that 404.
rows=0
while IFS='|' read -r _ method path _ who _; do
	method=$(echo $method)
	path=$(echo $path | tr -d '`')
	who=$(echo $who)
	[[ "$path" == /* ]] || continue
	rows=$((rows + 1))
	[ "$method" == "any" ] && method=GET
	method=${method%% *}
	[[ "$path" == *'*' ]] && path="${path%\*}x"
	code=$(ask "$method" "$path")
	body=$(head -c 200 "$T/body")
	if [[ "$who" == nobody* ]]; then
		check "row $method $path is 404" "$code $body" "404 $generic_404"
	elif [ "$code" != 404 ] || [ "$body" != "$generic_404" ]; then
		pass "row $method $path answered ($code)"
	else
		fail "row $method $path answered" "got the generic 404"
	fi
done <<<"$routes"
check_match "rows-read" "$rows" '^[1-9][0-9]+$'

# Near misses: nothing answers them.
for p in /v1/applicationsX /v1/ /v1 /v1/catalog/ /dashboardx /r /R /healthzx /healthz/ /loginx \
	/logout/ /ufficiox /coordinamentox /static /x /; do
	code=$(ask GET "$p")
	check "near-miss GET $p is 404" "$code" 404
done
code=$(ask POST /v1/applicationsX)
check "near-miss POST /v1/applicationsX is 404" "$code" 404

# A query string is never cut: over 8 KB it is refused with 414.
long=$(head -c 9000 /dev/zero | tr '\0' a)
code=$(curl -s -o "$T/body" -w '%{http_code}' "$HUB_URL/v1/catalog?comune=015146&pad=$long")
check "long-query-414" "$code" 414
check_match "long-query-says-why" "$(cat "$T/body")" 'query string too long'
code=$(curl -s -o /dev/null -w '%{http_code}' "$HUB_URL/v1/catalog?pad=${long:0:8000}&comune=015146")
check "long-query-kept-whole" "$code" 200
finish
