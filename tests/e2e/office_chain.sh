#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# One call, lived from end to end (issue 11), on SQLite and on a
# throwaway PostgreSQL hub. A coordinator logs into the hub's pages in
# a real browser (headless Chromium) and uploads the call's table as
# Excel saves it in Italian (';', Windows-1252 accents, CRLF, quoted
# cells, "€ 400,00"): the dry run shows the three new placements and
# changes nothing a kiosk sees; then it is published. The real kiosk
# (dote-kiosk, headless, enrolled at the hub) picks the call up through
# the catalog ETag and shows it; two citizens apply there, one leaving
# an e-mail address, and get a receipt; the records reach the hub. The
# comune's staff, in their own browser with their own login, check the
# requirements, call both to an interview, record outcome and score,
# see the ranking, select one, make the ranking final and record the
# start, then the completion: every form filled and sent through its own
# fields and button (CSRF token included, as the page gives it). After
# each step the citizen's "check my application" on the kiosk, the
# receipt page reached through the QR code of the receipt the kiosk
# saved, and the SMTP sink show it, in Italian; `dote report` moves
# (applications, selected, started). Retention, once the ranking has
# been final long enough, erases the person not selected, then the one
# who completed the placement: contact data gone from the hub, pages
# show no personal data, and the statistics are identical before and
# after. Screenshots of every page and kiosk screen go to $O/chain-shots/.
. "$(dirname "$0")/hub_lib.bash"
top=${DOTE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
O_DIR=$(dirname "$DOTE_BIN")
SHOTS=$top/${O:-build}/chain-shots
T0=1772442000	# Monday 2 March 2026, 09:00 UTC: the hub's, the kiosk's and dote's clock
export DOTE_NOW=$T0 DOTE_ASSETS="$top/assets" SDL_AUDIODRIVER=dummy
for tool in sqlite3 jq curl zbarimg iconv chromium node; do
	command -v $tool >/dev/null || { echo "SKIP office_chain: $tool not installed"; exit 0; }
done
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || { echo "SKIP office_chain: python3-aiosmtpd not installed"; exit 0; }
. "$top/tests/e2e/kiosk_apply.bash"
mkdir -p "$SHOTS"
PW='una password lunga'
CALL='Avviso n. 11/2025'

# The call's table as the region publishes it and Excel saves it in
# Italian: Windows-1252, ';', CRLF, an empty row, quoted cells.
call_csv() {
	{
		echo 'Comune;Codice progetto;Area;Ufficio;Indirizzo;Mesi;Ore settimanali;Indennità mensile;Posti;Scadenza;Requisiti'
		echo 'Milano;PLC112512S03;Biblioteca;Biblioteca civica «Città dei ragazzi»;Corso di Porta Vittoria 6;6;20;€ 400,00;2;31/03/2026;"Diploma; uso del PC ""base"""'
		echo '015146;PLC112512S04;Anagrafe;Ufficio Anagrafe e Stato civile;Piazza della Scala 2;12;20;500;1;31/03/2026;Nessuno'
		echo ';;;;;;;;;;'
		echo 'Sesto San Giovanni;PLC112512S05;Attività culturali;Ufficio Cultura – eventi;Piazza della Resistenza 20;3;15;300;1;;Età tra 18 e 29 anni'
	} | iconv -f utf-8 -t cp1252 | sed 's/$/\r/'
}

sql() { "$SYNCTOOL" sql "$DB" "$@"; }
catalog() { curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $1" "$URL/v1/catalog?comune=015146"; }	# ETAG: what a kiosk holding it gets
ksetting() { sqlite3 "$KDB" "SELECT value FROM setting WHERE key = '$1'"; }
# browser WHO SHOT VERB ARGS...: one action in WHO's browser (coord or
# staff; tests/e2e/office_chain_cdp.js); what the page then shows is in $T/page.json.
browser() {
	local who=$1 shot=$2 port
	shift 2
	[ "$who" = coord ] && port=$DEV_COORD || port=$DEV_STAFF
	if ! timeout 60 node "$top/tests/e2e/office_chain_cdp.js" "$port" "$URL" "$SHOTS" "$B-$shot" "$@" \
		>"$T/page.json" 2>>"$T/cdp.log"; then
		echo '{}' >"$T/page.json"
		tail -1 "$T/cdp.log"
		return 1
	fi
}
seen() { jq -r "$1" "$T/page.json"; }	# what the last page showed
# step NAME WHO SHOT VERB ARGS...: a browser action that must land on a page saying it was done.
step() {
	local name=$1 out
	shift
	if out=$(browser "$@"); then
		check_match "$B-$name" "$(seen '"\(.status) \(.ok)"')" '^200 .+'
	else
		fail "$B-$name" "$out"
	fi
}
# The citizen's three views of her application: the kiosk's "check my
# application", the receipt page of the QR code, and the mails so far.
kiosk_sees() { # n shot: citizen n's status on the kiosk
	kiosk_status "$KDB" "$T/kiosk-$B.conf" "$T/shots-$B" "${PROTO[$1]}" "$(cf_for "$1")" "$2"
	cp "$T/shots-$B/$2.png" "$SHOTS/$B-kiosk-$2.png" 2>/dev/null
}
receipt_sees() { # n: the receipt page citizen n's phone opens from the QR
	curl -s "${RECEIPT[$1]}" >"$T/receipt.html"
	html_text "$T/receipt.html"
}
mail_n() { cat "$T/mail-$B/$(printf '%03d' "$1").txt" 2>/dev/null | tr '\n' ' '; }
# The numbers, exact, as the coordinators' network view (row of Milano)
# and the comune staff's own dashboard show them: applications, selected, started.
numbers() {
	local row
	row=$(curl -s -b "$T/coord-$B.jar" "$URL/coordinamento/rete" | perl -ne 'print $1 if m{(<tr data-comune="015146".*?</tr>)}')
	echo "rete $(for m in applications selected started; do grep -o "data-m=\"$m\">[^<]*" <<<"$row" | cut -d'>' -f2; done | paste -sd,)" \
		"dashboard $(for m in applications selected started; do curl -s -b "$T/staff-$B.jar" "$URL/dashboard?comune=015146&interno=1" |
			grep -o "data-kpi=\"$m\">[^<]*" | cut -d'>' -f2; done | paste -sd,)"
}
# Everything the statistics say: the numbers above and `dote report`
# (published, protected by the cell key method, and from the raw rows).
stats() {
	numbers
	"$DOTE_BIN/dote" report --db "$DB" --dims province,age_band,sex,residence --measures applications,selected,started \
		--format csv 2>&1 || echo "report failed"
	"$DOTE_BIN/dote" report --db "$DB" --raw --dims call,applicant_status,education \
		--measures applications,applicants,seats,selected,started,completed --format csv 2>&1 || echo "report failed"
}
personal() { # what the hub holds about the applicants of the call
	sql "SELECT coalesce(given_name, '-'), coalesce(family_name, '-'), coalesce(cf, '-'), coalesce(phone, '-'), coalesce(email, '-')
		FROM application WHERE placement_code = 'PLC112512S03' ORDER BY given_name NULLS LAST" | tr '\n' ' '
}

run() {
	local b=$1 port e0 code i out before names=(x Giulia Marta) mails=(x giulia.bianchi@example.it '')
	B=$b
	PROTO=() RECEIPT=()
	DB=$(db_url "$b" "$b-chain")
	KDB=$T/kiosk-$b.db
	"$DOTE_BIN/dote" call list --db "$DB" >/dev/null || { fail "$b-setup" "schema"; return; }
	echo "$PW" | "$DOTE_BIN/dote" user add --db "$DB" --name carla --role coordinator >/dev/null &&
		echo "$PW" | "$DOTE_BIN/dote" user add --db "$DB" --name anna --role comune --comune 015146 >/dev/null ||
		{ fail "$b-setup" "accounts"; return; }
	"$DOTE_BIN/dote" retention set-days 30 --db "$DB" >/dev/null || fail "$b-setup" "retention days"
	port=$(free_port)
	start_smtp_sink "$T/mail-$b" "$port" || { fail "$b-setup" "SMTP sink"; return; }
	start_hub "$b-chain" "$DB" --threads 2 --set "smtp_url=smtp://127.0.0.1:$port" \
		--set smtp_from=dote@comune.example.it --set mail_poll_seconds=1 --set mail_retry_seconds=1 \
		--set retention_interval_hours=0 || { fail "$b-setup" "hub"; return; }
	URL=$HUB_URL
	start_chromium "coord-$b" && DEV_COORD=$CHROMIUM_PORT && start_chromium "staff-$b" && DEV_STAFF=$CHROMIUM_PORT ||
		{ fail "$b-setup" "chromium"; return; }

	# The comune's kiosk, enrolled at the hub; nothing to apply to yet.
	code=$("$DOTE_BIN/dote" kiosk enroll-code --comune 015146 --db "$DB" 2>/dev/null)
	"$SYNCTOOL" sync "$KDB" "$T/state-$b" "$URL" 015146 "$code" 15 >/dev/null || fail "$b-kiosk-enrolled" "sync"
	e0=$(ksetting catalog_etag)
	[ -n "$e0" ] && pass "$b-kiosk-has-catalog-etag" || fail "$b-kiosk-has-catalog-etag" "none"
	mkdir -p "$T/receipts-$b" "$T/shots-$b"
	cat > "$T/kiosk-$b.conf" <<CONF
comune = 015146
state_dir = $T/state-$b
receipts_dir = $T/receipts-$b
printer_device = $T/printer-$b.bin
hub_url = $URL
heartbeat_seconds = 1
languages = it,en
locale_dir = $O_DIR/locale
CONF
	check "$b-login-coordinator-curl" "$(web_login "$URL" "$T/coord-$b.jar" carla "$PW")" 303
	check "$b-login-staff-curl" "$(web_login "$URL" "$T/staff-$b.jar" anna "$PW")" 303
	check "$b-stats-before" "$(numbers)" "rete  dashboard 0,0,0"

	# 1. The coordinator uploads the call: the dry run first.
	call_csv >"$T/call.csv"
	check "$b-call-table-is-windows-1252" "$(file -b "$T/call.csv" | grep -c 'ISO-8859\|Non-ISO')" 1
	browser coord 01-login login carla "$PW" || fail "$b-login-coordinator" "$(tail -1 "$T/cdp.log")"
	check "$b-login-coordinator" "$(seen '"\(.status) \(.url) \(.error)"')" "200 /dashboard "
	browser coord 01-calls follow "Avvisi, rete dei Comuni e totem" || fail "$b-coordinator-finds-the-calls" "$(tail -1 "$T/cdp.log")"
	check "$b-coordinator-finds-the-calls" "$(seen '"\(.status) \(.url) \(.h1)"')" "200 /coordinamento/avvisi Avvisi e progetti"
	browser coord 02-dry-run upload "$T/call.csv" "$CALL" "$CALL – DoteComune" 2026-03-01 2026-03-31 \
		'{"min_age":18,"residence_region":"Lombardia"}' || fail "$b-dry-run" "$(tail -1 "$T/cdp.log")"
	check "$b-dry-run-counts" "$(seen '"\(.status) \(.counts.new) new, \(.counts.changed) changed"')" "200 3 new, 0 changed"
	check_match "$b-dry-run-shows-the-table" "$(seen .text)" \
		"codifica Windows-1252, separatore «;».* PLC112512S03 Milano Biblioteca · 2 posti · 6 mesi · 20 ore · 400 € · scadenza 2026-03-31 · Biblioteca civica «Città dei ragazzi», Corso di Porta Vittoria 6 .* PLC112512S05 Sesto San Giovanni Cultura ed eventi .*Ufficio Cultura – eventi"
	check "$b-dry-run-no-scripts" "$(seen .scripts)" 0
	check "$b-dry-run-changed-nothing" "$(sql "SELECT count(*) FROM placement")|$(sql "SELECT count(*) FROM call")" "0|0"
	check "$b-dry-run-catalog-not-modified" "$(catalog "$e0")" 304
	printf 'wait-sync 15\nexpect-screen home\ntap start\nexpect-screen browse\nexpect no-results\nshot dry-run-browse\n' >"$T/empty.script"
	if "$DOTE_BIN/dote-kiosk" --headless --config "$T/kiosk-$b.conf" --db "$KDB" --script "$T/empty.script" \
		--shots "$T/shots-$b" --size 1080x1920 >>"$T/shots-$b/kiosk.log" 2>&1; then
		pass "$b-dry-run-kiosk-shows-nothing-yet"
	else
		fail "$b-dry-run-kiosk-shows-nothing-yet" "$(grep FAIL "$T/shots-$b/kiosk.log" | tail -1)"
	fi
	check "$b-dry-run-kiosk-catalog-unchanged" "$(ksetting catalog_etag)" "$e0"
	browser coord 03-published press "Pubblica l'avviso" || fail "$b-publish" "$(tail -1 "$T/cdp.log")"
	check_match "$b-published" "$(seen '.url + " " + .ok')" "^/coordinamento/avviso\?code=11%2F2025&fatto=pubblicato Avviso pubblicato: i totem lo ricevono"
	check "$b-published-as-written" "$(sql "SELECT office || '|' || requirements || '|' || allowance_eur || '|' || deadline FROM placement WHERE code = 'PLC112512S03'")" \
		'Biblioteca civica «Città dei ragazzi»|Diploma; uso del PC "base"|400|2026-03-31'

	# 2. The kiosk picks the call up through the catalog ETag, and shows it.
	check "$b-catalog-modified" "$(catalog "$e0")" 200
	cat > "$T/look.script" <<S
wait-sync 15
expect-screen home
tap start
expect-screen browse
tap search
type ragazzi
expect placement:PLC112512S03
shot look-browse
tap placement:PLC112512S03
expect-screen detail
expect-text Città dei ragazzi
expect-text Corso di Porta Vittoria 6
expect-text uso del PC "base"
shot look-detail
S
	if "$DOTE_BIN/dote-kiosk" --headless --config "$T/kiosk-$b.conf" --db "$KDB" --script "$T/look.script" \
		--shots "$T/shots-$b" --size 1080x1920 >>"$T/shots-$b/kiosk.log" 2>&1; then
		pass "$b-kiosk-shows-the-call"
	else
		fail "$b-kiosk-shows-the-call" "$(grep -m1 FAIL "$T/shots-$b/kiosk.log")"
	fi
	for f in "$T/shots-$b"/look-*.png; do cp "$f" "$SHOTS/$b-kiosk-$(basename "$f")"; done
	out=$(ksetting catalog_etag)
	[ -n "$out" ] && [ "$out" != "$e0" ] && pass "$b-kiosk-new-etag" || fail "$b-kiosk-new-etag" "'$out' (was '$e0')"
	check "$b-kiosk-catalog" "$(sqlite3 "$KDB" "SELECT group_concat(code, ' ') FROM (SELECT code FROM placement WHERE code LIKE 'PLC%' ORDER BY code)")" \
		"PLC112512S03 PLC112512S04"

	# 3. Two citizens apply at the kiosk; Giulia leaves her e-mail address.
	for i in 1 2; do
		{ echo "wait-sync 15"
		  kiosk_apply_script "$(cf_for $i)" "${names[$i]}" Bianchi "apply$i" ragazzi PLC112512S03 "${mails[$i]}"
		  echo "wait-sync 15"; } >"$T/apply.script"
		if "$DOTE_BIN/dote-kiosk" --headless --config "$T/kiosk-$b.conf" --db "$KDB" --script "$T/apply.script" \
			--shots "$T/shots-$b" --size 1080x1920 >>"$T/shots-$b/kiosk.log" 2>&1; then
			pass "$b-kiosk-apply-$i"
		else
			fail "$b-kiosk-apply-$i" "$(grep FAIL "$T/shots-$b/kiosk.log" | tail -1)"
		fi
		PROTO[$i]=$(sqlite3 "$KDB" "SELECT protocol FROM application ORDER BY seq DESC LIMIT 1")
		# The receipt the kiosk saved; the citizen's phone reads its QR code.
		RECEIPT[$i]=$(zbarimg --raw -q "$T/receipts-$b/${PROTO[$i]}.png" 2>/dev/null | head -1)
		check_match "$b-receipt-qr-$i" "${RECEIPT[$i]}" "^HTTP://127\.0\.0\.1:$HUB_PORT/R/[A-Z0-9]+$"
	done
	cp "$T/shots-$b/apply1.png" "$SHOTS/$b-kiosk-receipt.png" 2>/dev/null
	check "$b-hub-has-the-applications" "$(personal)" \
		"Giulia|Bianchi|$(cf_for 1)|3331234567|giulia.bianchi@example.it Marta|Bianchi|$(cf_for 2)|3331234567|- "
	check "$b-hub-same-protocols" "$(sql "SELECT protocol FROM application WHERE given_name = 'Giulia'") $(sql "SELECT protocol FROM application WHERE given_name = 'Marta'")" \
		"${PROTO[1]} ${PROTO[2]}"
	check "$b-kiosk-forgot-personal-data" "$("$SYNCTOOL" kiosk-db "$KDB" | sed 's/ placements.*//')" "outbox 0 acked 2 personal 0"
	check_match "$b-receipt-received" "$(receipt_sees 1)" \
		"Ricevuta autentica\. Protocollo ${PROTO[1]} Progetto PLC112512S03 – Biblioteca civica «Città dei ragazzi», Comune di Milano Inviata il 02/03/2026 alle 10:00 Stato della domanda: Ricevuta "
	check "$b-kiosk-received" "$(kiosk_sees 1 received)" \
		"Stato: Ricevuta | La tua domanda è stata ricevuta ed è in attesa della valutazione del Comune."
	check "$b-stats-applied" "$(numbers)" "rete 2,0,0 dashboard 2,0,0"

	# 4. The comune's staff, in their own browser.
	browser staff 10-login login anna "$PW" || fail "$b-login-staff" "$(tail -1 "$T/cdp.log")"
	# Staff land on their office, their applications.
	check "$b-login-staff-lands-on-office" "$(seen '"\(.status) \(.url) \(.error)"')" "200 /ufficio "
	check_match "$b-staff-home" "$(seen .text)" "PLC112512S03.*PLC112512S04"
	[[ "$(seen .text)" != *PLC112512S05* ]] && pass "$b-staff-home-own-comune-only" || fail "$b-staff-home-own-comune-only" "shows Sesto's placement"
	browser staff 12-placement open "/ufficio/progetto?codice=PLC112512S03"
	check_match "$b-staff-sees-contacts" "$(seen .text)" "Giulia Bianchi.*giulia.bianchi@example.it.*Marta Bianchi"
	browser staff 13-application open "/ufficio/domanda?id=${PROTO[1]}"
	check "$b-staff-application-page" "$(seen '"\(.status) \(.unlabelled) \(.scripts)"')" "200 0 0"
	for i in 1 2; do
		step "requirements-$i" staff "14-requirements-$i" form "/ufficio/domanda?id=${PROTO[$i]}" requisiti esito=ok
		step "interview-$i" staff "15-interview-$i" form "/ufficio/domanda?id=${PROTO[$i]}" colloquio \
			"quando=2026-03-20T1$i:00" "luogo=Municipio, sala Giunta"
	done
	check_match "$b-receipt-interview" "$(receipt_sees 1)" \
		"Stato della domanda: Convocato/a al colloquio .*il 20/03/2026 alle 11:00, presso: Municipio, sala Giunta"
	# The same page on a phone's browser (the receipt's QR code holds its address).
	browser coord 30-receipt-phone open "/${RECEIPT[1]#HTTP://*/}" || fail "$b-receipt-in-a-browser" "$(tail -1 "$T/cdp.log")"
	check_match "$b-receipt-in-a-browser" "$(seen '"\(.status) \(.h1) \(.text)"')" \
		"^200 Verifica ricevuta .*Convocato/a al colloquio.*il 20/03/2026 alle 11:00, presso: Municipio, sala Giunta"
	# The kiosk says what the receipt page says (issue 18).
	check "$b-kiosk-interview" "$(kiosk_sees 1 interview)" "$(receipt_stage "${RECEIPT[1]}")"
	wait_mails "$T/mail-$b" 2 || fail "$b-mail-interview-arrives" "no message"
	check_match "$b-mail-received" "$(mail_n 1)" "^To: giulia.bianchi@example.it .*Subject: DoteComune: domanda ${PROTO[1]} ricevuta"
	check_match "$b-mail-interview" "$(mail_n 2)" \
		"^To: giulia.bianchi@example.it .*Subject: DoteComune: novità sulla sua domanda ${PROTO[1]} .*Convocato/a al colloquio.*il 20/03/2026 alle 11:00, presso: Municipio, sala Giunta"
	step score-1 staff 16-score-1 form "/ufficio/domanda?id=${PROTO[1]}" esito giudizio=idoneo punteggio=85
	step score-2 staff 16-score-2 form "/ufficio/domanda?id=${PROTO[2]}" esito giudizio=idoneo punteggio=70
	browser staff 17-ranking open "/ufficio/graduatoria?codice=PLC112512S03"
	check_match "$b-ranking" "$(seen .text)" " 1 ${PROTO[1]} 85 Idoneo/a 2 ${PROTO[2]} 70 Idoneo/a "
	[[ "$(seen .text)" != *Bianchi* ]] && pass "$b-ranking-no-names" || fail "$b-ranking-no-names" "a name is shown"
	# Nobody is selected before the final ranking: the page does not offer it.
	out=$(browser staff 18-no-selection-yet form "/ufficio/domanda?id=${PROTO[1]}" stato stato=selected)
	check_match "$b-no-selection-before-final" "$out" "no (option selected|form stato)"
	# The deadline passes (the hub's rows, as time would); one seat is left after an amendment.
	sql "UPDATE placement SET deadline = '2026-03-01' WHERE code = 'PLC112512S03'" >/dev/null
	"$DOTE_BIN/dote" call edit --db "$DB" PLC112512S03 seats=1 --note "un posto tagliato" >/dev/null 2>&1 ||
		fail "$b-seats-cut" "dote call edit"
	browser staff 19-ranking-confirm form "/ufficio/graduatoria?codice=PLC112512S03" /ufficio/graduatoria ||
		fail "$b-ranking-final-asks" "$(tail -1 "$T/cdp.log")"
	check_match "$b-ranking-final-asks-confirmation" "$(seen '.text')" "Confermi la graduatoria definitiva\?"
	browser staff 19-ranking-final press "Conferma: rendi definitiva" || fail "$b-ranking-final" "$(tail -1 "$T/cdp.log")"
	check "$b-ranking-final-says-so" "$(seen '.h1 + " | " + .ok')" "Graduatoria definitiva | Graduatoria resa definitiva: punteggi ed esiti non si cambiano più."
	check "$b-ranking-final-stored" "$(sql "SELECT by FROM ranking_final WHERE placement_code = 'PLC112512S03'")" "anna"
	step select-1 staff 18-selected form "/ufficio/domanda?id=${PROTO[1]}" stato stato=selected
	step not-selected-2 staff 18-not-selected form "/ufficio/domanda?id=${PROTO[2]}" stato stato=not_selected
	check_match "$b-receipt-selected" "$(receipt_sees 1)" "Stato della domanda: Selezionato/a .*Il Comune la contatterà"
	check_match "$b-receipt-not-selected" "$(receipt_sees 2)" "Stato della domanda: Idoneo/a non selezionato/a .*posizione 2"
	out=$(kiosk_sees 2 not-selected)
	check_match "$b-kiosk-not-selected" "$out" "^Stato: Idoneo/a non selezionato/a \| È idoneo/a ma non selezionato/a: è alla posizione 2"
	check "$b-kiosk-not-selected-as-receipt" "$out" "$(receipt_stage "${RECEIPT[2]}")"
	check "$b-kiosk-selected" "$(kiosk_sees 1 selected)" "$(receipt_stage "${RECEIPT[1]}")"
	check "$b-stats-selected" "$(numbers)" "rete 2,1,0 dashboard 2,1,0"
	step start-1 staff 20-started form "/ufficio/domanda?id=${PROTO[1]}" stato stato=started
	check_match "$b-receipt-started" "$(receipt_sees 1)" "Stato della domanda: Tirocinio avviato .*Il tirocinio è iniziato."
	check "$b-kiosk-started" "$(kiosk_sees 1 started)" "$(receipt_stage "${RECEIPT[1]}")"
	# Received, convocation, outcome, ranking, selection, start.
	wait_mails "$T/mail-$b" 6 || fail "$b-mail-steps-arrive" "$(mail_count "$T/mail-$b") messages"
	check_match "$b-mail-selected" "$(mail_n 5)" "^To: giulia.bianchi@example.it .*Stato della domanda: Selezionato/a"
	check_match "$b-mail-started" "$(mail_n 6)" "^To: giulia.bianchi@example.it .*Stato della domanda: Tirocinio avviato. Il tirocinio è iniziato."
	check "$b-stats-started" "$(numbers)" "rete 2,1,1 dashboard 2,1,1"

	# 7. Retention: nothing before its time; 31 days after the ranking
	# became final Marta is erased, Giulia (in her placement) is kept.
	check_match "$b-retention-nothing-due-yet" "$("$DOTE_BIN/dote" retention show --db "$DB")" "due now: 0 applications"
	before=$(stats)
	check_match "$b-retention-run" "$(DOTE_NOW=$((T0 + 31 * 86400)) "$DOTE_BIN/dote" retention run --by 'Ufficio privacy' --db "$DB")" \
		"^erased the personal data of 1 applications \(1 placements"
	check "$b-retention-erased-not-selected" "$(personal)" \
		"Giulia|Bianchi|$(cf_for 1)|3331234567|giulia.bianchi@example.it -|-|-|-|- "
	[ "$(stats)" == "$before" ] && pass "$b-retention-stats-identical" || fail "$b-retention-stats-identical" "$(diff <(echo "$before") <(stats) | head -4)"

	# The placement ends: told everywhere; the next run erases Giulia.
	step complete-1 staff 21-completed form "/ufficio/domanda?id=${PROTO[1]}" stato stato=completed
	check_match "$b-receipt-completed" "$(receipt_sees 1)" "Stato della domanda: Tirocinio concluso .*Il tirocinio si è concluso."
	check "$b-kiosk-completed" "$(kiosk_sees 1 completed)" "$(receipt_stage "${RECEIPT[1]}")"
	wait_mails "$T/mail-$b" 7 || fail "$b-mail-completed-arrives" "$(mail_count "$T/mail-$b") messages"
	check_match "$b-mail-completed" "$(mail_n 7)" "^To: giulia.bianchi@example.it .*Stato della domanda: Tirocinio concluso"
	sleep 1
	check "$b-mail-plain-text" "$(grep -l '^Content-Type: text/plain; charset=UTF-8' "$T/mail-$b"/*.eml | wc -l)|$(grep -il '<html\|text/html' "$T/mail-$b"/*.eml | wc -l)" "7|0"
	check "$b-mail-only-to-who-left-an-address" "$(mail_count "$T/mail-$b")|$(grep -l -e Giulia -e Marta -e Bianchi "$T/mail-$b"/*.txt | wc -l)" "7|0"
	before=$(stats)
	check_match "$b-retention-run-after-completion" "$(DOTE_NOW=$((T0 + 40 * 86400)) "$DOTE_BIN/dote" retention run --by 'Ufficio privacy' --db "$DB")" \
		"^erased the personal data of 1 applications"
	check "$b-retention-erased-everyone" "$(personal)" "-|-|-|-|- -|-|-|-|- "
	check "$b-retention-no-address-left" "$(sql "SELECT count(*) FROM mail_outbox")|$(sql "SELECT count(*) FROM selection_audit WHERE note LIKE '%@%'")" "0|0"
	[ "$(stats)" == "$before" ] && pass "$b-retention-stats-identical-again" || fail "$b-retention-stats-identical-again" "$(diff <(echo "$before") <(stats) | head -4)"
	check "$b-stats-after-erasure" "$(numbers)" "rete 2,1,1 dashboard 2,1,1"
	out=$(receipt_sees 1)
	check_match "$b-receipt-after-erasure" "$out" "Ricevuta autentica\. Protocollo ${PROTO[1]} .*Tirocinio concluso"
	[[ "$out" != *Giulia* && "$out" != *Bianchi* && "$out" != *"$(cf_for 1)"* && "$out" != *@example* ]] &&
		pass "$b-receipt-no-personal-data" || fail "$b-receipt-no-personal-data" "$out"
	check "$b-kiosk-after-erasure" "$(kiosk_sees 1 after-erasure)" "$(receipt_stage "${RECEIPT[1]}")"
	browser staff 22-after-erasure open "/ufficio/progetto?codice=PLC112512S03"
	check_match "$b-staff-sees-erased" "$(seen .text)" "dati personali cancellati"
	[[ "$(seen .text)" != *Giulia* && "$(seen .text)" != *@example* ]] && pass "$b-staff-no-personal-data-left" ||
		fail "$b-staff-no-personal-data-left" "still shown"
	grep -q -e Giulia -e giulia.bianchi -e BNCGLI "$T/$b-chain.log" && fail "$b-hub-log-no-personal-data" "found" ||
		pass "$b-hub-log-no-personal-data"
	kill "$HUB_PID" "$SINK_PID" 2>/dev/null
	wait "$HUB_PID" "$SINK_PID" 2>/dev/null
}

# CHAIN_ONLY=sqlite: the SQLite half alone (quicker while working on it).
if [ "${CHAIN_ONLY:-}" = sqlite ]; then BACKENDS=(sqlite); else backends chain; fi
for b in "${BACKENDS[@]}"; do
	SECONDS=0
	run "$b"
	echo "# $b: ${SECONDS}s"
done
finish
