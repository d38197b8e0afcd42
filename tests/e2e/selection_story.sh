#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Issue 18's story, once through, on a real hub on loopback (SQLite, and
# PostgreSQL when a cluster starts): a
# call with three projects of Milano; applications from two kiosks (the
# real headless kiosk, Giulia, and a second enrolled kiosk's signed
# batch) and one received on paper at /ufficio/nuova-domanda; a clerk
# excludes one with a reason, convokes, scores two candidates equally
# (the call's tie-break: the younger first), makes the ranking final
# after the deadline and selects within the one seat. Then what each
# one sees says the same thing: the public ranking PDF (pdftotext:
# protocol numbers of all three channels, no names, the version), the
# receipt pages (linking it), the kiosk's "check my application", the
# audit log; and the statistics count the channels. Then the story's
# turns: a convoked candidate recorded absent at the interview; two
# clerks racing on one application (the stale form refused, naming who
# changed it); the selected person renounces and the next one moves up
# (a new version of the PDF, the receipt page, the kiosk and the e-mail
# say selected); the coordinator withdraws a project with applicants
# (each told: receipt page, e-mail, audit); one receipt page on a phone
# in headless Chromium (tests/e2e/receipt_phone_cdp.js: no sideways
# scrolling, the stage sentence there).
. "$(dirname "$0")/hub_lib.bash"
top=${DOTE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
O_DIR=$(dirname "$DOTE_BIN")
T0=1772468880	# 2026-03-02T16:28:00Z: 17:28 in Milan
export DOTE_NOW=$T0 DOTE_ASSETS="$top/assets" SDL_AUDIODRIVER=dummy
for tool in sqlite3 jq curl pdftotext; do
	command -v $tool >/dev/null || { echo "SKIP selection_story: $tool not installed"; exit 0; }
done
. "$top/tests/e2e/kiosk_apply.bash"
"$DOTE_BIN/dote-kiosk" --init-db "$T/catalog.db" >/dev/null 2>&1 &&
	sqlite3 "$T/catalog.db" < "$top/tests/ui/fixture.sql" || { fail story-setup "catalog"; finish; }
PW='una password lunga'
P1=UI-015146-001

sql() { "$SYNCTOOL" sql "$DB" "$@"; }
act() { # protocol k=v...: a clerk's form on the application's page; prints the code
	local id=$1 args=() kv
	shift
	for kv in "$@"; do args+=(--data-urlencode "$kv"); done
	curl -s -b "$J_A" -o "$T/page" -w '%{http_code}' --data "csrf=$CSRF" --data-urlencode "id=$id" "${args[@]}" \
		"$URL/ufficio/domanda"
}
receipt_of() { sql "SELECT receipt FROM application WHERE protocol = ?1" "$1"; }
# The version the application's page was drawn from (its forms' hidden field), for JAR.
version() {
	curl -s -b "$1" -o "$T/vpage" "$URL/ufficio/domanda?id=$2"
	grep -o 'name="versione" value="[^"]*"' "$T/vpage" | head -1 | cut -d'"' -f4
}
# act_as JAR CSRF protocol k=v...: act, as another clerk.
act_as() {
	local jar=$1 csrf=$2 id=$3 args=() kv
	shift 3
	for kv in "$@"; do args+=(--data-urlencode "$kv"); done
	curl -s -b "$jar" -o "$T/page" -w '%{http_code}' --data "csrf=$csrf" --data-urlencode "id=$id" "${args[@]}" \
		"$URL/ufficio/domanda"
}
# mail_stage PROTOCOL: the last e-mail queued for the application, as
# receipt_stage prints the receipt page: "Stato: LABEL | SENTENCE".
mail_stage() {
	sql "SELECT body FROM mail_outbox WHERE uuid = (SELECT uuid FROM application WHERE protocol = ?1) ORDER BY id DESC LIMIT 1" "$1" |
		sed -n '/^Stato della domanda: /{s/^Stato della domanda: \(.*\)\.$/Stato: \1 | /;N;s/\n//;p}'
}
audit_of() { sql "SELECT action FROM selection_audit WHERE uuid = (SELECT uuid FROM application WHERE protocol = ?1) ORDER BY id" "$1" | tr '\n' ' '; }
pdf_text() { # the ranking PDF's text, blanks squeezed, into $T/ranking-$B.txt
	curl -s -o "$T/ranking-$B.pdf" -w '%{http_code} %{content_type}' "$URL/graduatoria/$P1.pdf"
	pdftotext -layout "$T/ranking-$B.pdf" - 2>/dev/null | sed 's/  */ /g; s/^ //' >"$T/ranking-$B.txt"
}

# run BACKEND: the story on one database.
run() {
	local n r p code out seq0 CALL K2 PK PP PB PX PA CF_P v_old J_D CSRF_D w
	B=$1
	SECONDS=0
	DB=$(db_url "$B" "$B-story")
	"$DOTE_BIN/dote-hub" --db "$DB" --load-catalog "$T/catalog.db" >/dev/null || { fail "$B-story-setup" "catalog"; return; }
	sql "UPDATE placement SET seats = 1 WHERE code = '$P1'" >/dev/null
	start_hub "$B-story" "$DB" --threads 2 --set mail_poll_seconds=3600 --set retention_interval_hours=0 ||
		{ fail "$B-story-setup" "hub"; return; }
	URL=$HUB_URL
	echo "$PW" | "$DOTE_BIN/dote" user add --db "$DB" --name anna --role comune --comune 015146 >/dev/null
	echo "$PW" | "$DOTE_BIN/dote" user add --db "$DB" --name dario --role comune --comune 015146 >/dev/null
	J_A=$T/jar-anna-$B J_D=$T/jar-dario-$B
	web_login "$URL" "$J_A" anna "$PW" >/dev/null
	web_login "$URL" "$J_D" dario "$PW" >/dev/null
	CSRF=$(staff_csrf "$J_A") CSRF_D=$(staff_csrf "$J_D")
	check "$B"-story-projects "$(sql "SELECT count(*) FROM placement WHERE comune = '015146' AND call_id = (SELECT call_id FROM placement WHERE code = '$P1')")" 3

	# Kiosk 1: the real kiosk, enrolled, Giulia applies to P1.
	KDB=$T/kiosk-$B.db
	"$SYNCTOOL" sync "$KDB" "$T/state-$B" "$URL" 015146 "$("$DOTE_BIN/dote" kiosk enroll-code --comune 015146 --db "$DB" 2>/dev/null)" 15 >/dev/null ||
		fail "$B"-story-kiosk-enrolled "sync"
	mkdir -p "$T/receipts-$B" "$T/shots-$B"
	cat >"$T/kiosk-$B.conf" <<-CONF
	comune = 015146
	state_dir = $T/state-$B
	receipts_dir = $T/receipts-$B
	printer_device = $T/printer-$B.bin
	hub_url = $URL
	languages = it,en
	locale_dir = $O_DIR/locale
	CONF
	kiosk_apply_script "$(cf_for 1)" Giulia Bianchi apply Ragazzi "$P1" >"$T/apply.script"
	"$DOTE_BIN/dote-kiosk" --headless --config "$T/kiosk-$B.conf" --db "$KDB" --script "$T/apply.script" \
		--shots "$T/shots-$B" --size 1080x1920 >>"$T/kiosk-$B.log" 2>&1 || fail "$B"-story-kiosk-apply "$(grep -m1 FAIL "$T/kiosk-$B.log")"
	"$SYNCTOOL" sync "$KDB" "$T/state-$B" "$URL" 015146 - 15 >/dev/null
	# Kiosk 2: another enrolled kiosk's signed batch, to P1 and to the other two projects.
	r=$(curl -s -X POST --data-binary "{\"code\":\"$("$DOTE_BIN/dote" kiosk enroll-code --comune 015146 --db "$DB" 2>/dev/null)\",\"public_key\":\"$("$SYNCTOOL" key K02)\"}" "$URL/v1/enroll")
	K2=$(jq -r .token <<<"$r")
	CALL=$(sql "SELECT call_id FROM placement WHERE code = '$P1'")
	seq0=1
	for p in "$P1" "$P1" UI-015146-002 UI-015146-003; do
		curl -s -o /dev/null -X POST -H "Authorization: Bearer $K2" \
			--data-binary "$("$SYNCTOOL" batch K02 015146 3 $((seq0 * 7)) 0 "$seq0" "$p" "$CALL")" "$URL/v1/applications"
		seq0=$((seq0 + 3))
	done
	# Paper: received at the office on the day, with the comune's protocol.
	# (A woman born in Milano on 1 March 1999; dote cf names the check character.)
	CF_P=$("$DOTE_BIN/dote" cf RSSMRA99C41F205A | sed -n 's/.*check character should be \([A-Z]\).*/RSSMRA99C41F205\1/p')
	CF_P=${CF_P:-RSSMRA99C41F205A}
	code=$(curl -s -b "$J_A" -o "$T/page" -w '%{http_code}' --data "csrf=$CSRF" --data-urlencode progetto=$P1 \
		--data-urlencode canale=carta --data-urlencode ricevuta_il=02/03/2026 --data-urlencode riferimento=PG-2026-0042 \
		--data-urlencode codice_fiscale="$CF_P" --data-urlencode nome=Maria --data-urlencode cognome=Rossi \
		--data-urlencode 'telefono=02 1234567' --data-urlencode residenza=Milano --data-urlencode condizione=unemployed \
		--data-urlencode titolo=upper_secondary "$URL/ufficio/nuova-domanda")
	check "$B"-story-paper-received "$code" 303
	PK=$(sql "SELECT protocol FROM application WHERE given_name = 'Giulia'")
	PP=$(sql "SELECT protocol FROM application WHERE channel = 'carta'")
	PB=$(sql "SELECT protocol FROM application WHERE kiosk_id <> (SELECT kiosk_id FROM application WHERE protocol = ?1) AND channel = 'chiosco' AND placement_code = '$P1' ORDER BY seq LIMIT 1" "$PK")
	check_match "$B"-story-three-channels "$PK $PB $PP" "^DC-015146-K[0-9]+-2026-[0-9]+ DC-015146-K[0-9]+-2026-[0-9]+ DC-015146-U015146-2026-000001$"
	check "$B"-story-applications-per-project "$(sql "SELECT count(DISTINCT placement_code), CASE WHEN sum(CASE WHEN placement_code = '$P1' THEN 1 ELSE 0 END) > 3 THEN 1 ELSE 0 END FROM application")" "3|1"

	# The clerk: Giulia and the paper one meet the requirements and score
	# the same; the second kiosk's first has 60; every other one of P1 is
	# excluded with a reason. The paper applicant is younger.
	sql "UPDATE application SET email = 'cittadino' || seq || '@example.it' WHERE email IS NULL OR email = ''" >/dev/null
	sql "UPDATE application SET birth_date = '1994-05-01' WHERE protocol = ?1" "$PK" >/dev/null
	sql "UPDATE application SET birth_date = '1999-03-01' WHERE protocol = ?1" "$PP" >/dev/null
	for p in "$PK" "$PP" "$PB"; do
		act "$p" azione=requisiti esito=ok >/dev/null
		act "$p" azione=colloquio quando=2026-03-20T10:00 'luogo=Municipio, sala Giunta' >/dev/null
	done
	check "$B"-story-score-kiosk "$(act "$PK" azione=esito giudizio=idoneo punteggio=80)" 303
	check "$B"-story-score-paper "$(act "$PP" azione=esito giudizio=idoneo punteggio=80)" 303
	# Two clerks on one application: anna's form was drawn before dario
	# scored it; hers is refused and names him; his 60 stays.
	v_old=$(version "$J_A" "$PB")
	check "$B"-story-score-kiosk2 "$(act_as "$J_D" "$CSRF_D" "$PB" azione=esito giudizio=idoneo punteggio=60 versione="$(version "$J_D" "$PB")")" 303
	check "$B"-story-race-stale-refused "$(act "$PB" azione=esito giudizio=idoneo punteggio=70 versione="$v_old")" 409
	check_match "$B"-story-race-sees-who "$(html_text "$T/page")" "dario"
	check "$B"-story-race-first-kept "$(sql "SELECT x.score FROM selection x JOIN application a ON a.uuid = x.uuid WHERE a.protocol = ?1" "$PB")|$(audit_of "$PB")" \
		"60|requirements_ok status score "
	# One more of P1 convoked and then absent at the interview.
	PA=$(sql "SELECT protocol FROM application WHERE placement_code = '$P1' AND protocol NOT IN (?1, ?2, ?3) ORDER BY seq LIMIT 1" "$PK" "$PP" "$PB")
	act "$PA" azione=requisiti esito=ok >/dev/null
	act "$PA" azione=colloquio quando=2026-03-20T10:00 'luogo=Municipio, sala Giunta' >/dev/null
	check "$B"-story-absent "$(act "$PA" azione=assente)" 303
	out=$(receipt_stage "$URL/r/$(receipt_of "$PA")")
	check_match "$B"-story-receipt-absent "$out" "Non si è presentato/a al colloquio"
	check "$B"-story-mail-absent "$(mail_stage "$PA")" "$out"
	check "$B"-story-audit-absent "$(audit_of "$PA")" "requirements_ok status absent "
	n=0
	for p in $(sql "SELECT protocol FROM application WHERE placement_code = '$P1' AND protocol NOT IN (?1, ?2, ?3, ?4)" "$PK" "$PP" "$PB" "$PA"); do
		[ "$(act "$p" azione=requisiti esito=ko 'nota=non residente in Lombardia')" = 303 ] && n=$((n + 1))
		PX=$p
	done
	check_match "$B"-story-excluded "$n" "^[1-9]"

	# The deadline passes; the ranking is made final (confirmed); the first is selected, the others are not.
	sql "UPDATE placement SET deadline = '2026-03-01' WHERE code = '$P1'" >/dev/null
	check "$B"-story-final "$(curl -s -b "$J_A" -o "$T/page" -w '%{http_code}' --data "csrf=$CSRF" --data codice=$P1 --data conferma=1 "$URL/ufficio/graduatoria")" 303
	check "$B"-story-select "$(act "$PP" azione=stato stato=selected)" 303
	check "$B"-story-not-selected "$(act "$PK" azione=stato stato=not_selected)|$(act "$PB" azione=stato stato=not_selected)" "303|303"

	# The ranking PDF: the three channels' protocols in order (the tie to the younger), no names, version 4.
	check "$B"-story-pdf "$(curl -s -o "$T/ranking-$B.pdf" -w '%{http_code} %{content_type}' "$URL/graduatoria/$P1.pdf")" "200 application/pdf"
	pdftotext -layout "$T/ranking-$B.pdf" "$T/ranking-$B.txt" 2>/dev/null
	r=$(sed 's/  */ /g; s/^ //' "$T/ranking-$B.txt")
	check_match "$B"-story-pdf-heading "$(tr -s ' \n' ' ' <<<"$r")" "Graduatoria definitiva .*Comune di Milano .*Progetto $P1 .*Versione 4, del "
	check_match "$B"-story-pdf-order "$(grep -e "^[0-9–] DC-" <<<"$r" | tr '\n' '|')" \
		"^1 $PP 80 Selez[^|]*\|2 $PK 80 Idoneo[^|]*\|3 $PB 60 Idoneo[^|]*\|(– DC-[^|]* (Esclusa|Assente)[^|]*\|)+$"
	# The absent one: what the receipt page says, not "Non idoneo/a".
	check_match "$B"-story-pdf-absent "$(grep -A1 -e "^– $PA " <<<"$r" | tr '\n' ' ')" "^– $PA Assente al ?colloquio"
	check_match "$B"-story-pdf-tie-break "$(tr -s ' \n' ' ' <<<"$r")" "A parità di punteggio precede il candidato più giovane"
	check_match "$B"-story-pdf-versions "$(grep -c "^DC-.*: versione [0-9]" <<<"$r")" "^3$"
	[[ "$r" != *Giulia* && "$r" != *Maria* && "$r" != *Rossi* && "$r" != *Bianchi* && "$r" != *"$CF_P"* ]] &&
		pass "$B"-story-pdf-no-names || fail "$B"-story-pdf-no-names "a name or codice fiscale in the PDF"

	# Everyone reads the same thing: receipt pages (linking the PDF), the kiosk, the audit log.
	out=$(receipt_stage "$URL/r/$(receipt_of "$PK")")
	check_match "$B"-story-receipt-kiosk "$out" "^Stato: Idoneo/a non selezionato/a \| È idoneo/a ma non selezionato/a: è alla posizione 2 "
	check "$B"-story-receipt-links-pdf "$(curl -s "$URL/r/$(receipt_of "$PB")" | grep -o "href=\"/graduatoria/[^\"]*\"")" "href=\"/graduatoria/$P1.pdf\""
	check_match "$B"-story-receipt-excluded "$(receipt_stage "$URL/r/$(receipt_of "$PX")")" "^Stato: Esclusa: requisiti non posseduti \| .*Motivo: non residente in Lombardia\."
	check "$B"-story-kiosk-check "$(kiosk_status "$KDB" "$T/kiosk-$B.conf" "$T/shots-$B" "$PK" "$(cf_for 1)" check)" "$out"
	check "$B"-story-audit "$(sql "SELECT action FROM selection_audit WHERE uuid = (SELECT uuid FROM application WHERE protocol = ?1) AND by = 'anna' ORDER BY id" "$PP" | tr '\n' ' ')" \
		"intake_paper requirements_ok status score rank status "
	check "$B"-story-channels "$(sql "SELECT channel, count(*) FROM application WHERE placement_code = '$P1' GROUP BY channel ORDER BY channel")" \
		"$(printf 'carta|1\nchiosco|%s' "$(sql "SELECT count(*) FROM application WHERE placement_code = '$P1' AND channel = 'chiosco'")")"
	# The statistics split by channel, protected like every other dimension
	# (cell key): a row per channel; the one paper application is never
	# published as 1 (its cell is perturbed to another value, or to 0 and
	# left out, depending on its record key); the same cells from the raw
	# applications and from the default path (the rollups do not hold the
	# channel: read raw either way).
	"$DOTE_BIN/dote" report --db "$DB" --dims channel --measures applications --format csv 2>&1 | tr -d '\r' >"$T/report-$B.csv"
	check_match "$B"-story-report-channel "$(tr '\n' ' ' <"$T/report-$B.csv")" \
		"^channel,channel_label,applications (carta,\"Su carta, all'ufficio\",[0-9]+ )?chiosco,Sportello DoteComune,[0-9]+ $"
	check_match "$B"-story-report-channel-small-count-protected "$(grep '^carta,' "$T/report-$B.csv" | cut -d, -f4)" "^(|[02-9]|[1-9][0-9]+)$"
	check "$B"-story-report-channel-raw-same "$("$DOTE_BIN/dote" report --db "$DB" --raw --dims channel --measures applications --format csv 2>&1 | tr -d '\r')" \
		"$(cat "$T/report-$B.csv")"

	# The selected one renounces; the next in the ranking moves up: a new
	# version of the PDF says so, and the receipt page, the kiosk and the
	# e-mail say selected.
	check "$B"-story-renounce "$(act "$PP" azione=rinuncia 'motivo=ha trovato lavoro' versione="$(version "$J_A" "$PP")")" 303
	check "$B"-story-next-moves-up "$(act "$PK" azione=stato stato=selected versione="$(version "$J_A" "$PK")")" 303
	check "$B"-story-pdf-after "$(pdf_text)" "200 application/pdf"
	r=$(<"$T/ranking-$B.txt")
	check_match "$B"-story-pdf-after-version "$(tr -s ' \n' ' ' <<<"$r")" "Graduatoria definitiva .*Versione 6, del .*: versione 5 del [^,]*, rinuncia.*: versione 6 del [^,]*, selezionato/a\."
	check_match "$B"-story-pdf-after-order "$(grep -e "^[0-9–] DC-" <<<"$r" | tr '\n' '|')" \
		"^1 $PP 80 Rinuncia[^|]*\|2 $PK 80 Selez[^|]*\|3 $PB 60 Idoneo[^|]*\|"
	out=$(receipt_stage "$URL/r/$(receipt_of "$PK")")
	check_match "$B"-story-receipt-moved-up "$out" "^Stato: Selezionato/a \| "
	check "$B"-story-mail-moved-up "$(mail_stage "$PK")" "$out"
	check "$B"-story-kiosk-moved-up "$(kiosk_status "$KDB" "$T/kiosk-$B.conf" "$T/shots-$B" "$PK" "$(cf_for 1)" check)" "$out"
	check_match "$B"-story-mail-renounced "$(mail_stage "$PP")" "^Stato: Rinuncia \| "
	check "$B"-story-audit-renounce "$(sql "SELECT a.protocol, x.action, x.to_status, x.by, x.note FROM selection_audit x JOIN application a ON a.uuid = x.uuid ORDER BY x.id DESC LIMIT 2" | tac | tr '\n' ' ')" \
		"$PP|renounce|withdrawn|anna|ha trovato lavoro $PK|status|selected|anna| "

	# The coordinator withdraws a project with applicants: each is told.
	w=UI-015146-002
	n=$(sql "SELECT count(*) FROM application WHERE placement_code = '$w'")
	out=$("$DOTE_BIN/dote" call withdraw --db "$DB" "$w" --note "sede chiusa per lavori" 2>&1)
	check_match "$B"-story-withdraw "$n|$out" "^[1-9][0-9]*\|.*$n candidati avvisati"
	p=$(sql "SELECT protocol FROM application WHERE placement_code = '$w' ORDER BY seq LIMIT 1")
	out=$(receipt_stage "$URL/r/$(receipt_of "$p")")
	check_match "$B"-story-receipt-withdrawn "$out" "è stato ritirato"
	check "$B"-story-mail-withdrawn "$(mail_stage "$p")" "$out"
	check "$B"-story-withdrawn-all-told "$(sql "SELECT count(DISTINCT m.uuid) FROM mail_outbox m JOIN application a ON a.uuid = m.uuid WHERE a.placement_code = '$w' AND m.subject LIKE '%novità%'")|$(sql "SELECT count(*) FROM selection_audit WHERE placement_code = '$w' AND action = 'placement_withdrawn'")" "$n|$n"

	# The receipt page on a phone: no sideways scrolling, the stage sentence there.
	if command -v chromium >/dev/null && command -v node >/dev/null && start_chromium "phone-$B"; then
		out=$(receipt_stage "$URL/r/$(receipt_of "$PK")")
		r=$(node "$top/tests/e2e/receipt_phone_cdp.js" "$CHROMIUM_PORT" "$URL/r/$(receipt_of "$PK")" "$T/shots-$B" receipt-phone 2>>"$T/cdp.log")
		check "$B"-story-phone-no-sideways-scroll "$(jq -r 'if .scrollWidth <= .innerWidth then "fits" else "\(.scrollWidth) > \(.innerWidth)" end' <<<"$r" 2>/dev/null)" fits
		check "$B"-story-phone-stage "$(jq -r '"Stato: " + (.state | sub("^Stato della domanda: "; "")) + " | " + .next' <<<"$r" 2>/dev/null)" "$out"
		[ -s "$T/shots-$B/receipt-phone.png" ] && pass "$B"-story-phone-shot || fail "$B"-story-phone-shot "no screenshot"
		kill "${PIDS[-1]}" 2>/dev/null
	else
		echo "SKIP $B-story-phone: chromium or node missing"
	fi
	echo "# $B: ${SECONDS}s"
	kill "$HUB_PID" 2>/dev/null
	wait "$HUB_PID" 2>/dev/null
}

if [ "${STORY_ONLY:-}" = sqlite ]; then BACKENDS=(sqlite); else backends story; fi
for b in "${BACKENDS[@]}"; do run "$b"; done
finish
