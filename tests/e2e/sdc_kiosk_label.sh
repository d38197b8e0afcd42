#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# The kiosk shows the hub's protected count of applications only from 10
# up: below 10 (a published 0 or 5-9, docs/reports.md, issue 20) the
# catalog card says "Domande: meno di 10" (English: "Applications: fewer
# than 10"), never the number, and the placement's detail screen says
# the same band ("Domande: meno di 10 finora ..."), in every language of
# the kiosk. The real kiosk (headless, scripted) shows its catalog cache
# (tests/ui/fixture.sql) with the placement's `applied` set to 0, 7, 9
# and 12; the search puts the one card on the screen, a tap opens it.
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
languages = it,en,fr,es,ro,uk,ar
CONF

# card APPLIED LANG CARD NOT_ON_CARD DETAIL NOT_ON_DETAIL: the card of
# UI-015146-001 with `applied` = APPLIED, in LANG, shows CARD and not
# NOT_ON_CARD (if given); its detail screen shows DETAIL in the
# applications fact and not NOT_ON_DETAIL anywhere.
card() {
	sqlite3 -cmd ".timeout 5000" "$db" "UPDATE placement SET applied = $1 WHERE code = 'UI-015146-001'"
	{
		printf 'tap start\nexpect-screen browse\ntap search\ntype Ragazzi\nexpect placement:UI-015146-001\n'
		printf 'expect-text %s\n' "$3"
		[ -z "$4" ] || printf 'expect-no-text %s\n' "$4"
		printf 'tap placement:UI-015146-001\nexpect-screen detail\nexpect fact:applied\n'
		printf 'expect-text %s\n' "$5"
		printf 'expect-no-text %s\n' "$6"
	} >"$tmp/s.script"
	if "$BIN/dote-kiosk" --headless --config "$tmp/kiosk.conf" --db "$db" --script "$tmp/s.script" --shots "$tmp" \
		--size 1080x1920 --lang "$2" >"$tmp/k.log" 2>&1; then
		pass "applied $1 ($2): the card shows '$3', the detail '$5'"
	else
		flunk "applied $1 ($2): $(grep -m1 FAIL "$tmp/k.log" || tail -1 "$tmp/k.log")"
	fi
}
card 7 it "Domande: meno di 10" "Domande: 7" "Domande: meno di 10 finora (all'ultimo aggiornamento)" "Domande: 7 finora"
card 0 it "Domande: meno di 10" "Domande: 0" "Domande: meno di 10 finora" "Domande: 0 finora"
card 9 en "Applications: fewer than 10" "Applications: 9" "Applications: fewer than 10 so far" "Applications: 9 so far"
# other cards may say "meno di 10"
card 12 it "Domande: 12" "" "Domande: 12 finora (all'ultimo aggiornamento)" "Domande: meno di 10"
card 7 fr "Candidatures : moins de 10" "Candidatures : 7" "Candidatures: moins de 10 jusqu'ici" "Candidatures: 7 jusqu'ici"
card 7 es "Solicitudes: menos de 10" "Solicitudes: 7" "Solicitudes: menos de 10 hasta ahora" "Solicitudes: 7 hasta"
card 7 ro "Cereri: mai puțin de 10" "Cereri: 7" "Cereri: mai puțin de 10 până acum" "Cereri: 7 până"
card 7 uk "Заявок: менше 10" "Заявок: 7" "Заявки: менше 10 на цей час" "Заявки: 7 на"
card 7 ar "الطلبات: أقل من 10" "الطلبات: 7" "الطلبات: أقل من 10 حتى الآن" "الطلبات: 7 حتى"
exit $fail
