#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# The completion certificate printed from "check my application" (issue
# 19), the way a citizen gets it: Giulia applies at the real kiosk
# (headless), which sends the application to a real hub; she is
# selected, her placement started and completed there (`dote placement`).
# At the kiosk, home -> "Controlla la mia domanda" -> protocol number and
# codice fiscale -> "Stampa l'attestato": while the placement runs there
# is no such button, nor with the right protocol number and someone
# else's codice fiscale, nor once hers is edited after the check. With
# the voice guide on, the offer is said.
# The printer is jammed first (a pipe nobody reads): the screen says so
# and the button stays for another try; with a working printer the slip
# prints; on an 800x480 screen in English too, button and answer in
# view. The slip's ESC/POS raster decodes (zbarimg) to the hub-signed
# certificate URL, which `dote receipt verify` accepts and whose page
# holds the certificate; no codice fiscale on the paper.
. "$(dirname "$0")/hub_lib.bash"
top=${DOTE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
O_DIR=$(dirname "$DOTE_BIN")
T0=1772442000	# Monday 2 March 2026, 10:00 in Rome
export DOTE_NOW=$T0 DOTE_ASSETS="$top/assets" SDL_AUDIODRIVER=dummy TZ=Europe/Rome
for tool in sqlite3 curl zbarimg; do
	command -v $tool >/dev/null || { echo "SKIP kiosk_certificate: $tool not installed"; exit 0; }
done
. "$top/tests/e2e/kiosk_apply.bash"
HDB=$T/hub.db K=$T/kiosk
sq() { sqlite3 -cmd ".timeout 10000" "$@"; }	# the hub and the kiosk hold the files too
CF=$(cf_for 1) OTHER=$(cf_for 2)
mkdir -p "$K/state" "$K/receipts" "$K/shots"

"$DOTE_BIN/dote-kiosk" --init-db "$T/catalog.db" >/dev/null 2>&1 &&
	sqlite3 "$T/catalog.db" < "$top/tests/ui/fixture.sql" &&
	"$DOTE_BIN/dote-hub" --db "$HDB" --load-catalog "$T/catalog.db" >/dev/null ||
	{ fail certificate-setup "catalog"; finish; }
# The hub's public address (the certificate's QR leads there): its port
# is chosen before it starts.
PORT=$(free_port)
sq "$HDB" "INSERT OR REPLACE INTO setting(key, value) VALUES ('public_url', 'http://127.0.0.1:$PORT')" ||
	{ fail certificate-setup "public_url"; finish; }
HUB_LISTEN_PORT=$PORT start_hub hub "$HDB" --threads 2 || { fail certificate-setup "hub"; finish; }
"$SYNCTOOL" sync "$K/kiosk.db" "$K/state" "$HUB_URL" 015146 \
	"$("$DOTE_BIN/dote" kiosk enroll-code --comune 015146 --db "$HDB" 2>/dev/null)" 15 >"$K/enrol.log" ||
	{ fail certificate-setup "enrol: $(tail -1 "$K/enrol.log")"; finish; }
cat >"$K/kiosk.conf" <<CONF
comune = 015146
state_dir = $K/state
receipts_dir = $K/receipts
printer_device = $K/printer.bin
hub_url = $HUB_URL
heartbeat_seconds = 1
languages = it,en
locale_dir = $O_DIR/locale
CONF
# play NAME LINES...: the kiosk runs the lines (file NAME.script) headless.
play() {
	local name=$1
	shift
	printf '%s\n' "$@" >"$K/$name.script"
	"$DOTE_BIN/dote-kiosk" --headless --config "$K/kiosk.conf" --db "$K/kiosk.db" --script "$K/$name.script" \
		--shots "$K/shots" --size "${SIZE:-1080x1920}" >>"$K/kiosk.log" 2>&1
}
why() { grep -a FAIL "$K/kiosk.log" | tail -1; }
# check_lines CF: CHECK gets the lines home -> check my application, with
# the protocol number and CF.
check_lines() {
	CHECK=("expect-screen home" "tap check-application" "expect-screen status" "tap field:protocol"
		"type $PROTO" "tap field:check_cf" "type $1" "tap check")
}

# Giulia applies at the kiosk; the application reaches the hub.
kiosk_apply_script "$CF" Giulia Bianchi applied >"$K/apply.script"
echo "wait-sync 15" >>"$K/apply.script"
"$DOTE_BIN/dote-kiosk" --headless --config "$K/kiosk.conf" --db "$K/kiosk.db" --script "$K/apply.script" \
	--shots "$K/shots" --size 1080x1920 >>"$K/kiosk.log" 2>&1 || { fail certificate-applied "$(why)"; finish; }
PROTO=$(sq "$K/kiosk.db" "SELECT protocol FROM application")
UUID=$(sq "$HDB" "SELECT uuid FROM application WHERE protocol = '$PROTO'")
check certificate-at-the-hub "$(sq "$HDB" "SELECT cf FROM application WHERE uuid = '$UUID'")" "$CF"

# Selected and started: "check my application" offers no certificate yet.
sq "$HDB" "UPDATE application SET status = 'selected' WHERE uuid = '$UUID'"
"$DOTE_BIN/dote" placement start --id "$UUID" --start 2026-03-02 --classroom-hours 40 --tutor anna \
	--promoter "Mario Bianchi (AnciLab)" --by anna --db "$HDB" >/dev/null 2>"$T/start.err"
check certificate-started "$?" 0
check_lines "$CF"
if play running "wait-status 15" "${CHECK[@]}" "expect check-result" "expect-text Tirocinio avviato" \
	"expect-not check-print-cert" "shot running"; then
	pass certificate-not-offered-while-running
else
	fail certificate-not-offered-while-running "$(why)"
fi

# Completed: the certificate comes with the roster, the status with the feed.
"$DOTE_BIN/dote" placement end --id "$UUID" --outcome completed --date 2026-03-03 --by anna --db "$HDB" \
	--competences "Accoglienza del pubblico allo sportello" --judgement "Puntuale e preciso" >/dev/null
check certificate-completed "$?" 0
if play synced "wait-sync 15" "wait-status 15"; then pass certificate-synced; else fail certificate-synced "$(why)"; fi
check certificate-on-the-kiosk "$(sq "$K/kiosk.db" "SELECT a.status || ' ' || (SELECT count(*) FROM attendance_certificate c
	WHERE c.cf = '$CF') FROM application a")" "completed 1"

# The protocol number with someone else's codice fiscale: nothing to
# print. With hers, the button; her codice fiscale edited, it is gone.
check_lines "$OTHER"
other=("${CHECK[@]}")
check_lines "$CF"
if play other "${other[@]}" "expect error:check" "expect-not check-print-cert" "shot other-cf" "tap back" \
	"${CHECK[@]}" "expect check-print-cert" "tap field:check_cf" "key BackSpace" "expect-not check-print-cert"; then
	pass certificate-not-for-protocol-alone
else
	fail certificate-not-for-protocol-alone "$(why)"
fi

# Home -> check my application -> print: jammed, told, retried, printed.
: >"$K/printer.bin"
check_lines "$CF"
if play print "tap speech" "${CHECK[@]}" "expect check-result" "expect-text Tirocinio concluso" \
	"expect-whole check-print-cert" "expect-text Stampa l'attestato" \
	"expect-speech-part puoi stampare un riepilogo dell'attestato" \
	"printer fifo" "tap check-print-cert" "wait-printer no_answer 10" \
	"expect error:check-print" "expect-text La stampante è inceppata o non risponde" \
	"expect-speech-part La stampante è inceppata o non risponde" "expect check-print-cert" "shot jammed" \
	"printer $K/printer.bin" "tap check-print-cert" "wait-printer ok 10" \
	"expect-text Il riepilogo dell'attestato è stato stampato" "expect-not error:check-print" "shot printed"; then
	pass certificate-printed-from-check
else
	fail certificate-printed-from-check "$(why)"
fi
# The small landscape screen, in English: the button and the answer in view.
cp "$K/printer.bin" "$K/printer-1.bin"
if SIZE=800x480 play small "tap language" "tap lang:en" "expect-not languages" "tap check-application" \
	"expect-screen status" "reveal field:protocol" "tap field:protocol" "type $PROTO" "reveal field:check_cf" \
	"tap field:check_cf" "type $CF" "reveal check" "tap check" "expect check-result" \
	"reveal check-print-cert" "expect-whole check-print-cert" "expect-text Print the certificate" "tap check-print-cert" \
	"wait-printer ok 10" "expect-whole check-printed" "expect-text The certificate summary has been printed" "shot small-en"; then
	pass certificate-printed-800x480-en
else
	fail certificate-printed-800x480-en "$(why)"
fi
cp "$K/printer-1.bin" "$K/printer.bin"
printed=
[ -s "$K/printer.bin" ] && "$DOTE_BIN/dote" receipt render-escpos "$K/printer.bin" "$T/slip.png" >/dev/null &&
	printed=$(zbarimg -q --raw "$T/slip.png" 2>/dev/null)
check_match certificate-slip-qr "$printed" '^HTTP://127\.0\.0\.1:[0-9]+/R/[A-Z2-7]+$'
"$DOTE_BIN/dote" receipt verify "$printed" --db "$HDB" >"$T/verify.out" 2>&1
check certificate-slip-verifies "$?" 0
check_match certificate-slip-page "$(curl -s "http${printed#HTTP}")" 'Ricevuta autentica.*id="attestato"'
check certificate-slip-no-cf "$(grep -ac "$CF" "$K/printer.bin")" 0
check certificate-slip-initials "$(grep -ac "G. B." "$K/printer.bin")" 1
shots=${O:-build}
case "$shots" in /*) ;; *) shots=$top/$shots ;; esac
shots=$shots/ui-shots/kiosk_certificate
rm -rf "$shots" && mkdir -p "$shots" && cp "$K"/shots/*.png "$T/slip.png" "$shots/" 2>/dev/null
finish
