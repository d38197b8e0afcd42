#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Seats cut below the selected, and a placement withdrawn with selected
# applicants (issue 18), on SQLite and on a throwaway PostgreSQL. Two
# applications reach Milano's placement on paper (/ufficio/nuova-domanda);
# the clerk takes both through the procedure to "selected" (requirements,
# convocation, outcome, final ranking after the deadline, selection), with
# the office's contact e-mail set. The coordinator (/coordinamento, curl,
# CSRF token) then sees who would be affected before confirming a cut of
# the seats to 1; without the tick nothing changes and the refusal names
# both protocols; with it the seats change, both citizens and the comune's
# office get an e-mail (the outbox), the audit log says so, and the
# network page flags the coverage over 100%. Withdrawing the placement
# names the selected before the confirmation and tells the comune's office.
. "$(dirname "$0")/hub_lib.bash"
top=${DOTE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
export DOTE_NOW=1772468880 DOTE_ASSETS="$top/assets" SDL_AUDIODRIVER=dummy	# 2026-03-02 17:28 in Milan
for tool in sqlite3 curl; do
	command -v $tool >/dev/null || { echo "SKIP office_seats: $tool not installed"; exit 0; }
done
"$DOTE_BIN/dote-kiosk" --init-db "$T/catalog.db" >/dev/null 2>&1 &&
	sqlite3 "$T/catalog.db" < "$top/tests/ui/fixture.sql" || { fail office-seats-setup "catalog"; finish; }
PW='una password lunga'
P1=UI-015146-001

sql() { "$SYNCTOOL" sql "$DB" "$@"; }
get() { page_get "$@"; }
post() { local j=$1 f=$2 p=$3; shift 3; form_post "$j" "$(staff_csrf "$j" "$f")" "$p" "$@"; }	# jar page-for-csrf path k=v...
text() { html_text "$T/page"; }
cf_born() {
	local base why
	base=$(printf 'RSSMRA%02dC%02dF205' "$1" $(( $2 + 40 )))
	why=$("$DOTE_BIN/dote" cf "${base}A" | sed -n 's/.*check character should be \([A-Z]\).*/\1/p')
	echo "$base${why:-A}"
}
version() { get "$J_A" "/ufficio/domanda?id=$1" >/dev/null; grep -o 'name="versione" value="[^"]*"' "$T/page" | head -1 | cut -d'"' -f4; }
act() { local id=$1; shift; post "$J_A" /ufficio /ufficio/domanda id="$id" "$@" versione="$(version "$id")"; }
edit_seats() { # seats [k=v...]: the coordinator's edit form as the page gives it
	local s=$1
	shift
	post "$J_C" "/coordinamento/progetto?code=$P1" /coordinamento/progetto/modifica code=$P1 seats="$s" "$@"
}

run() {
	local b=$1 code n p1 p2 out
	DB=$(db_url "$b" "$b-seats")
	"$DOTE_BIN/dote-hub" --db "$DB" --load-catalog "$T/catalog.db" >/dev/null || { fail "$b-setup" "catalog"; return; }
	start_hub "$b-seats" "$DB" --threads 2 --set mail_poll_seconds=3600 --set retention_interval_hours=0 ||
		{ fail "$b-setup" "hub"; return; }
	URL=$HUB_URL
	J_A=$T/jar-anna-$b J_C=$T/jar-carla-$b
	for u in "anna comune 015146" "carla coordinator"; do
		set -- $u
		echo "$PW" | "$DOTE_BIN/dote" user add --db "$DB" --name "$1" --role "$2" ${3:+--comune $3} >/dev/null ||
			fail "$b-setup" "user $1"
	done
	web_login "$URL" "$J_A" anna "$PW" >/dev/null
	web_login "$URL" "$J_C" carla "$PW" >/dev/null
	post "$J_A" /ufficio /ufficio/contatti 'nome=Ufficio Personale' 'telefono=02 8845 1234' \
		'email=personale@comune.milano.it' 'indirizzo=Via Larga 12, Milano' >/dev/null
	n=0
	for d in 1 5; do
		n=$((n + 1))
		post "$J_A" /ufficio /ufficio/nuova-domanda progetto=$P1 canale=carta ricevuta_il=2026-03-02 \
			codice_fiscale="$(cf_born 95 $d)" nome=Maria cognome=Rossi telefono='02 1234567' \
			email="cittadina$n@example.it" residenza=Milano condizione=unemployed titolo=upper_secondary >/dev/null
	done
	mapfile -t P < <(sql "SELECT protocol FROM application WHERE placement_code = '$P1' ORDER BY protocol")
	p1=${P[0]} p2=${P[1]}
	[ -n "$p1" ] && [ -n "$p2" ] || { fail "$b-setup" "applications"; return; }
	for p in "$p1" "$p2"; do
		act "$p" azione=requisiti esito=ok >/dev/null
		act "$p" azione=colloquio quando=2026-03-20T10:00 'luogo=Municipio' >/dev/null
	done
	act "$p1" azione=esito giudizio=idoneo punteggio=80 >/dev/null
	act "$p2" azione=esito giudizio=idoneo punteggio=70 >/dev/null
	sql "UPDATE placement SET deadline = '2026-03-01' WHERE code = '$P1'" >/dev/null
	post "$J_A" /ufficio /ufficio/graduatoria codice="$P1" conferma=1 >/dev/null
	act "$p1" azione=stato stato=selected >/dev/null
	act "$p2" azione=stato stato=selected >/dev/null
	check "$b-setup-two-selected" "$(sql "SELECT count(*) FROM application WHERE placement_code = '$P1' AND status = 'selected'")" 2

	# Before confirming, the coordinator's page names who a cut would affect.
	get "$J_C" "/coordinamento/progetto?code=$P1" >/dev/null
	out=$(text)
	check_match "$b-page-names-affected" "$out" "Ridurre i posti sotto i selezionati riguarda 2 persone già selezionate: $p1, $p2"
	check_match "$b-withdraw-names-affected" "$out" "Il ritiro riguarda 2 persone già selezionate: $p1, $p2"
	grep -q 'name="conferma_posti"' "$T/page" && pass "$b-cut-asks-confirmation" || fail "$b-cut-asks-confirmation" "no tick box"

	# Without the tick: refused, the selected named, nothing changed, nobody told.
	n=$(sql "SELECT count(*) FROM mail_outbox")
	code=$(edit_seats 1)
	check "$b-cut-unconfirmed-refused" "$code" 422
	check_match "$b-cut-unconfirmed-says-who" "$(text)" "posti: 1 è meno dei 2 già selezionati \($p1, $p2\)"
	check "$b-cut-unconfirmed-unchanged" "$(sql "SELECT seats FROM placement WHERE code = '$P1'")" 3
	check "$b-cut-unconfirmed-no-mail" "$(sql "SELECT count(*) FROM mail_outbox")" "$n"

	# A cut that keeps the selected within the seats needs no tick.
	check "$b-cut-to-two-fine" "$(edit_seats 2)" 303

	# With the tick: done, the two citizens and the comune's office told, audited.
	code=$(edit_seats 1 conferma_posti=1)
	check "$b-cut-confirmed" "$code|$(sql "SELECT seats FROM placement WHERE code = '$P1'")" "303|1"
	check "$b-cut-citizens-told" "$(sql "SELECT count(*) FROM mail_outbox WHERE body LIKE '%ridotti a 1%' AND to_addr LIKE 'cittadina%'")" 2
	check "$b-cut-comune-told" "$(sql "SELECT count(*) FROM mail_outbox WHERE to_addr = 'personale@comune.milano.it' AND body LIKE '%$p1, $p2%'")" 1
	check "$b-cut-audited" "$(sql "SELECT count(*) FROM selection_audit WHERE action = 'seats_cut' AND by = 'carla'")" 2

	# The network page flags the coverage over 100%.
	get "$J_C" /coordinamento/rete >/dev/null
	grep -q 'data-flag="over"' "$T/page" && pass "$b-network-flags-over-100" || fail "$b-network-flags-over-100" "no flag"
	check_match "$b-network-says-over-100" "$(text)" "copertura oltre il 100%"

	# Withdrawing it: the comune's office is told, naming the selected.
	code=$(post "$J_C" "/coordinamento/progetto?code=$P1" /coordinamento/progetto/ritira code=$P1 'note=sede chiusa' conferma=1)
	check "$b-withdrawn" "$code" 303
	check "$b-withdraw-comune-told" "$(sql "SELECT count(*) FROM mail_outbox WHERE to_addr = 'personale@comune.milano.it' AND subject LIKE '%ritirato%' AND body LIKE '%$p1, $p2%'")" 1
	kill "$HUB_PID" 2>/dev/null
	wait "$HUB_PID" 2>/dev/null
}

backends seats
for b in "${BACKENDS[@]}"; do
	SECONDS=0
	run "$b"
	echo "# $b: ${SECONDS}s"
done
finish
