# SPDX-License-Identifier: EUPL-1.2
# Sourced by the kiosk end-to-end tests: the kiosk script of one
# citizen's whole application (by default to UI-015146-001 of
# tests/ui/fixture.sql), from the home screen to the receipt, checking
# each screen on the way; and the citizen's "check my application".
#
# kiosk_apply_script CF GIVEN FAMILY SHOT [SEARCH PLACEMENT [EMAIL]]:
# prints the script; the citizen types SEARCH, chooses PLACEMENT and,
# with EMAIL, leaves that address. It ends on the receipt screen, whose
# screenshot is SHOT.
kiosk_apply_script() {
	cat <<S
tap start
expect-screen browse
tap search
type ${5:-Ragazzi}
expect placement:${6:-UI-015146-001}
tap placement:${6:-UI-015146-001}
expect-screen detail
tap apply
expect-screen eligibility
tap field:age
type 31
tap status:unemployed
tap field:residence
type Milano
expect residence:015146
tap residence:015146
reveal other:no
tap other:no
tap next
expect-screen form
tap field:given_name
type $2
tap field:family_name
type $3
tap field:cf
type $1
tap field:phone
type 3331234567
S
	[ -n "${7:-}" ] && printf 'reveal field:email\ntap field:email\ntype %s\n' "$7"
	cat <<S
tap next
tap education:upper_secondary
tap next
expect-screen privacy
tap consent
tap next
expect-screen review
tap submit
expect-screen receipt
expect protocol
shot $4
S
}

# kiosk_status KIOSKDB CONFIG SHOTS PROTOCOL CF SHOT [LANG]: what the citizen
# reads on "check my application" of the real kiosk (CONFIG names its
# hub), once its own sync thread has had a heartbeat answered (the hub
# answers a heartbeat with the status changes); prints the status line
# and the notice (its sentences, check-notice, check-notice-2, ...,
# joined by spaces), joined by ' | '; with LANG, in that language. Needs jq.
kiosk_status() {
	cat > "$3/$6.script" <<S
wait-status 15
expect-screen home
${7:+tap language
tap lang:$7
expect-not languages
}tap check-application
expect-screen status
tap field:protocol
type $4
tap field:check_cf
type $5
tap check
expect check-result
shot $6
dump $6
S
	"$DOTE_BIN/dote-kiosk" --headless --config "$2" --db "$1" --script "$3/$6.script" \
		--shots "$3" --size 1080x1920 >>"$3/kiosk.log" 2>&1 || echo "kiosk failed: $(grep FAIL "$3/kiosk.log" | tail -1)"
	jq -r '[([.widgets[] | select(.id == "check-result") | .label] | join(" ")),
		([.widgets[] | select(.id | startswith("check-notice")) | .label] | join(" "))] |
		map(select(. != "")) | join(" | ")' \
		"$3/$6.json" 2>/dev/null
}
