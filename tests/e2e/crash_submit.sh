#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Crash test for the submit transaction: a process submitting applications
# through application_submit() (tests/tools/submit_loop.c, the kiosk's own
# code path) is killed with SIGKILL at random moments, 12 times. Afterwards
# every protocol it printed (it prints only after COMMIT returned, as the
# kiosk shows a receipt only then) has its application and outbox rows,
# the database passes integrity_check, no application lacks its outbox row,
# the per-kiosk sequence never repeats nor skips more than once per kill,
# and a printed receipt still verifies.
set -u
BIN=${DOTE_BIN:?}; TOOLS=${DOTE_TESTS_BIN:-$BIN/../tests}
tmp=$(mktemp -d); pid=
cleanup() { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail=0
pass() { echo "PASS crash_submit: $1"; }
flunk() { echo "FAIL crash_submit: $1"; fail=1; }

if [ ! -x "$TOOLS/submit_loop" ]; then echo "FAIL crash_submit: $TOOLS/submit_loop not built"; exit 1; fi
"$BIN/dote" demo --db "$tmp/kiosk.db" --catalog-only --hosts 5 >/dev/null || { flunk "demo catalog"; exit 1; }

start=0
for round in $(seq 1 12); do
	"$TOOLS/submit_loop" --db "$tmp/kiosk.db" --state "$tmp/state" --count 1000000 --start "$start" \
		>> "$tmp/printed" 2>> "$tmp/errors" &
	pid=$!
	# Once this round has shown a receipt (so a loaded machine's slow
	# start-up cannot make the round empty), 20..400 ms more: the kill
	# lands anywhere in a submit, including inside COMMIT.
	before=$(grep -c '^OK ' "$tmp/printed" 2>/dev/null)
	for _ in $(seq 200); do
		[ "$(grep -c '^OK ' "$tmp/printed" 2>/dev/null)" -gt "${before:-0}" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	sleep "0.$(printf '%03d' $((RANDOM % 380 + 20)))"
	kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=
	start=$((start + 1000000))
done

printed=$(grep -c '^OK ' "$tmp/printed")
[ "$printed" -ge 12 ] && pass "$printed receipts shown across 12 kills" || flunk "only $printed receipts shown"
[ -s "$tmp/errors" ] && flunk "submit errors: $(head -c 300 "$tmp/errors")"

ic=$(sqlite3 "$tmp/kiosk.db" "PRAGMA integrity_check")
[ "$ic" = ok ] && pass "integrity_check ok" || flunk "integrity_check: $ic"

# Every shown protocol has its application and outbox rows.
awk '/^OK /{print $2 "|" $3}' "$tmp/printed" | sort > "$tmp/shown"
sqlite3 "$tmp/kiosk.db" "SELECT a.protocol || '|' || a.uuid FROM application a JOIN outbox o USING (uuid)" \
	| sort > "$tmp/stored"
missing=$(comm -23 "$tmp/shown" "$tmp/stored" | wc -l)
[ "$missing" -eq 0 ] && pass "every shown receipt has application + outbox" \
	|| flunk "$missing shown receipts missing, e.g. $(comm -23 "$tmp/shown" "$tmp/stored" | head -1)"

orphans=$(sqlite3 "$tmp/kiosk.db" "SELECT count(*) FROM application a LEFT JOIN outbox o USING (uuid) WHERE o.uuid IS NULL")
dangling=$(sqlite3 "$tmp/kiosk.db" "SELECT count(*) FROM outbox o LEFT JOIN application a USING (uuid) WHERE a.uuid IS NULL")
[ "$orphans" -eq 0 ] && [ "$dangling" -eq 0 ] && pass "no half-written application" \
	|| flunk "$orphans applications without outbox, $dangling outbox rows without application"

half=$(sqlite3 "$tmp/kiosk.db" "SELECT count(*) FROM application WHERE receipt IS NULL OR receipt = '' OR cf IS NULL OR submitted_at = ''")
[ "$half" -eq 0 ] && pass "every stored application is complete and signed" || flunk "$half incomplete applications"

# Numbers come in blocks reserved in the state dir before use: a kill
# between reserving and committing may skip the rest of a block (a gap),
# never repeat a number. At most one gap per kill.
read -r n gaps first < <(sqlite3 -separator ' ' "$tmp/kiosk.db" "SELECT count(*),
	(SELECT count(*) FROM (SELECT seq - lag(seq) OVER (ORDER BY seq) AS d FROM application) WHERE d > 1),
	min(seq) FROM application WHERE kiosk_id = 'K01'")
[ "$first" = 1 ] && [ "$gaps" -le 12 ] && pass "sequence from 1, $gaps gaps in $n (at most one per kill)" \
	|| flunk "sequence starts at $first with $gaps gaps in $n"

stored=$(wc -l < "$tmp/stored")
[ "$stored" -ge "$printed" ] && [ "$stored" -le $((printed + 12)) ] \
	&& pass "$stored stored vs $printed shown (at most one unshown per kill)" \
	|| flunk "$stored stored vs $printed shown"

# A shown receipt verifies with the kiosk's public key.
uuid=$(tail -1 "$tmp/shown" | cut -d'|' -f2)
tok=$(sqlite3 "$tmp/kiosk.db" "SELECT receipt FROM application WHERE uuid = '$uuid'")
if "$BIN/dote" receipt verify "HTTP://127.0.0.1/R/$tok" --pubkey "$tmp/state/key.pub" --kiosk K01 > "$tmp/verify"; then
	pass "last shown receipt verifies"
else
	flunk "last shown receipt does not verify: $(cat "$tmp/verify")"
fi
exit $fail
