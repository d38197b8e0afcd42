#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# The hub's data rules at ingest and in its outputs (issue 13), on SQLite
# and on a throwaway PostgreSQL, as a kiosk and the office see them:
#  - a record's submission time is believed within bounds: not before
#    its call opened, not more than 30 days before the hub receives it
#    (a kiosk offline), not more than 5 minutes ahead of the hub's clock
#    (both the hub's configuration: offline_days, clock_ahead_seconds);
#  - a kiosk stores applications only for its own comune's placements;
#  - names that are only spaces or carry bidi controls, and phone numbers
#    that are not phone numbers, are refused;
#  - each of these is 'rejected' with its plain reason, nothing stored;
#  - an Idempotency-Key reused with another body gets 422, nothing of it
#    stored, while the same body still gets its first answer;
#  - heartbeat usage counts out of bounds (a day more than a week before
#    the kiosk's enrolment or after tomorrow, a count beyond 100000) get 422, nothing stored, and
#    never reach `dote report`;
#  - a batch naming 200 placements (or 150 unknown ones) is judged like
#    any other, alone: another kiosk's batches sent at the same moment
#    are stored;
#  - catalog texts a spreadsheet would run (= + - @ tab) reach
#    `dote report`, `dote opendata` and the dashboard's CSV as text.
. "$(dirname "$0")/hub_lib.bash"

post() { json_post "$@"; }	# url path token body|@file [curl args]: prints 'CODE BODY'

# The first record's 'result | error' of an answer.
first_result() { sed 's/^200 //' | jq -r '.results[0] | .result + " | " + (.error // "")'; }

# Every cell of the CSV files given starts with none of = + - @ tab CR:
# prints the offending cells (nothing when all are safe).
csv_formulas() {
	python3 - "$@" <<'EOF'
import csv, sys
for path in sys.argv[1:]:
    with open(path, newline='', encoding='utf-8-sig') as f:
        for row in csv.reader(f):
            for cell in row:
                if cell[:1] in ('=', '+', '-', '@', '\t', '\r'):
                    print(path.rsplit('/', 1)[-1] + ': ' + repr(cell))
EOF
}

run() {
	local b=$1 db url tok tok2 r code now count seq pids i
	db=$(db_url "$b" "$b-rules")
	"$SYNCTOOL" catalog "$db" 015146 200 >/dev/null && "$SYNCTOOL" catalog "$db" 015077 2 >/dev/null ||
		{ fail "$b-setup" "catalog"; return; }
	# Catalog texts a spreadsheet would run, as an imported catalog may
	# carry them (set before records arrive: the rollups take them then).
	"$SYNCTOOL" sql "$db" "UPDATE placement SET area = ?1, office = ?2 WHERE code = 'DC06-015146-001'" \
		'=HYPERLINK("http://evil.example/","x")' "@SUM(1+1)*cmd|' /C calc'!A0" >/dev/null
	"$SYNCTOOL" sql "$db" "UPDATE placement SET office = ?1 WHERE code = 'DC06-015146-002'" $'\t=1+1' >/dev/null
	"$SYNCTOOL" sql "$db" "UPDATE call SET code = '-2+3'" >/dev/null
	start_hub "$b-rules" "$db" --threads 3 || { fail "$b-setup" "hub"; return; }
	url=$HUB_URL
	code=$("$DOTE_BIN/dote" kiosk enroll-code --comune 015146 --db "$db" 2>/dev/null)
	tok=$(post "$url" /v1/enroll "" "{\"code\":\"$code\",\"public_key\":\"$("$SYNCTOOL" key K01)\"}" | sed 's/^200 //' | jq -r .token)
	code=$("$DOTE_BIN/dote" kiosk enroll-code --comune 015077 --db "$db" 2>/dev/null)
	tok2=$(post "$url" /v1/enroll "" "{\"code\":\"$code\",\"public_key\":\"$("$SYNCTOOL" key K02)\"}" | sed 's/^200 //' | jq -r .token)
	[[ "$tok" =~ ^[0-9a-f]{64}$ && "$tok2" =~ ^[0-9a-f]{64}$ ]] || { fail "$b-setup" "enrolment"; return; }
	r=$(post "$url" /v1/applications "$tok" "$("$SYNCTOOL" batch K01 015146 5 1 0 1 DC06-015146-001 1)")
	check_match "$b-ordinary-batch-stored" "$r" '^200 .*"stored":5,"already":0,"rejected":0'
	r=$(post "$url" /v1/applications "$tok" "$("$SYNCTOOL" batch K01 015146 5 1 5 6 DC06-015146-002 1)")
	check_match "$b-ordinary-batch-2-stored" "$r" '^200 .*"stored":5,"already":0,"rejected":0'
	count=10

	# Submission time: the kiosk's clock is believed within bounds.
	now=$(date +%s)
	r=$(post "$url" /v1/applications "$tok" "$(DOTE_NOW=$(date -d '2022-03-01 10:00:00Z' +%s) "$SYNCTOOL" batch K01 015146 1 1 100 20 DC06-015146-003 1)")
	check "$b-backdated-2022-rejected" "$(first_result <<<"$r")" "rejected | submitted_at: more than 30 days before the hub received it"
	r=$(post "$url" /v1/applications "$tok" "$(DOTE_NOW=$((now - 31 * 86400)) "$SYNCTOOL" batch K01 015146 1 1 101 21 DC06-015146-003 1)")
	check "$b-31-days-old-rejected" "$(first_result <<<"$r")" "rejected | submitted_at: more than 30 days before the hub received it"
	r=$(post "$url" /v1/applications "$tok" "$(DOTE_NOW=$((now + 3600)) "$SYNCTOOL" batch K01 015146 1 1 102 22 DC06-015146-003 1)")
	check "$b-future-hour-rejected" "$(first_result <<<"$r")" "rejected | submitted_at: later than the hub's clock (more than 5 minutes ahead)"
	"$SYNCTOOL" sql "$db" "UPDATE call SET opens = ?1" "$(date +%F)" >/dev/null
	r=$(post "$url" /v1/applications "$tok" "$(DOTE_NOW=$((now - 3 * 86400)) "$SYNCTOOL" batch K01 015146 1 1 103 23 DC06-015146-003 1)")
	check "$b-before-call-opened-rejected" "$(first_result <<<"$r")" "rejected | submitted_at: before the call opened ($(date +%F))"
	"$SYNCTOOL" sql "$db" "UPDATE call SET opens = '2020-01-01'" >/dev/null
	check "$b-time-refused-nothing-stored" "$("$SYNCTOOL" sql "$db" "SELECT count(*) FROM application")" "$count"
	# Within the allowance: a kiosk offline for 10 days, a clock 1 minute fast.
	r=$(post "$url" /v1/applications "$tok" "$(DOTE_NOW=$((now - 10 * 86400)) "$SYNCTOOL" batch K01 015146 1 1 104 24 DC06-015146-003 1)")
	check "$b-offline-10-days-stored" "$(first_result <<<"$r")" "stored | "
	r=$(post "$url" /v1/applications "$tok" "$(DOTE_NOW=$((now + 60)) "$SYNCTOOL" batch K01 015146 1 1 105 25 DC06-015146-003 1)")
	check "$b-clock-minute-fast-stored" "$(first_result <<<"$r")" "stored | "
	count=$((count + 2))

	# One kiosk, one comune: K01 (015146) cannot store 015077's.
	r=$(post "$url" /v1/applications "$tok" "$("$SYNCTOOL" batch K01 015077 1 1 110 30 DC06-015077-001 1)")
	check "$b-other-comune-rejected" "$(first_result <<<"$r")" "rejected | comune: this kiosk is enrolled for comune 015146, not 015077"
	r=$(post "$url" /v1/applications "$tok2" "$("$SYNCTOOL" batch K02 015077 1 1 110 1 DC06-015077-001 1)")
	check "$b-own-comune-stored" "$(first_result <<<"$r")" "stored | "
	count=$((count + 1))
	check "$b-other-comune-nothing-stored" "$("$SYNCTOOL" sql "$db" "SELECT count(*) FROM application WHERE kiosk_id = 'K01' AND comune = '015077'")" "0"

	# Names and phone numbers (the kiosk's own rules, core/application.h).
	seq=40
	refused() { # name jq-filter want-error
		r=$(post "$url" /v1/applications "$tok" "$("$SYNCTOOL" batch K01 015146 1 1 $((200 + seq)) $seq DC06-015146-003 1 | jq -c "$2")")
		check "$b-$1" "$(first_result <<<"$r")" "$3"
		seq=$((seq + 1))
	}
	local noname="given_name: empty, only spaces or punctuation, or has control or bidirectional characters"
	refused name-only-spaces '.records[0].given_name = "   "' "rejected | $noname"
	refused name-only-nbsp-and-dots '.records[0].given_name = "\u00a0. \u3000"' "rejected | $noname"
	# The character is named (core/names.h, issue 21).
	refused name-bidi-override-u202e '.records[0].family_name = "Rossi\u202eannA"' \
		"rejected | family_name: U+202E RIGHT-TO-LEFT OVERRIDE is a bidirectional control (it reorders the text on screen) (character 6); remove it"
	refused name-bidi-isolate-u2067 '.records[0].given_name = "\u2067Mario"' \
		"rejected | given_name: U+2067 RIGHT-TO-LEFT ISOLATE is a bidirectional control (it reorders the text on screen) (character 1); remove it"
	refused phone-letters '.records[0].phone = "call me maybe"' \
		"rejected | phone: not a phone number (6 to 15 digits, with spaces, '-', '.' and a leading '+')"
	refused phone-too-short '.records[0].phone = "12 34"' \
		"rejected | phone: not a phone number (6 to 15 digits, with spaces, '-', '.' and a leading '+')"
	check "$b-names-refused-nothing-stored" "$("$SYNCTOOL" sql "$db" "SELECT count(*) FROM application")" "$count"
	refused name-apostrophe-accents-stored '.records[0].family_name = "D'"'"'Amico-Nguyễn" | .records[0].phone = "+39 02-1234.567"' "stored | "
	count=$((count + 1))
	check "$b-name-stored-verbatim" "$("$SYNCTOOL" sql "$db" "SELECT count(*) FROM application WHERE family_name = ?1" "D'Amico-Nguyễn")" "1"

	# Idempotency-Key: the same body replays, another body is refused.
	local a_batch b_batch r1 r2 r3
	a_batch=$("$SYNCTOOL" batch K01 015146 2 1 300 60 DC06-015146-004 1)
	b_batch=$("$SYNCTOOL" batch K01 015146 2 1 310 62 DC06-015146-004 1)
	r1=$(post "$url" /v1/applications "$tok" "$a_batch" -H 'Idempotency-Key: idem-1')
	check_match "$b-idem-first-stored" "$r1" '^200 .*"stored":2'
	r2=$(post "$url" /v1/applications "$tok" "$b_batch" -H 'Idempotency-Key: idem-1')
	check_match "$b-idem-other-body-422" "$r2" '^422 .*Idempotency-Key already used for another request'
	check "$b-idem-other-body-nothing-stored" "$("$SYNCTOOL" sql "$db" "SELECT count(*) FROM application WHERE kiosk_id = 'K01' AND seq IN (62, 63)")" "0"
	r3=$(post "$url" /v1/applications "$tok" "$a_batch" -H 'Idempotency-Key: idem-1')
	check "$b-idem-same-body-replayed" "$r3" "$r1"
	r=$(post "$url" /v1/applications "$tok" "$b_batch" -H 'Idempotency-Key: idem-2')
	check_match "$b-idem-new-key-stored" "$r" '^200 .*"stored":2'
	count=$((count + 4))

	# Heartbeat usage: bounded days and counts, all or nothing.
	local hb='{"kiosk_id":"K01","version":"t","queue_depth":7,"printer":"ok","last_frame_ms":16,"status_since":0,"usage":'
	r=$(post "$url" /v1/heartbeat "$tok" "$hb"'[{"day":"1999-01-01","event":"session","n":9223372036854775807}]}')
	check_match "$b-usage-1999-huge-422" "$r" '^422 .*usage\[0\]\.day: 1999-01-01 is outside'
	r=$(post "$url" /v1/heartbeat "$tok" "$hb"'[{"day":"'"$(date +%F)"'","event":"session","n":3},{"day":"'"$(date +%F)"'","event":"view","n":9223372036854775807}]}')
	check_match "$b-usage-huge-count-422" "$r" '^422 .*usage\[1\]\.n: not a count from 0 to 100000 a day'
	r=$(post "$url" /v1/heartbeat "$tok" "$hb"'[{"day":"'"$(date -d '+3 days' +%F)"'","event":"session","n":3}]}')
	check_match "$b-usage-future-day-422" "$r" '^422 .*usage\[0\]\.day: .* is outside'
	r=$(post "$url" /v1/heartbeat "$tok" "$hb"'[{"day":"'"$(date -d '-9 days' +%F)"'","event":"session","n":3}]}')
	check_match "$b-usage-before-enrolment-422" "$r" '^422 .*a week before the kiosk.s enrolment'
	r=$(post "$url" /v1/heartbeat "$tok" "$hb$(jq -cn --arg d "$(date +%F)" '[range(1001) | {day: $d, event: "session", n: 1}]')}")
	check_match "$b-usage-too-many-rows-422" "$r" '^422 .*usage: more than 1000 rows'
	check "$b-usage-refused-nothing-stored" "$("$SYNCTOOL" sql "$db" "SELECT count(*) FROM usage_count")" "0"
	check "$b-usage-refused-heartbeat-not-recorded" "$("$SYNCTOOL" sql "$db" "SELECT coalesce(queue_depth, -1) FROM kiosk WHERE id = 'K01'")" "-1"
	r=$(post "$url" /v1/heartbeat "$tok" "$hb"'[{"day":"'"$(date +%F)"'","event":"session","n":12}]}')
	check_match "$b-usage-valid-200" "$r" '^200 .*"server_time"'
	check "$b-usage-valid-stored" "$("$SYNCTOOL" sql "$db" "SELECT day || ' ' || n FROM usage_count")" "$(date +%F) 12"
	"$DOTE_BIN/dote" report --db "$db" --dims year --measures sessions >"$T/$b-sessions.csv" 2>&1
	check "$b-usage-report-no-1999-no-huge" "$(grep -c -e 1999 -e 9223372036854775807 "$T/$b-sessions.csv")" "0"
	# (The published count is perturbed a little: cell keys, reports/stats/sdc.c.)
	check_match "$b-usage-report-this-year-only" "$(tr -d '\r' <"$T/$b-sessions.csv")" "^year,sessions"$'\n'"$(date +%Y),[0-9]{1,2}$"

	# A batch naming many placements is judged alone, like any other:
	# 200 real placements stored; 150 unknown ones rejected one by one
	# while K02's batches sent at the same moment are stored.
	"$SYNCTOOL" batch K01 015146 200 1 1000 100 'DC06-015146-###' 1 >"$T/$b-200.json"
	r=$(post "$url" /v1/applications "$tok" "@$T/$b-200.json")
	check_match "$b-batch-200-placements-stored" "$r" '^200 .*"stored":200,"already":0,"rejected":0'
	count=$((count + 200))
	"$SYNCTOOL" batch K01 015146 150 1 2000 400 'XX99-015146-###' 1 >"$T/$b-unknown.json"
	for i in 1 2 3 4; do
		"$SYNCTOOL" batch K02 015077 5 1 $((3000 + 10 * i)) $((10 * i)) DC06-015077-002 1 >"$T/$b-k02-$i.json"
	done
	pids=()
	for i in 1 2 3; do
		curl -s -o "$T/$b-unknown-$i.out" -w '%{http_code}' -H "Authorization: Bearer $tok" \
			--data-binary @"$T/$b-unknown.json" "$url/v1/applications" >"$T/$b-unknown-$i.code" &
		pids+=($!)
	done
	for i in 1 2 3 4; do
		curl -s -o "$T/$b-k02-$i.out" -w '%{http_code}' -H "Authorization: Bearer $tok2" \
			--data-binary @"$T/$b-k02-$i.json" "$url/v1/applications" >"$T/$b-k02-$i.code" &
		pids+=($!)
	done
	wait "${pids[@]}"
	check "$b-batch-150-unknown-answered" "$(cat "$T/$b-unknown-"{1,2,3}.code)" "200200200"
	check "$b-batch-150-unknown-rejected-each" "$(jq -r '[.rejected, (.results | map(select(.error == "placement_code: unknown placement")) | length)] | @tsv' "$T/$b-unknown-1.out")" $'150\t150'
	check "$b-other-kiosk-same-moment-answered" "$(cat "$T/$b-k02-"{1,2,3,4}.code)" "200200200200"
	check "$b-other-kiosk-same-moment-stored" "$(cat "$T/$b-k02-"{1,2,3,4}.out | jq -s 'map(.stored) | add')" "20"
	count=$((count + 20))
	check "$b-total-stored" "$("$SYNCTOOL" sql "$db" "SELECT count(*) FROM application")" "$count"

	# CSV: catalog texts that start a formula reach every CSV as text.
	"$DOTE_BIN/dote" report --db "$db" --dims area,office --measures applications,seats -o "$T/$b-office.csv" 2>"$T/$b-report.err"
	"$DOTE_BIN/dote" report --db "$db" --dims call --measures applications --excel-it -o "$T/$b-call.csv" 2>>"$T/$b-report.err"
	check "$b-csv-report-no-formula" "$(csv_formulas "$T/$b-office.csv" "$T/$b-call.csv")" ""
	check_match "$b-csv-report-area-as-text" "$(cat "$T/$b-office.csv")" "\"'=HYPERLINK\(\"\"http://evil.example/\"\",\"\"x\"\"\)\""
	check_match "$b-csv-report-office-as-text" "$(cat "$T/$b-office.csv")" "\"'@SUM\(1\+1\)\*cmd\|' /C calc'!A0\""
	check_match "$b-csv-report-tab-as-text" "$(cat "$T/$b-office.csv")" "\"'"$'\t'"=1\+1\""
	check_match "$b-csv-report-call-code-as-text" "$(cat "$T/$b-call.csv")" "\"'-2\+3\""
	"$DOTE_BIN/dote" opendata --db "$db" --out "$T/$b-opendata" >/dev/null 2>&1
	check "$b-csv-opendata-no-formula" "$(csv_formulas "$T/$b-opendata/"*.csv)" ""
	check_match "$b-csv-opendata-area-as-text" "$(cat "$T/$b-opendata/posti_area.csv")" "\"'=HYPERLINK"
	check_match "$b-csv-opendata-call-as-text" "$(cat "$T/$b-opendata/posti_comune_avviso.csv")" "\"'-2\+3\""
	local jar=$T/$b-jar csrf
	echo 'una-password-lunga' | "$DOTE_BIN/dote" user add --db "$db" --name coord --role coordinator >/dev/null
	curl -s -c "$jar" -b "$jar" "$url/login" >"$T/$b-login.html"
	csrf=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$T/$b-login.html" | sed 's/.*value="//;s/"//')
	curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode name=coord \
		--data-urlencode password=una-password-lunga --data-urlencode csrf="$csrf" "$url/login"
	curl -s -b "$jar" "$url/dashboard/csv?comune=015146" >"$T/$b-dashboard.csv"
	check_match "$b-csv-dashboard-download" "$(head -1 "$T/$b-dashboard.csv")" '^area,area_label,applications'
	check "$b-csv-dashboard-no-formula" "$(csv_formulas "$T/$b-dashboard.csv")" ""
	check_match "$b-csv-dashboard-area-as-text" "$(cat "$T/$b-dashboard.csv")" "\"'=HYPERLINK"
	check "$b-still-serving" "$(curl -s "$url/healthz")" "ok"

	# The bounds are the operator's: a network whose kiosks may stay
	# offline longer (offline_days=60), with a stricter clock (30 s).
	kill "$HUB_PID"
	wait "$HUB_PID" 2>/dev/null
	start_hub "$b-rules-60" "$db" --set offline_days=60 --set clock_ahead_seconds=30 || { fail "$b-setup-60" "hub"; return; }
	now=$(date +%s)
	r=$(post "$HUB_URL" /v1/applications "$tok" "$(DOTE_NOW=$((now - 45 * 86400)) "$SYNCTOOL" batch K01 015146 1 1 900 90 DC06-015146-003 1)")
	check "$b-offline-45-days-stored-with-60" "$(first_result <<<"$r")" "stored | "
	r=$(post "$HUB_URL" /v1/applications "$tok" "$(DOTE_NOW=$((now - 61 * 86400)) "$SYNCTOOL" batch K01 015146 1 1 901 91 DC06-015146-003 1)")
	check "$b-offline-61-days-rejected-with-60" "$(first_result <<<"$r")" "rejected | submitted_at: more than 60 days before the hub received it"
	r=$(post "$HUB_URL" /v1/applications "$tok" "$(DOTE_NOW=$((now + 60)) "$SYNCTOOL" batch K01 015146 1 1 902 92 DC06-015146-003 1)")
	check "$b-minute-fast-rejected-with-30s" "$(first_result <<<"$r")" "rejected | submitted_at: later than the hub's clock (more than 30 seconds ahead)"
	check "$b-total-stored-with-60" "$("$SYNCTOOL" sql "$db" "SELECT count(*) FROM application")" "$((count + 1))"
}

backends hub-rules
for b in "${BACKENDS[@]}"; do run "$b"; done
finish
