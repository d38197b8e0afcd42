#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# The README's first command, as a person on a machine with no display
# would run it: scripts/run (what `make run` calls) must seed the hub,
# start it, enrol a kiosk, play the demo journey headless, tell where the
# screenshots are, and get the application to the hub. The receipt the
# kiosk saved must decode (zbar) and verify against the hub.
set -u
top=${DOTE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
O=${O:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
pass() { echo "PASS $1"; }
failed() { echo "FAIL $1: $2"; fail=1; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
unset DISPLAY WAYLAND_DISPLAY
(cd "$top" && O=$O RUN_DIR="$tmp/run" PORT=$port APPLICATIONS=2000 timeout 240 scripts/run) \
	< /dev/null > "$tmp/out" 2>&1
rc=$?
[ $rc -eq 0 ] && pass "make run exits 0 without a display" || failed "make run exits 0 without a display" "exit $rc: $(tail -5 "$tmp/out")"
grep -q "No display here" "$tmp/out" && pass "says there is no display" || failed "says there is no display" "$(head -20 "$tmp/out")"
grep -q "Kiosk screenshots: $tmp/run/shots/" "$tmp/out" && pass "says where the screenshots are" || failed "says where the screenshots are" "$(tail -12 "$tmp/out")"
n=$(ls "$tmp/run/shots/"*.png 2>/dev/null | wc -l)
[ "$n" -ge 8 ] && pass "demo journey screenshots ($n)" || failed "demo journey screenshots" "$n files"
grep -Eq "Kiosk K[0-9]+: applications at the hub 1, waiting in its outbox 0" "$tmp/out" \
	&& pass "kiosk enrolled and its application reached the hub" || failed "kiosk enrolled and its application reached the hub" "$(tail -2 "$tmp/out")"
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then failed "hub stopped afterwards" "port $port still open"; else pass "hub stopped afterwards"; fi

png=$(ls "$tmp/run/receipts/"*.png 2>/dev/null | head -n 1)
if [ -z "$png" ]; then
	failed "receipt PNG saved" "none in $tmp/run/receipts"
else
	pass "receipt PNG saved"
	payload=$(zbarimg --quiet --raw "$png" 2>/dev/null | head -n 1)
	case "$payload" in
	HTTP*/R/*) pass "receipt QR decodes to the hub's receipt URL" ;;
	*) failed "receipt QR decodes to the hub's receipt URL" "'$payload'" ;;
	esac
	if "$top/$O/bin/dote" receipt verify "$payload" --db "$tmp/run/hub.db" > "$tmp/verify" 2>&1; then
		pass "receipt verifies against the hub"
	else
		failed "receipt verifies against the hub" "$(cat "$tmp/verify")"
	fi
	proto=$(sqlite3 "$tmp/run/kiosk.db" "SELECT protocol FROM application")
	grep -q "$proto" "$tmp/verify" && pass "verified receipt names the protocol" || failed "verified receipt names the protocol" "$proto not in $(cat "$tmp/verify")"
	[ "$(sqlite3 "$tmp/run/hub.db" "SELECT count(*) FROM application WHERE protocol = '$proto'")" = 1 ] \
		&& pass "hub has the application" || failed "hub has the application" "$proto"
	[ "$(sqlite3 "$tmp/run/kiosk.db" "SELECT count(*) FROM application WHERE cf IS NOT NULL OR given_name IS NOT NULL")" = 0 ] \
		&& pass "kiosk kept no personal data after the ack" || failed "kiosk kept no personal data after the ack" "still there"
fi
exit $fail
