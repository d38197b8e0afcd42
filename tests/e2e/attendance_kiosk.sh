#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Attendance from the real kiosk to a real hub (issue 19). A selected
# applicant's placement is started (`dote placement start`), and its
# progetto formativo comes out as a PDF whose QR `dote receipt verify`
# accepts. The comune's kiosk, enrolled at the hub, gets the roster with
# its token (never in the public catalog); the trainee scans the health
# card on "Presenze" and is signed in; the event reaches the hub through
# the kiosk's outbox. With the hub down, four hours later, the sign-out
# is answered at once on screen and kept; when the hub is back it is
# sent, once. A card with no placement here, another comune's kiosk and
# a forged or relabelled event: a clear message or a refusal, nothing
# stored. The register then shows the day.
. "$(dirname "$0")/hub_lib.bash"
top=${DOTE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
O_DIR=$(dirname "$DOTE_BIN")
T0=1772442000	# Monday 2 March 2026, 10:00 in Rome
export DOTE_NOW=$T0 DOTE_ASSETS="$top/assets" SDL_AUDIODRIVER=dummy TZ=Europe/Rome
for tool in sqlite3 curl zbarimg pdftotext pdftoppm; do
	command -v $tool >/dev/null || { echo "SKIP attendance_kiosk: $tool not installed"; exit 0; }
done
CF=RSSNNA90E52F205E
UUID=0190a3c4-1234-7abc-8def-00000000a001
HDB=$T/hub.db

"$DOTE_BIN/dote-kiosk" --init-db "$T/catalog.db" >/dev/null 2>&1 &&
	sqlite3 "$T/catalog.db" < "$top/tests/ui/fixture.sql" &&
	"$DOTE_BIN/dote-hub" --db "$HDB" --load-catalog "$T/catalog.db" >/dev/null ||
	{ fail attendance-setup "catalog"; finish; }
sqlite3 "$HDB" "INSERT INTO application(uuid, protocol, kiosk_id, seq, call_id, placement_code, comune, cf_hash, cf,
	given_name, family_name, sex, applicant_status, education, submitted_at, status)
	VALUES ('$UUID', 'DC-015146-K01-2026-000001', 'K01', 1, 900, 'UI-015146-001', '015146', 'h1', '$CF',
	'Anna', 'Rossi', 'F', 'unemployed', 'master', '2026-02-01T09:00:00Z', 'selected')" ||
	{ fail attendance-setup "application"; finish; }

# The start, and the progetto formativo with its signed QR.
"$DOTE_BIN/dote" placement start --id "$UUID" --start 2026-03-02 --classroom-hours 40 --tutor anna \
	--promoter "Mario Bianchi (AnciLab)" --by anna --db "$HDB" 2>"$T/start.err"
check attendance-start "$?" 0
check attendance-started "$(sqlite3 "$HDB" "SELECT a.status || ' ' || t.end_date FROM application a JOIN traineeship t USING (uuid)")" \
	"started 2026-09-01"
url=$("$DOTE_BIN/dote" placement progetto --id "$UUID" --out "$T/progetto.pdf" --url http://hub.example.it --db "$HDB")
check_match attendance-progetto-url "$url" '^HTTP://HUB.EXAMPLE.IT/R/[A-Z2-7]+$'
pdftoppm -r 150 -png "$T/progetto.pdf" "$T/progetto" && qr=$(zbarimg -q --raw "$T"/progetto-*.png 2>/dev/null)
check attendance-progetto-qr "$qr" "$url"
"$DOTE_BIN/dote" receipt verify "$qr" --db "$HDB" >/dev/null
check attendance-progetto-verifies "$?" 0
check_match attendance-progetto-text "$(pdftotext "$T/progetto.pdf" - | tr '\n' ' ')" \
	"Anna Rossi .*$CF.*dal 02/03/2026 al 01/09/2026 \(6 mesi\).*20 ore settimanali.*40 ore di formazione in aula.*500,00 €"

start_hub hub "$HDB" --threads 2 || { fail attendance-setup "hub"; finish; }
PORT=$HUB_PORT
check attendance-roster-needs-a-kiosk "$(curl -s -o /dev/null -w '%{http_code}' "$HUB_URL/v1/roster")" 401
check attendance-catalog-has-no-roster "$(curl -s "$HUB_URL/v1/catalog?comune=015146" | grep -c "$CF")" 0

# kiosk NAME COMUNE: enrolled at the hub, with its config.
kiosk() {
	local code
	code=$("$DOTE_BIN/dote" kiosk enroll-code --comune "$2" --db "$HDB" 2>/dev/null)
	"$SYNCTOOL" sync "$T/$1.db" "$T/state-$1" "$HUB_URL" "$2" "$code" 15 >"$T/enrol-$1.log" ||
		fail "attendance-$1-enrolled" "$(cat "$T/enrol-$1.log")"
	mkdir -p "$T/receipts-$1" "$T/shots-$1"
	cat > "$T/$1.conf" <<CONF
comune = $2
state_dir = $T/state-$1
receipts_dir = $T/receipts-$1
printer_device = $T/printer-$1.bin
hub_url = $HUB_URL
heartbeat_seconds = 1
languages = it,en
locale_dir = $O_DIR/locale
CONF
}
# play NAME SCRIPT-LINES...: the kiosk NAME runs the lines headless.
play() {
	local k=$1
	shift
	printf '%s\n' "$@" > "$T/$k.script"
	"$DOTE_BIN/dote-kiosk" --headless --config "$T/$k.conf" --db "$T/$k.db" --script "$T/$k.script" \
		--shots "$T/shots-$k" --size 1080x1920 >>"$T/shots-$k/kiosk.log" 2>&1
}
hub_events() { sqlite3 "$HDB" "SELECT count(*) FROM attendance_event"; }
unsent() { sqlite3 "$T/$1.db" "SELECT count(*) FROM attendance_outbox WHERE sent_at IS NULL"; }

kiosk milano 015146
check attendance-roster-on-the-kiosk "$(sqlite3 "$T/milano.db" "SELECT initials || ' ' || end_date FROM attendance_roster WHERE cf = '$CF'")" \
	"A. R. 2026-09-01"

# 1. Signed in with the hub up.
if play milano "expect-screen home" "tap attendance" "expect-screen attendance" "type $CF" \
	"expect-text Entrata alle" "expect-text A. R." "shot in" "wait-sync 15"; then
	pass attendance-sign-in-shown
else
	fail attendance-sign-in-shown "$(grep -a FAIL "$T/shots-milano/kiosk.log" | tail -1)"
fi
check attendance-sign-in-at-the-hub "$(hub_events) $(unsent milano)" "1 0"

# 2. The hub is down: the sign-out four hours later is answered and kept.
kill "$HUB_PID"; wait "$HUB_PID" 2>/dev/null
if DOTE_NOW=$((T0 + 4 * 3600)) play milano "tap attendance" "type $CF" "expect-text Uscita alle" \
	"expect-text Questo mese: 4 h" "shot out-offline"; then
	pass attendance-sign-out-offline-shown
else
	fail attendance-sign-out-offline-shown "$(grep -a FAIL "$T/shots-milano/kiosk.log" | tail -1)"
fi
check attendance-sign-out-kept "$(hub_events) $(unsent milano)" "1 1"

# 3. The hub is back: sent, once.
HUB_LISTEN_PORT=$PORT start_hub hub2 "$HDB" --threads 2 || { fail attendance-restart "hub"; finish; }
play milano "wait-sync 15" || fail attendance-resync "$(grep -a FAIL "$T/shots-milano/kiosk.log" | tail -1)"
check attendance-sign-out-at-the-hub "$(hub_events) $(unsent milano)" "2 0"
play milano "wait-sync 15" >/dev/null
check attendance-sent-once "$(hub_events)" 2
check attendance-results "$(sqlite3 "$T/milano.db" "SELECT group_concat(result) FROM attendance_outbox")" "stored,stored"

# 4. Someone with no placement here: told on screen, nothing stored.
play milano "tap attendance" "type BNCLCU88B03F205H" "expect error:att" \
	"expect-text non ha un tirocinio in corso in questo comune" "shot not-here" ||
	fail attendance-not-here "$(grep -a FAIL "$T/shots-milano/kiosk.log" | tail -1)"
check attendance-not-here-nothing-stored "$(sqlite3 "$T/milano.db" "SELECT count(*) FROM attendance_outbox") $(hub_events)" "2 2"

# 5. Another comune's kiosk: the trainee is not on its roster.
kiosk sesto 015209
play sesto "tap attendance" "type $CF" "expect-text non ha un tirocinio in corso in questo comune" ||
	fail attendance-other-comune "$(grep -a FAIL "$T/shots-sesto/kiosk.log" | tail -1)"
check attendance-other-comune-nothing "$(sqlite3 "$T/sesto.db" "SELECT count(*) FROM attendance_outbox") $(hub_events)" "0 2"

# 6. Forged and relabelled events, straight to the API: refused.
mtok=$(sqlite3 "$T/milano.db" "SELECT token FROM attendance_outbox ORDER BY id LIMIT 1")
stok=$(grep -m1 '^token=' "$T/state-sesto/identity" 2>/dev/null | cut -d= -f2)
[ -n "$stok" ] || stok=$(cat "$T/state-sesto/token" 2>/dev/null)
ans=$(curl -s -H "Authorization: Bearer $stok" -H 'Content-Type: application/json' \
	-d "{\"events\":[\"$mtok\"]}" "$HUB_URL/v1/attendance")
check attendance-relabelled-refused "$(jq -r '.results[0].result + ": " + .results[0].why' <<<"$ans")" \
	"refused: event signed by another kiosk"
forged="${mtok:0:40}$([ "${mtok:40:1}" = A ] && echo B || echo A)${mtok:41}"
mkt=$(cat "$T/state-milano/token" 2>/dev/null)
ans=$(curl -s -H "Authorization: Bearer $mkt" -H 'Content-Type: application/json' \
	-d "{\"events\":[\"$forged\"]}" "$HUB_URL/v1/attendance")
check attendance-forged-refused "$(jq -r '.results[0].result' <<<"$ans")" refused
check attendance-nothing-stored "$(hub_events)" 2

# The register shows the day.
check_match attendance-register "$("$DOTE_BIN/dote" placement month --id "$UUID" --month 2026-03 --db "$HDB")" \
	"2026-03-02 10:00 14:00   4h00"
cp "$T"/shots-milano/*.png "$top/${O:-build}/ui-shots/" 2>/dev/null
finish
