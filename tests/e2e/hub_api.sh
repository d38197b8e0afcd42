#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# The hub's HTTP API as kiosks, coordinators and attackers see it, on
# SQLite and on a throwaway PostgreSQL: enrolment, catalog with ETag/304
# and central closing, batch ingest (per-record results, resend stored
# once, Idempotency-Key), one application per person per call across
# town halls (flagged, not merged), the hub's own checks of every record
# (its signed receipt token: missing, forged, another kiosk's, saying
# something else; the call's eligibility rules: age, status, residence):
# rejected with the reason, nothing stored; coordinators' status changes (CLI and
# API) reaching the kiosk, the receipt check page, and bad input:
# unauthenticated, revoked, forged kiosk id, oversized body, malformed
# JSON, SQL/HTML injection in every field. The hub keeps serving and its
# log holds no personal data.
. "$(dirname "$0")/hub_lib.bash"

post() { json_post "$@"; }	# url path token body [curl args]: prints 'CODE BODY'

run() {
	local b=$1 db url r tok tok2 code pk etag
	db=$(db_url "$b" "$b-api")
	"$SYNCTOOL" catalog "$db" 015146 3 >/dev/null && "$SYNCTOOL" catalog "$db" 015077 2 >/dev/null ||
		{ fail "$b-setup" "catalog"; return; }
	start_hub "$b-api" "$db" --threads 3 --set body_max=262144 || { fail "$b-setup" "hub"; return; }
	url=$HUB_URL
	check "$b-healthz" "$(curl -s "$url/healthz")" "ok"

	# Enrolment. K01 and K02 register their test keys (synctool signs
	# their records' receipts with them).
	pk=$("$SYNCTOOL" key K01)
	r=$(post "$url" /v1/enroll "" "{\"code\":\"AAAA-BBBB-CCCC\",\"public_key\":\"$pk\"}")
	check_match "$b-enroll-bad-code" "$r" "^403 .*unknown"
	code=$("$DOTE_BIN/dote" kiosk enroll-code --comune 015146 --db "$db" 2>/dev/null)
	r=$(post "$url" /v1/enroll "" "{\"code\":\"$code\",\"public_key\":\"$pk\",\"name\":\"test\"}")
	check_match "$b-enroll" "$r" '^200 .*"kiosk_id":"K01"'
	tok=$(echo "${r#200 }" | jq -r .token)
	check_match "$b-token-shape" "$tok" '^[0-9a-f]{64}$'
	check "$b-token-stored-hashed" "$("$SYNCTOOL" sql "$db" "SELECT count(*) FROM kiosk WHERE token_hash = ?1" "$tok")" "0"
	r=$(post "$url" /v1/enroll "" "{\"code\":\"$code\",\"public_key\":\"$pk\"}")
	check_match "$b-enroll-code-once" "$r" "^403 "
	code=$("$DOTE_BIN/dote" kiosk enroll-code --comune 015077 --db "$db" 2>/dev/null)
	tok2=$(post "$url" /v1/enroll "" "{\"code\":\"$code\",\"public_key\":\"$("$SYNCTOOL" key K02)\"}" | sed 's/^200 //' | jq -r .token)
	check_match "$b-enroll-second-town" "$tok2" '^[0-9a-f]{64}$'

	# Catalog: ETag, 304, a placement closed centrally disappears.
	curl -s -D "$T/h" -o "$T/cat" "$url/v1/catalog?comune=015146"
	etag=$(grep -i '^etag:' "$T/h" | cut -d' ' -f2 | tr -d '\r')
	check "$b-catalog-placements" "$(jq '.placements | length' "$T/cat")" "3"
	check "$b-catalog-304" "$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$url/v1/catalog?comune=015146")" "304"
	"$SYNCTOOL" sql "$db" "UPDATE placement SET status = 'closed' WHERE code = 'DC06-015146-002'" >/dev/null
	check "$b-catalog-changed-after-close" "$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$url/v1/catalog?comune=015146")" "200"
	check "$b-closed-placement-gone" "$(curl -s "$url/v1/catalog?comune=015146" | jq -c '[.placements[].code]')" '["DC06-015146-001","DC06-015146-003"]'
	check_match "$b-catalog-bad-comune" "$(curl -s -w ' %{http_code}' "$url/v1/catalog?comune=1%27%20OR%201=1")" ' 400$'

	# Ingest: per-record results, resend stored once, idempotency.
	local batch
	batch=$("$SYNCTOOL" batch K01 015146 5 1 0 1 DC06-015146-001 1)
	r=$(post "$url" /v1/applications "$tok" "$batch")
	check_match "$b-ingest" "$r" '^200 .*"stored":5,"already":0,"rejected":0'
	r=$(post "$url" /v1/applications "$tok" "$batch")
	check_match "$b-resend-stored-once" "$r" '^200 .*"stored":0,"already":5'
	check "$b-count-after-resend" "$("$SYNCTOOL" count "$db")" "applications 5 uuids 5 duplicates 0"
	batch=$("$SYNCTOOL" batch K01 015146 2 1 100 6 DC06-015146-003 1)
	local r1 r2
	r1=$(post "$url" /v1/applications "$tok" "$batch" -H 'Idempotency-Key: abc-1')
	r2=$(post "$url" /v1/applications "$tok" "$batch" -H 'Idempotency-Key: abc-1')
	check "$b-idempotency-key-same-answer" "$r2" "$r1"
	batch=$("$SYNCTOOL" batch K01 015146 1 1 200 8 DC06-015146-002 1)
	check_match "$b-closed-placement-rejected" "$(post "$url" /v1/applications "$tok" "$batch")" '"result":"rejected","error":"placement_code: placement closed"'

	# One application per person per call across town halls: K02 (another
	# comune) sends person 0 of seed 1 again.
	batch=$("$SYNCTOOL" batch K02 015077 1 1 0 1 DC06-015077-001 1)
	r=$(post "$url" /v1/applications "$tok2" "$batch")
	check_match "$b-cross-town-duplicate-flagged" "$r" '"result":"stored","duplicate_of":"[0-9a-f-]{36}"'
	check "$b-duplicate-kept-not-merged" "$("$SYNCTOOL" count "$db")" "applications 8 uuids 8 duplicates 1"

	# The hub trusts no kiosk. Each record's receipt token must be its
	# own kiosk's, genuine, and say what the record says.
	refused() { # name jq-filter want-error [batch args]
		local res
		res=$(post "$url" /v1/applications "$tok" "$("$SYNCTOOL" batch K01 015146 1 1 $((600 + seq)) $seq DC06-015146-001 1 | jq -c "$2")" |
			sed 's/^200 //' | jq -r '.results[0] | .result + " | " + .error')
		check "$b-$1" "$res" "rejected | $3"
		seq=$((seq + 1))
	}
	local seq=10 other
	refused receipt-missing 'del(.records[0].receipt)' "receipt: missing (each application travels with its signed receipt token)"
	refused receipt-forged-signature '.records[0].receipt |= (.[0:-5] + (if .[-5:-4] == "A" then "B" else "A" end) + .[-4:])' \
		"receipt: bad signature (altered, or signed by another key)"
	other=$("$SYNCTOOL" batch K02 015146 1 1 610 11 DC06-015146-001 1 | jq -r '.records[0].receipt')
	refused receipt-of-another-kiosk ".records[0].receipt = \"$other\"" "receipt: not issued by this kiosk"
	refused receipt-other-placement '.records[0].placement_code = "DC06-015146-003"' "receipt: its placement is not the record's"
	refused receipt-other-uuid '.records[0].uuid |= (.[0:35] + (if .[35:36] == "0" then "1" else "0" end))' "receipt: its uuid is not the record's"
	# The call's eligibility rules, as the kiosk applies them (synctool's
	# people are 22 to 34, unemployed or NEET, living in Milano).
	"$SYNCTOOL" sql "$db" "UPDATE call SET rules = ?1" '{"max_age":20}' >/dev/null
	refused ineligible-age '.' "eligibility: max_age 20 (You are older than the maximum age for this call.)"
	"$SYNCTOOL" sql "$db" "UPDATE call SET rules = ?1" '{"statuses":["unemployed","never_employed","neet"]}' >/dev/null
	refused ineligible-status '.records[0].applicant_status = "student"' "eligibility: statuses (This call is not open to people in your situation.)"
	"$SYNCTOOL" sql "$db" "UPDATE call SET rules = ?1" '{"residence_region":"Lombardia"}' >/dev/null
	refused ineligible-residence '.records[0].residence = "058091"' "eligibility: residence_region (You must live in the region of this call.)"
	# no_other_placement: records carry no answer to it; the hub asks its
	# own data. Person 0 (stored first) has started a placement: a new
	# application of theirs is refused; the next record (another person,
	# rule still on) is stored.
	"$SYNCTOOL" sql "$db" "UPDATE application SET status = 'started' WHERE kiosk_id = 'K01' AND seq = 1" >/dev/null
	"$SYNCTOOL" sql "$db" "UPDATE call SET rules = ?1" '{"no_other_placement":true}' >/dev/null
	res=$(post "$url" /v1/applications "$tok" "$("$SYNCTOOL" batch K01 015146 1 1 0 $seq DC06-015146-003 1)" |
		sed 's/^200 //' | jq -r '.results[0] | .result + " | " + .error')
	check "$b-in-a-placement-refused" "$res" "rejected | eligibility: no_other_placement (You cannot apply while you are already in a placement.)"
	"$SYNCTOOL" sql "$db" "UPDATE application SET status = 'received' WHERE kiosk_id = 'K01' AND seq = 1" >/dev/null
	check "$b-refused-nothing-stored" "$("$SYNCTOOL" count "$db")" "applications 8 uuids 8 duplicates 1"
	# Unknown fields are ignored (that body is read by jansson, not by
	# the hub's plain-form reader): stored like any other.
	r=$(post "$url" /v1/applications "$tok" "$("$SYNCTOOL" batch K01 015146 1 1 700 18 DC06-015146-001 1 | jq -c '.client = "v2" | .records[0].note = {"a": [1, 2.5]}')")
	check_match "$b-unknown-fields-ignored" "$r" '^200 .*"stored":1,"already":0,"rejected":0'
	"$SYNCTOOL" sql "$db" "UPDATE call SET rules = '{}'" >/dev/null

	# Bad input.
	batch=$("$SYNCTOOL" batch K01 015146 1 1 300 9 DC06-015146-001 1)
	check_match "$b-unauthenticated" "$(post "$url" /v1/applications "" "$batch")" '^401 '
	check_match "$b-wrong-token" "$(post "$url" /v1/applications "$(printf '%064d' 1)" "$batch")" '^401 '
	check_match "$b-forged-kiosk-id" "$(post "$url" /v1/applications "$tok2" "$batch")" '^403 .*does not match'
	check_match "$b-forged-record-kiosk" "$(post "$url" /v1/applications "$tok" "$("$SYNCTOOL" batch K02 015146 1 1 301 9 DC06-015146-001 1 | jq -c '.kiosk_id = "K01"')")" '"rejected":1'
	head -c 300000 /dev/zero | tr '\0' 'x' >"$T/big"
	check_match "$b-oversized-body" "$(curl -s -w ' %{http_code}' -H "Authorization: Bearer $tok" --data-binary @"$T/big" "$url/v1/applications")" ' 413$'
	check_match "$b-malformed-json" "$(post "$url" /v1/applications "$tok" '{"kiosk_id":"K01","records":[{"uuid":')" '^400 .*malformed JSON'
	check_match "$b-not-an-object" "$(post "$url" /v1/applications "$tok" '[1,2,3]')" '^400 '
	check_match "$b-bad-method" "$(curl -s -w ' %{http_code}' "$url/v1/applications")" ' 405$'

	# Injection strings in every field: rejected, or stored verbatim.
	local f inj res stored=0 rejected=0 bad=0 seq=20
	for f in uuid protocol kiosk_id seq call_id placement_code comune cf given_name family_name \
		 phone email sex birth_date age birthplace residence applicant_status education lang \
		 submitted_at status receipt; do
		for inj in "Robert'); DROP TABLE application;--" '<script>alert(1)</script>' "' OR '1'='1"; do
			seq=$((seq + 1))
			batch=$("$SYNCTOOL" batch K01 015146 1 1 $((400 + seq)) $seq DC06-015146-001 1 |
				jq -c --arg f "$f" --arg v "$inj" '.records[0][$f] = $v')
			res=$(post "$url" /v1/applications "$tok" "$batch" | sed 's/^[0-9]* //' | jq -r '.results[0].result // "http-error"')
			case "$res" in
			stored) stored=$((stored + 1)) ;;
			rejected) rejected=$((rejected + 1)) ;;
			*) bad=$((bad + 1)) ;;
			esac
		done
	done
	check "$b-injection-answered-per-record" "$bad" "0"
	# Stored: the names (3 strings x given and family name); a phone
	# number must be one (6 to 15 digits), so the rest are rejected.
	check "$b-injection-outcomes" "$stored stored, $rejected rejected" "6 stored, 63 rejected"
	check "$b-injection-stored-verbatim" "$("$SYNCTOOL" sql "$db" "SELECT count(*) FROM application WHERE given_name IN (?1, ?2, ?3) OR family_name IN (?1, ?2, ?3) OR phone IN (?1, ?2, ?3) OR email IN (?1, ?2, ?3)" "Robert'); DROP TABLE application;--" '<script>alert(1)</script>' "' OR '1'='1")" "$stored"
	check_match "$b-table-intact" "$("$SYNCTOOL" count "$db")" "^applications [0-9]+ uuids"
	check "$b-still-serving" "$(curl -s "$url/healthz")" "ok"

	# Coordinators: CLI and API status changes, who/when, reaching the kiosk.
	local proto
	proto=DC-015146-K01-$(date -u +%Y)-000001
	# The comune's office has checked the requirements (its page, /ufficio: office_selection.sh).
	"$SYNCTOOL" sql "$db" "INSERT INTO selection(uuid, requirements, stage, updated_at) SELECT uuid, 'ok', 'eligible', '2026-01-01T00:00:00Z' FROM application WHERE protocol = ?1" "$proto" >/dev/null
	check "$b-status-cli" "$("$DOTE_BIN/dote" application status "$proto" interview --by 'Maria Coordinatrice' --at 2099-01-12T10:00 --place 'Municipio, sala 2' --db "$db" 2>&1)" "$proto: interview"
	"$DOTE_BIN/dote" application status "$proto" completed --by X --db "$db" >/dev/null 2>&1
	check "$b-status-transition-refused" "$?" "1"
	check_match "$b-status-history" "$("$SYNCTOOL" sql "$db" "SELECT h.status, h.by, h.at FROM status_history h JOIN application a ON a.uuid = h.uuid WHERE a.protocol = ?1" "$proto")" '^interview\|Maria Coordinatrice\|20[0-9-]+T[0-9:]+Z$'
	local ctok
	ctok=$("$DOTE_BIN/dote" application token --name 'Ufficio Dote' --db "$db")
	check_match "$b-status-api-needs-token" "$(post "$url" /v1/status "$tok" "{\"id\":\"$proto\",\"status\":\"selected\"}")" '^401 '
	check_match "$b-status-api-no-selection-before-final" "$(post "$url" /v1/status "$ctok" "{\"id\":\"$proto\",\"status\":\"selected\"}")" '^409 .*graduatoria definitiva'
	check_match "$b-status-api" "$(post "$url" /v1/status "$ctok" "{\"id\":\"$proto\",\"status\":\"withdrawn\"}")" '^200 '
	check_match "$b-status-api-interview-needs-date" "$(post "$url" /v1/status "$ctok" "{\"id\":\"$proto\",\"status\":\"interview\"}")" '^409 .*data e ora'
	check_match "$b-status-api-unknown" "$(post "$url" /v1/status "$ctok" '{"id":"nope","status":"selected"}')" '^404 '
	# Usage counts of today (the hub refuses days before the kiosk's
	# enrolment: tests/e2e/hub_rules.sh).
	r=$(post "$url" /v1/heartbeat "$tok" "{\"kiosk_id\":\"K01\",\"version\":\"t\",\"queue_depth\":3,\"printer\":\"ok\",\"last_frame_ms\":16,\"status_since\":0,\"usage\":[{\"day\":\"$(date +%F)\",\"event\":\"session\",\"n\":4}]}")
	check_match "$b-heartbeat-returns-statuses" "$r" '"status":"interview".*"status":"withdrawn"'
	check_match "$b-heartbeat-interview-when-where" "$r" '"status":"interview"[^}]*"interview_at":"2099-01-12T10:00","interview_place":"Municipio, sala 2"'
	check "$b-heartbeat-recorded" "$("$SYNCTOOL" sql "$db" "SELECT queue_depth, printer FROM kiosk WHERE id = 'K01'")" "3|ok"
	check "$b-usage-recorded" "$("$SYNCTOOL" sql "$db" "SELECT n FROM usage_count WHERE kiosk_id = 'K01' AND event = 'session'")" "4"

	# Revocation.
	"$DOTE_BIN/dote" kiosk revoke K02 --db "$db" >/dev/null
	check_match "$b-revoked-kiosk" "$(post "$url" /v1/applications "$tok2" "$("$SYNCTOOL" batch K02 015077 1 1 900 5 DC06-015077-001 1)")" '^403 .*revoked'
	check_match "$b-kiosk-list" "$("$DOTE_BIN/dote" kiosk list --db "$db")" 'K02 +015077 +revoked'

	# Receipt check page with a real kiosk: enrol, submit, sync.
	local k=$T/$b-k.db st=$T/$b-kstate rc
	code=$("$DOTE_BIN/dote" kiosk enroll-code --comune 015146 --db "$db" 2>/dev/null)
	"$SYNCTOOL" sync "$k" "$st" "$url" 015146 "$code" 15 >/dev/null
	"$SYNCTOOL" submit "$k" "$st" 1 5 5000 >/dev/null
	"$SYNCTOOL" sync "$k" "$st" "$url" 015146 - 15 >/dev/null
	check_match "$b-kiosk-catalog-without-closed" "$("$SYNCTOOL" kiosk-db "$k")" 'placements 2$'
	check_match "$b-kiosk-keeps-etag-and-time" "$(sqlite3 "$k" "SELECT key FROM setting WHERE key LIKE 'catalog_%' ORDER BY key" | tr '\n' ' ')" 'catalog_checked_at catalog_etag catalog_updated_at'
	rc=$(sqlite3 "$k" "SELECT receipt FROM application LIMIT 1")
	r=$(curl -s -w ' %{http_code}' "$url/R/$rc")
	check_match "$b-receipt-genuine" "$r" 'Ricevuta autentica.*Stato della domanda: [A-Za-z ]+.* 200$'
	local forged=${rc:0:20}$( [ "${rc:20:1}" == A ] && echo B || echo A )${rc:21}
	check_match "$b-receipt-forged" "$(curl -s -w ' %{http_code}' "$url/r/$forged")" 'NON valida.* 404$'
	r=$(curl -s "$url/r/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
	if [[ "$r" == *"<script>"* ]]; then fail "$b-receipt-page-escaped" "raw <script> in page"; else pass "$b-receipt-page-escaped"; fi

	# Refused by the hub (placement closed centrally before the kiosk
	# synced): kept on the kiosk with the reason, not lost, not retried hot.
	"$SYNCTOOL" submit "$k" "$st" 1 6 6000 >/dev/null
	"$SYNCTOOL" sql "$db" "UPDATE placement SET status = 'closed' WHERE comune = '015146'" >/dev/null
	"$SYNCTOOL" sync "$k" "$st" "$url" 015146 - 3 >/dev/null
	check "$b-refused-kept-with-reason" "$(sqlite3 "$k" "SELECT count(*), last_error FROM outbox o JOIN application a USING (uuid) WHERE a.cf IS NOT NULL")" "1|placement_code: placement closed"
	check_match "$b-refused-kiosk-catalog-empty" "$("$SYNCTOOL" kiosk-db "$k")" 'placements 0$'

	# The kiosk is revoked later (stolen, replaced): the receipts of what
	# the hub had verified and stored stay genuine; the others do not.
	local kid rc2
	kid=$(sqlite3 "$k" "SELECT kiosk_id FROM application LIMIT 1")
	rc2=$(sqlite3 "$k" "SELECT receipt FROM application WHERE cf IS NOT NULL LIMIT 1")
	"$DOTE_BIN/dote" kiosk revoke "$kid" --db "$db" >/dev/null
	check_match "$b-receipt-stored-before-revocation" "$(curl -s -w ' %{http_code}' "$url/R/$rc")" \
		'Ricevuta autentica.*Stato della domanda: .*ritirato dal servizio.* 200$'
	check_match "$b-receipt-never-stored-revoked" "$(curl -s -w ' %{http_code}' "$url/R/$rc2")" \
		'NON valida.*sportello ritirato dal servizio.* 404$'
	# `dote receipt verify --db` says the same as the page.
	check_match "$b-cli-receipt-stored-before-revocation" \
		"$("$DOTE_BIN/dote" receipt verify "$url/R/$rc" --db "$db"; echo "rc=$?")" 'genuine receipt.*withdrawn later.*rc=0$'
	check_match "$b-cli-receipt-never-stored-revoked" \
		"$("$DOTE_BIN/dote" receipt verify "$url/R/$rc2" --db "$db"; echo "rc=$?")" 'NOT genuine.*revoked.*rc=1$'

	# PostgreSQL keeps the rollups group by group (SQLite queues them and
	# folds them when read): they must add up to the raw rows.
	if [ "$b" == pg ]; then
		q() { "$SYNCTOOL" sql "$db" "$1" | tr '\n' ' '; }
		check "$b-rollup-comune-month" "$(q "SELECT comune, month, applications, applicants FROM rollup_comune WHERE attr = '' ORDER BY 1, 2")" \
			"$(q "SELECT comune, substr(submitted_at, 1, 7), count(*), count(*) - count(duplicate_of) FROM application GROUP BY 1, 2 ORDER BY 1, 2")"
		check "$b-rollup-by-status" "$(q "SELECT value, sum(applications), sum(applicants) FROM rollup_comune WHERE attr = 'applicant_status' GROUP BY value ORDER BY value")" \
			"$(q "SELECT applicant_status, count(*), count(*) - count(duplicate_of) FROM application GROUP BY 1 ORDER BY 1")"
		check "$b-rollup-every-attribute" "$(q "SELECT attr, sum(applications) FROM rollup_province GROUP BY attr ORDER BY attr")" \
			"$(q "SELECT a, (SELECT count(*) FROM application) FROM (VALUES (''), ('age_band'), ('applicant_status'), ('education'), ('residence'), ('sex')) v(a) ORDER BY a")"
		check "$b-rollup-placement" "$(q "SELECT placement_code, applications, selected FROM rollup_placement ORDER BY 1")" \
			"$(q "SELECT placement_code, count(*), count(*) FILTER (WHERE status IN ('selected', 'started', 'completed', 'dropped_out')) FROM application GROUP BY 1 ORDER BY 1")"
	fi

	# No personal data in the hub's log.
	local cf
	cf=$("$SYNCTOOL" batch K01 015146 1 1 0 1 DC06-015146-001 1 | jq -r '.records[0].cf')
	if grep -q -e "$cf" -e "Bababo" -e "$tok" "$T/$b-api.log"; then fail "$b-log-no-personal-data" "found"; else pass "$b-log-no-personal-data"; fi
	kill -0 "$HUB_PID" && pass "$b-hub-alive-at-end" || fail "$b-hub-alive-at-end" "died"
	kill "$HUB_PID"
}

backends hub-api
for b in "${BACKENDS[@]}"; do run "$b"; done

# Configuration, rate limit with Retry-After, and the kiosk's refusal of
# plain http to another machine (checked before any connection).
check_match hub-help "$("$DOTE_BIN/dote-hub" --help)" 'postgres://.*rate_per_minute'
printf 'threads = 2\nno_such_key = 1\n' >"$T/bad.conf"
if "$DOTE_BIN/dote-hub" --config "$T/bad.conf" >/dev/null 2>&1; then fail hub-config-typo-refused "started"; else pass hub-config-typo-refused; fi
"$SYNCTOOL" catalog "$T/rate.db" 015146 1 >/dev/null
"$DOTE_TESTS_BIN/loadgen" setup "$T/rate.db" 1 "$T/rate.tok" 015146
printf 'rate_per_minute = 2\nthreads = 1\n' >"$T/rate.conf"
start_hub rate "$T/rate.db" --config "$T/rate.conf"
rtok=$(cut -d' ' -f2 "$T/rate.tok")
for i in 1 2 3; do
	code=$(curl -s -D "$T/rate.h" -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $rtok" \
		--data '{"kiosk_id":"K01"}' "$HUB_URL/v1/heartbeat")
done
check rate-limited "$code" "429"
check_match rate-retry-after "$(grep -i '^retry-after:' "$T/rate.h" | tr -d '\r')" '^Retry-After: [0-9]+$'
kill "$HUB_PID"
r=$("$SYNCTOOL" sync "$T/nk.db" "$T/nstate" http://192.0.2.1:8470 015146 - 2)
check_match kiosk-refuses-plain-http-off-machine "$r" "plain http is allowed only to this machine"
finish
