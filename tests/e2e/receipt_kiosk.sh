#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Receipts through the real kiosk (headless, scripted): a citizen applies,
# the receipt screen's QR (screenshot), the saved receipt PNG and the
# printed ESC/POS raster all decode with zbar to the same payload, which
# `dote receipt verify` accepts with the kiosk's public key. Then the
# kiosk is killed with SIGKILL at random moments during more applications:
# every receipt it got to save (written only after the commit, like the
# screen) has its application and outbox rows, and the database is intact.
set -u
BIN=${DOTE_BIN:?}; TOP=${DOTE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d); kpid=
cleanup() { [ -n "$kpid" ] && kill -9 "$kpid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail=0
pass() { echo "PASS receipt_kiosk: $1"; }
flunk() { echo "FAIL receipt_kiosk: $1"; fail=1; }
for tool in zbarimg sqlite3; do
	command -v $tool >/dev/null || { echo "SKIP receipt_kiosk: $tool not installed"; exit 0; }
done
[ -x "$BIN/dote-kiosk" ] || { echo "SKIP receipt_kiosk: dote-kiosk not built"; exit 0; }
export DOTE_NOW=1772442000 DOTE_ASSETS="$TOP/assets" SDL_AUDIODRIVER=dummy	# 2026-03-02
db=$tmp/kiosk.db
"$BIN/dote" demo --db "$db" --catalog-only --today 2026-03-02 >/dev/null || { flunk "demo catalog"; exit 1; }
sqlite3 -cmd ".timeout 5000" "$db" < "$TOP/tests/ui/fixture.sql" || { flunk "fixture"; exit 1; }
mkdir -p "$tmp/state" "$tmp/receipts" "$tmp/shots"
: > "$tmp/printer.bin"
# The kiosk was enrolled earlier (its state dir holds id and token) and
# then lost the network: nothing listens on the discard port, so it works
# offline, and the QR still carries the hub URL.
cat > "$tmp/kiosk.conf" <<CONF
comune = 015146
hub_url = http://127.0.0.1:9
state_dir = $tmp/state
receipts_dir = $tmp/receipts
printer_device = $tmp/printer.bin
printer_width = 384
languages = it,en
CONF
printf 'expect-screen home\n' > "$tmp/boot.script"
"$BIN/dote-kiosk" --headless --config "$tmp/kiosk.conf" --db "$db" --script "$tmp/boot.script" \
	--shots "$tmp/shots" >/dev/null 2>&1 && [ -f "$tmp/state/key" ] || { flunk "kiosk key"; exit 1; }
printf 'id=K07\ncomune=015146\n' > "$tmp/state/identity"
(umask 077; printf 'enrolled-token\n' > "$tmp/state/token")

# A valid codice fiscale for birth day n (1..28) of March 1995, woman:
# `dote cf` names the right check character.
cf_for() {
	local base
	base=$(printf 'BNCGLI95C%02dF205' $(( $1 + 40 )))
	local why
	why=$("$BIN/dote" cf "${base}A" | sed -n 's/.*check character should be \([A-Z]\).*/\1/p')
	echo "$base${why:-A}"
}

. "$TOP/tests/e2e/kiosk_apply.bash"
script() { # $1 = codice fiscale, $2 = 1 to print
	kiosk_apply_script "$1" Giulia Bianchi receipt
	# The printer thread runs in real time, the script in virtual time:
	# what was printed is checked in the device file afterwards.
	[ "$2" = 1 ] && printf 'tap print\nwait 1500\n'
}

run_kiosk() { # $1 = script file
	"$BIN/dote-kiosk" --headless --config "$tmp/kiosk.conf" --db "$db" --script "$1" \
		--shots "$tmp/shots" --size 1080x1920 >> "$tmp/kiosk.log" 2>&1
}

# 1. One application, printed (and timed, to aim the kills below).
script "$(cf_for 1)" 1 > "$tmp/one.script"
t0=$(date +%s%N)
if run_kiosk "$tmp/one.script"; then pass "kiosk flow reaches the receipt and prints"; else
	flunk "kiosk flow failed: $(grep -m1 FAIL "$tmp/kiosk.log")"; exit 1; fi
run_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
proto=$(sqlite3 -cmd ".timeout 5000" "$db" "SELECT protocol FROM application ORDER BY seq LIMIT 1")
kid=$(sqlite3 -cmd ".timeout 5000" "$db" "SELECT kiosk_id FROM application ORDER BY seq LIMIT 1")
screen=$(zbarimg --raw -q "$tmp/shots/receipt.png" 2>/dev/null | head -1)
[[ "$screen" == HTTP://127.0.0.1:9/R/* ]] && pass "zbar reads the QR on the receipt screen" || flunk "screen QR read '$screen'"
saved=$(zbarimg --raw -q "$tmp/receipts/$proto.png" 2>/dev/null | head -1)
[ -n "$saved" ] && [ "$saved" = "$screen" ] && pass "saved receipt PNG has the same QR" || flunk "receipt PNG QR '$saved'"
"$BIN/dote" receipt render-escpos "$tmp/printer.bin" "$tmp/printed.png" >/dev/null
printed=$(zbarimg --raw -q "$tmp/printed.png" 2>/dev/null | head -1)
[ -n "$printed" ] && [ "$printed" = "$screen" ] && pass "printed receipt has the same QR" || flunk "printed QR '$printed'"
grep -qa "$proto" "$tmp/printer.bin" && pass "printed receipt shows the protocol" || flunk "protocol not printed"
if out=$("$BIN/dote" receipt verify "$screen" --pubkey "$tmp/state/key.pub" --kiosk "$kid"); then
	grep -q "$proto" <<<"$out" && pass "screen payload verifies with the kiosk's key" || flunk "verify output: $out"
else
	flunk "screen payload does not verify: $out"
fi

# 2. SIGKILL during more applications. The kiosk is started directly as
# the background job, so the signal reaches it (not a wrapping subshell
# that would leave it running). The kills are spread over the length of
# a whole run (timed above), with jitter; the last run is left to finish.
killed=0
for n in $(seq 2 9); do
	script "$(cf_for "$n")" 0 > "$tmp/s$n.script"
	"$BIN/dote-kiosk" --headless --config "$tmp/kiosk.conf" --db "$db" --script "$tmp/s$n.script" \
		--shots "$tmp/shots" --size 1080x1920 >> "$tmp/kiosk.log" 2>&1 &
	kpid=$!
	if [ "$n" -lt 9 ]; then
		at=$(( run_ms * (n * 14 - 18 + RANDOM % 10) / 100 ))
		sleep "$(printf '%d.%03d' $((at / 1000)) $((at % 1000)))"
		kill -9 "$kpid" 2>/dev/null && killed=$((killed + 1))
	fi
	wait "$kpid" 2>/dev/null; kpid=
done
shown=0 missing=0
for png in "$tmp"/receipts/*.png; do
	p=$(basename "$png" .png)
	shown=$((shown + 1))
	n=$(sqlite3 -cmd ".timeout 5000" "$db" "SELECT count(*) FROM application a JOIN outbox o USING (uuid) WHERE a.protocol = '$p'")
	[ "$n" = 1 ] || missing=$((missing + 1))
done
[ "$shown" -ge 2 ] && [ "$missing" -eq 0 ] && pass "all $shown saved receipts have application + outbox after $killed kills" \
	|| flunk "$missing of $shown saved receipts have no application ($killed kills)"
ic=$(sqlite3 -cmd ".timeout 5000" "$db" "PRAGMA integrity_check")
[ "$ic" = ok ] && pass "integrity_check ok after kills" || flunk "integrity_check: $ic"
orphans=$(sqlite3 -cmd ".timeout 5000" "$db" "SELECT count(*) FROM application a LEFT JOIN outbox o USING (uuid) WHERE o.uuid IS NULL")
[ "$orphans" = 0 ] && pass "no half-written application" || flunk "$orphans applications without outbox"
exit $fail
