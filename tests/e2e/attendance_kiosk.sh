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
# stored. The personal QR (on the progetto and on its own card, with no
# codice fiscale in it) signs in like the card; reissued, the old one
# and a forged one get a plain message. The register then shows the days.
# Secrets (issue 19): the hub's database holds neither the personal QR
# (only its hash; a reprint derives the same QR again) nor the document
# key's secret half, which an older hub's database had in its setting
# table and which moves to its own 0600 file, its documents still valid.
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

# The hub was made by an older version: its document key (an Ed25519
# pair from openssl) in the setting table.
legacy_sk='' legacy_pk=''
if command -v openssl >/dev/null && openssl genpkey -algorithm ed25519 -out "$T/legacy.pem" 2>/dev/null; then
	seed=$(openssl pkey -in "$T/legacy.pem" -outform DER | tail -c 32 | od -An -tx1 | tr -d ' \n')
	legacy_pk=$(openssl pkey -in "$T/legacy.pem" -pubout -outform DER | tail -c 32 | od -An -tx1 | tr -d ' \n')
	legacy_sk=$seed$legacy_pk
	sqlite3 "$HDB" "INSERT INTO setting(key, value) VALUES ('document_secret_key', '$legacy_sk'),
		('document_public_key', '$legacy_pk')"
fi

# The start, and the progetto formativo with its signed QR.
"$DOTE_BIN/dote" placement start --id "$UUID" --start 2026-03-02 --classroom-hours 40 --tutor anna \
	--promoter "Mario Bianchi (AnciLab)" --by anna --db "$HDB" 2>"$T/start.err"
check attendance-start "$?" 0
check attendance-started "$(sqlite3 "$HDB" "SELECT a.status || ' ' || t.end_date FROM application a JOIN traineeship t USING (uuid)")" \
	"started 2026-09-01"
url=$("$DOTE_BIN/dote" placement progetto --id "$UUID" --out "$T/progetto.pdf" --url http://hub.example.it --db "$HDB")
check_match attendance-progetto-url "$url" '^HTTP://HUB.EXAMPLE.IT/R/[A-Z2-7]+$'
pdftoppm -r 150 -png "$T/progetto.pdf" "$T/progetto" && codes=$(zbarimg -q --raw "$T"/progetto-*.png 2>/dev/null)
qr=$(grep '^HTTP' <<<"$codes")
check attendance-progetto-qr "$qr" "$url"
"$DOTE_BIN/dote" receipt verify "$qr" --db "$HDB" >/dev/null
check attendance-progetto-verifies "$?" 0
check_match attendance-progetto-text "$(pdftotext "$T/progetto.pdf" - | tr '\n' ' ')" \
	"Anna Rossi .*$CF.*dal 02/03/2026 al 01/09/2026 \(6 mesi\).*20 ore settimanali.*40 ore di formazione in aula.*500,00 €"
# The document key's secret half left the database for its own file
# (0600) at the first signature; its public half, and so every document
# signed before, stays the same.
if [ -n "$legacy_sk" ]; then
	check attendance-key-not-in-db "$(sqlite3 "$HDB" .dump | grep -c "$legacy_sk")" 0
	check attendance-key-no-secret-row "$(sqlite3 "$HDB" "SELECT count(*) FROM setting WHERE key LIKE '%secret%'")" 0
	check attendance-key-file "$(stat -c %a "$HDB.document-key" 2>&1) $(cat "$HDB.document-key" 2>/dev/null)" "600 $legacy_sk"
	check attendance-key-public-kept "$(sqlite3 "$HDB" "SELECT value FROM setting WHERE key = 'document_public_key'")" "$legacy_pk"
else
	echo "SKIP attendance-key: openssl cannot make an Ed25519 key"
fi

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

# 7. The personal QR: on the progetto and on the card, the same, with
# nothing personal in it; the roster carries only its hash.
badge1='' badge2='' printed=''
"$DOTE_BIN/dote" placement qr --id "$UUID" --out "$T/qr1.pdf" --db "$HDB" >/dev/null
check attendance-qr-card "$?" 0
pdftoppm -r 150 -png "$T/qr1.pdf" "$T/qr1" && badge1=$(zbarimg -q --raw "$T"/qr1-*.png 2>/dev/null)
check_match attendance-qr-text "$badge1" '^DCP-[A-Z2-7]{26}$'
check attendance-qr-on-progetto "$(grep -c "^$badge1\$" <<<"$codes")" 1
check attendance-qr-no-cf "$(grep -c "$CF" <<<"$badge1")" 0
check_match attendance-qr-card-text "$(pdftotext "$T/qr1.pdf" - | tr '\n' ' ')" "QR personale per le presenze.*Anna Rossi"
# The hub keeps the QR's hash only: no row of its database holds the
# QR; a reprint of the card gives the same QR again.
check attendance-qr-not-in-hub-db "$(sqlite3 "$HDB" .dump | grep -c "$badge1")" 0
"$DOTE_BIN/dote" placement qr --id "$UUID" --out "$T/qr1b.pdf" --db "$HDB" >/dev/null
pdftoppm -r 150 -png "$T/qr1b.pdf" "$T/qr1b" && check attendance-qr-reprint-same "$(zbarimg -q --raw "$T"/qr1b-*.png 2>/dev/null)" "$badge1"
hash1=$(printf %s "$badge1" | sha256sum | cut -d' ' -f1)
DOTE_NOW=$((T0 + 86400)) play milano "wait-sync 15" >/dev/null
check attendance-qr-roster-hash "$(sqlite3 "$T/milano.db" "SELECT badge FROM attendance_roster WHERE cf = '$CF'")" "$hash1"
check attendance-qr-not-on-kiosk "$(sqlite3 "$T/milano.db" .dump | grep -c "$badge1")" 0
# The next day, the QR's text (as the scanner types it) signs in.
if DOTE_NOW=$((T0 + 86400)) play milano "tap attendance" "type $badge1" "expect-text Entrata alle" \
	"expect-text A. R." "shot qr-in" "wait-sync 15"; then
	pass attendance-qr-sign-in-shown
else
	fail attendance-qr-sign-in-shown "$(grep -a FAIL "$T/shots-milano/kiosk.log" | tail -1)"
fi
check attendance-qr-sign-in-at-the-hub "$(hub_events) $(unsent milano)" "3 0"
# Lost: reissued. The old QR and a forged one are refused on screen,
# nothing stored; the new one signs out.
"$DOTE_BIN/dote" placement qr --id "$UUID" --reissue --by anna --out "$T/qr2.pdf" --db "$HDB" >"$T/qr2.out"
check attendance-qr-reissued "$(cat "$T/qr2.out")" "QR personale n. 2"
pdftoppm -r 150 -png "$T/qr2.pdf" "$T/qr2" && badge2=$(zbarimg -q --raw "$T"/qr2-*.png 2>/dev/null)
check_match attendance-qr-new "$badge2" '^DCP-[A-Z2-7]{26}$'
[ "$badge2" != "$badge1" ] && pass attendance-qr-new-differs || fail attendance-qr-new-differs "$badge2"
check attendance-qr-new-not-in-hub-db "$(sqlite3 "$HDB" .dump | grep -c "$badge2")" 0
forged="${badge2:0:10}$([ "${badge2:10:1}" = A ] && echo B || echo A)${badge2:11}"
if DOTE_NOW=$((T0 + 86400 + 3 * 3600)) play milano "wait-sync 15" "tap attendance" "type $badge1" "expect error:att" \
	"expect-text Questo QR personale non è valido o è stato sostituito" "shot qr-revoked" \
	"type $forged" "expect error:att" "expect-text Questo QR personale non è valido" "shot qr-forged" \
	"type DCP-NOTAQR" "tap att-record" "expect-text Questo QR personale non è valido"; then
	pass attendance-qr-revoked-and-forged-refused
else
	fail attendance-qr-revoked-and-forged-refused "$(grep -a FAIL "$T/shots-milano/kiosk.log" | tail -1)"
fi
check attendance-qr-refused-nothing-stored "$(sqlite3 "$T/milano.db" "SELECT count(*) FROM attendance_outbox")" 3
if DOTE_NOW=$((T0 + 86400 + 3 * 3600)) play milano "tap attendance" "type $badge2" "expect-text Uscita alle" \
	"expect-text Questo mese: 7 h" "shot qr-out" "wait-sync 15"; then
	pass attendance-qr-new-signs-out
else
	fail attendance-qr-new-signs-out "$(grep -a FAIL "$T/shots-milano/kiosk.log" | tail -1)"
fi
check attendance-qr-sign-out-at-the-hub "$(hub_events) $(unsent milano)" "4 0"
check attendance-qr-audited "$(sqlite3 "$HDB" "SELECT group_concat(action || ':' || by, ' ') FROM traineeship_audit WHERE action LIKE 'badge%'")" \
	"badge_issued:dote badge_reissued:anna"

# The register shows the days.
reg=$("$DOTE_BIN/dote" placement month --id "$UUID" --month 2026-03 --db "$HDB")
check_match attendance-register "$reg" "2026-03-02 10:00 14:00   4h00"
check_match attendance-register-qr-day "$reg" "2026-03-03 10:00 13:00   3h00"
# 8. Completed: the kiosk prints the certificate's summary for the card
# or the personal QR, with the QR the hub signed; the printed raster's
# QR verifies and its page links the certificate. The replaced QR still
# gets nothing.
sqlite3 "$HDB" "INSERT OR REPLACE INTO setting(key, value) VALUES ('public_url', '$HUB_URL')"
"$DOTE_BIN/dote" placement end --id "$UUID" --outcome completed --date 2026-03-03 --by anna --db "$HDB" \
	--competences "Accoglienza del pubblico allo sportello" --judgement "Puntuale e preciso"
check attendance-completed "$?" 0
: > "$T/printer-milano.bin"
if DOTE_NOW=$((T0 + 2 * 86400)) play milano "wait-sync 15" "tap attendance" "type $badge2" "expect att-print-cert" \
	"expect-text Il tuo tirocinio è concluso" "tap att-print-cert" "wait-printer ok 10" \
	"expect-text Il riepilogo dell'attestato è stato stampato" "shot certificate" \
	"type $badge1" "expect error:att" "expect-not att-print-cert" "type $CF" "expect att-print-cert"; then
	pass attendance-certificate-offered
else
	fail attendance-certificate-offered "$(grep -a FAIL "$T/shots-milano/kiosk.log" | tail -1)"
fi
"$DOTE_BIN/dote" receipt render-escpos "$T/printer-milano.bin" "$T/printed.png" >/dev/null
printed=$(zbarimg -q --raw "$T/printed.png" 2>/dev/null)
check_match attendance-certificate-printed-qr "$printed" '^HTTP://127\.0\.0\.1:[0-9]+/R/[A-Z2-7]+$'
"$DOTE_BIN/dote" receipt verify "$printed" --db "$HDB" >/dev/null
check attendance-certificate-printed-verifies "$?" 0
page=$(curl -s "http${printed#HTTP}")
check_match attendance-certificate-page "$page" 'Ricevuta autentica.*id="attestato"'
check attendance-certificate-signed-once "$(sqlite3 "$HDB" "SELECT count(*) FROM certificate_token")" 1
check attendance-certificate-no-cf-printed "$(grep -ac "$CF" "$T/printer-milano.bin")" 0
check attendance-certificate-initials-printed "$(grep -ac "A. R." "$T/printer-milano.bin")" 1
cp "$T"/shots-milano/*.png "$T/printed.png" "$top/${O:-build}/ui-shots/" 2>/dev/null
finish
