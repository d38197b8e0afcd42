#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Selection by the rules (issue 18): each defect found by the clerks and
# citizens who tried the selection, as they met it, on a real hub on
# loopback (SQLite, and PostgreSQL when a cluster starts). Applications
# come from an enrolled kiosk (synctool's signed batches); two comune clerks work through /ufficio with curl (cookie jar, CSRF
# token, the fields the pages give); the citizen reads the receipt page
# (/r/TOKEN) and the kiosk; the coordinator amends the call with `dote
# call`. The hub's clock is pinned at Monday 2 March 2026, 17:28 in Italy
# (16:28 UTC). What is asserted is what each of them sees: status codes,
# the page's words, the rows of the hub.
#
# The procedure: no selection without requirements, interview, score and
# a final ranking; selection in ranking order within the seats; absence,
# "idoneo non selezionato", renunciation and moving down the ranking;
# undo only as a new step with a reason; the final ranking only after the
# deadline, with every application's outcome in (the missing ones named
# and linked), after a confirmation; no applications after it (hub and
# kiosk catalog); a convocation in the future (Italian time); a second
# clerk's stale form refused, saying who changed what; a form error
# keeps the fields. The call: a re-import keeps an extension and a
# withdrawal; withdrawing a project with a selected applicant names
# them and tells them. The citizen: the reason of an exclusion, the
# clerk's note, the office's contact, an e-mail on receipt, local time,
# the comune, Italian for a cut code.
. "$(dirname "$0")/hub_lib.bash"
top=${DOTE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
O_DIR=$(dirname "$DOTE_BIN")
T0=1772468880	# 2026-03-02T16:28:00Z: 17:28 in Milan
export DOTE_NOW=$T0 DOTE_ASSETS="$top/assets" SDL_AUDIODRIVER=dummy
for tool in sqlite3 jq curl; do
	command -v $tool >/dev/null || { echo "SKIP office_procedure: $tool not installed"; exit 0; }
done
. "$top/tests/e2e/kiosk_apply.bash"
"$DOTE_BIN/dote-kiosk" --init-db "$T/catalog.db" >/dev/null 2>&1 &&
	sqlite3 "$T/catalog.db" < "$top/tests/ui/fixture.sql" || { fail office-procedure-setup "catalog"; finish; }
PW='una password lunga'
P1=UI-015146-001

sql() { "$SYNCTOOL" sql "$DB" "$@"; }
get() { page_get "$@"; }	# jar path: the code; the page in $T/page
form() { # jar path k=v...: a form POST with the jar's CSRF token
	local j=$1 p=$2 c
	shift 2
	[ "$j" = "$J_A" ] && c=$CSRF_A || c=$CSRF_D
	form_post "$j" "$c" "$p" "$@"
}
text() { html_text "$T/page"; }
receipt() { curl -s "$URL/r/$(sql "SELECT receipt FROM application WHERE protocol = ?1" "$1")" >"$T/receipt.html"; html_text "$T/receipt.html"; }
status_of() { sql "SELECT status FROM application WHERE protocol = ?1" "$1"; }
# version JAR PROTO: the version the application's page was drawn from (its forms' hidden field)
version() { get "$1" "/ufficio/domanda?id=$2" >/dev/null; grep -o 'name="versione" value="[^"]*"' "$T/page" | head -1 | cut -d'"' -f4; }
# submit N SEQ0 SEED: N signed applications to P1 from kiosk K01 (submitted at the batch tool's clock)
submit() {
	curl -s -o "$T/batch.json" -X POST -H "Authorization: Bearer $KTOKEN" \
		--data-binary "$("$SYNCTOOL" batch K01 015146 "$1" "$3" 0 "$2" "$P1" 900)" "$URL/v1/applications"
}

run() {
	local b=$1 n code r pa pb pc pd pe pf pg pk v_old out
	B=$b
	DB=$(db_url "$b" "$b-procedure")
	"$DOTE_BIN/dote-hub" --db "$DB" --load-catalog "$T/catalog.db" >/dev/null || { fail "$b-setup" "catalog"; return; }
	# One seat, so that a renunciation moves the ranking down.
	sql "UPDATE placement SET seats = 1 WHERE code = '$P1'" >/dev/null
	start_hub "$b-procedure" "$DB" --threads 2 --set mail_poll_seconds=3600 --set retention_interval_hours=0 ||
		{ fail "$b-setup" "hub"; return; }
	URL=$HUB_URL
	J_A=$T/jar-anna-$b J_D=$T/jar-dario-$b
	for u in "anna comune 015146" "dario comune 015146" "carla coordinator"; do
		set -- $u
		echo "$PW" | "$DOTE_BIN/dote" user add --db "$DB" --name "$1" --role "$2" ${3:+--comune $3} >/dev/null ||
			fail "$b-setup" "user $1"
	done
	web_login "$URL" "$J_A" anna "$PW" >/dev/null
	web_login "$URL" "$J_D" dario "$PW" >/dev/null
	CSRF_A=$(staff_csrf "$J_A") CSRF_D=$(staff_csrf "$J_D")

	# Six applications from an enrolled kiosk; one from the real kiosk (Giulia).
	code=$("$DOTE_BIN/dote" kiosk enroll-code --comune 015146 --db "$DB" 2>/dev/null)
	r=$(curl -s -X POST --data-binary "{\"code\":\"$code\",\"public_key\":\"$("$SYNCTOOL" key K01)\"}" "$URL/v1/enroll")
	KTOKEN=$(jq -r .token <<<"$r")
	# (The generator's people are not all eligible: the hub refuses some.)
	submit 9 1 7
	n=$(sql "SELECT count(*) FROM application WHERE placement_code = '$P1'")
	[ "$n" -ge 6 ] && pass "$b-applications-in" || { fail "$b-applications-in" "$n stored"; return; }
	mapfile -t P < <(sql "SELECT protocol FROM application WHERE placement_code = '$P1' ORDER BY seq LIMIT 6")
	sql "DELETE FROM application WHERE placement_code = '$P1' AND protocol NOT IN (SELECT protocol FROM application WHERE placement_code = '$P1' ORDER BY seq LIMIT 6)" >/dev/null
	pa=${P[0]} pb=${P[1]} pc=${P[2]} pd=${P[3]} pe=${P[4]} pf=${P[5]}
	# Known e-mails and birth dates: pd (applied first of the two) is older than pe.
	sql "UPDATE application SET email = 'cittadino' || seq || '@example.it'" >/dev/null
	sql "UPDATE application SET birth_date = '1990-01-01' WHERE protocol = ?1" "$pd" >/dev/null
	sql "UPDATE application SET birth_date = '2001-06-01' WHERE protocol = ?1" "$pe" >/dev/null

	# The citizen is told her application arrived (an e-mail on receipt).
	check "$b-mail-on-receipt" "$(sql "SELECT count(DISTINCT uuid) FROM mail_outbox WHERE subject LIKE '%ricevuta%' AND uuid IN (SELECT uuid FROM application)")" 6

	# The receipt page: the comune, Italian local time, styled; a cut code in Italian.
	out=$(receipt "$pa")
	check_match "$b-receipt-comune" "$out" "Comune di Milano"
	check_match "$b-receipt-local-time" "$out" "02/03/2026 alle 17:28"
	[[ "$out" != *UTC* ]] && pass "$b-receipt-no-utc" || fail "$b-receipt-no-utc" "${out:0:200}"
	grep -q 'rel="stylesheet"\|<style' "$T/receipt.html" && pass "$b-receipt-styled" || fail "$b-receipt-styled" "no style"
	grep -q 'name="viewport"' "$T/receipt.html" && pass "$b-receipt-phone" || fail "$b-receipt-phone" "no viewport"
	curl -s -o "$T/cut.html" "$URL/r/ABC"
	out=$(html_text "$T/cut.html")
	check_match "$b-receipt-cut-code-italian" "$out" "(non è valid|non valid|Ricevuta NON valida)"
	[[ "$out" != *invalid* && "$out" != *"not "* && "$out" != *error* ]] && pass "$b-receipt-cut-code-no-english" ||
		fail "$b-receipt-cut-code-no-english" "${out:0:160}"

	# The office's contact, a setting of the comune's office, reaches the citizen.
	check "$b-office-contact-saved" "$(form "$J_A" /ufficio/contatti 'nome=Ufficio Personale' 'telefono=02 8845 1234' \
		'email=personale@comune.milano.it' 'indirizzo=Via Larga 12, Milano')" 303
	check_match "$b-receipt-office-contact" "$(receipt "$pa")" "tel\. 02 8845 1234.*personale@comune\.milano\.it"

	# 1. A received application cannot be selected outright, and the page does not offer it.
	get "$J_A" "/ufficio/domanda?id=$pa" >/dev/null
	grep -q 'option value="selected"' "$T/page" && fail "$b-no-select-offered-when-received" "offered" ||
		pass "$b-no-select-offered-when-received"
	check_match "$b-page-says-why-not" "$(text)" "Si seleziona soltanto dalla graduatoria definitiva"
	# The same in a real browser: the clerk's hand cannot choose "Selezionato/a" (office_chain_cdp.js).
	if command -v chromium >/dev/null && command -v node >/dev/null && start_chromium "anna-$b"; then
		node "$top/tests/e2e/office_chain_cdp.js" "$CHROMIUM_PORT" "$URL" "$T" "$b-login" login anna "$PW" >/dev/null 2>>"$T/cdp.log"
		out=$(node "$top/tests/e2e/office_chain_cdp.js" "$CHROMIUM_PORT" "$URL" "$T" "$b-select" form "/ufficio/domanda?id=$pa" \
			stato stato=selected 2>&1 >"$T/page.json")
		check_match "$b-browser-cannot-select-received" "$out" "no (option selected|form stato)"
		check "$b-browser-nothing-changed" "$(status_of "$pa")" received
	else
		echo "SKIP $b-browser-cannot-select-received: chromium or node missing"
	fi
	check "$b-direct-selection-refused" "$(form "$J_A" /ufficio/domanda id="$pa" azione=stato stato=selected)" 409
	check "$b-direct-selection-nothing-changed" "$(status_of "$pa")|$(sql "SELECT count(*) FROM mail_outbox WHERE subject NOT LIKE '%ricevuta%'")" "received|0"

	# 2. Exclusion needs a reason; the citizen reads it, not "waiting".
	check "$b-exclusion-needs-reason" "$(form "$J_A" /ufficio/domanda id="$pc" azione=requisiti esito=ko)" 409
	check "$b-exclusion" "$(form "$J_A" /ufficio/domanda id="$pc" azione=requisiti esito=ko 'nota=manca la residenza in Lombardia')" 303
	out=$(receipt "$pc")
	check_match "$b-receipt-exclusion-reason" "$out" "non è stata ammessa.*Motivo: manca la residenza in Lombardia.*riesame"
	[[ "$out" != *"in attesa della valutazione"* ]] && pass "$b-receipt-exclusion-not-waiting" || fail "$b-receipt-exclusion-not-waiting" "says waiting"
	# Undo: a new step with a reason, history kept.
	check "$b-undo-needs-reason" "$(form "$J_A" /ufficio/domanda id="$pc" azione=annulla)" 409
	check "$b-undo" "$(form "$J_A" /ufficio/domanda id="$pc" azione=annulla 'motivo=residenza verificata in anagrafe')" 303
	check "$b-undo-audited" "$(sql "SELECT action || '|' || note FROM selection_audit WHERE uuid = (SELECT uuid FROM application WHERE protocol = ?1) ORDER BY id" "$pc" | tr '\n' ' ')" \
		"requirements_ko|manca la residenza in Lombardia undo|residenza verificata in anagrafe "

	# 3. Requirements, then a convocation: in the future, Italian time; fields kept after an error.
	for p in "$pa" "$pb" "$pc" "$pd" "$pe"; do form "$J_A" /ufficio/domanda id="$p" azione=requisiti esito=ok >/dev/null; done
	check "$b-convocation-this-morning-refused" "$(form "$J_A" /ufficio/domanda id="$pa" azione=colloquio \
		quando=2026-03-02T08:00 'luogo=Municipio, sala Giunta' "nota=portare un documento d'identità")" 409
	check_match "$b-convocation-past-says-why" "$(text)" "già passate"
	grep -q 'value="Municipio, sala Giunta"' "$T/page" && grep -q 'value="2026-03-02T08:00"' "$T/page" &&
		pass "$b-form-keeps-fields" || fail "$b-form-keeps-fields" "emptied"
	for p in "$pa" "$pb" "$pc" "$pd" "$pe"; do
		form "$J_A" /ufficio/domanda id="$p" azione=colloquio quando=2026-03-20T10:00 'luogo=Municipio, sala Giunta' \
			"nota=portare un documento d'identità" >/dev/null
	done
	check "$b-convoked" "$(sql "SELECT count(*) FROM application WHERE status = 'interview'")" 5
	check_match "$b-receipt-convocation-note" "$(receipt "$pa")" "20/03/2026 alle 10:00.*portare un documento d'identità"

	# 4. Two clerks, one application: the stale form is refused, saying who changed it.
	v_old=$(version "$J_A" "$pb")
	check "$b-clerk-one" "$(form "$J_D" /ufficio/domanda id="$pb" azione=esito giudizio=idoneo punteggio=80 versione="$(version "$J_D" "$pb")")" 303
	check "$b-clerk-two-stale-refused" "$(form "$J_A" /ufficio/domanda id="$pb" azione=esito giudizio=idoneo punteggio=60 versione="$v_old")" 409
	check_match "$b-clerk-two-sees-who" "$(text)" "dario"
	check "$b-clerk-one-kept" "$(sql "SELECT score FROM selection x JOIN application a ON a.uuid = x.uuid WHERE a.protocol = ?1" "$pb")" 80

	# 4b. The call's criteria: without them one score field; with them one
	# mark per criterion (name, weight), the score their weighted sum, the
	# marks audited; a bad mark is refused (422, the field named), nothing stored.
	get "$J_A" "/ufficio/domanda?id=$pa" >/dev/null
	grep -q 'name="punteggio"' "$T/page" && ! grep -q 'name="voto1"' "$T/page" && pass "$b-no-criteria-one-score" ||
		fail "$b-no-criteria-one-score" "$(grep -o 'name="[a-z0-9]*"' "$T/page" | sort -u | tr '\n' ' ')"
	r=$(sql "SELECT rules FROM call WHERE id = (SELECT call_id FROM placement WHERE code = ?1)" "$P1")
	sql "UPDATE call SET rules = ?1 WHERE id = (SELECT call_id FROM placement WHERE code = ?2)" \
		"$(jq -c '. + {criteria: [{name: "colloquio", weight: 60}, {name: "titoli", weight: 40}]}' <<<"${r:-{\}}")" "$P1" >/dev/null
	get "$J_A" "/ufficio/domanda?id=$pa" >/dev/null
	grep -q 'name="voto1"' "$T/page" && grep -q 'name="voto2"' "$T/page" && ! grep -q 'name="punteggio"' "$T/page" &&
		pass "$b-criteria-fields" || fail "$b-criteria-fields" "$(grep -o 'name="[a-z0-9]*"' "$T/page" | sort -u | tr '\n' ' ')"
	out=$(text)
	check_match "$b-criteria-labels" "$out" "colloquio \(peso 60%\) .*titoli \(peso 40%\) "
	check_match "$b-criteria-formula-stated" "$out" "Punteggio = somma di voto × peso, diviso 100"
	n=$(sql "SELECT count(*) FROM selection_audit")
	check "$b-mark-missing-refused" "$(form "$J_A" /ufficio/domanda id="$pa" azione=esito giudizio=idoneo voto1=90 versione="$(version "$J_A" "$pa")")" 422
	check_match "$b-mark-missing-named" "$(text)" "«titoli» \(campo voto2\) manca"
	check "$b-mark-out-of-range-refused" "$(form "$J_A" /ufficio/domanda id="$pa" azione=esito giudizio=idoneo voto1=90 voto2=101 versione="$(version "$J_A" "$pa")")" 422
	check_match "$b-mark-out-of-range-named" "$(text)" "«titoli» \(campo voto2\) non è valido"
	check "$b-mark-not-a-number-refused" "$(form "$J_A" /ufficio/domanda id="$pa" azione=esito giudizio=idoneo voto1=9x voto2=78 versione="$(version "$J_A" "$pa")")" 422
	check_match "$b-mark-not-a-number-named" "$(text)" "«colloquio» \(campo voto1\) non è valido"
	check "$b-score-alone-refused" "$(form "$J_A" /ufficio/domanda id="$pa" azione=esito giudizio=idoneo punteggio=99 versione="$(version "$J_A" "$pa")")" 422
	check "$b-bad-marks-nothing-stored" "$(sql "SELECT count(*) FROM selection_audit")|$(sql "SELECT coalesce(CAST(x.score AS TEXT), 'none') FROM selection x JOIN application a ON a.uuid = x.uuid WHERE a.protocol = ?1" "$pa")|$(status_of "$pa")" "$n|none|interview"
	check "$b-criteria-score" "$(form "$J_A" /ufficio/domanda id="$pa" azione=esito giudizio=idoneo voto1=90 voto2=78 versione="$(version "$J_A" "$pa")")" 303
	# Computed here, independently: (90×60 + 78×40) / 100 = 85.2, rounded: 85.
	check "$b-criteria-score-weighted" "$(sql "SELECT x.score FROM selection x JOIN application a ON a.uuid = x.uuid WHERE a.protocol = ?1" "$pa")" \
		"$(( (90 * 60 + 78 * 40 + 50) / 100 ))"
	check "$b-criteria-audit" "$(sql "SELECT a.\"by\" || '|' || a.note FROM selection_audit a WHERE a.action = 'score' AND a.uuid = (SELECT uuid FROM application WHERE protocol = ?1)" "$pa")" \
		"anna|idoneo, punteggio 85 = colloquio 90/100 (peso 60%), titoli 78/100 (peso 40%)"
	get "$J_A" "/ufficio/domanda?id=$pa" >/dev/null
	check_match "$b-criteria-on-card" "$(text)" "Esito del colloquio idoneo/a, punteggio 85 \(colloquio 90/100 \(peso 60%\), titoli 78/100 \(peso 40%\)\)"

	# 5. Absent at the interview; scores with a tie the call's rule breaks (the younger first).
	check "$b-absent" "$(form "$J_A" /ufficio/domanda id="$pc" azione=assente versione="$(version "$J_A" "$pc")")" 303
	check_match "$b-receipt-absent" "$(receipt "$pc")" "Non si è presentato/a al colloquio"
	form "$J_A" /ufficio/domanda id="$pd" azione=esito giudizio=idoneo voto1=70 voto2=70 versione="$(version "$J_A" "$pd")" >/dev/null
	form "$J_A" /ufficio/domanda id="$pe" azione=esito giudizio=idoneo voto1=70 voto2=70 versione="$(version "$J_A" "$pe")" >/dev/null
	get "$J_A" "/ufficio/graduatoria?codice=$P1" >/dev/null
	check_match "$b-tie-younger-first" "$(text)" " 1 $pa 85 .* 2 $pb 80 .* 3 $pe 70 .* 4 $pd 70 "
	check_match "$b-ranking-shows-marks" "$(text)" " 1 $pa 85 [^0-9]* colloquio 90/100 \(peso 60%\), titoli 78/100 \(peso 40%\) 2 $pb 80 "
	check_match "$b-tie-rule-stated" "$(text)" "A parità di punteggio precede il candidato più giovane"
	get "$J_A" "/ufficio/graduatoria?formato=csv&codice=$P1" >/dev/null
	grep -q "^1;\"\?$pa\"\?;85;.*;\"\?colloquio 90/100 (peso 60%), titoli 78/100 (peso 40%)" "$T/page" && pass "$b-ranking-csv-marks" ||
		fail "$b-ranking-csv-marks" "$(head -c 300 "$T/page")"

	# 6. The final ranking: not before the deadline; the missing named with links; confirmed.
	check "$b-final-before-deadline-refused" "$(form "$J_A" /ufficio/graduatoria codice="$P1" conferma=1)" 409
	check_match "$b-final-before-deadline-says-why" "$(text)" "soltanto dopo la scadenza"
	sql "UPDATE placement SET deadline = '2026-03-01' WHERE code = '$P1'" >/dev/null
	check "$b-final-pending-refused" "$(form "$J_A" /ufficio/graduatoria codice="$P1" conferma=1)" 409
	grep -q "href=\"/ufficio/domanda?id=$pf\"" "$T/page" && pass "$b-final-pending-named" || fail "$b-final-pending-named" "$(text | head -c 300)"
	form "$J_A" /ufficio/domanda id="$pf" azione=stato stato=withdrawn >/dev/null
	check "$b-final-asks-confirmation" "$(form "$J_A" /ufficio/graduatoria codice="$P1")|$(sql "SELECT count(*) FROM ranking_final")" "200|0"
	check_match "$b-final-confirmation-page" "$(text)" "Conferma"
	check "$b-final" "$(form "$J_A" /ufficio/graduatoria codice="$P1" conferma=1)|$(sql "SELECT count(*) FROM ranking_final")" "303|1"
	# The office's PDF copy of the final ranking keeps the marks; the public one does not.
	if command -v pdftotext >/dev/null; then
		curl -s -b "$J_A" -o "$T/rank-office.pdf" "$URL/ufficio/graduatoria?codice=$P1&formato=pdf"
		check_match "$b-ranking-office-pdf-marks" "$(pdftotext "$T/rank-office.pdf" - 2>/dev/null | tr -s ' \n' ' ')" \
			"Voti per criterio $pa: colloquio 90/100 \(peso 60%\), titoli 78/100 \(peso 40%\)"
		curl -s -o "$T/rank-public.pdf" "$URL/graduatoria/$P1.pdf"
		out=$(pdftotext "$T/rank-public.pdf" - 2>/dev/null)
		[[ "$out" == *"$pa"* && "$out" != *"peso 60%"* ]] && pass "$b-ranking-public-pdf-no-marks" ||
			fail "$b-ranking-public-pdf-no-marks" "marks in the public PDF"
	else
		echo "SKIP $b-ranking-office-pdf-marks: pdftotext missing"
	fi

	# 7. No applications after the final ranking: the hub refuses a late
	# arrival (submitted offline before the deadline), the catalog drops it
	# even when its deadline is extended.
	DOTE_NOW=1772300000 submit 1 20 1	# 2026-02-28, a kiosk that was offline
	check "$b-late-application-refused" "$(sql "SELECT count(*) FROM application WHERE placement_code = '$P1'")|$(jq -r .rejected "$T/batch.json")" "6|1"
	"$DOTE_BIN/dote" call extend --db "$DB" UI/2026 --placement "$P1" --deadline 2026-06-30 >/dev/null 2>&1
	[[ "$(curl -s "$URL/v1/catalog?comune=015146")" != *"$P1"* ]] && pass "$b-catalog-drops-final" || fail "$b-catalog-drops-final" "still offered"

	# 8. Selection in order, within the seats; renunciation; moving down.
	check "$b-select-out-of-order-refused" "$(form "$J_A" /ufficio/domanda id="$pb" azione=stato stato=selected versione="$(version "$J_A" "$pb")")" 409
	check_match "$b-select-out-of-order-says-why" "$(text)" "in ordine di graduatoria"
	check "$b-select-first" "$(form "$J_A" /ufficio/domanda id="$pa" azione=stato stato=selected versione="$(version "$J_A" "$pa")")" 303
	check "$b-select-beyond-seats-refused" "$(form "$J_A" /ufficio/domanda id="$pb" azione=stato stato=selected versione="$(version "$J_A" "$pb")")" 409
	check "$b-suitable-not-selected" "$(form "$J_A" /ufficio/domanda id="$pe" azione=stato stato=not_selected versione="$(version "$J_A" "$pe")")" 303
	out=$(receipt "$pe")
	check_match "$b-receipt-suitable-not-selected" "$out" "idoneo/a ma non selezionato/a.*posizione 3"
	[[ "$out" != *"Grazie per aver partecipato"* ]] && pass "$b-receipt-not-just-thanks" || fail "$b-receipt-not-just-thanks" "only thanks"
	check "$b-renounce-needs-reason" "$(form "$J_A" /ufficio/domanda id="$pa" azione=rinuncia versione="$(version "$J_A" "$pa")")" 409
	check "$b-renounce" "$(form "$J_A" /ufficio/domanda id="$pa" azione=rinuncia 'motivo=ha trovato lavoro' versione="$(version "$J_A" "$pa")")" 303
	check_match "$b-receipt-renounced" "$(receipt "$pa")" "Ha rinunciato al tirocinio"
	check "$b-next-moves-up" "$(form "$J_A" /ufficio/domanda id="$pb" azione=stato stato=selected versione="$(version "$J_A" "$pb")")" 303
	check "$b-statuses" "$(for p in "$pa" "$pb" "$pc" "$pd" "$pe" "$pf"; do status_of "$p"; done | paste -sd' ')" \
		"withdrawn selected not_selected interview not_selected withdrawn"
	check "$b-audit-renounce" "$(sql "SELECT count(*) FROM selection_audit WHERE action = 'renounce' AND note = 'ha trovato lavoro'")" 1

	# 9. The coordinator withdraws the project: the selected person is named and told.
	out=$("$DOTE_BIN/dote" call withdraw --db "$DB" "$P1" --note "sede chiusa per lavori" 2>&1)
	check_match "$b-withdraw-names-affected" "$out" "$pb"
	out=$(receipt "$pb")
	check_match "$b-receipt-project-withdrawn" "$out" "è stato ritirato"
	[[ "$out" != *"la contatterà"* ]] && pass "$b-receipt-no-false-promise" || fail "$b-receipt-no-false-promise" "still promises"
	kill "$HUB_PID" 2>/dev/null
	wait "$HUB_PID" 2>/dev/null
}

# The call's amendments: a re-import keeps an extension and a withdrawal.
amend() {
	local b=$1 db
	PG_DBS=$((PG_DBS + 10))	# db_url counts in a subshell: a database of its own
	db=$(db_url "$b" "$b-amend")
	printf 'Comune;Codice progetto;Area;Ufficio;Indirizzo;Mesi;Ore settimanali;Indennità mensile;Posti;Scadenza;Requisiti\n015146;AMD-001;Biblioteca;Biblioteca;Via Larga 1;6;20;400;1;31/03/2026;Nessuno\n015146;AMD-002;Anagrafe;Anagrafe;Via Larga 2;6;20;400;1;31/03/2026;Nessuno\n015146;AMD-003;Anagrafe;Protocollo;Via Larga 3;6;20;400;1;31/03/2026;Nessuno\n' >"$T/amend.csv"
	imp() { "$DOTE_BIN/dote" call import --db "$db" "$T/amend.csv" --code 'A/2026' --title 'Avviso A/2026' --opens 2026-03-01 --deadline 2026-04-30 "$@" 2>&1; }
	imp >/dev/null || { fail "$b-amend-setup" "import"; return; }
	"$DOTE_BIN/dote" call extend --db "$db" A/2026 --placement AMD-001 --deadline 2026-04-15 >/dev/null 2>&1
	"$DOTE_BIN/dote" call withdraw --db "$db" AMD-002 --note "sede chiusa" >/dev/null 2>&1
	out=$(imp)
	check "$b-reimport-keeps-extension" "$("$SYNCTOOL" sql "$db" "SELECT deadline FROM placement WHERE code = 'AMD-001'")" 2026-04-15
	check "$b-reimport-keeps-withdrawal" "$("$SYNCTOOL" sql "$db" "SELECT status FROM placement WHERE code = 'AMD-002'")" closed
	check_match "$b-reimport-says-kept" "$out" "AMD-001.*proroga"
}

# PROCEDURE_ONLY=sqlite: the SQLite half alone.
if [ "${PROCEDURE_ONLY:-}" = sqlite ]; then BACKENDS=(sqlite); else backends procedure; fi
for b in "${BACKENDS[@]}"; do
	SECONDS=0
	run "$b"
	amend "$b"
	echo "# $b: ${SECONDS}s"
done
finish
