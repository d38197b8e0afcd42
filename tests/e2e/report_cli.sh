#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# `dote report` and `dote opendata` on a `dote demo` database: figures
# against independent SQL (sqlite3), protection of every published count,
# CSV (RFC 4180 and the Italian variant), JSON, the self-contained HTML
# report rendered and printed to A4 PDF by headless Chromium (kept in
# $O/report-shots/), the open-data folder and its metadata, and clear
# errors for bad input.
set -u
top=${DOTE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${DOTE_BIN:-$top/build/bin}
O=${O:-build}
shots="$top/$O/report-shots"
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }
check() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', want '$3'"; fi; }
mkdir -p "$shots"
db="$tmp/hub.db"
"$bin/dote" demo --db "$db" --applications 8000 --hosts 300 >/dev/null || { fail "report demo db" "dote demo failed"; exit 1; }
dote() { "$bin/dote" "$@"; }

# CSV: province x month, every published count within the p-table of the
# SQL count (docs/reports.md), none is 1..4, some perturbed.
dote report --db "$db" --dims province,month --measures applications,selected,fill_rate -o "$tmp/pm.csv"
check "report csv exit code" "$?" 0
check "report csv header" "$(head -1 "$tmp/pm.csv" | tr -d '\r')" "province,province_label,month,applications,selected,fill_rate"
grep -q $'\r$' "$tmp/pm.csv" && pass "report csv CRLF lines (RFC 4180)" || fail "report csv CRLF" "no CR"
sqlite3 -csv "$db" "SELECT c.province, substr(a.submitted_at, 1, 7), COUNT(*),
	SUM(a.status IN ('selected','started','completed','dropped_out'))
	FROM application a JOIN comune c ON c.istat = a.comune GROUP BY 1, 2" | tr -d '\r' | sort >"$tmp/sql.csv"
python3 - "$tmp/pm.csv" "$tmp/sql.csv" <<'EOF'
import csv, sys
rep = list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')))
sql = {(r[0], r[1]): (int(r[2]), int(r[3])) for r in csv.reader(open(sys.argv[2]))}
def support(n):  # the p-table (docs/reports.md)
    if n == 0: return {0}
    if n <= 4: return {0, 5}
    return {max(5, n + d) for d in range(-4, 5)} | ({0} if n <= 8 else set())
bad = small = supp = changed = 0
seats_only = 0
for r in rep:
    want = sql.get((r['province'], r['month']))
    if want is None and r['applications'] == '0' and r['selected'] == '0':
        seats_only += 1  # a month with seats (placement deadlines) but no applications
        continue
    for i, k in enumerate(('applications', 'selected')):
        if r[k] == '*':
            supp += 1
            continue
        if want is None or int(r[k]) not in support(want[i]):
            bad += 1
        elif int(r[k]) != want[i]:
            changed += 1
        if 1 <= int(r[k]) <= 4:
            small += 1
def out(name, ok, why=''):
    print(('PASS ' if ok else 'FAIL ') + name + ('' if ok else ': ' + why))
shown = {(r['province'], r['month']) for r in rep}
left_out = [k for k in sql if k not in shown]
out('report csv rows are SQL groups; groups left out were published as 0 (true 1-8)',
    len(rep) - seats_only + len(left_out) == len(sql) and all(sql[k][0] <= 8 for k in left_out),
    '%d rows, %d groups, %d left out' % (len(rep), len(sql), len(left_out)))
out('report csv published counts within the p-table of SQL', bad == 0, '%d outside' % bad)
out('report csv no published count from 1 to 4', small == 0, '%d small' % small)
out('report csv counts perturbed', changed > 0)
out('report csv nothing hidden at the default threshold', supp == 0, '%d' % supp)
rates_leak = sum(1 for r in rep if r['selected'] == '*' and r['fill_rate'] not in ('*', ''))
out('report csv rates on suppressed counts suppressed', rates_leak == 0, str(rates_leak))
EOF

# Comune x month from rollups equals the raw computation.
dote report --db "$db" --dims comune,month --measures applications,applicants,selected,dropped_out -o "$tmp/a.csv"
dote report --db "$db" --dims comune,month --measures applications,applicants,selected,dropped_out --raw -o "$tmp/b.csv"
cmp -s "$tmp/a.csv" "$tmp/b.csv" && pass "report rollups = raw GROUP BY (comune x month)" ||
	fail "report rollups = raw" "files differ"

# Italian spreadsheet CSV and JSON.
dote report --db "$db" --dims region --measures applications,applications_per_seat --excel-it -o "$tmp/it.csv"
head -c 3 "$tmp/it.csv" | od -An -tx1 | grep -q 'ef bb bf' && pass "report excel-it BOM" || fail "report excel-it BOM" "none"
line=$(sed -n 2p "$tmp/it.csv" | tr -d '\r')
[[ "$line" == Lombardia\;* && "$line" =~ \;[0-9]+,[0-9]+$ ]] && pass "report excel-it ';' and decimal comma" ||
	fail "report excel-it format" "$line"
dote report --db "$db" --dims province,sex --measures applications --format json -o "$tmp/r.json"
python3 -c "
import json,sys
d = json.load(open('$tmp/r.json'))
ok = d['protected'] and d['min_count'] == 5 and d['method'] == 'cell key' and len(d['rows']) > 5 and all('province_label' in r for r in d['rows'])
sup = all(r['applications'] is None for r in d['rows'] if 'suppressed' in r)
print('PASS report json' if ok and sup else 'FAIL report json: ' + json.dumps(d)[:200])"
# Averages and rates in JSON as written in the CSV: one decimal for the
# protected average, four for a rate (27.3, not 27.300000000000001).
for f in csv json; do
	dote report --db "$db" --dims province,year --measures selected,days_to_selection,fill_rate,dropout_rate \
		--format $f -o "$tmp/avg.$f"
done
python3 - "$tmp/avg.json" "$tmp/avg.csv" <<'EOF2'
import csv, json, re, sys
text = open(sys.argv[1]).read()
rows = json.loads(text)['rows']
days = re.findall(r'"days_to_selection": ([^,\n}]+)', text)
rates = re.findall(r'"(?:fill|dropout)_rate": ([^,\n}]+)', text)
shown = [v for v in days if v != 'null']
bad = [v for v in shown if not re.fullmatch(r'\d+(\.\d)?', v)] + \
	[v for v in rates if v != 'null' and not re.fullmatch(r'\d+(\.\d{1,4})?', v)]
# Values whose 17-digit form is long (not .0 or .5): the old output's case.
inexact = [v for v in shown if '.' in v and not v.endswith(('.0', '.5'))]
csvrows = list(csv.DictReader(open(sys.argv[2], newline='')))
same = len(csvrows) == len(rows) and all(
	(c[m] in ('', '*') and r[m] is None) or (r[m] is not None and float(c[m]) == r[m])
	for c, r in zip(csvrows, rows) for m in ('days_to_selection', 'fill_rate', 'dropout_rate'))
if not bad and len(inexact) >= 3 and same:
	print('PASS report json averages and rates with the CSV\'s digits (%d averages, e.g. %s)' % (len(shown), inexact[0]))
else:
	print('FAIL report json averages and rates: %d badly printed %s, %d inexact, same as CSV %s'
	      % (len(bad), bad[:3], len(inexact), same))
EOF2

# Self-contained HTML, looked at in Chromium, printed on A4.
dote report --db "$db" --dims month --measures applications,selected,fill_rate,sessions,views,forms,submits \
	--format html -o "$tmp/report.html" 2>"$tmp/err"
check "report html exit code" "$?" 0
grep -q '<html lang="it">' "$tmp/report.html" && grep -q '<svg' "$tmp/report.html" &&
	pass "report html has charts" || fail "report html has charts" "no svg"
grep -q 'data:font/woff;base64' "$tmp/report.html" && pass "report html embeds its fonts" ||
	fail "report html fonts" "not embedded"
grep -Eq '<script|src="http|href="http://|@import' "$tmp/report.html" &&
	fail "report html self-contained" "external reference or script" || pass "report html self-contained, no scripts"
grep -q '@page{size:A4' "$tmp/report.html" && pass "report html A4 print style" || fail "report html A4" "none"
dote report --db "$db" --dims province --measures applications,selected,fill_rate,dropout_rate --format html \
	-o "$tmp/province.html"
if command -v chromium >/dev/null; then
	for f in report province; do
		timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
			--disable-background-networking --disable-component-update --disable-sync \
			--user-data-dir="$tmp/chr-$f" --window-size=1200,2400 --screenshot="$shots/$f.png" \
			"file://$tmp/$f.html" >/dev/null 2>&1
		timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
			--disable-background-networking --disable-component-update --disable-sync \
			--user-data-dir="$tmp/chr-$f" --no-pdf-header-footer --print-to-pdf="$shots/$f.pdf" \
			"file://$tmp/$f.html" >/dev/null 2>&1
		sz=$(stat -c %s "$shots/$f.png" 2>/dev/null || echo 0)
		[ "$sz" -gt 20000 ] && pass "report html $f screenshot" || fail "report html $f screenshot" "size $sz"
		grep -aq 'MediaBox \[0 0 594.95996 841.91998\]\|MediaBox \[0 0 595' "$shots/$f.pdf" &&
			pass "report html $f prints on A4" || fail "report html $f prints on A4" "no A4 page in PDF"
	done
else
	echo "SKIP report html in chromium: chromium missing"
fi

# Filters.
dote report --db "$db" --dims comune --measures applications --province MI --period 2025-01..2025-12 \
	--call "$(sqlite3 "$db" "SELECT code FROM call ORDER BY id LIMIT 1")" -o "$tmp/f.csv"
check "report filters exit code" "$?" 0
want=$(sqlite3 "$db" "SELECT COUNT(*) FROM application a JOIN comune c ON c.istat = a.comune JOIN call k ON k.id = a.call_id
	WHERE c.province = 'MI' AND substr(a.submitted_at, 1, 7) BETWEEN '2025-01' AND '2025-12'
	AND k.id = (SELECT id FROM call ORDER BY id LIMIT 1)")
got=$(tr -d '\r' <"$tmp/f.csv" | awk -F, 'NR > 1 && $3 != "*" { s += $3 } END { print s + 0 }')
rows=$(($(wc -l <"$tmp/f.csv") - 1))
# Each row is off by at most 8 (the p-table: 4, or a count of 5-8 published as 0).
diff=$((got > want ? got - want : want - got))
[ "$rows" -gt 0 ] && [ "$diff" -le $((8 * rows)) ] &&
	pass "report filtered total consistent with SQL ($got published, $want true, $rows rows)" ||
	fail "report filtered total" "$got vs $want ($rows rows)"
dote report --db "$db" --dims comune --measures applications --province MI --period 2025-01..2025-06 >/dev/null 2>"$tmp/h.err"
[[ $? -eq 2 && "$(cat "$tmp/h.err")" == *"not one month, quarter or year"* ]] &&
	pass "report half-year period refused (not a bucket)" || fail "report half-year period" "$(cat "$tmp/h.err")"

# Bad input: a clear message, exit 2, no crash, nothing changed.
before=$(sqlite3 "$db" "SELECT COUNT(*) FROM application")
bad() { # name, expected message, args...
	local name=$1 msg=$2
	shift 2
	out=$(dote report --db "$db" "$@" 2>&1 >/dev/null)
	rc=$?
	[[ $rc -eq 2 && "$out" == *"$msg"* ]] && pass "report bad input: $name" || fail "report bad input: $name" "rc $rc: $out"
}
bad "unknown dimension" "unknown dimension 'galaxy'" --dims province,galaxy --measures applications
bad "unknown measure" "unknown measure" --dims province --measures applications,joy
bad "bad period" "bad period" --dims month --measures applications --period 2025-13..2026-01
bad "reversed period" "ends before it starts" --dims month --measures applications --period 2025-06..2025-01
bad "injection in province (long)" "--province is too long" --dims comune --measures applications --province "MI' OR 1=1 --"
bad "injection in province" "unknown province" --dims comune --measures applications --province "M'"
bad "injection in call (long)" "--call is too long" --dims comune --measures applications --call "x'; DROP TABLE application; --"
bad "injection in call" "unknown call" --dims comune --measures applications --call "1' OR '1'='1"
bad "injection in region" "unknown region" --dims comune --measures applications --region "Lombardia\" OR \"1\"=\"1"
bad "funnel by sex" "funnel measures" --dims sex --measures sessions
bad "bad format" "unknown format" --dims region --measures applications --format xml
bad "too many dimensions" "at most 4" --dims region,province,comune,call,month --measures applications
out=$(dote report --db "$tmp/missing.db" --dims region --measures applications 2>&1)
[[ $? -eq 1 && "$out" == *"cannot open the hub database"* && ! -e "$tmp/missing.db" ]] &&
	pass "report bad input: missing database (not created)" || fail "report missing database" "$out"
check "report bad input changed nothing" "$(sqlite3 "$db" "SELECT COUNT(*) FROM application")" "$before"
bad "min-count 3" "below the rule" --dims comune --measures applications --min-count 3
dote report --db "$db" --dims comune --measures applications --min-count 10 -o "$tmp/m10.csv"
small=$(tr -d '\r' <"$tmp/m10.csv" | awk -F, 'NR > 1 && $3 != "*" && $3 >= 1 && $3 <= 9' | wc -l)
hidden=$(tr -d '\r' <"$tmp/m10.csv" | awk -F, 'NR > 1 && $3 == "*"' | wc -l)
[ "$small" = 0 ] && [ "$hidden" -gt 0 ] && pass "report min-count 10 hides published values 1 to 9 ($hidden)" ||
	fail "report min-count 10" "$small shown, $hidden hidden"

# Open data.
dote opendata --db "$db" --out "$tmp/od" >/dev/null
check "opendata exit code" "$?" 0
python3 - "$tmp/od" <<'EOF'
import csv, json, os, sys
d = sys.argv[1]
meta = json.load(open(os.path.join(d, 'metadata.json')))
def out(name, ok, why=''):
    print(('PASS ' if ok else 'FAIL ') + name + ('' if ok else ': ' + why))
out('opendata metadata licence', meta['license'] == 'CC BY 4.0' and 'creativecommons.org' in meta['license_url'])
out('opendata metadata title, description, period, rule',
    meta['title'] and meta['description'] and meta['period']['start'] and meta['protection']['min_count'] == 5
    and 'chiave di cella' in meta['protection']['rule'])
counts = {'applications', 'applicants', 'selected', 'started', 'completed', 'dropped_out'}
small = missing = 0
for f in meta['files']:
    path = os.path.join(d, f['file'])
    if not os.path.exists(path):
        missing += 1
        continue
    rows = list(csv.DictReader(open(path, newline='', encoding='utf-8')))
    cols = [c['name'] for c in f['columns']]
    if rows and any(c not in rows[0] for c in cols):
        missing += 1
    for r in rows:
        for k in counts & set(r):
            if r[k] not in ('*', '') and 1 <= int(r[k]) <= 4:
                small += 1
out('opendata every file listed exists with its columns', missing == 0 and len(meta['files']) >= 8, str(missing))
out('opendata no published count from 1 to 4', small == 0, '%d small' % small)
EOF
