#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Applications that reach a comune on paper or by PEC (issue 18), on
# SQLite and on a throwaway PostgreSQL: a clerk of Milano records them
# in /ufficio/nuova-domanda (curl, cookie jar, CSRF token, the form's own
# field names) and, on the same hub, exports a placement's applicants
# for the office. Asserted is what the clerk and the statistics get:
# status codes, the page's sentences (Italian, naming the field, the
# typed values kept after a refusal), the rows of the hub (nothing
# stored on a refusal; the channel marker, the comune's protocol number,
# the name in NFC, the audit row, the "received" e-mail) and the CSV's
# bytes. The hub's clock is pinned at Monday 2 March 2026, 17:28 in Italy.
. "$(dirname "$0")/hub_lib.bash"
top=${DOTE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
export DOTE_NOW=1772468880 DOTE_ASSETS="$top/assets" SDL_AUDIODRIVER=dummy
for tool in sqlite3 curl; do
	command -v $tool >/dev/null || { echo "SKIP office_intake: $tool not installed"; exit 0; }
done
"$DOTE_BIN/dote-kiosk" --init-db "$T/catalog.db" >/dev/null 2>&1 &&
	sqlite3 "$T/catalog.db" < "$top/tests/ui/fixture.sql" || { fail office-intake-setup "catalog"; finish; }
PW='una password lunga'
P1=UI-015146-001

sql() { "$SYNCTOOL" sql "$DB" "$@"; }
get() { page_get "$@"; }
post() { local j=$1 p=$2; shift 2; form_post "$j" "$(staff_csrf "$j")" "$p" "$@"; }	# jar path k=v...: the jar's CSRF token
text() { html_text "$T/page"; }
# cf_born YYMMDD-ish: a valid codice fiscale of a woman born in Milano,
# year YY, March, day DD (dote cf names the right check character).
cf_born() {
	local base why
	base=$(printf 'RSSMRA%02dC%02dF205' "$1" $(( $2 + 40 )))
	why=$("$DOTE_BIN/dote" cf "${base}A" | sed -n 's/.*check character should be \([A-Z]\).*/\1/p')
	echo "$base${why:-A}"
}
count() { sql "SELECT count(*) FROM application"; }
# apply JAR CHANNEL CF NAME [k=v...]: the form with sensible values; a
# k=v given comes first, and the first of a name is the one read
apply() {
	local jar=$1 ch=$2 cf=$3 name=$4
	shift 4
	post "$jar" /ufficio/nuova-domanda "$@" progetto=$P1 canale=$ch ricevuta_il=02/03/2026 riferimento=PG-2026-0042 \
		codice_fiscale="$cf" nome="$name" cognome=Rossi telefono='02 1234567' email=mrossi@example.it \
		residenza=Milano condizione=unemployed titolo=upper_secondary
}

run() {
	local b=$1 code n out cf1 cf2 young nfd nfc
	DB=$(db_url "$b" "$b-intake")
	"$DOTE_BIN/dote-hub" --db "$DB" --load-catalog "$T/catalog.db" >/dev/null || { fail "$b-setup" "catalog"; return; }
	start_hub "$b-intake" "$DB" --threads 2 --set mail_poll_seconds=3600 --set retention_interval_hours=0 ||
		{ fail "$b-setup" "hub"; return; }
	URL=$HUB_URL
	J_A=$T/jar-anna-$b J_R=$T/jar-roma-$b J_C=$T/jar-carla-$b
	for u in "anna comune 015146" "rita comune 058091" "carla coordinator"; do
		set -- $u
		echo "$PW" | "$DOTE_BIN/dote" user add --db "$DB" --name "$1" --role "$2" ${3:+--comune $3} >/dev/null ||
			fail "$b-setup" "user $1"
	done
	web_login "$URL" "$J_A" anna "$PW" >/dev/null
	web_login "$URL" "$J_R" rita "$PW" >/dev/null
	web_login "$URL" "$J_C" carla "$PW" >/dev/null
	cf1=$(cf_born 95 1) cf2=$(cf_born 98 5) young=$(cf_born 12 3)

	# The form is there for the comune's staff, not for coordinators.
	code=$(get "$J_A" /ufficio/nuova-domanda)
	[ "$code" = 200 ] && grep -q 'name="codice_fiscale"' "$T/page" && grep -q "$P1" "$T/page" &&
		pass "$b-intake-form" || fail "$b-intake-form" "code $code"
	check "$b-intake-form-not-for-coordinators" "$(get "$J_C" /ufficio/nuova-domanda)" 403

	# Refusals: the field named in Italian, nothing stored, the values kept.
	n=$(count)
	code=$(apply "$J_A" carta "${cf1:0:15}X" Maria)
	out=$(text)
	check "$b-intake-bad-cf-refused" "$code" 422
	check_match "$b-intake-bad-cf-says-field" "$out" "Codice fiscale: non è valido"
	grep -q 'name="nome"[^>]*value="Maria"' "$T/page" && grep -q 'value="PG-2026-0042"' "$T/page" &&
		grep -q 'name="codice_fiscale"[^>]*aria-invalid' "$T/page" &&
		pass "$b-intake-fields-kept" || fail "$b-intake-fields-kept" "values lost"
	code=$(apply "$J_A" carta "$young" Giada)
	check "$b-intake-too-young-refused" "$code" 422
	check_match "$b-intake-too-young-says-why" "$(text)" "Codice fiscale: il candidato ha meno dei 18 anni"
	code=$(apply "$J_A" carta "$cf1" Maria residenza=Roma)
	check "$b-intake-residence-refused" "$code" 422
	check_match "$b-intake-residence-says-why" "$(text)" "Comune di residenza: l'avviso richiede la residenza"
	code=$(apply "$J_A" carta "$cf1" Maria condizione=neet)
	check_match "$b-intake-neet-age-refused" "$code $(text)" "^422 .*Condizione: la categoria NEET"
	code=$(apply "$J_A" carta "$cf1" Maria telefono= email=)
	check_match "$b-intake-no-contact-refused" "$code $(text)" "^422 .*Telefono o e-mail"
	code=$(apply "$J_A" carta "$cf1" Maria ricevuta_il=2026-03-09)
	check_match "$b-intake-future-day-refused" "$code $(text)" "^422 .*Data di ricevimento: non può essere nel futuro"
	check "$b-intake-refusals-store-nothing" "$(count)" "$n"

	# Another comune's clerk cannot record for Milano's placement.
	code=$(apply "$J_R" carta "$cf1" Maria)
	check_match "$b-intake-other-comune-refused" "$code $(text)" "^422 .*Progetto: scegli uno dei progetti"
	check "$b-intake-other-comune-stores-nothing" "$(count)" "$n"

	# On paper: stored with the channel, the comune's protocol number, the
	# name in NFC (typed decomposed), audited, the citizen e-mailed.
	nfd=$(printf 'Nicolo\xcc\x80') nfc=$(printf 'Nicol\xc3\xb2')
	code=$(apply "$J_A" carta "$cf1" "$nfd")
	check "$b-intake-paper-stored" "$code" 303
	check "$b-intake-paper-row" "$(sql "SELECT channel || ' ' || protocol || ' ' || placement_code || ' ' || status FROM application WHERE cf = ?1" "$cf1")" \
		"carta DC-015146-U015146-2026-000001 $P1 received"
	check "$b-intake-name-nfc" "$(sql "SELECT given_name FROM application WHERE cf = ?1" "$cf1")" "$nfc"
	check "$b-intake-paper-audited" "$(sql "SELECT action || ' ' || by || ' ' || note FROM selection_audit WHERE uuid = (SELECT uuid FROM application WHERE cf = ?1)" "$cf1")" \
		"intake_paper anna ricevuta su carta il 2026-03-02, riferimento PG-2026-0042"
	check "$b-intake-paper-mail" "$(sql "SELECT count(*) FROM mail_outbox WHERE subject LIKE '%ricevuta%' AND uuid = (SELECT uuid FROM application WHERE cf = ?1)" "$cf1")" 1
	get "$J_A" "/ufficio/domanda?id=DC-015146-U015146-2026-000001&fatto=registrata" >/dev/null
	check_match "$b-intake-page-says-done" "$(text)" "Domanda registrata con il numero di protocollo del Comune"
	get "$J_A" /ufficio/registro >/dev/null
	check_match "$b-intake-audit-page" "$(text)" "Domanda ricevuta su carta"

	# One per call: the same person again, now by PEC, is refused.
	n=$(count)
	code=$(apply "$J_A" pec "$cf1" Maria)
	check_match "$b-intake-one-per-call" "$code $(text)" "^422 .*già una domanda per lo stesso avviso \(protocollo DC-015146-U015146-2026-000001\)"
	check "$b-intake-one-per-call-stores-nothing" "$(count)" "$n"

	# By PEC: the next protocol number, the 'pec' marker the statistics split on.
	code=$(apply "$J_A" pec "$cf2" Sara email=sara@example.it telefono='+39 333 1234567')
	check "$b-intake-pec-stored" "$code" 303
	check "$b-intake-channels" "$(sql "SELECT channel || ':' || count(*) FROM application GROUP BY channel ORDER BY channel" | tr '\n' ' ')" \
		"carta:1 pec:1 "
	check "$b-intake-pec-protocol" "$(sql "SELECT protocol FROM application WHERE channel = 'pec'")" DC-015146-U015146-2026-000002

	# The applicants with contacts for the office: CSV for Excel (BOM, ';'),
	# "USO INTERNO" on its first line, formulas neutralised, staff only.
	code=$(curl -s -b "$J_A" -D "$T/csv.h" -o "$T/cand.csv" -w '%{http_code}' "$URL/ufficio/candidati?codice=$P1")
	check "$b-export-ok" "$code" 200
	grep -qi '^content-type: text/csv' "$T/csv.h" && grep -qi '^content-disposition: attachment' "$T/csv.h" &&
		pass "$b-export-is-csv-download" || fail "$b-export-is-csv-download" "$(tr -d '\r' <"$T/csv.h" | tr '\n' ' ')"
	check "$b-export-bom" "$(head -c 3 "$T/cand.csv" | od -An -tx1 | tr -d ' \n')" efbbbf
	check_match "$b-export-marked-internal" "$(head -1 "$T/cand.csv")" "USO INTERNO"
	check_match "$b-export-header" "$(sed -n 2p "$T/cand.csv")" '^"protocollo";"canale";.*"cognome";"nome";"telefono";"e-mail"'
	check "$b-export-rows" "$(grep -c 'DC-015146-U015146' "$T/cand.csv")" 2
	check_match "$b-export-contacts" "$(cat "$T/cand.csv")" "\"DC-015146-U015146-2026-000001\";\"carta\";[^;]*;\"Rossi\";\"$nfc\";\"02 1234567\";\"mrossi@example.it\""
	check_match "$b-export-formula-neutralised" "$(cat "$T/cand.csv")" "\"pec\";[^;]*;\"Rossi\";\"Sara\";\"'\\+39 333 1234567\";"
	check "$b-export-not-for-coordinators" "$(get "$J_C" "/ufficio/candidati?codice=$P1")" 403
	check "$b-export-not-for-other-comune" "$(get "$J_R" "/ufficio/candidati?codice=$P1")" 404
	grep -q 'DC-015146' "$T/page" && fail "$b-export-other-comune-no-data" "leaked" || pass "$b-export-other-comune-no-data"
	get "$J_A" "/ufficio/progetto?codice=$P1" >/dev/null
	grep -q "/ufficio/candidati?codice=$P1" "$T/page" && pass "$b-export-linked" || fail "$b-export-linked" "no link"
	# The export is audited: who took the contacts, of which project, how many; the refused ones leave nothing.
	check "$b-export-audited" "$(sql "SELECT by, comune, placement_code, action, note FROM selection_audit WHERE action = 'export_applicants'")" \
		"anna|015146|$P1|export_applicants|2 domande, con i recapiti"
	get "$J_A" /ufficio/registro >/dev/null
	check_match "$b-export-in-audit-log" "$(text)" "anna .*$P1 Elenco dei candidati scaricato \(CSV\) .*2 domande, con i recapiti"
	kill "$HUB_PID" 2>/dev/null
	wait "$HUB_PID" 2>/dev/null
}

backends intake
for b in "${BACKENDS[@]}"; do
	SECONDS=0
	run "$b"
	echo "# $b: ${SECONDS}s"
done
finish
