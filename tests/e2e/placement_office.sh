#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# The monthly register and the allowance in the office pages (issue 19),
# driven in headless Chromium (tests/e2e/office_chain_cdp.js) as the
# comune's tutor and a coordinator do it. The tutor starts the placement
# of a selected applicant (start form), sees March 2026 with an illness
# week and a missing sign-out, cannot confirm before the month ends, fixes
# the sign-out with a reason (audited), records the illness, confirms.
# The coordinator sees the month's allowance with its figures (under 80%:
# in proportion), downloads the CSV for the paying office, which equals a
# computation made here from the calendar and `dote allowance`'s, and
# marks the month paid. A tutor cannot mark it paid. After the end, the
# trainee's employment at a follow-up (page and `dote placement
# followup`): dates before the end or in the future refused, audited.
. "$(dirname "$0")/hub_lib.bash"
top=${DOTE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
SHOTS=$top/${O:-build}/placement-shots
T0=1772442000	# Monday 2 March 2026, 10:00 in Rome
T1=1775124000	# Thursday 2 April 2026
export DOTE_NOW=$T0 DOTE_ASSETS="$top/assets" TZ=Europe/Rome
for tool in sqlite3 curl chromium node jq; do
	command -v $tool >/dev/null || { echo "SKIP placement_office: $tool not installed"; exit 0; }
done
mkdir -p "$SHOTS"
PW='una password lunga'
CF=RSSNNA90E52F205E
UUID=0190a3c4-1234-7abc-8def-00000000b001
HDB=$T/hub.db

"$DOTE_BIN/dote-kiosk" --init-db "$T/catalog.db" >/dev/null 2>&1 &&
	sqlite3 "$T/catalog.db" < "$top/tests/ui/fixture.sql" &&
	"$DOTE_BIN/dote-hub" --db "$HDB" --load-catalog "$T/catalog.db" >/dev/null ||
	{ fail placement-setup "catalog"; finish; }
sqlite3 "$HDB" "INSERT INTO application(uuid, protocol, kiosk_id, seq, call_id, placement_code, comune, cf_hash, cf,
	given_name, family_name, sex, applicant_status, education, submitted_at, status)
	VALUES ('$UUID', 'DC-015146-K01-2026-000001', 'K01', 1, 900, 'UI-015146-001', '015146', 'h1', '$CF',
	'Anna', 'Rossi', 'F', 'unemployed', 'master', '2026-02-01T09:00:00Z', 'selected')" ||
	{ fail placement-setup "application"; finish; }
echo "$PW" | "$DOTE_BIN/dote" user add --db "$HDB" --name carla --role coordinator >/dev/null &&
	echo "$PW" | "$DOTE_BIN/dote" user add --db "$HDB" --name anna --role comune --comune 015146 >/dev/null ||
	{ fail placement-setup "accounts"; finish; }
start_hub hub "$HDB" --threads 2 || { fail placement-setup "hub"; finish; }
PORT=$HUB_PORT
start_chromium coord && DEV_COORD=$CHROMIUM_PORT && start_chromium staff && DEV_STAFF=$CHROMIUM_PORT ||
	{ fail placement-setup "chromium"; finish; }

browser() { # WHO SHOT VERB ARGS...
	local who=$1 shot=$2 port
	shift 2
	[ "$who" = coord ] && port=$DEV_COORD || port=$DEV_STAFF
	if ! timeout 60 node "$top/tests/e2e/office_chain_cdp.js" "$port" "$HUB_URL" "$SHOTS" "$shot" "$@" \
		>"$T/page.json" 2>>"$T/cdp.log"; then
		echo '{}' >"$T/page.json"
		tail -1 "$T/cdp.log"
		return 1
	fi
}
seen() { jq -r "$1" "$T/page.json"; }
REG="/ufficio/tirocinio?id=$UUID&mese=2026-03"

# 1. The tutor starts the placement.
browser staff 01-login login anna "$PW" || fail placement-login-staff "$(tail -1 "$T/cdp.log")"
browser staff 02-start form "/ufficio/tirocinio?id=$UUID" avvio inizio=2026-03-02 aula=40 \
	"promotore=Mario Bianchi (AnciLab)" || fail placement-start "$(tail -1 "$T/cdp.log")"
check placement-started "$(seen '"\(.status) \(.ok)"')" "200 Tirocinio avviato."
check placement-started-row "$(sqlite3 "$HDB" "SELECT start_date || ' ' || end_date || ' ' || tutor_comune || ' ' || classroom_hours FROM traineeship")" \
	"2026-03-02 2026-09-01 anna 40"
check placement-progetto-pdf "$(curl -s -o "$T/p.pdf" -w '%{http_code} %{content_type}' -b "$T/x" "$HUB_URL/ufficio/tirocinio/progetto.pdf?id=$UUID")" \
	"303 text/html; charset=utf-8"

# March as the kiosk recorded it: 09:00-13:00 on each working day but the
# illness week (9-13) and the 17th, when the trainee forgot to sign out.
for d in 02 03 04 05 06 16 17 18 19 20 23 24 25 26 27 30 31; do
	in=$(date -d "2026-03-$d 09:00" +%s) out=$(date -d "2026-03-$d 13:00" +%s)
	sqlite3 "$HDB" "INSERT INTO attendance_event(uuid, at, kind, source, token, by, recorded_at)
		VALUES ('$UUID', $in, 1, 'K01', 'in-$d', 'K01', '2026-03-$d')"
	[ "$d" = 17 ] || sqlite3 "$HDB" "INSERT INTO attendance_event(uuid, at, kind, source, token, by, recorded_at)
		VALUES ('$UUID', $out, 2, 'K01', 'out-$d', 'K01', '2026-03-$d')"
done

# 2. The tutor's month.
browser staff 03-register open "$REG" || fail placement-register "$(tail -1 "$T/cdp.log")"
check_match placement-register-figures "$(seen .text)" "Ore attese 88h00 Ore firmate 64h00 Presenza 72,7%.*Uscite mancanti 1"
check_match placement-register-missing "$(seen .text)" "mar 17 09:00 .*uscita mancante"
check placement-register-labelled "$(seen .unlabelled)" 0
browser staff 04-too-early form "$REG" conferma || fail placement-too-early "$(tail -1 "$T/cdp.log")"
check placement-confirm-refused-early "$(seen '"\(.status) \(.error)"')" "422 Il mese non è ancora finito."

# The hub's clock moves to 2 April.
kill "$HUB_PID"; wait "$HUB_PID" 2>/dev/null
DOTE_NOW=$T1 HUB_LISTEN_PORT=$PORT start_hub hub2 "$HDB" --threads 2 || { fail placement-restart "hub"; finish; }
export DOTE_NOW=$T1
# A month later the morning's session has long expired: log in again.
browser staff 04b-login login anna "$PW" || fail placement-login-staff-again "$(tail -1 "$T/cdp.log")"
browser staff 05-refused-missing form "$REG" conferma || fail placement-refused-missing "$(tail -1 "$T/cdp.log")"
check placement-confirm-refused-missing "$(seen '"\(.status) \(.error)"')" \
	"422 Mancano uscite da correggere prima di confermare il mese."
browser staff 06-fix form "$REG" correggi giorno=2026-03-17 ora=13:00 tipo=uscita \
	"motivo=badge dimenticato, uscita confermata dal responsabile" || fail placement-fix "$(tail -1 "$T/cdp.log")"
check placement-fixed "$(seen '"\(.status) \(.ok)"')" "200 Correzione registrata."
check placement-fix-audited "$(sqlite3 "$HDB" "SELECT by || ': ' || note FROM traineeship_audit WHERE action = 'attendance_fix'")" \
	"anna: uscita 2026-03-17 13:00: badge dimenticato, uscita confermata dal responsabile"
# The illness week: the first day through the page's form, the others
# the same way by curl (a browser action costs seconds here).
check placement-staff-login "$(web_login "$HUB_URL" "$T/staff.jar" anna "$PW")" 303
s_csrf=$(curl -s -b "$T/staff.jar" "$HUB_URL$REG" | grep -o 'name="csrf" value="[^"]*"' | head -1 | cut -d'"' -f4)
for d in 10 11 12 13; do
	check "placement-illness-$d" "$(curl -s -o /dev/null -w '%{http_code}' -b "$T/staff.jar" \
		--data "csrf=$s_csrf&id=$UUID&mese=2026-03&azione=assenza&giorno=2026-03-$d&tipo=illness" "$HUB_URL/ufficio/tirocinio")" 303
done
browser staff 07-ill form "$REG" assenza giorno=2026-03-09 tipo=illness || fail placement-illness "$(tail -1 "$T/cdp.log")"
check_match placement-illness-shown "$(seen .text)" "Assenze: malattia 5 giorni"
browser staff 08-confirm form "$REG" conferma || fail placement-confirm "$(tail -1 "$T/cdp.log")"
check_match placement-confirmed "$(seen '"\(.status) \(.ok)"')" "^200 Mese confermato\. \| Mese confermato il 2026-04-02T.* da anna\.$"
check_match placement-confirmed-figures "$(seen .text)" "Ore firmate 68h00 Presenza 77,2%.*Indennità 386,36 €"

# 3. The coordinator: the month's allowance, the CSV, paid.
browser coord 09-login login carla "$PW" || fail placement-login-coord "$(tail -1 "$T/cdp.log")"
browser coord 10-allowance open "/ufficio/indennita?mese=2026-03" || fail placement-allowance "$(tail -1 "$T/cdp.log")"
check_match placement-allowance-row "$(seen .text)" "015146 Rossi Anna UI-015146-001 88,00 68,00 77,2% 386,36 € presenza 77,2% .* sotto la soglia \(80%\)"
# Independently: 22 working days in March 2026 (no holiday), 5 ill, 4 h a
# day, 500 EUR; under 80% the amount in proportion to the hours.
wd=0; for d in $(seq 1 31); do [ "$(date -d "2026-03-$d" +%u)" -le 5 ] && wd=$((wd + 1)); done
exp_min=$((wd * 240)) att_min=$(((wd - 5) * 240))
due=$(( (50000 * att_min * 2 + exp_min) / (exp_min * 2) ))
want="015146;UI-015146-001;Rossi;Anna;$CF;$wd;$wd;0;$((exp_min / 60)),00;$((att_min / 60)),00;$((att_min * 1000 / exp_min / 10)),$((att_min * 1000 / exp_min % 10));500,00;$((due / 100)),$(printf %02d $((due % 100)));reduced;"
check placement-csv-login "$(web_login "$HUB_URL" "$T/coord.jar" carla "$PW")" 303
curl -s -b "$T/coord.jar" "$HUB_URL/ufficio/indennita.csv?mese=2026-03&formato=excel-it" > "$T/web.csv"
check placement-csv-line "$(sed -n 2p "$T/web.csv" | cut -d';' -f1-14 | sed 's/$/;/')" "$want"
"$DOTE_BIN/dote" allowance --month 2026-03 --excel-it --db "$HDB" > "$T/cli.csv"
check placement-csv-equals-dote-allowance "$(cmp -s "$T/web.csv" "$T/cli.csv" && echo same)" same
# The progetto formativo from the register page, its QR checked by the hub.
sqlite3 "$HDB" "INSERT OR REPLACE INTO setting(key, value) VALUES ('public_url', '$HUB_URL')"
check placement-progetto-download "$(curl -s -o "$T/p.pdf" -w '%{http_code} %{content_type}' -b "$T/staff.jar" \
	"$HUB_URL/ufficio/tirocinio/progetto.pdf?id=$UUID")" "200 application/pdf"
check_match placement-progetto-text "$(pdftotext "$T/p.pdf" - 2>/dev/null | tr '\n' ' ')" "Anna Rossi $CF.*Tutor del comune"
if command -v zbarimg >/dev/null && pdftoppm -r 150 -png "$T/p.pdf" "$T/p" 2>/dev/null; then
	codes=$(zbarimg -q --raw "$T"/p-*.png 2>/dev/null)
	qr=$(grep '^HTTP' <<<"$codes")
	check_match placement-progetto-qr "$qr" "^HTTP://127.0.0.1:$PORT/R/[A-Z2-7]+$"
	# The other code is the trainee's personal QR for the kiosk.
	check_match placement-progetto-personal-qr "$(grep -v '^HTTP' <<<"$codes")" '^DCP-[A-Z2-7]{26}$'
	check placement-progetto-r-page "$(curl -s -o /dev/null -w '%{http_code}' "$qr")" 200
	"$DOTE_BIN/dote" receipt verify "$qr" --db "$HDB" >/dev/null
	check placement-progetto-verifies "$?" 0
fi
check placement-tutor-cannot-pay "$(curl -s -o /dev/null -w '%{http_code}' -b "$T/staff.jar" --data "csrf=$s_csrf&mese=2026-03" "$HUB_URL/ufficio/indennita")" 403
browser coord 11-paid press "Segna come pagato (1 registri)" || fail placement-paid "$(tail -1 "$T/cdp.log")"
check placement-paid "$(seen '"\(.status) \(.ok)"')" "200 Mese segnato come pagato."
check_match placement-paid-row "$(sqlite3 "$HDB" "SELECT paid_by || ' ' || paid_at FROM register_month WHERE month = '2026-03'")" '^carla 2026-04-02T'

# 4. After the end (a dropout on 31 March): the trainee's employment at a
# follow-up, on the page and with `dote placement followup`; a date
# before the end or after today (2 April) refused; audited.
check placement-end "$(curl -s -o /dev/null -w '%{http_code}' -b "$T/staff.jar" \
	--data "csrf=$s_csrf&id=$UUID&mese=2026-03&azione=fine&esito=dropped_out&data=2026-03-31&motivo=job" "$HUB_URL/ufficio/tirocinio")" 303
fu() { curl -s -o "$T/fu.html" -w '%{http_code}' -b "$T/staff.jar" \
	--data "csrf=$s_csrf&id=$UUID&mese=2026-03&azione=followup&condizione=$1&data=$2" "$HUB_URL/ufficio/tirocinio"; }
check placement-followup-before-end "$(fu employed 2026-03-30) $(grep -o 'non può precedere la fine' "$T/fu.html")" \
	"422 non può precedere la fine"
check placement-followup-future "$(fu employed 2026-10-01) $(grep -o 'non può essere nel futuro' "$T/fu.html")" \
	"422 non può essere nel futuro"
check placement-followup-recorded "$(fu employed 2026-04-01)" 303
check placement-followup-shown "$(curl -s -b "$T/staff.jar" "$HUB_URL$REG" | grep -o '<p id="follow-up-stato">[^<]*')" \
	'<p id="follow-up-stato">Al follow-up del 01/04/2026: occupato/a (registrato da anna).'
check placement-followup-audited "$(sqlite3 "$HDB" "SELECT by || ': ' || note FROM traineeship_audit WHERE action = 'followup'")" \
	"anna: employed 2026-04-01"
"$DOTE_BIN/dote" placement followup --id "$UUID" --status not_employed --date 2026-05-01 --by anna --db "$HDB" 2>"$T/fu.err"
check placement-followup-cli-future "$? $(grep -c 'futuro' "$T/fu.err")" "1 1"
"$DOTE_BIN/dote" placement followup --id "$UUID" --status not_employed --date 2026-04-02 --by anna --db "$HDB"
check placement-followup-cli "$? $(sqlite3 "$HDB" "SELECT status || ' ' || followed_on || ' ' || recorded_by FROM traineeship_followup")" \
	"0 not_employed 2026-04-02 anna"
finish
