#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# End to end with the real kiosk: a hub gets the UI fixture's catalog, a
# kiosk is enrolled with a one-time code (its identity and the hub's
# catalog land in its state dir and database), then `dote-kiosk
# --headless` runs a citizen's whole journey (sync_headless.script) with
# hub_url set, so its own sync thread sends the application. Afterwards
# the hub holds exactly the kiosk's application, the kiosk keeps no
# personal data, and the receipt the kiosk signed verifies on the hub's
# check page.
. "$(dirname "$0")/hub_lib.bash"
top=${DOTE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
O_DIR=$(dirname "$DOTE_BIN")
export DOTE_NOW=1772442000 DOTE_ASSETS="$top/assets" SDL_AUDIODRIVER=dummy

"$DOTE_BIN/dote-kiosk" --init-db "$T/catalog.db" >/dev/null 2>&1 &&
	sqlite3 "$T/catalog.db" < "$top/tests/ui/fixture.sql" &&
	"$DOTE_BIN/dote-hub" --db "$T/hub.db" --load-catalog "$T/catalog.db" >/dev/null ||
	{ fail headless-setup "catalog"; finish; }
start_hub hub "$T/hub.db" --threads 2 || { fail headless-setup "hub"; finish; }
code=$("$DOTE_BIN/dote" kiosk enroll-code --comune 015146 --db "$T/hub.db" 2>/dev/null)
mkdir -p "$T/receipts" "$T/shots"
: > "$T/printer.bin"
if "$SYNCTOOL" sync "$T/kiosk.db" "$T/state" "$HUB_URL" 015146 "$code" 15 >"$T/enrol.log"; then
	pass headless-kiosk-enrolled
else
	fail headless-kiosk-enrolled "$(cat "$T/enrol.log")"
fi
check headless-catalog-from-hub "$(sqlite3 "$T/kiosk.db" "SELECT count(*) FROM placement WHERE code LIKE 'UI-015146-%'")" "3"
cat > "$T/kiosk.conf" <<CONF
comune = 015146
state_dir = $T/state
receipts_dir = $T/receipts
printer_device = $T/printer.bin
hub_url = $HUB_URL
heartbeat_seconds = 1
languages = it,en
locale_dir = $O_DIR/locale
CONF
if "$DOTE_BIN/dote-kiosk" --headless --config "$T/kiosk.conf" --db "$T/kiosk.db" \
	--script "$(dirname "$0")/sync_headless.script" --shots "$T/shots" --size 1080x1920 >"$T/kiosk.log" 2>&1; then
	pass headless-journey
else
	fail headless-journey "$(tail -3 "$T/kiosk.log")"
fi
# The kiosk's own sync thread had a moment before the script ended; a
# second kiosk start (no script needed: the sync tool runs the same
# thread) drains whatever is left, as a restart would.
sent=$("$SYNCTOOL" count "$T/hub.db")
echo "right after the journey the hub has: $sent"
"$SYNCTOOL" sync "$T/kiosk.db" "$T/state" "$HUB_URL" 015146 - 15 >/dev/null
check headless-hub-has-it-once "$("$SYNCTOOL" count "$T/hub.db")" "applications 1 uuids 1 duplicates 0"
check headless-stored-as-typed "$("$SYNCTOOL" sql "$T/hub.db" "SELECT protocol, cf, given_name, family_name, placement_code FROM application")" \
	"DC-015146-K01-2026-000001|VRDLCU95A41F205U|Lucia|Verdi|UI-015146-001"
check headless-kiosk-forgot-personal-data "$("$SYNCTOOL" kiosk-db "$T/kiosk.db")" "outbox 0 acked 1 personal 0 placements 3"
token=$(sqlite3 "$T/kiosk.db" "SELECT receipt FROM application")
check_match headless-receipt-verifies "$(curl -s "$HUB_URL/R/$token")" 'Ricevuta autentica.*DC-015146-K01-2026-000001'
finish
