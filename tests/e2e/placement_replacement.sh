#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Dropout and replacement ("subentro", issue 19) on a real hub on
# loopback (SQLite), through /ufficio with curl as the comune's tutor:
# a trainee's placement of a one-seat project runs; the tutor records
# the dropout on the register page; the seat is offered to the next
# suitable applicant of the final ranking, who gets an e-mail and reads
# it on the receipt page with the deadline (ten days); the tutor records
# that person's refusal, the seat goes to the next, who accepts, is
# selected and whose start form opens. Every step is in the audit. When
# that placement is completed, its receipt page links the certificate,
# a PDF with the trainee's data and a QR that verifies. The
# ranking itself is written as the selection leaves it (tested in
# office_procedure); the applications come signed from an enrolled kiosk.
. "$(dirname "$0")/hub_lib.bash"
top=${DOTE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
T0=1772468880	# 2026-03-02T16:28:00Z: 17:28 in Milan
export DOTE_NOW=$T0 DOTE_ASSETS="$top/assets" TZ=Europe/Rome
for tool in sqlite3 jq curl; do
	command -v $tool >/dev/null || { echo "SKIP placement_replacement: $tool not installed"; exit 0; }
done
PW='una password lunga'
P1=UI-015146-001
DB=$T/hub.db
"$DOTE_BIN/dote-kiosk" --init-db "$T/catalog.db" >/dev/null 2>&1 &&
	sqlite3 "$T/catalog.db" < "$top/tests/ui/fixture.sql" &&
	"$DOTE_BIN/dote-hub" --db "$DB" --load-catalog "$T/catalog.db" >/dev/null || { fail replacement-setup "catalog"; finish; }
sql() { sqlite3 -bail -cmd '.timeout 10000' "$DB" "$@"; }
sql "UPDATE placement SET seats = 1 WHERE code = '$P1'"
start_hub repl "$DB" --threads 2 --set mail_poll_seconds=3600 --set retention_interval_hours=0 ||
	{ fail replacement-setup "hub"; finish; }
URL=$HUB_URL
echo "$PW" | "$DOTE_BIN/dote" user add --db "$DB" --name anna --role comune --comune 015146 >/dev/null ||
	{ fail replacement-setup "user"; finish; }
J=$T/jar
web_login "$URL" "$J" anna "$PW" >/dev/null
CSRF=$(curl -s -b "$J" "$URL/ufficio" | grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | cut -d'"' -f4)
post() { # path k=v...: the code; the page in $T/page
	local path=$1 args=() kv
	shift
	for kv in "$@"; do args+=(--data-urlencode "$kv"); done
	curl -s -b "$J" -o "$T/page" -w '%{http_code}' -L --data "csrf=$CSRF" "${args[@]}" "$URL$path"
}
receipt() { curl -s "$URL/r/$(sql "SELECT receipt FROM application WHERE protocol = '$1'")" >"$T/receipt.html"; html_text "$T/receipt.html"; }

code=$("$DOTE_BIN/dote" kiosk enroll-code --comune 015146 --db "$DB" 2>/dev/null)
KTOKEN=$(curl -s -X POST --data-binary "{\"code\":\"$code\",\"public_key\":\"$("$SYNCTOOL" key K01)\"}" "$URL/v1/enroll" | jq -r .token)
curl -s -o /dev/null -X POST -H "Authorization: Bearer $KTOKEN" \
	--data-binary "$("$SYNCTOOL" batch K01 015146 9 7 0 1 "$P1" 900)" "$URL/v1/applications"
mapfile -t P < <(sql "SELECT protocol FROM application WHERE placement_code = '$P1' ORDER BY seq LIMIT 4")
[ "${#P[@]}" -eq 4 ] && pass replacement-applications || { fail replacement-applications "${#P[@]}"; finish; }
uuid() { sql "SELECT uuid FROM application WHERE protocol = '$1'"; }
pa=${P[0]} pb=${P[1]} pc=${P[2]} pd=${P[3]}
UA=$(uuid "$pa")
sql "UPDATE application SET email = 'cittadino' || seq || '@example.it'"
# The final ranking: pa selected (position 1), then pb, pc, pd waiting.
n=1
for p in "$pa" "$pb" "$pc" "$pd"; do
	st=ranked status=interview
	[ "$p" = "$pa" ] && st=selected status=selected
	sql "INSERT INTO selection(uuid, requirements, outcome, score, stage, position, updated_at)
	     VALUES ('$(uuid "$p")', 'ok', 'idoneo', $((100 - n)), '$st', $n, '2026-03-02T10:00:00Z');
	     UPDATE application SET status = '$status' WHERE protocol = '$p'" || fail replacement-setup "ranking row $p"
	n=$((n + 1))
done
sql "INSERT INTO ranking_final(placement_code, final_at, by) VALUES ('$P1', '2026-03-01T10:00:00Z', 'anna')" ||
	fail replacement-setup "ranking_final"
"$DOTE_BIN/dote" placement start --db "$DB" --id "$UA" --start 2026-03-02 --classroom-hours 40 \
	--tutor anna --promoter "Mario Bianchi (AnciLab)" --by anna >/dev/null 2>&1 ||
	{ fail replacement-setup "placement start"; finish; }

# The application's page links to its placement; the start notice's CSV.
curl -s -b "$J" -o "$T/page" "$URL/ufficio/domanda?id=$pa"
grep -q "id=\"tirocinio-link\" href=\"/ufficio/tirocinio?id=$UA\"" "$T/page" && pass notice-application-links-placement ||
	fail notice-application-links-placement "no link to /ufficio/tirocinio?id=$UA"
check notice-csv-code "$(curl -s -b "$J" -o "$T/avvii.csv" -w '%{http_code}' "$URL/ufficio/tirocinio/avvii.csv?mese=2026-03")" 200
check notice-csv-bom "$(head -c 3 "$T/avvii.csv" | od -An -tx1 | tr -d ' ')" efbbbf
check_match notice-csv-internal-first "$(head -1 "$T/avvii.csv" | tail -c +4)" "^USO INTERNO"
check notice-csv-header "$(sed -n 2p "$T/avvii.csv" | tr -d '\r')" \
	"codice_fiscale;cognome;nome;comune_ospitante;ufficio;progetto;titolo;tutor_comune;tutor_soggetto_promotore;data_inizio;data_fine;ore_settimanali;ore_aula"
want=$(sql "SELECT a.cf || ';' || a.family_name || ';' || a.given_name || ';Milano;' || p.office || ';' || p.code || ';' || p.title
	|| ';anna;Mario Bianchi (AnciLab);02/03/2026;01/' || printf('%02d', 3 + p.months) || '/2026;' || p.hours_week || ';40'
	FROM application a JOIN placement p ON p.code = a.placement_code WHERE a.uuid = '$UA'")
check notice-csv-row "$(sed -n 3p "$T/avvii.csv" | tr -d '\r')" "$want"
check notice-csv-one-row "$(wc -l < "$T/avvii.csv")" 3
check notice-csv-other-month-empty "$(curl -s -b "$J" "$URL/ufficio/tirocinio/avvii.csv?mese=2026-04" | wc -l)" 2

# The tutor records the dropout on the register page.
curl -s -b "$J" -o "$T/page" "$URL/ufficio/tirocinio?id=$UA&mese=2026-03"
grep -q 'id="fine-esito"' "$T/page" && pass replacement-end-form || fail replacement-end-form "no end form on the register"
check replacement-dropout "$(post /ufficio/tirocinio id="$UA" mese=2026-03 azione=fine esito=dropped_out \
	data=2026-03-02 motivo=job "nota=assunto da un'azienda")" 200
check_match replacement-offer-shown "$(html_text "$T/page")" "Il posto è offerto alla domanda $pb .* fino al 12/03/2026"
check replacement-mail-queued "$(sql "SELECT to_addr FROM mail_outbox WHERE uuid = '$(uuid "$pb")' AND subject LIKE '%posto disponibile%'")" \
	"cittadino2@example.it"
out=$(receipt "$pb")
check_match replacement-receipt-status "$out" "Posto offerto in subentro"
check_match replacement-receipt-deadline "$out" "tocca a lei .*entro il 12/03/2026"
[[ "$(receipt "$pc")" != *"Posto offerto"* ]] && pass replacement-not-offered-to-next || fail replacement-not-offered-to-next "pc told too"
# The kiosk that took the application hears of the offer too (its
# "check my application"), though an offer adds no status: a heartbeat
# whose cursor is past every status still carries it, for pb only.
hb=$(curl -s -X POST -H "Authorization: Bearer $KTOKEN" --data-binary \
	"{\"kiosk_id\":\"K01\",\"version\":\"t\",\"queue_depth\":0,\"printer\":\"ok\",\"last_frame_ms\":16,\"status_since\":$(sql "SELECT max(id) FROM status_history")}" \
	"$URL/v1/heartbeat")
check replacement-kiosk-told "$(jq -r '[.statuses[] | select(.stage == "offer") | .uuid] | join(" ")' <<<"$hb")" "$(uuid "$pb")"
check_match replacement-kiosk-sentence "$(jq -r '.statuses[] | select(.stage == "offer") | .label + " | " + .text' <<<"$hb")" \
	"^Posto offerto in subentro \| .*entro il 12/03/2026"

# pb refuses (by phone): the seat goes to pc, who accepts.
check replacement-refusal-needs-how "$(post /ufficio/tirocinio id="$UA" mese=2026-03 azione=subentro risposta=rifiuta nota=)" 422
check replacement-refusal "$(post /ufficio/tirocinio id="$UA" mese=2026-03 azione=subentro risposta=rifiuta "nota=telefonata")" 200
check replacement-pb-withdrawn "$(sql "SELECT status FROM application WHERE protocol = '$pb'")" withdrawn
check_match replacement-offer-moves-on "$(html_text "$T/page")" "Il posto è offerto alla domanda $pc "
check replacement-acceptance "$(post /ufficio/tirocinio id="$UA" mese=2026-03 azione=subentro risposta=accetta "nota=e-mail del 2/3")" 200
check replacement-pc-selected "$(sql "SELECT status FROM application WHERE protocol = '$pc'")" selected
[[ "$(html_text "$T/page")" != *"Il posto è offerto"* ]] && pass replacement-offer-closed || fail replacement-offer-closed "still offered"
curl -s -b "$J" -o "$T/page" "$URL/ufficio/tirocinio?id=$(uuid "$pc")"
grep -q 'Avvio del tirocinio' "$T/page" && pass replacement-start-form || fail replacement-start-form "no start form for $pc"
check replacement-audit "$(sql "SELECT group_concat(action, ' ') FROM (SELECT action FROM traineeship_audit WHERE uuid = '$UA' ORDER BY id)")" \
	"start end replacement_offer replacement_refused replacement_offer replacement_accepted"

# Late registers: pa's March was never confirmed. On 15 April a hub
# started with its periodic job reminds the comune's office once, and the
# coordinators' network view flags it.
sql "INSERT INTO office_contact(comune, name, email, updated_at, by) VALUES ('015146', 'Ufficio Tirocini',
	'tirocini@comune.milano.it', '2026-03-01T09:00:00Z', 'anna')"
echo "$PW" | "$DOTE_BIN/dote" user add --db "$DB" --name carla --role coordinator >/dev/null
kill -TERM "$HUB_PID"; wait "$HUB_PID"
export DOTE_NOW=1776243600	# 2026-04-15T09:00:00Z
start_hub repl2 "$DB" --threads 2 --set mail_poll_seconds=3600 || { fail late-setup "hub"; finish; }
URL=$HUB_URL
for i in $(seq 50); do
	[ "$(sql "SELECT count(*) FROM register_reminder")" = 1 ] && break
	sleep 0.1
done
check late-reminder-queued "$(sql "SELECT to_addr || ' | ' || subject FROM mail_outbox WHERE uuid = '$UA' AND subject LIKE '%registro%'")" \
	"tirocini@comune.milano.it | DoteComune: registro presenze di 2026-03 da confermare"
web_login "$URL" "$T/coord" carla "$PW" >/dev/null
curl -s -b "$T/coord" -o "$T/rete.html" "$URL/coordinamento/rete"
check_match late-flag-on-network-view "$(html_text "$T/rete.html")" \
	"Registri presenze di 2026-03 non confermati entro il termine: 1 \(Milano 1\)"
kill -TERM "$HUB_PID"; wait "$HUB_PID"
start_hub repl3 "$DB" --threads 2 --set mail_poll_seconds=3600 || { fail late-setup "hub"; finish; }
sleep 1
check late-reminder-once "$(sql "SELECT count(*) FROM mail_outbox WHERE uuid = '$UA' AND subject LIKE '%registro%'")" 1
URL=$HUB_URL
web_login "$URL" "$J" anna "$PW" >/dev/null
CSRF=$(curl -s -b "$J" "$URL/ufficio" | grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | cut -d'"' -f4)

# pc's placement runs and is completed: the receipt page (the trainee
# has its QR) links the certificate; the PDF says who and what, and its
# own QR verifies.
UC=$(uuid "$pc")
sql "INSERT OR REPLACE INTO setting(key, value) VALUES ('public_url', '$URL')"
"$DOTE_BIN/dote" placement start --db "$DB" --id "$UC" --start 2026-03-02 --classroom-hours 40 \
	--tutor anna --promoter "Mario Bianchi (AnciLab)" --by anna >/dev/null 2>&1 || fail certificate-setup "start pc"
receipt "$pc" >/dev/null
check certificate-no-link-while-running "$(grep -c 'id="attestato"' "$T/receipt.html")" 0
# The office prints the personal QR card and reissues it when lost.
curl -s -b "$J" -o "$T/page" "$URL/ufficio/tirocinio?id=$UC&mese=2026-03"
check qr-office-links "$(grep -o 'id="qr-pdf"\|id="nuovo-qr"' "$T/page" | sort | tr '\n' ' ')" 'id="nuovo-qr" id="qr-pdf" '
check qr-office-card "$(curl -s -b "$J" -o "$T/qr1.pdf" -w '%{http_code} %{content_type}' "$URL/ufficio/tirocinio/qr.pdf?id=$UC")" \
	"200 application/pdf"
q1='' q2=''
command -v pdftoppm >/dev/null && command -v zbarimg >/dev/null &&
	pdftoppm -r 150 -png "$T/qr1.pdf" "$T/qr1" && q1=$(zbarimg -q --raw "$T"/qr1-*.png 2>/dev/null)
check_match qr-office-card-code "$q1" '^DCP-[A-Z2-7]{26}$'
check qr-office-reissue "$(post /ufficio/tirocinio id="$UC" mese=2026-03 azione=nuovo-qr)" 200
check_match qr-office-reissue-said "$(html_text "$T/page")" "Nuovo QR personale emesso"
curl -s -b "$J" -o "$T/qr2.pdf" "$URL/ufficio/tirocinio/qr.pdf?id=$UC"
command -v pdftoppm >/dev/null && command -v zbarimg >/dev/null &&
	pdftoppm -r 150 -png "$T/qr2.pdf" "$T/qr2" && q2=$(zbarimg -q --raw "$T"/qr2-*.png 2>/dev/null)
[[ "$q2" =~ ^DCP- && "$q2" != "$q1" ]] && pass qr-office-new-code || fail qr-office-new-code "'$q1' then '$q2'"
check qr-office-audited "$(sql "SELECT group_concat(action || ':' || by, ' ') FROM traineeship_audit WHERE uuid = '$UC' AND action LIKE 'badge%'")" \
	"badge_issued:anna badge_reissued:anna"
check certificate-completed "$(post /ufficio/tirocinio id="$UC" mese=2026-03 azione=fine esito=completed data=2026-03-02 \
	"competenze=Gestione del verde pubblico" "giudizio=Ottimo impegno")" 200
check certificate-recorded "$(sql "SELECT status FROM traineeship WHERE uuid = '$UC'")" completed
receipt "$pc" >/dev/null
href=$(grep -o 'id="attestato" href="[^"]*"' "$T/receipt.html" | cut -d'"' -f4)
check_match certificate-linked "$href" '^/r/[A-Z2-7]+/attestato\.pdf$'
check certificate-download "$(curl -s -o "$T/attestato.pdf" -w '%{http_code} %{content_type}' "$URL$href")" "200 application/pdf"
if command -v pdftotext >/dev/null && command -v zbarimg >/dev/null && command -v pdftoppm >/dev/null; then
	who=$(sql "SELECT given_name || ' ' || family_name || ' (codice fiscale ' || cf || ')' FROM application WHERE uuid = '$UC'")
	check_match certificate-text "$(pdftotext "$T/attestato.pdf" - | tr '\n' ' ')" \
		"Attestato di tirocinio .*Si attesta che ${who//[()]/.} .*Gestione del verde pubblico.*Ottimo impegno"
	cq=""
	pdftoppm -r 150 -png "$T/attestato.pdf" "$T/att" && cq=$(zbarimg -q --raw "$T"/att-*.png 2>/dev/null)
	"$DOTE_BIN/dote" receipt verify "$cq" --db "$DB" >/dev/null
	check certificate-qr-verifies "$?" 0
else
	echo "SKIP certificate-text: pdftotext, pdftoppm or zbarimg not installed"
fi
tok=${href#/r/}
tok=${tok%/attestato.pdf}
check certificate-forged-token "$(curl -s -o /dev/null -w '%{http_code}' \
	"$URL/r/${tok:0:20}$([ "${tok:20:1}" = A ] && echo B || echo A)${tok:21}/attestato.pdf")" 404
check certificate-not-for-others "$(curl -s -o /dev/null -w '%{http_code}' \
	"$URL/r/$(sql "SELECT receipt FROM application WHERE protocol = '$pd'")/attestato.pdf")" 404
finish
