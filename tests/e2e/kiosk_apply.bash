# SPDX-License-Identifier: EUPL-1.2
# Sourced by the receipt tests: the kiosk script of one citizen's whole
# application to UI-015146-001 (tests/ui/fixture.sql), from the home
# screen to the receipt, checking each screen on the way.
#
# kiosk_apply_script CF GIVEN FAMILY SHOT: prints the script; it ends on
# the receipt screen, whose screenshot is SHOT.
kiosk_apply_script() {
	cat <<S
tap start
expect-screen browse
tap search
type Ragazzi
expect placement:UI-015146-001
tap placement:UI-015146-001
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
