#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Issue 19's story, once on SQLite and once on PostgreSQL: a 3-month
# placement (1 April - 30 June 2026, 20 h a week) of a one-project,
# two-seat call, run with the virtual clock (DOTE_NOW; the kiosk's
# `clock` script verb walks the days). The trainee signs in at 09:00 and
# out at 13:00 on 50 working days by typing the health card's codice
# fiscale at the real kiosk's Presenze screen; the events go through the
# kiosk's outbox to a real hub, which is down on two of the days (28-29
# April: answered on screen, kept, sent when it is back). April has an
# illness week (under 80%: in proportion), May a forgotten sign-out the
# tutor fixes, June just over 80%. The comune's tutor works through the
# office pages with HTTP (curl: illness, fix, April and May) and confirms
# June in headless Chromium, through the page's own form and button;
# April is confirmed late, after the periodic job (on 18 May `dote
# retention run`, as cron runs it for a hub with retention_interval_hours
# = 0; on 1 July the hub's own) e-mailed the office through an SMTP sink.
# The second trainee drops out on 5 May: the seat is offered to the next
# in the final ranking, whose offer expires unanswered; it goes to the
# one after, who accepts. Also: a scan repeated within a minute and a
# card with no placement here (told on screen, nothing kept), a forged
# event sent to the API (refused, nothing stored). The allowance CSV of each month equals a
# computation here from the calendar (weekends, Easter Monday, 1 May,
# 2 June; 4 h a day; 80% threshold, in proportion below) and `dote
# allowance`'s; the completion certificate's words (pdftotext) match the
# register and its QR (zbarimg) passes `dote receipt verify`.
. "$(dirname "$0")/hub_lib.bash"
top=${DOTE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
O_DIR=$(dirname "$DOTE_BIN")
export DOTE_ASSETS="$top/assets" SDL_AUDIODRIVER=dummy TZ=Europe/Rome
for tool in sqlite3 curl jq zbarimg pdftotext pdftoppm chromium node; do
	command -v $tool >/dev/null || { echo "SKIP placement_story: $tool not installed"; exit 0; }
done
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || { echo "SKIP placement_story: python3-aiosmtpd not installed"; exit 0; }
PW='una password lunga'
P1=UI-015146-001
HOLIDAYS=" 2026-04-06 2026-04-25 2026-05-01 2026-06-02 "	# Easter Monday, Liberation Day, 1 May, 2 June
ILL=" 2026-04-13 2026-04-14 2026-04-15 2026-04-16 2026-04-17 "
AWAY=" 2026-05-18 2026-05-19 2026-05-20 2026-06-22 2026-06-23 2026-06-24 2026-06-25 "
FORGOT=2026-05-12	# signed in, never out
ep() { date -d "$1" +%s; }
cdp() { # SHOT VERB ARGS...: one action in the tutor's Chromium; the page it shows in $K/cdp.json
	timeout 60 node "$top/tests/e2e/office_chain_cdp.js" "$CHROMIUM_PORT" "$HUB_URL" "$K" "$@" \
		>"$K/cdp.json" 2>>"$K/cdp.log"
}

"$DOTE_BIN/dote-kiosk" --init-db "$T/catalog.db" >/dev/null 2>&1 &&
	sqlite3 "$T/catalog.db" < "$top/tests/ui/fixture.sql" || { fail story-setup "catalog"; finish; }

# The calendar, independently of core/placement.c (two `date` calls: the
# placement's 91 days, their weekday and 09:00 local as epoch seconds).
declare -A WDAY EP9
for i in $(seq 0 90); do echo "@$((1775044800 + i * 86400))"; done >"$T/noons"	# 1 April 2026 12:00 UTC on
while read -r d u e; do WDAY[$d]=$u EP9[$d]=$e; done < <(date -f "$T/noons" +%F | sed 's/$/ 09:00/' | date -f - '+%F %u %s')
DAYS=$(printf '%s\n' "${!WDAY[@]}" | sort)
working_days() { # YYYY-MM: its working days, one a line
	local d
	for d in $DAYS; do
		[[ "$d" == "$1"-* && ${WDAY[$d]} -le 5 && "$HOLIDAYS" != *" $d "* ]] && echo "$d"
	done
}
attended_days() { # YYYY-MM [FROM TO]: the working days the trainee comes to the kiosk
	local d
	for d in $(working_days "$1"); do
		[[ "$ILL$AWAY" == *" $d "* ]] || [[ -n "${2:-}" && ( "$d" < "$2" || "$d" > "$3" ) ]] || echo "$d"
	done
}
# The allowance line of the Excel-IT CSV (columns 1-14) for a month, from
# the calendar: 4 h a day, 500 EUR, full at 80%, in proportion below.
want_csv() { # MONTH CF FAMILY GIVEN ATTENDED_DAYS
	local wd exp_min att_min permille due why
	wd=$(working_days "$1" | wc -l)
	exp_min=$((wd * 240)) att_min=$(($5 * 240))
	permille=$((att_min * 1000 / exp_min))
	if [ "$permille" -ge 800 ]; then due=50000 why=full; else due=$(( (50000 * att_min * 2 + exp_min) / (exp_min * 2) )) why=reduced; fi
	echo "015146;$P1;$3;$4;$2;$wd;$wd;0;$((exp_min / 60)),00;$((att_min / 60)),00;$((permille / 10)),$((permille % 10));500,00;$((due / 100)),$(printf %02d $((due % 100)));$why;"
}

story() {
	local B=$1 DB K=$T/$1 CSRF UA UB pb pc pd CF GIVEN FAMILY lines d n m
	DB=$(db_url "$B" "$B-hub")
	mkdir -p "$K"
	sql() { "$SYNCTOOL" sql "$DB" "$@"; }
	"$DOTE_BIN/dote-hub" --db "$DB" --load-catalog "$T/catalog.db" >/dev/null 2>"$K/load.log" ||
		{ fail "story-$B-setup" "catalog: $(tail -1 "$K/load.log")"; return; }
	sql "UPDATE placement SET seats = 2, months = 3 WHERE code = '$P1'" &&
		echo "$PW" | "$DOTE_BIN/dote" user add --db "$DB" --name anna --role comune --comune 015146 >/dev/null &&
		echo "$PW" | "$DOTE_BIN/dote" user add --db "$DB" --name carla --role coordinator >/dev/null &&
		sql "INSERT INTO office_contact(comune, name, email, updated_at, by) VALUES ('015146', 'Ufficio Tirocini',
			'tirocini@comune.milano.it', '2026-03-01T09:00:00Z', 'anna')" || { fail "story-$B-setup" "sql"; return; }

	# hub DATE: the hub (again) at that local time, on the same port.
	hub() {
		[ -n "${HUB_PID:-}" ] && { kill -TERM "$HUB_PID"; wait "$HUB_PID" 2>/dev/null; }
		DOTE_NOW=$(ep "$1") HUB_LISTEN_PORT=${PORT:-0} start_hub "$B-hub" "$DB" --threads 2 \
			${MAIL_ARGS:---set mail_poll_seconds=3600} || { fail "story-$B-hub" "$1: $(tail -2 "$T/$B-hub.log")"; return 1; }
		PORT=$HUB_PORT
		export DOTE_NOW=$(ep "$1")
	}
	login() { # the tutor's session and its form token
		web_login "$HUB_URL" "$K/jar" anna "$PW" >/dev/null
		CSRF=$(curl -s -b "$K/jar" "$HUB_URL/ufficio" | grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | cut -d'"' -f4)
	}
	post() { # path k=v...: the code; the page's text in $K/page
		local path=$1 args=() kv
		shift
		for kv in "$@"; do args+=(--data-urlencode "$kv"); done
		curl -s -b "$K/jar" -o "$K/page.html" -w '%{http_code}' -L --data "csrf=$CSRF" "${args[@]}" "$HUB_URL$path"
		sed 's/<style[^<]*<\/style>//g' "$K/page.html" >"$K/page.body"	# the text a person reads, not the CSS
		html_text "$K/page.body" >"$K/page"
	}
	page() { sed 's/^.*Registro presenze di /Registro presenze di /' "$K/page"; }	# from the register's heading
	uuid() { sql "SELECT uuid FROM application WHERE protocol = '$1'"; }

	# 2 March: four applications from an enrolled kiosk; the final
	# ranking: two selected, then two suitable ones waiting.
	PORT= HUB_PID=
	hub "2026-03-02 10:00" || return
	local code kt
	code=$("$DOTE_BIN/dote" kiosk enroll-code --comune 015146 --db "$DB" 2>/dev/null)
	kt=$(curl -s -X POST --data-binary "{\"code\":\"$code\",\"public_key\":\"$("$SYNCTOOL" key K01)\"}" "$HUB_URL/v1/enroll" | jq -r .token)
	curl -s -o /dev/null -X POST -H "Authorization: Bearer $kt" \
		--data-binary "$("$SYNCTOOL" batch K01 015146 9 7 0 1 "$P1" 900)" "$HUB_URL/v1/applications"
	mapfile -t P < <(sql "SELECT protocol FROM application WHERE placement_code = '$P1' ORDER BY seq LIMIT 4")
	[ "${#P[@]}" -eq 4 ] || { fail "story-$B-applications" "${#P[@]}"; return; }
	sql "UPDATE application SET email = 'cittadino' || CAST(seq AS TEXT) || '@example.it'"
	n=1
	for d in "${P[@]}"; do
		local st=ranked status=interview
		[ "$n" -le 2 ] && st=selected status=selected
		sql "INSERT INTO selection(uuid, requirements, outcome, score, stage, position, updated_at)
		     VALUES ('$(uuid "$d")', 'ok', 'idoneo', $((100 - n)), '$st', $n, '2026-03-02T10:00:00Z')" &&
			sql "UPDATE application SET status = '$status' WHERE protocol = '$d'" || fail "story-$B-setup" "ranking $d"
		n=$((n + 1))
	done
	sql "INSERT INTO ranking_final(placement_code, final_at, by) VALUES ('$P1', '2026-03-01T10:00:00Z', 'anna')"
	UA=$(uuid "${P[0]}") UB=$(uuid "${P[1]}") pb=${P[1]} pc=${P[2]} pd=${P[3]}
	IFS='|' read -r CF GIVEN FAMILY < <(sql "SELECT cf, given_name, family_name FROM application WHERE uuid = '$UA'")

	# The tutor starts both placements on 1 April (start form).
	login
	check "story-$B-start-a" "$(post /ufficio/tirocinio id="$UA" azione=avvio inizio=2026-04-01 aula=40 "promotore=Mario Bianchi (AnciLab)")" 200
	check "story-$B-start-b" "$(post /ufficio/tirocinio id="$UB" azione=avvio inizio=2026-04-01 aula=40 "promotore=Mario Bianchi (AnciLab)")" 200
	check "story-$B-started" "$(sql "SELECT start_date || ' ' || end_date || ' ' || status FROM traineeship WHERE uuid = '$UA'")" \
		"2026-04-01 2026-06-30 running"

	# The comune's kiosk, enrolled: the roster comes with its token.
	code=$("$DOTE_BIN/dote" kiosk enroll-code --comune 015146 --db "$DB" 2>/dev/null)
	"$SYNCTOOL" sync "$K/kiosk.db" "$K/state" "$HUB_URL" 015146 "$code" 15 >"$K/enrol.log" ||
		fail "story-$B-kiosk-enrolled" "$(tail -1 "$K/enrol.log")"
	mkdir -p "$K/receipts" "$K/shots"
	printf '%s\n' "comune = 015146" "state_dir = $K/state" "receipts_dir = $K/receipts" "printer_device = $K/printer.bin" \
		"hub_url = $HUB_URL" "heartbeat_seconds = 1" "languages = it,en" "locale_dir = $O_DIR/locale" >"$K/kiosk.conf"
	check "story-$B-roster" "$(sqlite3 "$K/kiosk.db" "SELECT count(*) FROM attendance_roster WHERE cf = '$CF' AND end_date = '2026-06-30'")" 1
	# scans FROM TO [MORE LINES]: one kiosk run signing in and out on the attended days.
	scans() {
		local lines=("expect-screen home" "tap attendance" "expect-screen attendance") m d
		for m in 2026-04 2026-05 2026-06; do
			for d in $(attended_days "$m" "$1" "$2"); do
				lines+=("clock ${EP9[$d]}" "type $CF" "expect-text Entrata alle 09:00")
				# On the first day the card is scanned again 30 s later, then a
				# card with no placement here: told on screen, nothing kept.
				[ "$d" != 2026-04-01 ] || lines+=("clock $((EP9[$d] + 30))" "type $CF" "expect-text Già registrato un momento fa"
					"type BNCLCU88B03F205H" "expect-text non ha un tirocinio in corso in questo comune")
				[ "$d" = "$FORGOT" ] || lines+=("clock $((EP9[$d] + 4 * 3600))" "type $CF" "expect-text Uscita alle 13:00")
			done
		done
		shift 2
		printf '%s\n' "${lines[@]}" "$@" >"$K/kiosk.script"
		"$DOTE_BIN/dote-kiosk" --headless --config "$K/kiosk.conf" --db "$K/kiosk.db" --script "$K/kiosk.script" \
			--shots "$K/shots" --size 1080x1920 >>"$K/kiosk.log" 2>&1
	}
	hub_events() { sql "SELECT count(*) FROM attendance_event WHERE uuid = '$UA'"; }
	unsent() { sqlite3 "$K/kiosk.db" "SELECT count(*) FROM attendance_outbox WHERE sent_at IS NULL"; }

	# April 1-27 with the hub up; at its end 14 days x 4 h on screen.
	n=$(attended_days 2026-04 2026-04-01 2026-04-27 | wc -l)
	scans 2026-04-01 2026-04-27 "expect-text Questo mese: $((n * 4)) h 00 min" "wait-sync 20" &&
		pass "story-$B-april-scanned" || fail "story-$B-april-scanned" "$(grep -a FAIL "$K/kiosk.log" | tail -1)"
	check "story-$B-april-at-hub" "$(hub_events) $(unsent)" "$((n * 2)) 0"
	# A forged event (one character of a real one changed), straight to the API: refused, nothing stored.
	local tok ans
	tok=$(sqlite3 "$K/kiosk.db" "SELECT token FROM attendance_outbox ORDER BY id LIMIT 1")
	ans=$(curl -s -H "Authorization: Bearer $(cat "$K/state/token")" -H 'Content-Type: application/json' \
		-d "{\"events\":[\"${tok:0:40}$([ "${tok:40:1}" = A ] && echo B || echo A)${tok:41}\"]}" "$HUB_URL/v1/attendance")
	check "story-$B-forged-refused" "$(jq -r '.results[0].result' <<<"$ans") $(hub_events)" "refused $((n * 2))"
	# 28-29 April: the hub is down; the kiosk answers and keeps them.
	kill -TERM "$HUB_PID"; wait "$HUB_PID" 2>/dev/null; HUB_PID=
	scans 2026-04-28 2026-04-29 "expect-text Questo mese: $((n * 4 + 8)) h 00 min" &&
		pass "story-$B-offline-scanned" || fail "story-$B-offline-scanned" "$(grep -a FAIL "$K/kiosk.log" | tail -1)"
	check "story-$B-offline-kept" "$(unsent)" 4

	# 5 May: the hub is back; the kept days arrive once. The second
	# trainee drops out: the seat goes to the next in the ranking.
	hub "2026-05-05 12:00" || return
	scans 2026-04-30 2026-05-04 "wait-sync 20" || fail "story-$B-resync" "$(grep -a FAIL "$K/kiosk.log" | tail -1)"
	check "story-$B-offline-sent" "$(hub_events) $(unsent)" "$(( (n + 2 + $(attended_days 2026-04 2026-04-30 2026-04-30 | wc -l) + \
		$(attended_days 2026-05 2026-05-01 2026-05-04 | wc -l)) * 2 )) 0"
	login
	check "story-$B-dropout" "$(post /ufficio/tirocinio id="$UB" mese=2026-05 azione=fine esito=dropped_out \
		data=2026-05-05 motivo=personal "nota=trasferimento")" 200
	check_match "story-$B-offer-shown" "$(page)" "Il posto è offerto alla domanda $pc .* fino al 15/05/2026"
	check "story-$B-offer-mail" "$(sql "SELECT to_addr FROM mail_outbox WHERE uuid = '$(uuid "$pc")' AND subject LIKE '%posto disponibile%'")" \
		"$(sql "SELECT email FROM application WHERE protocol = '$pc'")"
	curl -s "$HUB_URL/r/$(sql "SELECT receipt FROM application WHERE protocol = '$pc'")" >"$K/receipt.html"
	check_match "story-$B-offer-on-receipt" "$(html_text "$K/receipt.html")" "Posto offerto in subentro.*entro il 15/05/2026"

	# 18 May: the periodic job. The offer expired (a refusal): the
	# seat goes to the one after. April was not confirmed by the 10th:
	# the office is reminded, once per placement.
	# The mail now goes out, to an SMTP sink on loopback.
	local mport
	mport=$(free_port)
	start_smtp_sink "$K/mail" "$mport" || fail "story-$B-smtp-sink" "does not start"
	MAIL_ARGS="--set smtp_url=smtp://127.0.0.1:$mport --set smtp_from=dote@comune.example.it --set mail_poll_seconds=1
		--set retention_interval_hours=0" hub "2026-05-18 09:00" || return
	# This hub leaves its periodic job to cron: `dote retention run`.
	check "story-$B-cron" "$("$DOTE_BIN/dote" retention run --by cron --db "$DB" 2>&1 | grep 'seat offers')" \
		"traineeships: 1 seat offers expired; 2 late registers reminded"
	# Sent (after the applications' receipts): the two reminders, the offers to the 3rd and the 4th.
	for n in $(seq 150); do
		[ "$(grep -l -e 'registro presenze di 2026-04' -e 'posto disponibile' "$K"/mail/*.txt 2>/dev/null | wc -l)" -ge 4 ] && break
		sleep 0.1
	done
	check "story-$B-offers-delivered" "$(grep -h -B2 '^Subject: DoteComune: posto disponibile' "$K"/mail/*.txt | sed -n 's/^To: //p' | sort | tr '\n' ' ')" \
		"$(sql "SELECT email FROM application WHERE protocol IN ('$pc', '$pd')" | sort | tr '\n' ' ')"
	check_match "story-$B-reminder-delivered" "$(grep -l 'registro presenze di 2026-04' "$K"/mail/*.txt | head -1 | xargs cat | tr '\n' ' ')" \
		"^To: tirocini@comune.milano.it .*Subject: DoteComune: registro presenze di 2026-04 da confermare.*$GIVEN $FAMILY, tutor anna.*il termine era il 10/05/2026"
	check "story-$B-offer-expired" "$(sql "SELECT status || ' ' || decided_by FROM replacement_offer WHERE uuid = '$(uuid "$pc")'")" \
		"refused cron"
	check "story-$B-offer-next" "$(sql "SELECT a.protocol || ' ' || o.deadline FROM replacement_offer o JOIN application a USING (uuid)
		WHERE o.status = 'offered'")" "$pd 2026-05-28"
	check "story-$B-offer-next-mail" "$(sql "SELECT count(*) FROM mail_outbox WHERE uuid = '$(uuid "$pd")' AND subject LIKE '%posto disponibile%'")" 1
	check "story-$B-reminders" "$(sql "SELECT to_addr || ' | ' || subject FROM mail_outbox WHERE uuid IN ('$UA', '$UB')
		AND subject LIKE '%registro%'" | sort | uniq -c | tr -s ' ')" \
		" 2 tirocini@comune.milano.it | DoteComune: registro presenze di 2026-04 da confermare"
	login
	check "story-$B-accepted" "$(post /ufficio/tirocinio id="$UB" mese=2026-05 azione=subentro risposta=accetta "nota=telefonata del 18/5")" 200
	check "story-$B-accepted-selected" "$(sql "SELECT status FROM application WHERE protocol = '$pd'") $(sql "SELECT status FROM application WHERE protocol = '$pc'")" \
		"selected withdrawn"
	check "story-$B-replacement-audit" "$(sql "SELECT action FROM traineeship_audit WHERE uuid = '$UB' ORDER BY id" | tr '\n' ' ')" \
		"start end replacement_offer replacement_refused replacement_offer register_reminder replacement_accepted "
	# April: the illness week, then the confirmation (late).
	for d in $ILL; do
		post /ufficio/tirocinio id="$UA" mese=2026-04 azione=assenza giorno="$d" tipo=illness >/dev/null
	done
	check_match "story-$B-illness" "$(page)" "Assenze: malattia 5 giorni"
	check "story-$B-april-confirm" "$(post /ufficio/tirocinio id="$UA" mese=2026-04 azione=conferma)" 200
	check_match "story-$B-april-figures" "$(page)" "Ore attese 84h00 Ore firmate 64h00 Presenza 76,1%.*Indennità 380,95 €.*Mese confermato il 2026-05-18T.* da anna"

	# The rest of May and June at the kiosk, with the hub up; its own
	# periodic job runs at the start on 1 July: April is not reminded
	# again, May (due 10 June, no job ran since) is: the trainee's and
	# the one who left on 5 May.
	m=$(grep -c 'late registers reminded' "$T/$B-hub.log")
	hub "2026-07-01 09:00" || return
	for n in $(seq 100); do [ "$(grep -c 'late registers reminded' "$T/$B-hub.log")" -gt "$m" ] && break; sleep 0.1; done
	check "story-$B-hub-job" "$(grep -o '[0-9]* seat offers expired; [0-9]* late registers reminded' "$T/$B-hub.log" | tail -1) \
$(sql "SELECT count(*) FROM register_reminder WHERE month = '2026-04'") \
$(sql "SELECT count(*) FROM register_reminder WHERE month = '2026-05'")" "0 seat offers expired; 2 late registers reminded 2 2"
	scans 2026-05-05 2026-06-30 "expect-text Questo mese: 68 h 00 min" "wait-sync 20" &&
		pass "story-$B-may-june-scanned" || fail "story-$B-may-june-scanned" "$(grep -a FAIL "$K/kiosk.log" | tail -1)"
	check "story-$B-all-at-hub" "$(hub_events) $(unsent)" "99 0"
	check "story-$B-fifty-days" "$(sql "SELECT count(*) FROM attendance_event WHERE uuid = '$UA' AND kind = 1") \
$(sqlite3 "$K/kiosk.db" "SELECT count(*) FROM attendance_outbox WHERE kind = 1")" "50 50"

	# May: the forgotten sign-out blocks the confirmation until fixed.
	login
	check "story-$B-may-refused" "$(post /ufficio/tirocinio id="$UA" mese=2026-05 azione=conferma)" 422
	check_match "story-$B-may-refused-why" "$(page)" "Mancano uscite da correggere"
	check "story-$B-may-fix" "$(post /ufficio/tirocinio id="$UA" mese=2026-05 azione=correggi giorno=$FORGOT ora=13:00 tipo=uscita \
		"motivo=badge dimenticato")" 200
	check "story-$B-may-fix-audited" "$(sql "SELECT by || ': ' || note FROM traineeship_audit WHERE uuid = '$UA' AND action = 'attendance_fix'")" \
		"anna: uscita $FORGOT 13:00: badge dimenticato"
	check "story-$B-may-confirm" "$(post /ufficio/tirocinio id="$UA" mese=2026-05 azione=conferma)" 200
	check_match "story-$B-may-figures" "$(page)" "Ore attese 80h00 Ore firmate 68h00 Presenza 85,0%.*Indennità 500,00 €"
	# June in the tutor's own browser: Chromium fills and sends the
	# register page's confirmation form with its own button.
	if start_chromium "tutor-$B" &&
		cdp june-login login anna "$PW" && cdp june-confirm form "/ufficio/tirocinio?id=$UA&mese=2026-06" conferma; then
		check_match "story-$B-june-confirm" "$(jq -r '"\(.status) \(.ok)"' "$K/cdp.json")" "^200 Mese confermato\."
		check_match "story-$B-june-figures" "$(jq -r .text "$K/cdp.json")" \
			"Ore attese 84h00 Ore firmate 68h00 Presenza 80,9%.*Indennità 500,00 €"
	else
		fail "story-$B-june-confirm" "Chromium: $(tail -1 "$K/cdp.log" 2>/dev/null)"
	fi
	check "story-$B-completed" "$(post /ufficio/tirocinio id="$UA" mese=2026-06 azione=fine esito=completed data=2026-06-30 \
		"competenze=accoglienza del pubblico; protocollo" "giudizio=ottimo")" 200

	# The coordinator's CSV for the paying office, month by month.
	web_login "$HUB_URL" "$K/coord" carla "$PW" >/dev/null
	for m in 2026-04 2026-05 2026-06; do
		curl -s -b "$K/coord" "$HUB_URL/ufficio/indennita.csv?mese=$m&formato=excel-it" >"$K/web-$m.csv"
		check "story-$B-csv-$m" "$(grep "$CF" "$K/web-$m.csv" | cut -d';' -f1-14 | sed 's/$/;/')" \
			"$(want_csv "$m" "$CF" "$FAMILY" "$GIVEN" "$(attended_days "$m" | wc -l)")"
		"$DOTE_BIN/dote" allowance --month "$m" --excel-it --db "$DB" >"$K/cli-$m.csv"
		check "story-$B-csv-$m-equals-dote-allowance" "$(cmp -s "$K/web-$m.csv" "$K/cli-$m.csv" && echo same)" same
	done

	# The certificate: its words match the register, its QR verifies.
	sql "INSERT INTO setting(key, value) VALUES ('public_url', '$HUB_URL')"
	check "story-$B-certificate" "$(curl -s -o "$K/cert.pdf" -w '%{http_code} %{content_type}' -b "$K/jar" \
		"$HUB_URL/ufficio/tirocinio/attestato.pdf?id=$UA")" "200 application/pdf"
	check_match "story-$B-certificate-text" "$(pdftotext "$K/cert.pdf" - 2>/dev/null | tr -s '\n ' '  ' | sed 's/^.*Si attesta/Si attesta/')" \
		"$GIVEN $FAMILY \(codice fiscale $CF\).*dal 01/04/2026 al 30/06/2026.*200 ore e 00 minuti registrati.*accoglienza del pubblico; protocollo.*ottimo"
	local qr
	pdftoppm -r 150 -f 1 -l 1 -png "$K/cert.pdf" "$K/cert" && qr=$(zbarimg -q --raw "$K"/cert-*.png 2>/dev/null)
	check_match "story-$B-certificate-qr" "${qr:-}" "^HTTP://127.0.0.1:$PORT/R/[A-Z2-7]+$"
	"$DOTE_BIN/dote" receipt verify "${qr:-none}" --db "$DB" >"$K/verify.out" 2>&1
	check "story-$B-certificate-verifies" "$?" 0
	kill -TERM "$HUB_PID"; wait "$HUB_PID" 2>/dev/null; HUB_PID=
}

if [ -n "${STORY_BACKENDS:-}" ]; then	# one of them, to debug: STORY_BACKENDS=sqlite
	BACKENDS=($STORY_BACKENDS)
	[[ "$STORY_BACKENDS" != *pg* ]] || start_pg || { echo "SKIP placement_story: no PostgreSQL"; exit 0; }
else
	backends placement_story
fi
for b in "${BACKENDS[@]}"; do story "$b"; done
finish
