#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# The call's table uploaded again through the coordinators' web page
# (issue 18), on SQLite and on a throwaway PostgreSQL: an extension and a
# withdrawal made at the hub since the table was published are kept
# ("mantenuto") unless the coordinator ticks that line on the dry run's
# page, as `dote call import --revert CODE` does. Asserted: the dry run
# offers one tick box per kept line (and none elsewhere), and after the
# confirmation the rows of the hub: a ticked line takes the file's value,
# an unticked one keeps the amendment.
. "$(dirname "$0")/hub_lib.bash"
top=${DOTE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
export DOTE_NOW=1772468880 DOTE_ASSETS="$top/assets"	# 2026-03-02 17:28 in Milan
command -v curl >/dev/null || { echo "SKIP office_revert: curl not installed"; exit 0; }
PW='una password lunga'

run() {
	local b=$1 db code csrf tok n
	db=$(db_url "$b" "$b-revert")
	printf 'Comune;Codice progetto;Area;Ufficio;Indirizzo;Mesi;Ore settimanali;Indennità mensile;Posti;Scadenza;Requisiti\n015146;AMD-001;Biblioteca;Biblioteca;Via Larga 1;6;20;400;1;31/03/2026;Nessuno\n015146;AMD-002;Anagrafe;Anagrafe;Via Larga 2;6;20;400;1;31/03/2026;Nessuno\n015146;AMD-003;Anagrafe;Protocollo;Via Larga 3;6;20;400;1;31/03/2026;Nessuno\n015146;AMD-004;Anagrafe;Archivio;Via Larga 4;6;20;400;1;31/03/2026;Nessuno\n' >"$T/amend.csv"
	"$DOTE_BIN/dote" call import --db "$db" "$T/amend.csv" --code 'A/2026' --title 'Avviso A/2026' \
		--opens 2026-03-01 --deadline 2026-04-30 >/dev/null 2>&1 || { fail "$b-setup" "import"; return; }
	for p in AMD-001 AMD-003; do
		"$DOTE_BIN/dote" call extend --db "$db" A/2026 --placement $p --deadline 2026-04-15 >/dev/null 2>&1
	done
	"$DOTE_BIN/dote" call withdraw --db "$db" AMD-002 --note "sede chiusa" >/dev/null 2>&1
	"$DOTE_BIN/dote" call withdraw --db "$db" AMD-004 --note "sede chiusa" >/dev/null 2>&1
	echo "$PW" | "$DOTE_BIN/dote" user add --db "$db" --name carla --role coordinator >/dev/null ||
		{ fail "$b-setup" "user"; return; }
	start_hub "$b-revert" "$db" --threads 2 --set retention_interval_hours=0 || { fail "$b-setup" "hub"; return; }
	URL=$HUB_URL J=$T/jar-$b
	web_login "$URL" "$J" carla "$PW" >/dev/null
	csrf=$(curl -s -b "$J" "$URL/coordinamento/avvisi" | grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | cut -d'"' -f4)

	# The dry run: a tick box on each kept line, nowhere else.
	code=$(curl -s -b "$J" -o "$T/check.html" -w '%{http_code}' -F csrf="$csrf" -F "code=A/2026" -F "title=Avviso A/2026" \
		-F opens=2026-03-01 -F deadline=2026-04-30 -F rules= -F "file=@$T/amend.csv;type=text/csv" \
		"$URL/coordinamento/avvisi/importa")
	check "$b-dry-run" "$code" 200
	check "$b-tick-per-kept-line" "$(grep -o 'name="ripristina_[0-9]*" value="[A-Z0-9-]*"' "$T/check.html" | cut -d'"' -f4 | sort | tr '\n' ' ')" \
		"AMD-001 AMD-002 AMD-003 AMD-004 "
	check_match "$b-tick-explained" "$(html_text "$T/check.html")" "applica la riga del file"
	tok=$(grep -o 'name="token" value="[0-9a-f]*"' "$T/check.html" | cut -d'"' -f4)
	n=$(grep -o 'name="mantenuti" value="[0-9]*"' "$T/check.html" | cut -d'"' -f4)
	ck() { grep -o "name=\"ripristina_[0-9]*\" value=\"$1\"" "$T/check.html" | cut -d'"' -f2; }

	# Confirmed with AMD-001 (extension) and AMD-002 (withdrawal) ticked.
	code=$(curl -s -b "$J" -o /dev/null -w '%{http_code}' --data-urlencode csrf="$csrf" --data-urlencode token="$tok" \
		--data-urlencode mantenuti="$n" --data-urlencode "$(ck AMD-001)=AMD-001" --data-urlencode "$(ck AMD-002)=AMD-002" \
		"$URL/coordinamento/avvisi/conferma")
	check "$b-confirmed" "$code" 303
	sq() { "$SYNCTOOL" sql "$db" "SELECT deadline || ' ' || status FROM placement WHERE code = '$1'"; }
	check "$b-ticked-extension-reverted" "$(sq AMD-001)" "2026-03-31 open"
	check "$b-ticked-withdrawal-reverted" "$(sq AMD-002)" "2026-03-31 open"
	check "$b-unticked-extension-kept" "$(sq AMD-003)" "2026-04-15 open"
	check "$b-unticked-withdrawal-kept" "$(sq AMD-004)" "2026-03-31 closed"
	kill "$HUB_PID" 2>/dev/null
	wait "$HUB_PID" 2>/dev/null

	# The command line's --revert, which the web's ticks share.
	"$DOTE_BIN/dote" call extend --db "$db" A/2026 --placement AMD-001 --deadline 2026-04-20 >/dev/null 2>&1
	"$DOTE_BIN/dote" call import --db "$db" "$T/amend.csv" --code 'A/2026' --title 'Avviso A/2026' \
		--opens 2026-03-01 --deadline 2026-04-30 --revert AMD-001,AMD-004 >/dev/null 2>&1
	check "$b-cli-revert-extension" "$(sq AMD-001)" "2026-03-31 open"
	check "$b-cli-revert-withdrawal" "$(sq AMD-004)" "2026-03-31 open"
	check "$b-cli-unnamed-kept" "$(sq AMD-003)" "2026-04-15 open"
}

backends revert
for b in "${BACKENDS[@]}"; do
	SECONDS=0
	run "$b"
	echo "# $b: ${SECONDS}s"
done
finish
