#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Coordinators run a call (issue 11), on SQLite and on a throwaway
# PostgreSQL: a real-shaped call table (Excel's Italian CSV: ';',
# Windows-1252 accents, CRLF, quoted fields, "€ 400,00") is checked
# (dry run: nothing changes), published with `dote call import`, and a
# kiosk's next GET /v1/catalog gets it (200 and a new ETag, then 304);
# edits, extensions, withdrawals and closing reach the catalog the same
# way and are versioned. Bad tables (wrong columns, unknown comune,
# duplicate code, bad dates, seats 0, deadline past, broken encoding,
# 50 MB) are refused with row and column and change nothing (rows
# counted before and after). The same through the web pages (curl with a
# session cookie: multipart upload, check, confirm, edit, withdraw; CSRF,
# roles), the network view (uso interno, counts equal to SQL) and the
# fleet page (silent, paper out, growing outbox; `dote kiosk list` shows
# the same flags). Screenshots of every page go to $O/office-shots/.
. "$(dirname "$0")/hub_lib.bash"
O=${O:-build}
top=${DOTE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
shots="$top/$O/office-shots"
mkdir -p "$shots"
dote() { "$DOTE_BIN/dote" "$@"; }

TODAY=$(date +%F)
D30=$(date -d '+30 days' +%d/%m/%Y)
D20=$(date -d '+20 days' +%d/%m/%Y)
D40=$(date -d '+40 days' +%F)
D45=$(date -d '+45 days' +%F)
PAST=$(date -d '-3 days' +%d/%m/%Y)
HEADER='Comune;Codice progetto;Area;Ufficio;Indirizzo;Mesi;Ore settimanali;Indennità mensile;Posti;Scadenza;Requisiti'

# A call table as Excel saves it in Italian: Windows-1252, ';', CRLF.
cp1252() { iconv -f utf-8 -t cp1252 | sed 's/$/\r/'; }
good_csv() {
	{
		echo "$HEADER"
		echo "015146;PLC112512S01;Anagrafe;Ufficio Anagrafe e Stato civile;Piazza della Scala 2;6;20;€ 400,00;2;$D30;\"Diploma; uso del PC \"\"base\"\"\""
		echo "Sesto San Giovanni;PLC112512S02;Biblioteca;Biblioteca civica;Via Dante 6;12;20;500;1;$D20;Nessuno"
		echo ";;;;;;;;;;"
		echo "Città di Castello;PLC112512S03;Cultura ed eventi;Ufficio Cultura;Piazza Gabriotti 1;3;15;300;1;;Età tra 18 e 29 anni"
	} | cp1252
}

count() { # backend db table
	if [ "$1" == pg ]; then
		runuser -u postgres -- "$PG_BIN/psql" -qtA "$2" -c "SELECT count(*) FROM $3" 2>/dev/null
	else
		sqlite3 "$2" "SELECT count(*) FROM $3"
	fi
}
sql() { # backend db query
	if [ "$1" == pg ]; then
		runuser -u postgres -- "$PG_BIN/psql" -qtA "$2" -c "$3" 2>/dev/null
	else
		sqlite3 "$2" "$3"
	fi
}
state() { # backend db: rows of everything an import may touch
	echo "$(count "$1" "$2" call)/$(count "$1" "$2" placement)/$(count "$1" "$2" catalog_version)"
}

# catalog URL COMUNE ETAG: prints 'CODE ETAG' and leaves the body in $T/cat.json
catalog() {
	local code etag
	code=$(curl -s -D "$T/cat.h" -o "$T/cat.json" -w '%{http_code}' ${3:+-H "If-None-Match: $3"} \
		"$1/v1/catalog?comune=$2")
	etag=$(grep -i '^etag:' "$T/cat.h" | tr -d '\r' | cut -d' ' -f2)
	echo "$code $etag"
}

# refused NAME BACKEND DB FILE REGEX: dote call import refuses FILE with a
# line matching REGEX and changes nothing.
refused() {
	local name=$1 b=$2 db=$3 file=$4 re=$5 before out rc
	before=$(state "$b" "$db")
	out=$(dote call import --db "$db" "$file" --code "Avviso n. 12/2025" --title "Avviso n. 12/2025" \
		--opens "$TODAY" --deadline "$D45" --by coord 2>&1)
	rc=$?
	check "$b-bad-$name-exit" "$rc" 1
	check_match "$b-bad-$name-message" "$out" "$re"
	check "$b-bad-$name-nothing-changed" "$(state "$b" "$db")" "$before"
}

shot() { # name html-file: a Chromium screenshot of a page fetched with curl
	command -v chromium >/dev/null || return 0
	sed "s|/dashboard/font/|$HUB_URL/dashboard/font/|g" "$2" >"$T/shot-$1.html"
	timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
		--disable-component-update --disable-sync --no-first-run --user-data-dir="$(mktemp -d -p "$T")" \
		--hide-scrollbars --screenshot="$shots/$1.png" --window-size=1280,1400 "file://$T/shot-$1.html" \
		>/dev/null 2>&1
}

login() { # url jar user password
	local csrf
	curl -s -c "$2" -b "$2" "$1/login" >"$T/login.html"
	csrf=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$T/login.html" | sed 's/.*value="//;s/"//')
	curl -s -o /dev/null -w '%{http_code}' -c "$2" -b "$2" --data-urlencode name="$3" \
		--data-urlencode password="$4" --data-urlencode csrf="$csrf" "$1/login"
}
row() { # file attribute value: the one table row <tr ATTR="VALUE" ...>...</tr>
	perl -ne "print \$1 if m{(<tr $2=\"$3\".*?</tr>)}" "$1"
}
page_csrf() { grep -o 'name="csrf" value="[0-9a-f]*"' "$1" | head -1 | sed 's/.*value="//;s/"//'; }

run() {
	local b=$1 db url e0 e1 e2 e3 r out jar csrf tok code pk k1 k2 before n
	db=$(db_url "$b" "$b-office")
	if [ "$b" == sqlite ]; then
		# A network with history, so the network view has numbers.
		dote demo --db "$db" --applications 3000 --hosts 60 >/dev/null || { fail "$b-setup" "demo"; return; }
	else
		dote call list --db "$db" >/dev/null || { fail "$b-setup" "schema"; return; }
	fi
	echo 'una-password-lunga' | dote user add --db "$db" --name coord --role coordinator >/dev/null &&
		echo 'password-milano-1' | dote user add --db "$db" --name staff.milano --role comune \
			--comune 015146 >/dev/null || { fail "$b-setup" "accounts"; return; }
	start_hub "$b-office" "$db" --threads 3 --set outbox_growing_minutes=0 || { fail "$b-setup" "hub"; return; }
	url=$HUB_URL

	# --- the command line and the kiosks' catalog ---
	good_csv >"$T/call.csv"
	check "$b-fixture-is-windows-1252" "$(file -b "$T/call.csv" | grep -c 'ISO-8859\|Non-ISO')" 1
	read -r code e0 < <(catalog "$url" 015146)
	check "$b-catalog-before" "$code" 200
	before=$(state "$b" "$db")
	out=$(dote call import --db "$db" "$T/call.csv" --code "Avviso n. 11/2025" \
		--title "Avviso n. 11/2025 – DoteComune" --opens "$TODAY" --deadline "$D30" --by coord --dry-run)
	check_match "$b-dry-run-counts" "$out" "dry run: call 11/2025 \(Windows-1252, ';'\): 3 new, 0 changed"
	check_match "$b-dry-run-lists" "$out" "nuovo +PLC112512S03 +054013"
	check "$b-dry-run-changes-nothing" "$(state "$b" "$db")" "$before"
	out=$(dote call import --db "$db" "$T/call.csv" --code "Avviso n. 11/2025" \
		--title "Avviso n. 11/2025 – DoteComune" --opens "$TODAY" --deadline "$D30" --by coord \
		--rules '{"min_age":16,"residence_region":"Lombardia"}')
	check_match "$b-import" "$out" "published: call 11/2025 .*3 new"
	check "$b-import-rows" "$(sql "$b" "$db" "SELECT count(*) FROM placement p JOIN call c ON c.id = p.call_id WHERE c.code = '11/2025'")" 3
	check "$b-import-accents-and-quotes" "$(sql "$b" "$db" "SELECT requirements || '|' || allowance_eur FROM placement WHERE code = 'PLC112512S01'")" 'Diploma; uso del PC "base"|400'
	check "$b-import-comune-by-name" "$(sql "$b" "$db" "SELECT comune || ' ' || requirements FROM placement WHERE code = 'PLC112512S03'")" "054013 Età tra 18 e 29 anni"
	read -r code e1 < <(catalog "$url" 015146 "$e0")
	check "$b-kiosk-gets-the-call" "$code" 200
	[ "$e1" != "$e0" ] && pass "$b-catalog-etag-changes" || fail "$b-catalog-etag-changes" "$e0 = $e1"
	check "$b-catalog-has-placement" "$(jq -r '.placements[] | select(.code == "PLC112512S01") | .seats' "$T/cat.json")" 2
	check "$b-catalog-has-rules" "$(jq -r '.calls[] | select(.code == "11/2025") | .rules' "$T/cat.json")" '{"min_age":16,"residence_region":"Lombardia"}'
	read -r code _ < <(catalog "$url" 015146 "$e1")
	check "$b-catalog-unchanged-304" "$code" 304
	out=$(dote call import --db "$db" "$T/call.csv" --code "11/2025" --by coord)
	check_match "$b-reimport-unchanged" "$out" "0 new, 0 changed, 3 unchanged, 0 withdrawn"
	read -r code _ < <(catalog "$url" 015146 "$e1")
	check "$b-reimport-same-etag" "$code" 304

	out=$(dote call edit --db "$db" PLC112512S01 seats=3 "indirizzo=Via Larga 12" --by coord 2>&1)
	check_match "$b-edit" "$out" "edited: PLC112512S01"
	read -r code e2 < <(catalog "$url" 015146 "$e1")
	check "$b-edit-reaches-kiosk" "$code $(jq -r '.placements[] | select(.code == "PLC112512S01") | "\(.seats) \(.address)"' "$T/cat.json")" "200 3 Via Larga 12"
	out=$(dote call edit --db "$db" PLC112512S01 seats=0 --by coord 2>&1)
	check_match "$b-edit-bad-seats-refused" "$out" "refused: posti: .*da 1 a 99"
	out=$(dote call extend --db "$db" "Avviso n. 11/2025" --deadline "$D40" --by coord)
	check_match "$b-extend-call" "$out" "extended: Avviso n. 11/2025"
	read -r code e3 < <(catalog "$url" 015146 "$e2")
	check "$b-extend-reaches-kiosk" "$code $(jq -r '.placements[] | select(.code == "PLC112512S01") | .deadline' "$T/cat.json")" "200 $D40"
	out=$(dote call withdraw --db "$db" PLC112512S01 --by coord --note "sede chiusa")
	check_match "$b-withdraw" "$out" "withdrawn: PLC112512S01"
	read -r code _ < <(catalog "$url" 015146 "$e3")
	check "$b-withdraw-reaches-kiosk" "$code $(jq '[.placements[] | select(.code == "PLC112512S01")] | length' "$T/cat.json")" "200 0"
	out=$(dote call history --db "$db" 11/2025)
	check_match "$b-history-versions" "$out" "withdrawn +PLC112512S01 +v4 +sede chiusa"
	check "$b-history-rows" "$(sql "$b" "$db" "SELECT count(*) FROM catalog_version WHERE placement_code = 'PLC112512S01'")" 4

	# --- bad tables: refused whole, with row and column, nothing changed ---
	{ echo "Comune;Codice progetto;Colore;Ufficio;Indirizzo;Mesi;Ore settimanali;Indennità mensile;Posti;Scadenza;Requisiti"
	  echo "015146;PLC000000X01;rosso;Ufficio;Via Roma 1;6;20;400;1;$D30;" ; } | cp1252 >"$T/bad-columns.csv"
	refused columns "$b" "$db" "$T/bad-columns.csv" "riga 1, colonna C \(Colore\): colonna «Colore» non riconosciuta.*manca la colonna «area»"
	{ echo "$HEADER"; echo "Paperopoli;PLC000000X02;Anagrafe;Ufficio;Via Roma 1;6;20;400;1;$D30;"; } | cp1252 >"$T/bad-comune.csv"
	refused unknown-comune "$b" "$db" "$T/bad-comune.csv" "riga 2, colonna A \(comune\): Comune «Paperopoli» sconosciuto"
	{ echo "$HEADER"; echo "015146;PLC000000X03;Anagrafe;Ufficio;Via Roma 1;6;20;400;1;$D30;"
	  echo "015146;PLC000000X03;Biblioteca;Ufficio;Via Roma 1;6;20;400;1;$D30;"
	  echo "015146;PLC112512S02;Biblioteca;Ufficio;Via Roma 1;6;20;400;1;$D30;"; } | cp1252 >"$T/bad-dup.csv"
	refused duplicate-code "$b" "$db" "$T/bad-dup.csv" "riga 3, colonna B \(codice progetto\): codice progetto PLC000000X03 ripetuto \(c'è già alla riga 2\)"
	refused code-of-another-call "$b" "$db" "$T/bad-dup.csv" "riga 4, colonna B \(codice progetto\): il codice progetto PLC112512S02 appartiene già all'avviso 11/2025"
	{ echo "$HEADER"; echo "015146;PLC000000X04;Anagrafe;Ufficio;Via Roma 1;6;20;400;1;31/02/2026;"; } | cp1252 >"$T/bad-date.csv"
	refused bad-date "$b" "$db" "$T/bad-date.csv" "riga 2, colonna J \(scadenza\): data «31/02/2026» non valida"
	{ echo "$HEADER"; echo "015146;PLC000000X05;Anagrafe;Ufficio;Via Roma 1;6;20;400;0;$D30;"; } | cp1252 >"$T/bad-seats.csv"
	refused seats-0 "$b" "$db" "$T/bad-seats.csv" "riga 2, colonna I \(posti\): posti «0» non validi"
	{ echo "$HEADER"; echo "015146;PLC000000X06;Anagrafe;Ufficio;Via Roma 1;6;20;400;1;$PAST;"; } | cp1252 >"$T/bad-past.csv"
	refused deadline-past "$b" "$db" "$T/bad-past.csv" "riga 2, colonna J \(scadenza\): scadenza .* già passata"
	{ echo "$HEADER"; echo "015146;PLC000000X07;Anagrafe;Ufficio;Via Roma 1;6;20;400;1;$D30;Città"; } >"$T/bad-enc.csv"
	printf '015146;PLC000000X08;Anagrafe;Ufficio;Via Roma 1;6;20;400;1;%s;Universit\xe0\n' "$D30" >>"$T/bad-enc.csv"
	refused broken-encoding "$b" "$db" "$T/bad-enc.csv" "riga 3, colonna K \(Requisiti\): codifica dei caratteri non valida \(byte 0xE0\)"
	{ echo "$HEADER"; echo "015146;PLC000000X09;Anagrafe;Ufficio;Via Roma 1;5;20;400,50;1;$D30;"; } | cp1252 >"$T/bad-many.csv"
	refused one-line-per-problem "$b" "$db" "$T/bad-many.csv" "riga 2, colonna F \(mesi\).*
riga 2, colonna H \(indennità mensile\): indennità «400,50» con i centesimi"
	{ echo "$HEADER"; echo "Castro;PLC000000X10;Anagrafe;Ufficio;Via Roma 1;6;20;400;1;$D30;"; } | cp1252 >"$T/bad-ambiguous.csv"
	refused ambiguous-comune "$b" "$db" "$T/bad-ambiguous.csv" "riga 2, colonna A \(comune\): «Castro» è il nome di più Comuni \(BG, LE\).*«Castro \(BG\)»"
	# English Excel: UTF-8 with BOM, ',' and quotes; the ISTAT code without its leading zero.
	{ printf '\xef\xbb\xbf'; echo "${HEADER//;/,}"
	  echo "15146,PLC000000X11,Biblioteca,\"Biblioteca Sormani, sala ragazzi\",Corso di Porta Vittoria 6,6,20,\"1.200,00\",1,$D30,"
	  echo "Castro (BG),PLC000000X12,Sport,Ufficio Sport,Via Roma 1,3,20,400,1,,"; } >"$T/bom.csv"
	before=$(state "$b" "$db")
	out=$(dote call import --db "$db" "$T/bom.csv" --code 15/2025 --title "Avviso n. 15/2025" --opens "$TODAY" \
		--deadline "$D45" --by coord --dry-run 2>&1)
	check_match "$b-bom-comma-accepted" "$out" "dry run: call 15/2025 \(UTF-8, ','\): 2 new"
	check_match "$b-bom-comma-istat-without-zero" "$out" "nuovo +PLC000000X11 +015146 +Biblioteca · 1 posti · 6 mesi · 20 ore · 1200 €"
	check_match "$b-name-with-province" "$out" "nuovo +PLC000000X12 +016065"
	check "$b-bom-dry-run-nothing-changed" "$(state "$b" "$db")" "$before"
	head -c $((50 << 20)) /dev/zero | tr '\0' 'x' >"$T/big.csv"
	SECONDS=0
	refused 50MB "$b" "$db" "$T/big.csv" "file troppo grande \(50.0 MB\): il limite è 4 MB"
	[ "$SECONDS" -lt 5 ] && pass "$b-bad-50MB-quick" || fail "$b-bad-50MB-quick" "${SECONDS}s"

	# --- the web pages ---
	jar="$T/$b.jar"
	check "$b-web-needs-login" "$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "$url/coordinamento/avvisi")" "303 $url/login"
	check "$b-web-login" "$(login "$url" "$jar" coord una-password-lunga)" 303
	code=$(curl -s -b "$jar" -o "$T/avvisi.html" -w '%{http_code}' "$url/coordinamento/avvisi")
	check "$b-web-calls-page" "$code" 200
	grep -q '<a href="/coordinamento/avviso?code=11%2F2025">11/2025</a>' "$T/avvisi.html" &&
		pass "$b-web-calls-lists-call" || fail "$b-web-calls-lists-call" "no link"
	grep -q '<script' "$T/avvisi.html" && fail "$b-web-no-scripts" "script" || pass "$b-web-no-scripts"
	shot "$b-avvisi" "$T/avvisi.html"
	csrf=$(page_csrf "$T/avvisi.html")
	{ echo "$HEADER"
	  echo "015146;PLC122601M01;Servizi sociali;Sportello sociale;Via Statuto 15;9;20;450;2;$D30;Patente B"
	  echo "Cremona;PLC122601M02;Turismo;Ufficio IAT;Piazza del Comune 5;6;20;400;1;$D30;Inglese"; } | cp1252 >"$T/web.csv"
	before=$(state "$b" "$db")
	code=$(curl -s -b "$jar" -o "$T/check.html" -w '%{http_code}' -F csrf="$csrf" -F "code=Avviso n. 13/2025" \
		-F "title=Avviso n. 13/2025 – prova dal web" -F opens="$TODAY" -F deadline="$D40" -F rules= \
		-F "file=@$T/web.csv;type=text/csv" "$url/coordinamento/avvisi/importa")
	check "$b-web-upload-checked" "$code" 200
	check "$b-web-upload-dry-run-counts" "$(grep -o 'data-count="new">[0-9]*' "$T/check.html" | cut -d'>' -f2)" 2
	check "$b-web-upload-changes-nothing-yet" "$(state "$b" "$db")" "$before"
	shot "$b-controllo" "$T/check.html"
	tok=$(grep -o 'name="token" value="[0-9a-f]*"' "$T/check.html" | sed 's/.*value="//;s/"//')
	code=$(curl -s -b "$jar" -o /dev/null -w '%{http_code}' --data-urlencode csrf=bad --data-urlencode token="$tok" \
		"$url/coordinamento/avvisi/conferma")
	check "$b-web-confirm-without-csrf-403" "$code" 403
	read -r code _ < <(catalog "$url" 019036)
	e0=$(grep -i '^etag:' "$T/cat.h" | tr -d '\r' | cut -d' ' -f2)
	code=$(curl -s -b "$jar" -o /dev/null -w '%{http_code} %{redirect_url}' --data-urlencode csrf="$csrf" \
		--data-urlencode token="$tok" "$url/coordinamento/avvisi/conferma")
	check "$b-web-confirm-publishes" "$code" "303 $url/coordinamento/avviso?code=13%2F2025&fatto=pubblicato"
	check "$b-web-published-rows" "$(sql "$b" "$db" "SELECT count(*) FROM placement p JOIN call c ON c.id = p.call_id WHERE c.code = '13/2025'")" 2
	read -r code e1 < <(catalog "$url" 019036 "$e0")
	check "$b-web-publish-reaches-kiosk" "$code $(jq -r '.placements[] | select(.code | startswith("PLC1226")) | .code' "$T/cat.json")" "200 PLC122601M02"
	code=$(curl -s -b "$jar" -o /dev/null -w '%{http_code}' --data-urlencode csrf="$csrf" \
		--data-urlencode token="$tok" "$url/coordinamento/avvisi/conferma")
	check "$b-web-confirm-once" "$code" 410
	for n in 1 2 3 4 5 6 7; do
		curl -s -b "$jar" -o /dev/null -F csrf="$csrf" -F "code=13/2025" -F title= -F opens= -F deadline= \
			-F "file=@$T/web.csv" "$url/coordinamento/avvisi/importa"
	done
	check "$b-web-pending-bounded" "$(count "$b" "$db" "call_import_pending WHERE by = 'coord'")" 5
	before=$(state "$b" "$db")
	code=$(curl -s -b "$jar" -o "$T/refused.html" -w '%{http_code}' -F csrf="$csrf" -F "code=14/2025" \
		-F "title=Avviso n. 14/2025" -F opens="$TODAY" -F deadline="$D40" -F "file=@$T/bad-dup.csv" \
		"$url/coordinamento/avvisi/importa")
	check "$b-web-bad-file-422" "$code" 422
	grep -q '<tr data-row="3" data-col="2"><td class="n">3</td><td>B – codice progetto</td><td>codice progetto PLC000000X03 ripetuto' \
		"$T/refused.html" && pass "$b-web-bad-file-row-column" || fail "$b-web-bad-file-row-column" "$(grep -o '<tr data-row.*' "$T/refused.html" | head -c 300)"
	grep -q 'Nulla è cambiato' "$T/refused.html" && pass "$b-web-bad-file-says-nothing-changed" ||
		fail "$b-web-bad-file-says-nothing-changed" "no message"
	check "$b-web-bad-file-nothing-changed" "$(state "$b" "$db")" "$before"
	shot "$b-rifiutato" "$T/refused.html"
	code=$(curl -s -b "$jar" -o "$T/big.html" -w '%{http_code}' -F csrf="$csrf" -F "code=14/2025" -F title=x \
		-F opens="$TODAY" -F deadline="$D40" -F "file=@$T/big.csv" "$url/coordinamento/avvisi/importa")
	check "$b-web-50MB-413" "$code" 413
	grep -q 'File troppo grande' "$T/big.html" && pass "$b-web-50MB-page" || fail "$b-web-50MB-page" "$(head -c 200 "$T/big.html")"
	check "$b-web-50MB-nothing-changed" "$(state "$b" "$db")" "$before"
	check "$b-web-hub-up-after-50MB" "$(curl -s "$url/healthz")" ok

	code=$(curl -s -b "$jar" -o "$T/avviso.html" -w '%{http_code}' "$url/coordinamento/avviso?code=11%2F2025")
	check "$b-web-call-page" "$code" 200
	grep -q 'ritirato' "$T/avviso.html" && grep -q 'sede chiusa' "$T/avviso.html" && pass "$b-web-call-page-history" ||
		fail "$b-web-call-page-history" "no history"
	shot "$b-avviso" "$T/avviso.html"
	code=$(curl -s -b "$jar" -o "$T/progetto.html" -w '%{http_code}' "$url/coordinamento/progetto?code=PLC112512S02")
	check "$b-web-placement-page" "$code" 200
	shot "$b-progetto" "$T/progetto.html"
	code=$(curl -s -b "$jar" -o /dev/null -w '%{http_code} %{redirect_url}' --data-urlencode csrf="$csrf" \
		--data-urlencode code=PLC112512S02 --data-urlencode seats=4 --data-urlencode "office=Biblioteca «Gino Strada»" \
		--data-urlencode note="più posti" "$url/coordinamento/progetto/modifica")
	check "$b-web-edit" "$code" "303 $url/coordinamento/progetto?code=PLC112512S02&fatto=modificato"
	read -r code _ < <(catalog "$url" 015209)
	check "$b-web-edit-reaches-kiosk" "$code $(jq -r '.placements[] | select(.code == "PLC112512S02") | "\(.seats) \(.office)"' "$T/cat.json")" "200 4 Biblioteca «Gino Strada»"
	code=$(curl -s -b "$jar" -o "$T/edit-bad.html" -w '%{http_code}' --data-urlencode csrf="$csrf" \
		--data-urlencode code=PLC112512S02 --data-urlencode months=7 "$url/coordinamento/progetto/modifica")
	check "$b-web-edit-bad-422" "$code" 422
	grep -q 'i mesi sono 3, 6, 9 o 12' "$T/edit-bad.html" && pass "$b-web-edit-bad-says-why" || fail "$b-web-edit-bad-says-why" "no reason"
	code=$(curl -s -b "$jar" -o "$T/withdraw-unconfirmed.html" -w '%{http_code}' --data-urlencode csrf="$csrf" \
		--data-urlencode code=PLC122601M01 "$url/coordinamento/progetto/ritira")
	check "$b-web-withdraw-needs-confirmation" "$code $(grep -c 'spunta la conferma per ritirare' "$T/withdraw-unconfirmed.html")" "422 1"
	code=$(curl -s -b "$jar" -o /dev/null -w '%{http_code}' --data-urlencode csrf="$csrf" \
		--data-urlencode code=PLC122601M01 --data-urlencode conferma=1 "$url/coordinamento/progetto/ritira")
	check "$b-web-withdraw" "$code" 303
	read -r code _ < <(catalog "$url" 015146)
	check "$b-web-withdraw-reaches-kiosk" "$(jq '[.placements[] | select(.code == "PLC122601M01")] | length' "$T/cat.json")" 0
	code=$(curl -s -b "$jar" -o /dev/null -w '%{http_code}' --data-urlencode csrf="$csrf" \
		--data-urlencode code=PLC122601M01 "$url/coordinamento/progetto/ripristina")
	check "$b-web-reinstate" "$code" 303
	read -r code _ < <(catalog "$url" 015146)
	check "$b-web-reinstate-reaches-kiosk" "$(jq '[.placements[] | select(.code == "PLC122601M01")] | length' "$T/cat.json")" 1
	out=$(dote call reinstate --db "$db" PLC122601M01 --by coord 2>&1)
	check_match "$b-reinstate-twice-refused" "$out" "refused: il progetto PLC122601M01 non è ritirato"
	code=$(curl -s -b "$jar" -o /dev/null -w '%{http_code}' --data-urlencode csrf="$csrf" \
		--data-urlencode code=13/2025 --data-urlencode deadline="$D45" "$url/coordinamento/avviso/proroga")
	check "$b-web-extend" "$code" 303
	check "$b-web-extend-stored" "$(sql "$b" "$db" "SELECT deadline FROM call WHERE code = '13/2025'")" "$D45"
	code=$(curl -s -b "$jar" -o /dev/null -w '%{http_code}' --data-urlencode csrf="$csrf" \
		--data-urlencode code=13/2025 --data-urlencode note=fine --data-urlencode conferma=1 \
		"$url/coordinamento/avviso/chiudi")
	check "$b-web-close" "$code" 303
	read -r code _ < <(catalog "$url" 019036 "$e1")
	check "$b-web-close-reaches-kiosk" "$code $(jq '[.placements[] | select(.code | startswith("PLC1226"))] | length' "$T/cat.json")" "200 0"
	check "$b-web-versions" "$(sql "$b" "$db" "SELECT count(*) FROM catalog_version v JOIN call c ON c.id = v.call_id WHERE c.code = '13/2025'")" 7

	# --- the network view (uso interno) ---
	code=$(curl -s -b "$jar" -D "$T/rete.h" -o "$T/rete.html" -w '%{http_code}' "$url/coordinamento/rete")
	check "$b-network-page" "$code" 200
	# the same protective headers as every other staff page (it shows exact counts)
	for h in 'Content-Security-Policy: default-src' 'X-Content-Type-Options: nosniff' 'Cache-Control: no-store'; do
		grep -qi "^$h" "$T/rete.h" && pass "$b-network-header ${h%%:*}" || fail "$b-network-header ${h%%:*}" "missing"
	done
	grep -q 'data-internal>USO INTERNO' "$T/rete.html" && pass "$b-network-marked-internal" || fail "$b-network-marked-internal" "no banner"
	grep -qi 'csv\|download' "$T/rete.html" && fail "$b-network-no-download" "link" || pass "$b-network-no-download"
	n=$(grep -o '<tr data-comune=' "$T/rete.html" | wc -l)
	check "$b-network-every-comune" "$n" "$(sql "$b" "$db" "SELECT count(DISTINCT comune) FROM (SELECT comune FROM placement UNION SELECT comune FROM application) x")"
	# Outliers first: the first row has no applications (new comuni of 11/2025).
	check_match "$b-network-outliers-first" "$(grep -o '<tr data-comune="[0-9]*" class="alert">' "$T/rete.html" | head -1)" 'class="alert"'
	# The map: one disc per province of the network, red where a comune
	# needs a look; a disc filters the table on its province.
	check "$b-network-map-one-disc-per-province" "$(grep -o 'data-province="[A-Z]*"' "$T/rete.html" | sort -u | wc -l)" \
		"$(sql "$b" "$db" "SELECT count(DISTINCT c.province) FROM comune c WHERE c.istat IN (SELECT comune FROM placement UNION SELECT comune FROM application)")"
	local alert_prov
	alert_prov=$(sql "$b" "$db" "SELECT province FROM comune WHERE istat = '$(grep -o '<tr data-comune="[0-9]*" class="alert">' "$T/rete.html" | head -1 | grep -o '[0-9]\{6\}')'")
	check_match "$b-network-map-alert-province-red" "$(grep -o "data-province=\"$alert_prov\" data-alert>" "$T/rete.html")" 'data-alert'
	code=$(curl -s -b "$jar" -o "$T/rete-prov.html" -w '%{http_code}' "$url/coordinamento/rete?sort=anomalie&dir=desc&q=$alert_prov")
	check "$b-network-map-click-filters-province" "$code $(grep -o '<tr data-comune=' "$T/rete-prov.html" | wc -l)" \
		"200 $(sql "$b" "$db" "SELECT count(*) FROM comune c WHERE c.province = '$alert_prov' AND c.istat IN (SELECT comune FROM placement UNION SELECT comune FROM application)")"
	if [ "$b" == sqlite ]; then
		r=$(sqlite3 "$db" "SELECT comune, count(*) FROM application GROUP BY comune ORDER BY count(*) DESC LIMIT 1")
		check_match "$b-network-count-equals-sql" "$(row "$T/rete.html" data-comune "${r%|*}")" \
			"data-m=\"applications\">$(printf "%'d" "${r#*|}" | tr ',' '.')<"
		code=$(curl -s -b "$jar" -o "$T/rete2.html" -w '%{http_code}' "$url/coordinamento/rete?q=milano&sort=candidature&dir=desc")
		check "$b-network-search" "$code $(grep -o '<tr data-comune=' "$T/rete2.html" | wc -l)" "200 1"
		c1=$(sqlite3 "$db" "SELECT code FROM call ORDER BY id LIMIT 1")
		c2=$(sqlite3 "$db" "SELECT code FROM call ORDER BY id LIMIT 1 OFFSET 1")
		code=$(curl -s -b "$jar" -o "$T/rete3.html" -w '%{http_code}' --get --data-urlencode call="$c2" \
			--data-urlencode call2="$c1" --data-urlencode sort=variazione "$url/coordinamento/rete")
		check "$b-network-compare" "$code" 200
		r=$(sqlite3 "$db" "SELECT a.comune, sum(CASE WHEN c.code = '$c2' THEN 1 ELSE 0 END) - sum(CASE WHEN c.code = '$c1' THEN 1 ELSE 0 END) FROM application a JOIN call c ON c.id = a.call_id GROUP BY a.comune ORDER BY 2 DESC, 1 LIMIT 1")
		check_match "$b-network-compare-delta" "$(row "$T/rete3.html" data-comune "${r%|*}")" \
			"data-m=\"delta\">\\+${r#*|}<"
		code=$(curl -s -b "$jar" -o "$T/rete4.html" -w '%{http_code}' "$url/coordinamento/rete?sort=comune&dir=asc")
		first=$(sqlite3 "$db" "SELECT c.name FROM comune c WHERE c.istat IN (SELECT comune FROM placement) ORDER BY c.name LIMIT 1")
		check_match "$b-network-sort-by-name" "$(grep -o '<tr data-comune="[0-9]*"[^>]*><th scope="row">[^<]*' "$T/rete4.html" | head -1)" "$first"
		m1=$(sqlite3 "$db" "SELECT substr(min(submitted_at), 1, 7) FROM application")
		m2=$(sqlite3 "$db" "SELECT substr(max(submitted_at), 1, 7) FROM application")
		code=$(curl -s -b "$jar" -o "$T/rete5.html" -w '%{http_code}' "$url/coordinamento/rete?from=$m2&to=$m2&from2=$m1&to2=$m1")
		want=$(sqlite3 "$db" "SELECT count(*) FROM application WHERE substr(submitted_at, 1, 7) = '$m2'")
		check "$b-network-compare-periods" "$code $(grep -o 'data-kpi="applications">[0-9.]*' "$T/rete5.html" | cut -d'>' -f2 | tr -d .)" "200 $want"
		grep -q 'Candidature (confronto)' "$T/rete5.html" && pass "$b-network-compare-periods-columns" ||
			fail "$b-network-compare-periods-columns" "no comparison columns"
		shot "$b-rete-confronto" "$T/rete3.html"
	fi
	shot "$b-rete" "$T/rete.html"
	code=$(curl -s -b "$jar" -o /dev/null -w '%{http_code}' "$url/coordinamento/rete?from=2025-13")
	check "$b-network-bad-period-400" "$code" 400

	# --- fleet health ---
	k1=$(dote kiosk enroll-code --comune 015146 --db "$db" 2>/dev/null)
	pk=$(printf '%064d' 7)
	r=$(curl -s -X POST -H 'Content-Type: application/json' --data-binary \
		"{\"code\":\"$k1\",\"public_key\":\"$pk\",\"name\":\"Atrio del Municipio\"}" "$url/v1/enroll")
	tok=$(echo "$r" | jq -r .token)
	k1=$(echo "$r" | jq -r .kiosk_id)
	k2=$(dote kiosk enroll-code --comune 015209 --db "$db" 2>/dev/null)
	r=$(curl -s -X POST -H 'Content-Type: application/json' --data-binary \
		"{\"code\":\"$k2\",\"public_key\":\"$(printf '%064d' 8)\",\"name\":\"Biblioteca\"}" "$url/v1/enroll")
	k2=$(echo "$r" | jq -r .kiosk_id)
	for depth in 3 7; do
		code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $tok" \
			-H 'Content-Type: application/json' --data-binary \
			"{\"kiosk_id\":\"$k1\",\"version\":\"1.4.2\",\"queue_depth\":$depth,\"printer\":\"paper_out\",\"last_frame_ms\":31}" \
			"$url/v1/heartbeat")
	done
	check "$b-fleet-heartbeat" "$code" 200
	code=$(curl -s -b "$jar" -o "$T/totem.html" -w '%{http_code}' "$url/coordinamento/totem")
	check "$b-fleet-page" "$code" 200
	check_match "$b-fleet-paper-and-outbox" "$(row "$T/totem.html" data-kiosk "$k1")" \
		'1\.4\.2.*data-m="queue">7<.*senza carta.*31 ms.*flag">senza carta.*flag">coda in crescita'
	check_match "$b-fleet-never-seen" "$(row "$T/totem.html" data-kiosk "$k2")" 'mai collegato'
	shot "$b-totem" "$T/totem.html"
	out=$(dote kiosk list --db "$db" --outbox-minutes 0)
	check_match "$b-kiosk-list-flags" "$out" "$k1 +015146 +active .* 1\.4\.2 +7 +paper_out +31ms paper-out,outbox-growing"
	check_match "$b-kiosk-list-never-seen" "$out" "$k2 +015209 +active .*never +.*never-seen"
	out=$(dote kiosk list --db "$db" --silent-minutes 0)
	check_match "$b-kiosk-list-silent-threshold" "$out" "$k1 .*silent,paper-out"

	# --- a real browser: the upload form filled and a file chosen, checked, published ---
	if [ "$b" == sqlite ]; then
		browser_run "$b" "$db" "$url"
	fi

	# --- roles ---
	check "$b-staff-login" "$(login "$url" "$T/$b.staff" staff.milano password-milano-1)" 303
	code=$(curl -s -b "$T/$b.staff" -o /dev/null -w '%{http_code}' "$url/coordinamento/rete")
	check "$b-staff-gets-403" "$code" 403
	code=$(curl -s -b "$T/$b.staff" -o /dev/null -w '%{http_code}' -F csrf=x -F code=1/2026 -F "file=@$T/web.csv" \
		"$url/coordinamento/avvisi/importa")
	check "$b-staff-cannot-upload" "$code" 403
	check "$b-no-personal-data-in-log" "$(grep -c 'PLC\|password' "$T/$b-office.log")" 0
}

# browser_run BACKEND DB URL: Chromium over the DevTools protocol (office_cdp.js).
browser_run() {
	local b=$1 db=$2 url=$3 profile=$T/chromium devport before
	if ! command -v chromium >/dev/null || ! command -v node >/dev/null; then
		fail "$b-browser" "chromium or node missing (scripts/deps test installs them)"
		return
	fi
	mkdir -p "$profile"
	chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync --user-data-dir="$profile" --remote-debugging-port=0 \
		--remote-allow-origins='*' about:blank >"$T/chromium.log" 2>&1 &
	PIDS+=($!)
	for _ in $(seq 150); do [ -s "$profile/DevToolsActivePort" ] && break; sleep 0.1; done
	devport=$(head -1 "$profile/DevToolsActivePort" 2>/dev/null)
	[ -n "$devport" ] || { fail "$b-browser-starts" "no DevTools port"; return; }
	{ echo "$HEADER"
	  echo "Bergamo;PLC122602B01;Biblioteca;Biblioteca Angelo Mai;Piazza Vecchia 15;6;20;€ 450,00;2;$D30;Diploma"
	  echo "Brescia;PLC122602B02;Ambiente;Ufficio Verde;Piazza della Loggia 1;9;20;400;1;$D30;"; } | cp1252 >"$T/browser.csv"
	before=$(count "$b" "$db" placement)
	if ! timeout 120 node "$top/tests/e2e/office_cdp.js" "$devport" "$url" "$shots" coord una-password-lunga \
		"$T/browser.csv" 16/2025 "$TODAY" "$D40" >"$T/browser.json" 2>"$T/cdp.log"; then
		fail "$b-browser-run" "$(tail -3 "$T/cdp.log")"
		return
	fi
	check "$b-browser-calls-page" "$(jq -r '.calls.h1' "$T/browser.json")" "Avvisi e progetti"
	check "$b-browser-no-scripts" "$(jq '[.calls.scripts, .check.scripts, .network.scripts, .fleet.scripts] | add' "$T/browser.json")" 0
	check "$b-browser-every-field-labelled" "$(jq '.calls.unlabelled' "$T/browser.json")" 0
	check "$b-browser-web-fonts" "$(jq '.calls.fontsLoaded > 0' "$T/browser.json")" true
	check "$b-browser-check-counts" "$(jq -r '.check.counts.new + "/" + .check.counts.withdrawn' "$T/browser.json")" "2/0"
	check "$b-browser-published" "$(jq -r '.published.url' "$T/browser.json")" "/coordinamento/avviso?code=16%2F2025&fatto=pubblicato"
	check_match "$b-browser-published-says-so" "$(jq -r '.published.ok' "$T/browser.json")" "Avviso pubblicato"
	check "$b-browser-published-rows" "$(count "$b" "$db" placement)" "$((before + 2))"
	check "$b-browser-network-internal" "$(jq '.network.internal' "$T/browser.json")" true
	check "$b-browser-fleet-rows" "$(jq '.fleet.rows' "$T/browser.json")" "$(count "$b" "$db" kiosk)"
}

backends office
for b in "${BACKENDS[@]}"; do run "$b"; done
finish
