#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# The kiosk stopped (SIGTERM, systemd's stop) while a Send is under way
# (issue 22): it used to die at once, the application lost. A real
# sqlite3 process holds the kiosk database's write lock (the UI runner's
# lock-db), the citizen presses Send, the review says it is saving; the
# script then hands over to the kiosk's own event loop (serve) and this
# test sends SIGTERM. The kiosk must wait for the Send: still running a
# second later, nothing stored yet; when the lock goes (the sqlite3
# process ends), the application is stored once, its receipt PNG is
# whole (written to a temporary file and renamed: no *.tmp.* left) and
# the kiosk exits 0. It does not vanish then: the citizen sees the
# receipt screen, its protocol number on it (the script's checks after
# serve read the screen the event loop ended on; DOTE_ANNOUNCE says when
# it came), for up to 15 s before the exit (issue 22, reviewer's note:
# the screen stayed on "Salvataggio…" and went black). The stop is systemd's as the image's unit sets it:
# SIGTERM, then SIGKILL after its TimeoutStopSec; the lock goes 18 s
# after SIGTERM, well within the Send's 60 s wait for it (with the
# unit's 15 s the kiosk was killed first, the application lost). Loops
# bounded (60 s each).
set -u
BIN=${DOTE_BIN:?}; TOP=${DOTE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
O=${O:-build}; case "$O" in /*) ;; *) O="$TOP/$O" ;; esac
tmp=$(mktemp -d)
kpid= killer=
cleanup() {
	[ -n "$kpid" ] && kill -KILL "$kpid" 2>/dev/null
	[ -n "$killer" ] && kill "$killer" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
fail=0
pass() { echo "PASS kiosk_stop: $1"; }
flunk() { echo "FAIL kiosk_stop: $1"; fail=1; }
[ -x "$BIN/dote-kiosk" ] || { echo "SKIP kiosk_stop: dote-kiosk not built"; exit 0; }
command -v sqlite3 >/dev/null || { echo "SKIP kiosk_stop: sqlite3 not installed"; exit 0; }
export DOTE_ANNOUNCE=1 DOTE_NOW=1772442000 DOTE_ASSETS="$TOP/assets" SDL_AUDIODRIVER=dummy SDL_VIDEODRIVER=dummy

db="$tmp/kiosk.db"
"$BIN/dote" demo --db "$db" --catalog-only --today 2026-03-02 > "$tmp/demo.log" 2>&1 ||
	{ echo "FAIL kiosk_stop: dote demo"; exit 1; }
sqlite3 "$db" < "$TOP/tests/ui/fixture.sql" || { echo "FAIL kiosk_stop: fixture"; exit 1; }
mkdir -p "$tmp/state" "$tmp/receipts" "$tmp/shots"; : > "$tmp/printer.bin"
cat > "$tmp/kiosk.conf" <<CONF
comune = 015146
state_dir = $tmp/state
receipts_dir = $tmp/receipts
printer_device = $tmp/printer.bin
idle_seconds = 90
languages = it,en,fr,es,ro,uk,ar
locale_dir = $O/locale
CONF
# The application journey of ui/slow_notes, to Send with the lock held.
cat > "$tmp/stop.script" <<'SCRIPT'
tap start
expect-screen browse
tap search
type citta ragazzi
tap key:hide
tap placement:UI-015146-001
tap apply
expect-screen eligibility
tap field:age
osk 31
tap status:unemployed
tap field:residence
type Mila
tap residence:015146
reveal other:no
tap other:no
tap next
expect-screen form
tap field:given_name
osk Lucia
key Return
osk Verdi
tap field:cf
type vrdlcu95a41f205u
key Return
osk 3331234567
tap key:hide
reveal education:upper_secondary
tap education:upper_secondary
tap next
tap consent
tap next
expect-screen review
lock-db
tap submit
wait 300
expect-text Salvataggio della domanda in corso…
shot held
serve
expect-screen receipt
expect-sql-shown SELECT protocol FROM application
shot stopped
SCRIPT
"$BIN/dote-kiosk" --headless --config "$tmp/kiosk.conf" --db "$db" --script "$tmp/stop.script" \
	--shots "$tmp/shots" --size 1080x1920 > "$tmp/out" 2> "$tmp/err" &
kpid=$!
for _ in $(seq 600); do
	[ -f "$tmp/shots/held.png" ] || ! kill -0 "$kpid" 2>/dev/null && break
	sleep 0.1
done
lockpid=$(sed -n 's/^lock-db: sqlite3 pid \([0-9]*\)$/\1/p' "$tmp/out")
if [ ! -f "$tmp/shots/held.png" ] || [ -z "$lockpid" ]; then
	flunk "the Send was not held (out: $(tr '\n' ' ' < "$tmp/out"))"; exit 1
fi
# systemd's stop: SIGTERM, SIGKILL after the unit's TimeoutStopSec.
unit="$TOP/image/rootfs/usr/lib/systemd/system/dote-kiosk.service"
tstop=$(sed -n 's/^TimeoutStopSec=\([0-9]*\)s\{0,1\}$/\1/p' "$unit")
[ -n "$tstop" ] || { echo "FAIL kiosk_stop: no TimeoutStopSec in seconds in $unit"; exit 1; }
kill -TERM "$kpid"
( for _ in $(seq $((tstop * 10))); do kill -0 "$kpid" 2>/dev/null || exit 0; sleep 0.1; done
  kill -KILL "$kpid" 2>/dev/null ) &
killer=$!
sleep 1
if kill -0 "$kpid" 2>/dev/null; then pass "a second after SIGTERM the kiosk still waits for the Send under way"
else flunk "the kiosk died at once on SIGTERM, a Send under way"; fi
n=$(sqlite3 "$db" 'SELECT count(*) FROM application')
[ "$n" = 0 ] && pass "nothing stored while the lock is held" || flunk "$n applications while the lock is held"
# The other process ends 18 s after SIGTERM: its lock goes.
sleep 17
kill -TERM "$lockpid" 2>/dev/null
t_unlock=$(date +%s)
rc= t_receipt= t_exit=
for _ in $(seq 600); do
	[ -z "$t_receipt" ] && grep -q '^announce screen: receipt$' "$tmp/err" && kill -0 "$kpid" 2>/dev/null &&
		t_receipt=$(date +%s)
	kill -0 "$kpid" 2>/dev/null || { wait "$kpid"; rc=$?; kpid=; t_exit=$(date +%s); break; }
	sleep 0.1
done
# The receipt screen came while the kiosk ran, and stayed: the kiosk
# exits within 15 s of it (plus 10 s for a loaded machine), not at once.
[ -n "$t_receipt" ] && pass "the receipt screen comes up after the stop, the kiosk still running" ||
	flunk "no receipt screen before the exit ($(grep '^announce screen' "$tmp/err" | tail -2 | tr '\n' ' '))"
if [ -n "$t_receipt" ] && [ -n "$t_exit" ]; then
	held=$((t_exit - t_receipt))
	[ "$held" -ge 10 ] && [ "$held" -le 25 ] && pass "the receipt stays on screen ${held} s, then the kiosk exits" ||
		flunk "the receipt stayed ${held} s (want 15, 10 to 25 under load)"
fi
if grep -q '^FAIL' "$tmp/out"; then
	flunk "the screen the kiosk stopped on: $(grep '^FAIL' "$tmp/out" | head -2 | tr '\n' ' ')"
else
	pass "the screen the kiosk stopped on is the receipt with the stored protocol number"
fi
[ "$rc" = 137 ] && flunk "killed (SIGKILL) by the stop's timeout, TimeoutStopSec=${tstop}s, before the Send was done"
[ "$rc" = 0 ] && pass "the kiosk exits 0 once the Send is done" || flunk "the kiosk's exit: '${rc:-still running after 60 s}' ($(tail -3 "$tmp/err" | tr '\n' ' '))"
n=$(sqlite3 "$db" "SELECT count(*) FROM application WHERE given_name = 'Lucia' AND family_name = 'Verdi'")
[ "$n" = 1 ] && pass "the application is stored once" || flunk "$n applications stored, want 1"
pngs=$(find "$tmp/receipts" -name '*.png' | wc -l)
partial=$(find "$tmp/receipts" -name '*.tmp.*' | wc -l)
[ "$pngs" = 1 ] && [ "$partial" = 0 ] && pass "one whole receipt PNG, no partial file" ||
	flunk "receipts: $pngs PNG, $partial partial ($(ls "$tmp/receipts" | tr '\n' ' '))"
if [ "$pngs" = 1 ] && command -v python3 >/dev/null; then
	python3 - "$(find "$tmp/receipts" -name '*.png')" <<'PY' && pass "the receipt PNG reads to its end (IEND)" || flunk "the receipt PNG is cut"
import sys
d = open(sys.argv[1], 'rb').read()
sys.exit(0 if d.startswith(b'\x89PNG') and d.endswith(b'IEND\xaeB`\x82') else 1)
PY
fi
exit $fail
