#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Names that hide or reorder text (issue 21): a kiosk's name at
# enrolment and the applicants' names in a kiosk's records are refused
# when they carry a bidi control (U+202E), a control character (ESC), an
# invisible or joining character (U+200B, U+206E, U+00AD) or a run of
# more than 3 combining marks, with a message naming the character; names
# accepted are stored in NFC (a decomposed 'e' + U+0301 becomes U+00E9).
# Staff account names are ASCII by rule already (dote user add). SQLite.
. "$(dirname "$0")/hub_lib.bash"

post() { json_post "$HUB_URL" "$@"; }	# path token body: prints 'CODE BODY'
hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }

db=$T/names.db
"$SYNCTOOL" catalog "$db" 015146 3 >/dev/null || { fail setup catalog; finish; }
start_hub names "$db" --threads 2 || { fail setup "hub did not start"; finish; }

# --- Enrolment: the kiosk's name. K01 (no name) sends the records below.
code=$("$DOTE_BIN/dote" kiosk enroll-code --comune 015146 --db "$db" 2>/dev/null)
tok=$(post /v1/enroll "" "{\"code\":\"$code\",\"public_key\":\"$("$SYNCTOOL" key K01)\"}" | sed 's/^200 //' | jq -r .token)
[[ "$tok" =~ ^[0-9a-f]{64}$ ]] || { fail setup "enrolment of K01"; finish; }
pk=$("$SYNCTOOL" key K02)
enroll_refused() { # label json-name-literal U+XXXX
	local code r
	code=$("$DOTE_BIN/dote" kiosk enroll-code --comune 015146 --db "$db" 2>/dev/null)
	r=$(post /v1/enroll "" "{\"code\":\"$code\",\"public_key\":\"$pk\",\"name\":\"$2\"}")
	check_match "enroll-name-$1-refused" "$r" "^400 .*$3"
}
enroll_refused rlo 'Totem \u202eAtrium' 'U\+202E'
enroll_refused esc 'Totem \u001b[2J' 'U\+001B'
enroll_refused zwsp 'Tot\u200bem' 'U\+200B'
check "enroll-refused-nothing-stored" "$("$SYNCTOOL" sql "$db" "SELECT count(*) FROM kiosk")" 1
code=$("$DOTE_BIN/dote" kiosk enroll-code --comune 015146 --db "$db" 2>/dev/null)
r=$(post /v1/enroll "" "{\"code\":\"$code\",\"public_key\":\"$pk\",\"name\":\"Biblioteca Cafe\u0301\"}")
check_match "enroll-decomposed-name-accepted" "$r" '^200 '
kid=$(echo "${r#200 }" | jq -r .kiosk_id)
check "enroll-name-stored-nfc" "$(hex "$("$SYNCTOOL" sql "$db" "SELECT name FROM kiosk WHERE id = ?1" "$kid")")" \
	"$(hex "Biblioteca Café")"

# --- Applicants' names in a kiosk's records (the receipt does not sign
# the names, so jq may change them; the name check comes before it).
echo 1 >"$T/seq"
record() { # jq-filter: prints 'result | error' of a one-record batch (each its own sequence number)
	local b seq
	seq=$(cat "$T/seq"); echo $((seq + 1)) >"$T/seq"
	b=$("$SYNCTOOL" batch K01 015146 1 1 $((100 + seq)) $seq DC06-015146-001 1 | jq -c "$1")
	post /v1/applications "$tok" "$b" | sed 's/^200 //' | jq -r '.results[0] | .result + " | " + (.error // "")'
}
name_refused() { # label field json-string U+XXXX
	check_match "record-$2-$1-refused" "$(record ".records[0].$2 = \"$3\"")" "^rejected \| $2: .*$4"
}
name_refused zwsp given_name 'Ma\u200brco' 'U\+200B'
name_refused nads family_name 'Ros\u206esi' 'U\+206E'
name_refused shy family_name 'Ros\u00adsi' 'U\+00AD'
name_refused rlo given_name 'Anna\u202e' 'U\+202E'
name_refused bom given_name '\ufeffAnna' 'U\+FEFF'
name_refused marks given_name 'Zalg\u0336\u0336\u0336\u0336o' 'U\+0336 .*combining'
check "records-refused-nothing-stored" "$("$SYNCTOOL" sql "$db" "SELECT count(*) FROM application")" 0
check_match "record-three-marks-accepted" "$(record '.records[0].given_name = "Zalg\u0336\u0336\u0336o"')" '^stored'
check_match "record-decomposed-accepted" "$(record '.records[0].given_name = "Nicolo\u0300" | .records[0].family_name = "Pe\u0301rez"')" '^stored'
check "record-names-stored-nfc" \
	"$(hex "$("$SYNCTOOL" sql "$db" "SELECT given_name || '|' || family_name FROM application WHERE seq = $(($(cat "$T/seq") - 1))")")" \
	"$(hex "Nicolò|Pérez")"
kill -0 "$HUB_PID" 2>/dev/null && pass "hub-alive" || fail "hub-alive" "hub died"
finish
