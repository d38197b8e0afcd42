#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# The kiosk's catalog cards show the hub's protected count of applications
# only from 10 up: below 10 (a published 0 or 5-9, docs/reports.md, issue
# 20) the card says "Domande: meno di 10" (English: "Applications: fewer
# than 10"), never the number. The real kiosk (headless, scripted) shows
# its catalog cache (tests/ui/fixture.sql) with the placement's `applied`
# set to 0, 7 and 12; the search puts the one card on the screen.
set -u
BIN=${DOTE_BIN:?}; TOP=${DOTE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
pass() { echo "PASS sdc_kiosk_label: $1"; }
flunk() { echo "FAIL sdc_kiosk_label: $1"; fail=1; }
command -v sqlite3 >/dev/null || { echo "SKIP sdc_kiosk_label: sqlite3 not installed"; exit 0; }
[ -x "$BIN/dote-kiosk" ] || { echo "SKIP sdc_kiosk_label: dote-kiosk not built"; exit 0; }
export DOTE_NOW=1772442000 DOTE_ASSETS="$TOP/assets" SDL_AUDIODRIVER=dummy	# 2026-03-02
db=$tmp/kiosk.db
"$BIN/dote" demo --db "$db" --catalog-only --today 2026-03-02 >/dev/null || { flunk "demo catalog"; exit 1; }
sqlite3 -cmd ".timeout 5000" "$db" <"$TOP/tests/ui/fixture.sql" || { flunk "fixture"; exit 1; }
mkdir -p "$tmp/state"
cat >"$tmp/kiosk.conf" <<CONF
comune = 015146
hub_url = http://127.0.0.1:9
state_dir = $tmp/state
languages = it,en
CONF

# card APPLIED LANG SHOWN [NOT_SHOWN]: the card of UI-015146-001 with
# `applied` = APPLIED, in LANG.
card() {
	sqlite3 -cmd ".timeout 5000" "$db" "UPDATE placement SET applied = $1 WHERE code = 'UI-015146-001'"
	{
		printf 'tap start\nexpect-screen browse\ntap search\ntype Ragazzi\nexpect placement:UI-015146-001\n'
		printf 'expect-text %s\n' "$3"
		[ -z "${4:-}" ] || printf 'expect-no-text %s\n' "$4"
	} >"$tmp/s.script"
	if "$BIN/dote-kiosk" --headless --config "$tmp/kiosk.conf" --db "$db" --script "$tmp/s.script" --shots "$tmp" \
		--size 1080x1920 --lang "$2" >"$tmp/k.log" 2>&1; then
		pass "applied $1 ($2): the card shows '$3'"
	else
		flunk "applied $1 ($2): $(grep -m1 FAIL "$tmp/k.log" || tail -1 "$tmp/k.log")"
	fi
}
card 7 it "Domande: meno di 10" "Domande: 7"
card 0 it "Domande: meno di 10" "Domande: 0"
card 9 en "Applications: fewer than 10" "Applications: 9"
card 12 it "Domande: 12"	# other cards may say "meno di 10"
exit $fail
