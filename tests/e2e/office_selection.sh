#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# A host comune runs its selection through the hub's web pages, on
# SQLite and on a throwaway PostgreSQL. Citizens apply at the real kiosk
# (headless, enrolled at the hub, its own sync thread), two with an
# e-mail address. Staff of the comune log in over HTTP (curl, cookie
# jar, CSRF token) and check requirements, call for interview, record
# outcome and score, rank, select, mark the ranking final and record the
# start. After each step the receipt page (/r/TOKEN), the kiosk's "check
# my application" (after a heartbeat) and the SMTP sink show it in plain
# Italian; a relay that is down at first loses nothing. Transitions that
# are not allowed are refused with an Italian message and change
# nothing. Staff of another comune get 404 for every crafted id, in URLs
# and forms, and nothing changes; coordinators read the audit log but
# change nothing. The ranking exports (CSV, printable page) carry
# protocol numbers only. The statistics move; retention then erases the
# people whose placement's ranking has been final long enough, and the
# statistics stay the same.
. "$(dirname "$0")/hub_lib.bash"
top=${DOTE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
O_DIR=$(dirname "$DOTE_BIN")
PY=/usr/bin/python3
export DOTE_NOW=1772442000 DOTE_ASSETS="$top/assets" SDL_AUDIODRIVER=dummy	# 2026-03-02
for tool in sqlite3 jq curl pdftotext; do
	command -v $tool >/dev/null || { echo "SKIP office_selection: $tool not installed"; exit 0; }
done
$PY -c 'import aiosmtpd' 2>/dev/null || { echo "SKIP office_selection: python3-aiosmtpd not installed"; exit 0; }
. "$top/tests/e2e/kiosk_apply.bash"

"$DOTE_BIN/dote-kiosk" --init-db "$T/catalog.db" >/dev/null 2>&1 &&
	sqlite3 "$T/catalog.db" < "$top/tests/ui/fixture.sql" || { fail office-setup "catalog"; finish; }

# cookie jar, name, password: logs in (hub_lib.bash: web_login).
login() { web_login "$URL" "$@"; }
get() { page_get "$@"; }	# jar path: prints the code; the page in $T/page
form() { form_post "$@"; }	# jar csrf path k=v...: a form POST
sql() { "$SYNCTOOL" sql "$DB" "$@"; }
snap() { cp "$T/page" "$T/shot-$1-$B.html"; }	# pages kept for screenshots (OFFICE_SHOTS)
page_text() { html_text "$T/page"; }
kpi() { # jar measure: the comune's own dashboard KPI
	curl -s -b "$1" "$URL/dashboard?comune=015146&interno=1" | grep -o "data-kpi=\"$2\">[^<]*" | cut -d'>' -f2
}
stats() { # everything the statistics say, as comune staff and in the published report
	echo "kpi $(for m in applications applicants seats selected fill_rate started dropout_rate; do kpi "$J_A" $m; done | tr '\n' ' ')"
	"$DOTE_BIN/dote" report --db "$DB" --dims province,age_band,sex,residence --measures applications,selected,started --format csv 2>&1 ||
		echo "report failed"
	"$DOTE_BIN/dote" report --db "$DB" --raw --dims call,applicant_status --measures applications,selected,started --format csv 2>&1 ||
		echo "report failed"
}
mails() { mail_count "$T/mail-$B"; }
mail_with() { cat $(grep -l "$1" "$T/mail-$B"/*.txt 2>/dev/null | head -1) 2>/dev/null | tr '\n' ' '; }	# the first message saying WORDS
kiosk_check() { # protocol cf shot: the kiosk's "check my application" after a heartbeat
	kiosk_status "$KDB" "$T/kiosk-$B.conf" "$T/shots-$B" "$@"
}
receipt_says() { receipt_stage "$URL/r/$1"; }	# token: the receipt page's words, as the kiosk's

run() {
	local b=$1 url code r pa pb pc ta tb tc csrf csrf_b csrf_c port before after n
	B=$b
	DB=$(db_url "$b" "$b-office")
	KDB=$T/kiosk-$b.db
	J_A=$T/jar-a-$b J_B=$T/jar-b-$b J_C=$T/jar-c-$b
	"$DOTE_BIN/dote-hub" --db "$DB" --load-catalog "$T/catalog.db" >/dev/null || { fail "$b-setup" "catalog"; return; }
	sql "UPDATE placement SET seats = 1 WHERE code = 'UI-015146-001'" >/dev/null	# one seat: A selected, B idoneo non selezionato
	port=$(free_port)
	start_hub "$b-office" "$DB" --threads 2 --set "smtp_url=smtp://127.0.0.1:$port" \
		--set smtp_from=dote@comune.example.it --set mail_poll_seconds=1 --set mail_retry_seconds=1 \
		--set retention_interval_hours=0 ||	# retention by the CLI here (hub_retention.sh: by the hub)
		{ fail "$b-setup" "hub"; return; }
	URL=$HUB_URL
	for u in "anna comune 015146" "bruno comune 015209" "carla coordinator"; do
		set -- $u
		echo 'una password lunga' | "$DOTE_BIN/dote" user add --db "$DB" --name "$1" --role "$2" ${3:+--comune $3} >/dev/null ||
			fail "$b-setup" "user $1"
	done

	# Three citizens apply at the kiosk; two leave an e-mail address.
	code=$("$DOTE_BIN/dote" kiosk enroll-code --comune 015146 --db "$DB" 2>/dev/null)
	"$SYNCTOOL" sync "$KDB" "$T/state-$b" "$URL" 015146 "$code" 15 >/dev/null || fail "$b-kiosk-enrolled" "sync"
	mkdir -p "$T/receipts-$b" "$T/shots-$b"
	cat > "$T/kiosk-$b.conf" <<CONF
comune = 015146
state_dir = $T/state-$b
receipts_dir = $T/receipts-$b
printer_device = $T/printer-$b.bin
hub_url = $URL
languages = it,en
locale_dir = $O_DIR/locale
CONF
	local i email names=(x Giulia Marta Sara)
	for i in 1 2 3; do
		email=$([ $i -lt 3 ] && echo "cittadina$i@example.it")
		kiosk_apply_script "$(cf_for $i)" "${names[$i]}" Bianchi "apply$i" Ragazzi UI-015146-001 "$email" > "$T/apply.script"
		"$DOTE_BIN/dote-kiosk" --headless --config "$T/kiosk-$b.conf" --db "$KDB" --script "$T/apply.script" \
			--shots "$T/shots-$b" --size 1080x1920 >>"$T/kiosk-$b.log" 2>&1 || fail "$b-kiosk-apply-$i" "$(grep -m1 FAIL "$T/kiosk-$b.log")"
	done
	"$SYNCTOOL" sync "$KDB" "$T/state-$b" "$URL" 015146 - 15 >/dev/null
	check "$b-hub-has-applications" "$(sql "SELECT count(*), count(email) FROM application")" "3|2"
	pa=$(sql "SELECT protocol FROM application WHERE given_name = 'Giulia'")
	pb=$(sql "SELECT protocol FROM application WHERE given_name = 'Marta'")
	pc=$(sql "SELECT protocol FROM application WHERE given_name = 'Sara'")
	ta=$(sql "SELECT receipt FROM application WHERE protocol = ?1" "$pa")
	tb=$(sql "SELECT receipt FROM application WHERE protocol = ?1" "$pb")
	tc=$(sql "SELECT receipt FROM application WHERE protocol = ?1" "$pc")
	# Another comune's application (Sesto San Giovanni), from its own kiosk.
	r=$(curl -s -X POST --data-binary "{\"code\":\"$("$DOTE_BIN/dote" kiosk enroll-code --comune 015209 --db "$DB" 2>/dev/null)\",\"public_key\":\"$("$SYNCTOOL" key K02)\"}" "$URL/v1/enroll")
	curl -s -o /dev/null -X POST -H "Authorization: Bearer $(jq -r .token <<<"$r")" \
		--data-binary "$("$SYNCTOOL" batch K02 015209 1 7 0 1 UI-015209-001 900)" "$URL/v1/applications"
	local ps
	ps=$(sql "SELECT protocol FROM application WHERE comune = '015209'")
	[ -n "$ps" ] && pass "$b-other-comune-application" || fail "$b-other-comune-application" "none stored"
	before=$(stats)

	# Staff of Milano log in and see their applications with contacts.
	check "$b-login-comune" "$(login "$J_A" anna 'una password lunga')" "303"
	check "$b-login-other-comune" "$(login "$J_B" bruno 'una password lunga')" "303"
	check "$b-login-coordinator" "$(login "$J_C" carla 'una password lunga')" "303"
	# Each lands on their daily work: staff on their office, coordinators on the statistics.
	check "$b-login-comune-lands-on-office" "$(tr -d '\r' <"$J_A.headers" | sed -n 's/^Location: //Ip')" "/ufficio"
	check "$b-login-coordinator-lands-on-statistics" "$(tr -d '\r' <"$J_C.headers" | sed -n 's/^Location: //Ip')" "/dashboard"
	csrf=$(staff_csrf "$J_A")
	csrf_b=$(staff_csrf "$J_B")
	csrf_c=$(staff_csrf "$J_C")
	check "$b-office-needs-login" "$(curl -s -o /dev/null -w '%{http_code}' "$URL/ufficio")" "303"
	get "$J_A" /ufficio >/dev/null
	check_match "$b-office-home-own-placements" "$(page_text)" 'UI-015146-001 .*UI-015146-003'
	[[ "$(page_text)" != *UI-015209-001* ]] && pass "$b-office-home-not-others" || fail "$b-office-home-not-others" "shows Sesto"
	snap home
	check "$b-placement-page" "$(get "$J_A" '/ufficio/progetto?codice=UI-015146-001')" "200"
	check_match "$b-placement-contacts" "$(page_text)" "Giulia Bianchi .*cittadina1@example.it.*Marta Bianchi .*Sara Bianchi"
	snap placement
	get "$J_A" "/ufficio/domanda?id=$pa" >/dev/null && snap application-received

	# Requirements, interview (the relay is still down).
	check "$b-requirements" "$(form "$J_A" "$csrf" /ufficio/domanda id="$pa" azione=requisiti esito=ok)" "303"
	check "$b-interview" "$(form "$J_A" "$csrf" /ufficio/domanda id="$pa" azione=colloquio quando=2026-03-20T10:00 'luogo=Municipio, sala Giunta')" "303"
	check "$b-interview-stored" "$(sql "SELECT a.status, x.interview_at, x.interview_place FROM application a JOIN selection x ON x.uuid = a.uuid WHERE a.protocol = ?1" "$pa")" \
		"interview|2026-03-20T10:00|Municipio, sala Giunta"
	check "$b-interview-in-the-past-refused" "$(form "$J_A" "$csrf" /ufficio/domanda id="$pb" azione=colloquio quando=2026-02-20T10:00 luogo=Municipio)" "409"
	check_match "$b-interview-in-the-past-says-why" "$(page_text)" "sono già passate"
	check "$b-interview-place-too-long" "$(form "$J_A" "$csrf" /ufficio/domanda id="$pb" azione=colloquio quando=2026-03-20T11:00 "luogo=$(printf 'x%.0s' $(seq 201))")" "409"
	check_match "$b-interview-place-too-long-says-why" "$(page_text)" "serve il luogo \(da 1 a 200 caratteri\)"
	check "$b-note-too-long" "$(form "$J_A" "$csrf" /ufficio/domanda id="$pb" azione=requisiti esito=ok "nota=$(printf 'n%.0s' $(seq 501))")" "409"
	check_match "$b-note-too-long-says-why" "$(page_text)" "al massimo 500 caratteri"
	check "$b-note-far-too-long" "$(form "$J_A" "$csrf" /ufficio/domanda id="$pb" azione=requisiti esito=ok "nota=$(printf 'n%.0s' $(seq 2000))")" "400"
	check "$b-form-too-big" "$(form "$J_A" "$csrf" /ufficio/domanda id="$pb" azione=requisiti esito=ok "x=$(printf 'y%.0s' $(seq 9000))")" "413"
	check "$b-bounds-nothing-changed" "$(sql "SELECT count(*) FROM selection x JOIN application a ON a.uuid = x.uuid WHERE a.protocol = ?1" "$pb")" "0"
	check_match "$b-receipt-interview" "$(curl -s "$URL/r/$ta" | sed 's/<[^>]*>/ /g')" \
		"Stato della domanda: +Convocato/a al colloquio .*convocato/a al colloquio il 20/03/2026 alle 10:00, presso: Municipio, sala Giunta"
	curl -s "$URL/r/$ta" > "$T/shot-receipt-interview-$b.html"
	# The kiosk says what the receipt page says (issue 18).
	check "$b-kiosk-interview" "$(kiosk_check "$pa" "$(cf_for 1)" "check-interview-$b")" "$(receipt_says "$ta")"
	check_match "$b-kiosk-interview-words" "$(receipt_says "$ta")" \
		"^Stato: Convocato/a al colloquio \| È convocato/a al colloquio il 20/03/2026 alle 10:00, presso: Municipio, sala Giunta"
	sleep 2
	check "$b-relay-down-message-kept" "$(sql "SELECT count(*), count(sent_at), CASE WHEN max(attempts) > 0 THEN 1 ELSE 0 END FROM mail_outbox")" "4|0|1"
	start_smtp_sink "$T/mail-$b" "$port" || fail "$b-smtp-sink" "does not start"
	if wait_mails "$T/mail-$b" 1; then pass "$b-mail-after-relay-returns"; else fail "$b-mail-after-relay-returns" "$(sql "SELECT attempts, last_error FROM mail_outbox")"; fi
	wait_mails "$T/mail-$b" 4
	check_match "$b-mail-received" "$(mail_with "domanda $pa ricevuta")" "^To: cittadina1@example.it .*la sua domanda n. $pa .* è stata ricevuta"
	check_match "$b-mail-interview" "$(mail_with "novità sulla sua domanda $pa")" \
		"^To: cittadina1@example.it .*Subject: DoteComune: novità sulla sua domanda $pa .*Convocato/a al colloquio.*il 20/03/2026 alle 10:00, presso: Municipio, sala Giunta"
	[[ "$(cat "$T/mail-$b"/*.txt 2>/dev/null)" != *Giulia* ]] && pass "$b-mail-names-nobody" || fail "$b-mail-names-nobody" "name in the message"

	# A transition that is not allowed: refused in Italian, nothing changed.
	n=$(sql "SELECT count(*) FROM selection_audit")
	check "$b-bad-transition-refused" "$(form "$J_A" "$csrf" /ufficio/domanda id="$pa" azione=stato stato=completed)" "409"
	check_match "$b-bad-transition-italian" "$(page_text)" "Il tirocinio non è in corso \(la domanda è «Convocato/a al colloquio»\)"
	snap application-refused
	check "$b-bad-transition-nothing-changed" "$(sql "SELECT status FROM application WHERE protocol = ?1" "$pa")|$(sql "SELECT count(*) FROM selection_audit")" "interview|$n"
	check "$b-cli-same-machine" "$("$DOTE_BIN/dote" application status "$pa" started --by X --db "$DB" 2>&1)" \
		"dote application: Il tirocinio si avvia per chi è stato selezionato (la domanda è «Convocato/a al colloquio»)."
	check "$b-final-refused-while-pending" "$(form "$J_A" "$csrf" /ufficio/graduatoria codice=UI-015146-001)" "409"
	check_match "$b-final-refused-says-why" "$(page_text)" "soltanto dopo la scadenza del progetto \(30/06/2026\)"
	check "$b-no-csrf-refused" "$(curl -s -b "$J_A" -o /dev/null -w '%{http_code}' --data "id=$pa&azione=stato&stato=withdrawn" "$URL/ufficio/domanda")" "403"

	# Outcome and score; B too; C lacks the requirements.
	check "$b-score" "$(form "$J_A" "$csrf" /ufficio/domanda id="$pa" azione=esito giudizio=idoneo punteggio=85)" "303"
	check "$b-score-out-of-range" "$(form "$J_A" "$csrf" /ufficio/domanda id="$pa" azione=esito giudizio=idoneo punteggio=101)" "409"
	form "$J_A" "$csrf" /ufficio/domanda id="$pb" azione=requisiti esito=ok >/dev/null
	check "$b-interview-place-escaped" "$(form "$J_A" "$csrf" /ufficio/domanda id="$pb" azione=colloquio quando=2026-03-20T11:00 'luogo=<b>Sala</b> "Giunta"')" "303"
	get "$J_A" "/ufficio/domanda?id=$pb" >/dev/null
	check "$b-interview-place-shown-escaped" "$(grep -c '&lt;b&gt;Sala&lt;/b&gt; &quot;Giunta&quot;' "$T/page")|$(grep -c '<b>Sala' "$T/page")" "1|0"
	check "$b-score-b" "$(form "$J_A" "$csrf" /ufficio/domanda id="$pb" azione=esito giudizio=idoneo punteggio=70)" "303"
	check "$b-requirements-missing" "$(form "$J_A" "$csrf" /ufficio/domanda id="$pc" azione=requisiti esito=ko 'nota=manca la residenza in Lombardia')" "303"
	check "$b-no-interview-without-requirements" "$(form "$J_A" "$csrf" /ufficio/domanda id="$pc" azione=colloquio quando=2026-03-20T12:00 luogo=Municipio)" "409"
	check "$b-excluded" "$(sql "SELECT status FROM application WHERE protocol = ?1" "$pc")" "not_selected"
	# The excluded citizen reads the reason, the review and the office's contact at the kiosk, as on the receipt page.
	check "$b-office-contact" "$(form "$J_A" "$csrf" /ufficio/contatti 'nome=Ufficio Personale' 'telefono=02 8845 1234' \
		'email=personale@comune.milano.it' 'indirizzo=Via Larga 12, Milano')" "303"
	r=$(kiosk_check "$pc" "$(cf_for 3)" "check-excluded-$b")
	check_match "$b-kiosk-excluded" "$r" "^Stato: Esclusa: requisiti non posseduti \| La domanda non è stata ammessa .*Motivo: manca la residenza in Lombardia\. .*riesame.*tel\. 02 8845 1234, e-mail personale@comune\.milano\.it\.$"
	check "$b-kiosk-excluded-as-receipt" "$r" "$(receipt_says "$tc")"
	# In another language: the same parts, translated; the clerk's reason and the contact as written.
	[ "$b" = sqlite ] && check "$b-kiosk-excluded-en" "$(kiosk_check "$pc" "$(cf_for 3)" "check-excluded-en-$b" en)" \
		"Status: Not admitted: requirements not met | Your application was not admitted because the requirements of the call are not met. Reason: manca la residenza in Lombardia. If you think there is a mistake, you can ask the town hall's office to review it. For information: Ufficio Personale, Via Larga 12, Milano, 02 8845 1234, personale@comune.milano.it."

	# Ranking: protocol numbers only.
	check "$b-ranking-page" "$(get "$J_A" '/ufficio/graduatoria?codice=UI-015146-001')" "200"
	snap ranking
	check_match "$b-ranking-order" "$(page_text)" " 1 $pa 85 Idoneo/a 2 $pb 70 Idoneo/a – $pc Esclusa: requisiti non posseduti"
	check_match "$b-ranking-no-names" "$(grep -c -e Giulia -e Marta -e Sara -e Bianchi -e '@example' "$T/page")" "^0$"
	get "$J_A" '/ufficio/graduatoria?codice=UI-015146-001&formato=csv' >/dev/null
	check "$b-ranking-csv" "$(tr -d '\r' < "$T/page")" "USO INTERNO – dati esatti, non protetti: graduatoria dell'ufficio
posizione;protocollo;punteggio;esito;voti per criterio
1;\"$pa\";85;\"Idoneo/a\";\"\"
2;\"$pb\";70;\"Idoneo/a\";\"\"
;\"$pc\";;\"Esclusa: requisiti non posseduti\";\"\""

	# The deadline passes; the ranking becomes final (confirmed); A is selected, B is idoneo non selezionato; A starts.
	sql "UPDATE placement SET deadline = '2026-03-01' WHERE code = 'UI-015146-001'" >/dev/null
	check "$b-select-before-final-refused" "$(form "$J_A" "$csrf" /ufficio/domanda id="$pa" azione=stato stato=selected)" "409"
	# Before it is final, the ranking is not published and the receipt page does not link it.
	check "$b-ranking-pdf-not-before-final" "$(curl -s -o /dev/null -w '%{http_code}' "$URL/graduatoria/UI-015146-001.pdf")" "404"
	[[ "$(curl -s "$URL/r/$ta")" != *"/graduatoria/"* ]] && pass "$b-receipt-no-ranking-link-before-final" ||
		fail "$b-receipt-no-ranking-link-before-final" "linked"
	check "$b-final" "$(form "$J_A" "$csrf" /ufficio/graduatoria codice=UI-015146-001 conferma=1)" "303"
	check "$b-final-stored" "$(sql "SELECT count(*) FROM ranking_final WHERE placement_code = 'UI-015146-001'")" "1"
	check "$b-select" "$(form "$J_A" "$csrf" /ufficio/domanda id="$pa" azione=stato stato=selected)" "303"
	check "$b-not-selected" "$(form "$J_A" "$csrf" /ufficio/domanda id="$pb" azione=stato stato=not_selected)" "303"
	check_match "$b-receipt-selected" "$(curl -s "$URL/r/$ta" | sed 's/<[^>]*>/ /g')" "Selezionato/a .*Il Comune la contatterà"
	# The final ranking as a PDF: public (protocol numbers, no names), linked from every receipt page of the project.
	check "$b-receipt-links-ranking" "$(curl -s "$URL/r/$tc" | grep -o 'href="/graduatoria/[^"]*"')" 'href="/graduatoria/UI-015146-001.pdf"'
	check "$b-ranking-pdf-public" "$(curl -s -o "$T/ranking-$b.pdf" -w '%{http_code} %{content_type}' "$URL/graduatoria/UI-015146-001.pdf")" "200 application/pdf"
	r=$(pdftotext -layout "$T/ranking-$b.pdf" - 2>/dev/null | tr -s ' \n' ' ')
	pdftotext -layout "$T/ranking-$b.pdf" "$T/shots-$b/ranking.txt" 2>/dev/null
	check_match "$b-ranking-pdf-heading" "$r" "^Graduatoria definitiva Comune di Milano .*Progetto UI-015146-001 – Sportello Città dei Ragazzi Posti 1 Definitiva dal 02/03/2026 alle 10:00 Versione 3, del 02/03/2026 alle 10:00 "
	r=$(pdftotext -layout "$T/ranking-$b.pdf" - 2>/dev/null | sed 's/  */ /g; s/^ //')	# one line per row, its first line of text
	check_match "$b-ranking-pdf-rows" "$(grep -e "^[0-9–] DC-" <<<"$r" | tr '\n' '|')" "^1 $pa 85 Selez[^|]*\|2 $pb 70 Idoneo[^|]*\|– $pc Esclusa[^|]*\|$"
	check_match "$b-ranking-pdf-versions" "$(grep -e "^Versione 1" -e "^DC-" <<<"$r" | tr '\n' '|')" \
		"^Versione 1 del 02/03/2026 10:00: graduatoria resa definitiva\.\|$pa: versione 2 del 02/03/2026 10:00,[^|]*\|$pb: versione 3 del 02/03/2026 10:00,[^|]*\|$"
	check_match "$b-ranking-pdf-changes" "$(tr -s ' \n' ' ' <<<"$r")" "$pa: versione 2 del 02/03/2026 10:00, selezionato/a\. $pb: versione 3 del 02/03/2026 10:00, idoneo/a non selezionato/a\. I motivi"
	r=$(cat "$T/shots-$b/ranking.txt")
	[[ "$r" != *Giulia* && "$r" != *Marta* && "$r" != *Sara* && "$r" != *Bianchi* && "$r" != *@example* && "$r" != *"$(cf_for 1)"* ]] &&
		pass "$b-ranking-pdf-no-names" || fail "$b-ranking-pdf-no-names" "$r"
	check "$b-ranking-pdf-office" "$(curl -s -b "$J_A" -o "$T/ranking-office-$b.pdf" -w '%{http_code}' "$URL/ufficio/graduatoria?codice=UI-015146-001&formato=pdf")|$(pdftotext -layout "$T/ranking-office-$b.pdf" - 2>/dev/null | grep -c "$pb")" "200|2"
	check "$b-ranking-pdf-other-comune" "$(curl -s -b "$J_B" -o /dev/null -w '%{http_code}' "$URL/ufficio/graduatoria?codice=UI-015146-001&formato=pdf")" "404"
	check "$b-kiosk-selected" "$(kiosk_check "$pa" "$(cf_for 1)" "check-selected-$b")" "$(receipt_says "$ta")"
	r=$(kiosk_check "$pb" "$(cf_for 2)" "check-not-selected-$b")
	check_match "$b-kiosk-not-selected" "$r" "^Stato: Idoneo/a non selezionato/a \| È idoneo/a ma non selezionato/a: è alla posizione 2 della graduatoria definitiva, oltre i 1 posti disponibili\. .*scorre la graduatoria.*tel\. 02 8845 1234"
	[[ "$r" != *"Grazie per aver partecipato"* ]] && pass "$b-kiosk-not-selected-not-thanks" || fail "$b-kiosk-not-selected-not-thanks" "$r"
	check "$b-kiosk-not-selected-as-receipt" "$r" "$(receipt_says "$tb")"
	check "$b-score-frozen-after-final" "$(form "$J_A" "$csrf" /ufficio/domanda id="$pb" azione=esito giudizio=idoneo punteggio=99)" "409"
	check "$b-start" "$(form "$J_A" "$csrf" /ufficio/domanda id="$pa" azione=stato stato=started)" "303"
	get "$J_A" "/ufficio/domanda?id=$pa&fatto=stato" >/dev/null && snap application-started
	check_match "$b-receipt-started" "$(curl -s "$URL/r/$ta" | sed 's/<[^>]*>/ /g')" "Tirocinio avviato .*Il tirocinio è iniziato."
	check_match "$b-receipt-not-selected" "$(curl -s "$URL/r/$tb" | sed 's/<[^>]*>/ /g')" "Idoneo/a non selezionato/a .*idoneo/a ma non selezionato/a: è alla posizione 2"
	check "$b-kiosk-started" "$(kiosk_check "$pa" "$(cf_for 1)" "check-started-$b")" "$(receipt_says "$ta")"
	# Received (2), then A: convocation, outcome, ranking, selection, start; B: the same up to the ranking, not selected.
	if wait_mails "$T/mail-$b" 12; then pass "$b-mail-every-step"; else fail "$b-mail-every-step" "$(mails) messages"; fi
	check "$b-mail-subjects" "$(grep -h '^Subject' "$T/mail-$b"/*.txt | sort | uniq -c | awk '{print $1}' | tr '\n' ' ')" "1 1 1 5 4 "
	check_match "$b-mail-started" "$(cat "$T/mail-$b"/*.txt | tr '\n' ' ')" "Stato della domanda: Selezionato/a.*Stato della domanda: Tirocinio avviato. Il tirocinio è iniziato."
	check "$b-mail-all-sent" "$(sql "SELECT count(*) - count(sent_at) FROM mail_outbox")" "0"

	# Staff of another comune: crafted ids in URLs and forms, 404, nothing changed.
	n=$(sql "SELECT count(*) FROM selection_audit")
	check "$b-other-get-application" "$(get "$J_B" "/ufficio/domanda?id=$pa")" "404"
	snap other-comune-404
	[[ "$(cat "$T/page")" != *Giulia* ]] && pass "$b-other-sees-no-name" || fail "$b-other-sees-no-name" "name shown"
	check "$b-other-get-application-uuid" "$(get "$J_B" "/ufficio/domanda?id=$(sql "SELECT uuid FROM application WHERE protocol = ?1" "$pa")")" "404"
	check "$b-other-get-placement" "$(get "$J_B" '/ufficio/progetto?codice=UI-015146-001')" "404"
	check "$b-other-get-ranking" "$(get "$J_B" '/ufficio/graduatoria?codice=UI-015146-001&formato=csv')" "404"
	check "$b-other-post-status" "$(form "$J_B" "$csrf_b" /ufficio/domanda id="$pa" azione=stato stato=dropped_out)" "404"
	check "$b-other-post-score" "$(form "$J_B" "$csrf_b" /ufficio/domanda id="$pb" azione=esito giudizio=idoneo punteggio=1)" "404"
	check "$b-other-post-requirements" "$(form "$J_B" "$csrf_b" /ufficio/domanda id="$pb" azione=requisiti esito=ko)" "404"
	check "$b-other-post-final" "$(form "$J_B" "$csrf_b" /ufficio/graduatoria codice=UI-015146-002)" "404"
	check "$b-other-post-sql" "$(form "$J_B" "$csrf_b" /ufficio/domanda "id=$pa' OR '1'='1" azione=stato stato=dropped_out)" "404"
	check "$b-other-with-anna-csrf" "$(form "$J_B" "$csrf" /ufficio/domanda id="$ps" azione=stato stato=withdrawn)" "403"
	check "$b-other-own-application" "$(get "$J_B" "/ufficio/domanda?id=$ps")" "200"
	check "$b-own-staff-not-others" "$(get "$J_A" "/ufficio/domanda?id=$ps")" "404"
	check "$b-other-nothing-changed" "$(sql "SELECT status FROM application WHERE protocol IN (?1, ?2) ORDER BY protocol" "$pa" "$pb" | tr '\n' ' ')|$(sql "SELECT count(*) FROM selection_audit")|$(sql "SELECT count(*) FROM ranking_final")" \
		"$(printf '%s\n' "$pa started" "$pb not_selected" | sort | cut -d' ' -f2 | tr '\n' ' ')|$n|1"

	# Coordinators: the audit log of the network, no contact details, no changes.
	check "$b-coordinator-audit" "$(get "$J_C" /ufficio/registro)" "200"
	check_match "$b-coordinator-audit-rows" "$(page_text)" "anna Milano $pa UI-015146-001 Cambio di stato Selezionato/a Tirocinio avviato"
	snap audit
	get "$J_C" /ufficio >/dev/null && snap home-coordinator
	get "$J_C" '/ufficio/graduatoria?codice=UI-015146-001' >/dev/null && snap ranking-final
	check "$b-coordinator-no-contacts" "$(get "$J_C" "/ufficio/domanda?id=$pa")" "403"
	check "$b-coordinator-no-change" "$(form "$J_C" "$csrf_c" /ufficio/domanda id="$pa" azione=stato stato=dropped_out)" "403"
	check "$b-audit-who-from-to" "$(sql "SELECT by, from_status, to_status FROM selection_audit WHERE action = 'status' AND uuid = (SELECT uuid FROM application WHERE protocol = ?1) ORDER BY id" "$pa" | tr '\n' ' ')" \
		"anna|received|interview anna|interview|selected anna|selected|started "

	# The statistics moved.
	check_match "$b-stats-readable" "$(stats)" "^kpi 3 3 .*applications.*applications"
	[[ "$(stats)" != *"report failed"* ]] && pass "$b-reports-run" || fail "$b-reports-run" "$(stats | grep -m1 -B1 'report failed')"
	check "$b-stats-selected" "$(kpi "$J_A" selected)" "1"
	check "$b-stats-started" "$(kpi "$J_A" started)" "1"
	[ "$(stats)" != "$before" ] && pass "$b-stats-moved" || fail "$b-stats-moved" "unchanged"

	# Retention: nothing is due before the time; then B and C (A is in
	# a placement) lose their personal data, and the statistics stay.
	before=$(stats)
	check_match "$b-retention-show-none" "$("$DOTE_BIN/dote" retention show --days 30 --db "$DB")" "due now: 0 applications"
	check "$b-retention-set-days" "$("$DOTE_BIN/dote" retention set-days 30 --db "$DB")" "retention: 30 days after a ranking is final"
	export DOTE_NOW=$((1772442000 + 31 * 86400))
	check_match "$b-retention-show-due" "$("$DOTE_BIN/dote" retention show --db "$DB")" "UI-015146-001 .* 2 applications.*due now: 2 applications"
	check "$b-retention-needs-who" "$("$DOTE_BIN/dote" retention run --db "$DB" >/dev/null 2>&1; echo $?)" "2"
	check_match "$b-retention-run" "$("$DOTE_BIN/dote" retention run --by 'Ufficio privacy' --db "$DB")" "^erased the personal data of 2 applications \(1 placements"
	export DOTE_NOW=1772442000
	check "$b-retention-erased" "$(sql "SELECT protocol, coalesce(cf, '-'), coalesce(given_name, '-'), coalesce(email, '-'), coalesce(phone, '-') FROM application WHERE comune = '015146' ORDER BY protocol" | tr '\n' ' ')" \
		"$(for p in "$pa" "$pb" "$pc"; do if [ "$p" = "$pa" ]; then echo "$pa|$(cf_for 1)|Giulia|cittadina1@example.it|3331234567"; else echo "$p|-|-|-|-"; fi; done | sort | tr '\n' ' ')"
	check "$b-retention-notes-erased" "$(sql "SELECT count(*) FROM selection_audit WHERE note LIKE '%residenza%'")|$(sql "SELECT count(*) FROM mail_outbox WHERE to_addr = 'cittadina2@example.it'")" "0|0"
	check "$b-retention-logged" "$(sql "SELECT by, days, applications, placements FROM retention_log")" "Ufficio privacy|30|2|1"
	get "$J_C" /ufficio/registro >/dev/null
	check_match "$b-retention-shown-to-coordinators" "$(page_text)" "Cancellazioni dei dati personali .* UTC Ufficio privacy 30 2 1"
	[ "$(stats)" == "$before" ] && pass "$b-retention-stats-unchanged" || fail "$b-retention-stats-unchanged" "$(diff <(echo "$before") <(stats) | head -5)"
	"$DOTE_BIN/dote" report --db "$DB" --rebuild --dims comune --measures applications >/dev/null 2>&1
	[ "$(stats)" == "$before" ] && pass "$b-retention-stats-unchanged-after-rebuild" || fail "$b-retention-stats-unchanged-after-rebuild" "$(diff <(echo "$before") <(stats) | head -5)"
	check_match "$b-receipt-after-erasure" "$(curl -s "$URL/r/$tb" | sed 's/<[^>]*>/ /g')" "Ricevuta autentica.*[Nn]on selezionato/a"
	get "$J_A" '/ufficio/progetto?codice=UI-015146-001' >/dev/null
	check_match "$b-placement-after-erasure" "$(page_text)" "dati personali cancellati"
	[[ "$(sql "SELECT count(*) FROM retention_log WHERE by LIKE '%@%'")" == 0 ]] && pass "$b-retention-log-no-personal-data" || fail "$b-retention-log-no-personal-data" "address in log"
	grep -q -e Giulia -e cittadina -e BNCGLI "$T/$b-office.log" && fail "$b-hub-log-no-personal-data" "found" || pass "$b-hub-log-no-personal-data"

	# A completes the placement: told everywhere, then erased at the next run.
	check "$b-complete" "$(form "$J_A" "$csrf" /ufficio/domanda id="$pa" azione=stato stato=completed)" "303"
	check_match "$b-receipt-completed" "$(curl -s "$URL/r/$ta" | sed 's/<[^>]*>/ /g')" "Tirocinio concluso .*Il tirocinio si è concluso."
	check "$b-kiosk-completed" "$(kiosk_check "$pa" "$(cf_for 1)" "check-completed-$b")" "$(receipt_says "$ta")"
	if wait_mails "$T/mail-$b" 13; then pass "$b-mail-completed"; else fail "$b-mail-completed" "$(mails) messages"; fi
	check "$b-final-status-no-more-changes" "$(form "$J_A" "$csrf" /ufficio/domanda id="$pa" azione=stato stato=dropped_out)" "409"
	check_match "$b-final-status-says-so" "$(page_text)" "Il tirocinio non è in corso"
	before=$(stats)
	export DOTE_NOW=$((1772442000 + 40 * 86400))
	check_match "$b-retention-after-completion" "$("$DOTE_BIN/dote" retention run --by 'Ufficio privacy' --db "$DB")" "^erased the personal data of 1 applications"
	export DOTE_NOW=1772442000
	check "$b-retention-completed-erased" "$(sql "SELECT count(*) FROM application WHERE comune = '015146' AND (cf IS NOT NULL OR email IS NOT NULL OR given_name IS NOT NULL)")" "0"
	[ "$(stats)" == "$before" ] && pass "$b-retention-stats-unchanged-again" || fail "$b-retention-stats-unchanged-again" "$(diff <(echo "$before") <(stats) | head -5)"
	check "$b-retention-other-comune-kept" "$(sql "SELECT count(*) FROM application WHERE comune = '015209' AND cf IS NOT NULL")" "1"
	kill "$HUB_PID" "$SINK_PID" 2>/dev/null
	wait "$HUB_PID" "$SINK_PID" 2>/dev/null
}

# OFFICE_ONLY=sqlite: the SQLite half alone (quicker while working on it).
if [ "${OFFICE_ONLY:-}" = sqlite ]; then BACKENDS=(sqlite); else backends office; fi
for b in "${BACKENDS[@]}"; do run "$b"; done
if [ -n "${OFFICE_SHOTS:-}" ]; then mkdir -p "$OFFICE_SHOTS" && cp "$T"/*.html "$T"/shots-*/check-*.png "$OFFICE_SHOTS/" 2>/dev/null; fi
finish
