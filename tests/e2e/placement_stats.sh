#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Placement statistics (issue 19) on a `dote demo` hub (40 running, 40
# completed, 40 dropped-out placements with their registers): `dote
# report` of every placement measure, dropouts by reason and by month of
# leaving, comune-level sums, against counts computed here from the raw
# tables with sqlite3 (the cell key's rules: every published count in the
# p-table's support of the true one, none from 1 to 4; sums within the
# perturbed total's bound, hidden below 10 trainees); refusals; the open
# data's placement files and their columns; the coordinators' page
# /coordinamento/tirocini showing the same protected values. Employment
# after the end (followed_up, employed_after) from the demo's follow-ups,
# nationally and by year of the end, against sqlite3 counts.
set -u
top=${DOTE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${DOTE_BIN:-$top/build/bin}
tmp=$(mktemp -d)
pids=()
failures=0
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; failures=$((failures + 1)); }
check() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', want '$3'"; fi; }
db=$tmp/hub.db
"$bin/dote" demo --db "$db" --applications 3000 --hosts 60 >/dev/null || { fail "placement stats demo" "dote demo failed"; exit 1; }
check "placement stats demo: 40 running, 40 completed, 40 dropped out" \
	"$(sqlite3 "$db" "SELECT group_concat(n, ' ') FROM (SELECT status, count(*) n FROM traineeship GROUP BY 1 ORDER BY 1)")" \
	"40 40 40"
all=placements_started,placements_completed,placements_dropped_out,completion_rate,trainees,hours_on_the_job,classroom_hours,attendance_rate,allowance_paid_eur,followed_up,employed_after
n_fu=$(sqlite3 "$db" "SELECT count(*) FROM traineeship_followup" 2>/dev/null)
[ "${n_fu:-0}" -ge 20 ] && pass "placement stats demo: $n_fu ended placements followed up" ||
	fail "placement stats demo: follow-ups recorded" "got '${n_fu:-none}'"
rep() { "$bin/dote" report --db "$db" "$@"; }

# The truth, from the raw tables: national counts and sums, and per
# comune, reason and month of leaving.
sqlite3 -csv "$db" "SELECT (SELECT count(*) FROM traineeship),
	(SELECT count(*) FROM traineeship WHERE status = 'completed'),
	(SELECT count(*) FROM traineeship WHERE status = 'dropped_out'),
	count(DISTINCT uuid), sum(attended_minutes), sum(expected_minutes), sum(classroom_minutes),
	coalesce(sum(CASE WHEN paid_at IS NOT NULL THEN due_cents END), 0)
	FROM register_month WHERE confirmed_at IS NOT NULL" >"$tmp/truth.csv"
sqlite3 -csv "$db" "SELECT end_reason, count(*) FROM traineeship WHERE status = 'dropped_out' GROUP BY 1" >"$tmp/reason.csv"
sqlite3 -csv "$db" "SELECT substr(ended_on, 1, 7), count(*) FROM traineeship WHERE status = 'dropped_out' GROUP BY 1" >"$tmp/month.csv"
# Employment after the end: ended placements with a follow-up, and those
# found employed, by the year the placement ended.
sqlite3 -csv "$db" "SELECT substr(t.ended_on, 1, 4), count(*), sum(CASE WHEN f.status = 'employed' THEN 1 ELSE 0 END)
	FROM traineeship t JOIN traineeship_followup f ON f.uuid = t.uuid WHERE t.status <> 'running' GROUP BY 1" >"$tmp/fu_year.csv"
sqlite3 -csv "$db" "SELECT t.comune, count(DISTINCT m.uuid) FROM register_month m JOIN traineeship t ON t.uuid = m.uuid
	WHERE m.confirmed_at IS NOT NULL GROUP BY 1" >"$tmp/comune.csv"

rep --measures "$all" -o "$tmp/nat.csv"
check "placement report exit code" "$?" 0
check "placement report header" "$(head -1 "$tmp/nat.csv" 2>/dev/null | tr -d '\r')" "$all"
rep --dims end_reason --measures placements_dropped_out -o "$tmp/r_reason.csv"
check "placement report by reason exit code" "$?" 0
rep --dims month --measures placements_dropped_out -o "$tmp/r_month.csv"
check "placement report by month of leaving exit code" "$?" 0
rep --dims comune --measures trainees,hours_on_the_job,attendance_rate,allowance_paid_eur -o "$tmp/r_comune.csv"
check "placement report by comune exit code" "$?" 0
rep --dims comune,month --measures placements_started,placements_completed,placements_dropped_out -o "$tmp/c_month.csv"
rep --dims comune,year --measures placements_started,placements_completed,placements_dropped_out -o "$tmp/c_year.csv"
rep --dims year --measures followed_up,employed_after -o "$tmp/r_fu_year.csv"
check "placement report follow-ups by year exit code" "$?" 0
rep --dims year --measures "$all" --format json -o "$tmp/year.json"
check "placement report json exit code" "$?" 0

python3 - "$tmp" <<'EOF' || failures=$((failures + 1))
import csv, json, os, sys
d = sys.argv[1]
failed = []
def out(name, ok, why=''):
    print(('PASS %s' if ok else 'FAIL %s: ' + why) % name)
    ok or failed.append(name)
def support(n):  # the p-table (docs/reports.md)
    if n == 0: return {0}
    if n <= 4: return {0, 5}
    return {max(5, n + k) for k in range(-4, 5)} | ({0} if n <= 8 else set())
def rows(name):
    p = os.path.join(d, name)
    return list(csv.DictReader(open(p, newline='', encoding='utf-8'))) if os.path.exists(p) else []
t = [int(x) for x in next(csv.reader(open(os.path.join(d, 'truth.csv'))))]
started, completed, dropped, trainees, att, exp, cls, paid = t
nat = rows('nat.csv')
out('placement report: one national row', len(nat) == 1, str(len(nat)))
n = nat[0] if nat else {}
def num(k):
    try: return float(n.get(k, ''))
    except ValueError: return None
for k, want in (('placements_started', started), ('placements_completed', completed),
                ('placements_dropped_out', dropped), ('trainees', trainees)):
    v = num(k)
    out('placement report %s %s within the p-table of the true %d' % (k, n.get(k), want),
        v is not None and int(v) in support(want))
pub = {k: num(k) for k in ('placements_completed', 'placements_dropped_out', 'trainees')}
if None not in pub.values() and pub['placements_completed'] + pub['placements_dropped_out'] > 0:
    want = pub['placements_completed'] / (pub['placements_completed'] + pub['placements_dropped_out'])
    out('placement report completion_rate from the published counts', abs(num('completion_rate') - want) < 0.0006,
        '%s vs %.4f' % (n.get('completion_rate'), want))
else:
    out('placement report completion_rate from the published counts', False, 'no counts')
# A sum is the true total changed by at most 4 times the cell's average
# (sdc_average), rounded to one decimal of the average over the published
# count, then to whole hours / euros.
def bound(total, n_true, n_pub):
    unit = max(1, (total + n_true // 2) // n_true)
    return 4 * unit + 0.05 * n_pub + 1
tp = pub['trainees'] or 0
for k, total, scale in (('hours_on_the_job', att, 60), ('classroom_hours', cls, 60), ('allowance_paid_eur', paid, 100)):
    v = num(k)
    ok = v is not None and abs(v * scale - total) <= bound(total, trainees, tp) + scale / 2
    out('placement report %s %s: the true %.1f within the perturbed total\'s bound' % (k, n.get(k), total / scale), ok)
a = num('attendance_rate')
lo = (att - bound(att, trainees, tp)) / (exp + bound(exp, trainees, tp))
hi = (att + bound(att, trainees, tp)) / (exp - bound(exp, trainees, tp))
out('placement report attendance_rate %s within [%.3f, %.3f] (true %.3f)' % (n.get('attendance_rate'), lo, hi, att / exp),
    a is not None and lo - 0.0006 <= a <= hi + 0.0006)
# Employment after the end, nationally and by year of the end.
fu = list(csv.reader(open(os.path.join(d, 'fu_year.csv'))))
fu_all, emp_all = sum(int(r[1]) for r in fu), sum(int(r[2]) for r in fu)
for k, want in (('followed_up', fu_all), ('employed_after', emp_all)):
    v = num(k)
    out('placement report %s %s within the p-table of the true %d, not 1-4' % (k, n.get(k), want),
        v is not None and int(v) in support(want) and not 1 <= v <= 4 and want > 0)
by_year = {r['year']: r for r in rows('r_fu_year.csv')}
bad = []
for r in fu:
    got = by_year.get(r[0], {})
    for k, want in (('followed_up', int(r[1])), ('employed_after', int(r[2]))):
        g = got.get(k, '0')
        if g == '*' or int(g) not in support(want) or 1 <= int(g) <= 4: bad.append((r[0], k, g, want))
out('placement follow-ups by year of the end: each in the p-table of its true count, none 1-4 (%d years)' % len(fu),
    fu and not bad, str(bad))
# Dropouts by reason and by month of leaving.
for f, truth, key in (('r_reason.csv', 'reason.csv', 'end_reason'), ('r_month.csv', 'month.csv', 'month')):
    want = {r[0]: int(r[1]) for r in csv.reader(open(os.path.join(d, truth)))}
    got = {r[key]: int(r['placements_dropped_out']) for r in rows(f)}
    bad = [k for k in set(want) | set(got) if got.get(k, 0) not in support(want.get(k, 0))]
    small = [k for k, v in got.items() if 1 <= v <= 4]
    out('placement dropouts by %s: every published value in the p-table of its true count (%d rows)' % (key, len(got)),
        got and not bad, str(bad))
    out('placement dropouts by %s: no published count from 1 to 4' % key, not small, str(small))
lab = {r['end_reason']: r['end_reason_label'] for r in rows('r_reason.csv')}
out('placement dropouts by reason: Italian labels', lab.get('job', 'Ha trovato lavoro') == 'Ha trovato lavoro' and
    all(lab.values()), str(lab))
# Comune level: small cells; no count 1-4, sums only over 10 trainees.
want = {r[0]: int(r[1]) for r in csv.reader(open(os.path.join(d, 'comune.csv')))}
bad = small = shown_small = hidden = 0
rc = rows('r_comune.csv')
for r in rc:
    tr = r['trainees']
    if tr != '*' and int(tr) not in support(want.get(r['comune'], 0)): bad += 1
    if tr not in ('*',) and 1 <= int(tr) <= 4: small += 1
    for k in ('hours_on_the_job', 'attendance_rate', 'allowance_paid_eur'):
        if want.get(r['comune'], 0) < 10 and r[k] != '*': shown_small += 1
        if r[k] == '*': hidden += 1
out('placement by comune: trainees within the p-table, none 1-4 (%d rows)' % len(rc), bad == 0 and small == 0 and len(rc) > 0,
    '%d bad, %d small' % (bad, small))
out('placement by comune: no sum or rate over fewer than 10 trainees (%d hidden)' % hidden,
    shown_small == 0 and hidden > 0, '%d shown' % shown_small)
# Comune level: a year's count is the sum of its published months below
# 50 (docs/reports.md, "Issue 20", rule 4).
leaf = {}
for r in rows('c_month.csv'):
    for k in ('placements_started', 'placements_completed', 'placements_dropped_out'):
        leaf[(r['comune'], r['month'][:4], k)] = leaf.get((r['comune'], r['month'][:4], k), 0) + int(r[k])
cy = rows('c_year.csv')
bad = [(r['comune'], r['year'], k) for r in cy for k in ('placements_started', 'placements_completed', 'placements_dropped_out')
       if int(r[k]) != leaf.get((r['comune'], r['year'], k), 0)]
out('placement comune x year counts are the sums of their published months (%d rows)' % len(cy), cy and not bad, str(bad[:5]))
# JSON: numbers, null for hidden values.
try:
    j = json.load(open(os.path.join(d, 'year.json')))
    ok = j['protected'] is True and j['rows'] and all(isinstance(r['placements_started'], int) for r in j['rows'])
except Exception as e:
    ok, j = False, str(e)
out('placement report json: protected, counts as integers', ok)
sys.exit(1 if failed else 0)
EOF

# Refused: reason crossed with a comune, a free range of months.
rep --dims comune,end_reason --measures placements_dropped_out >/dev/null 2>"$tmp/err1"
check "placement report: end_reason by comune refused (exit 2)" "$?" 2
rep --period 2024-12..2026-02 --measures placements_started >/dev/null 2>"$tmp/err2"
check "placement report: a free range refused (exit 2)" "$?" 2
grep -q "not one month, quarter or year" "$tmp/err2" && pass "placement report: the range refusal says why" ||
	fail "placement report: the range refusal says why" "$(cat "$tmp/err2")"

# Open data: the placement files, their columns, listed in metadata.json.
"$bin/dote" opendata --db "$db" --out "$tmp/od" >/dev/null
check "placement opendata exit code" "$?" 0
python3 - "$tmp/od" <<'EOF' || failures=$((failures + 1))
import csv, json, os, sys
d = sys.argv[1]
failed = []
def out(name, ok, why=''):
    print(('PASS %s' if ok else 'FAIL %s: ' + why) % name)
    ok or failed.append(name)
want = {
    'tirocini_provincia_anno.csv': 'region,province,province_label,year,placements_started,placements_completed,'
        'placements_dropped_out,completion_rate,trainees,hours_on_the_job,classroom_hours,attendance_rate,allowance_paid_eur,'
        'followed_up,employed_after',
    'tirocini_interruzioni_motivo.csv': 'region,year,end_reason,end_reason_label,placements_dropped_out',
    'tirocini_interruzioni_mese.csv': 'region,month,placements_dropped_out',
}
try:
    meta = json.load(open(os.path.join(d, 'metadata.json')))
    listed = {f['file']: [c['name'] for c in f['columns']] for f in meta['files']}
except Exception:
    listed = {}
for f, head in want.items():
    p = os.path.join(d, f)
    got = open(p, encoding='utf-8').readline().strip() if os.path.exists(p) else '(missing)'
    out('placement opendata %s columns' % f, got == head, got)
    out('placement opendata %s listed in metadata.json' % f, f in listed)
small = 0
for f in want:
    p = os.path.join(d, f)
    if not os.path.exists(p): continue
    for r in csv.DictReader(open(p, encoding='utf-8')):
        for k in ('placements_started', 'placements_completed', 'placements_dropped_out', 'trainees', 'followed_up',
                  'employed_after'):
            if k in r and r[k] not in ('', '*') and 1 <= int(r[k]) <= 4: small += 1
out('placement opendata: no published count from 1 to 4', small == 0, '%d' % small)
sys.exit(1 if failed else 0)
EOF

# The coordinators' page: the same protected national values.
echo 'password-coordinamento' | "$bin/dote" user add --db "$db" --name coord --role coordinator >/dev/null
"$bin/dote-hub" --db "$db" --listen 127.0.0.1:0 --port-file "$tmp/port" --quiet >"$tmp/hub.log" 2>&1 &
pids+=($!)
for _ in $(seq 300); do [ -s "$tmp/port" ] && break; sleep 0.1; done
url="http://127.0.0.1:$(cat "$tmp/port" 2>/dev/null)"
csrf=$(curl -s -c "$tmp/jar" -b "$tmp/jar" "$url/login" | grep -o 'name="csrf" value="[0-9a-f]*"' | sed 's/.*value="//;s/"//')
curl -s -o /dev/null -c "$tmp/jar" -b "$tmp/jar" --data-urlencode name=coord --data-urlencode password=password-coordinamento \
	--data-urlencode csrf="$csrf" "$url/login"
code=$(curl -s -b "$tmp/jar" -o "$tmp/page.html" -w '%{http_code}' "$url/coordinamento/tirocini")
check "coordinamento/tirocini answers 200" "$code" 200
python3 - "$tmp/page.html" "$tmp/nat.csv" <<'EOF' || failures=$((failures + 1))
import csv, re, sys
html = open(sys.argv[1], encoding='utf-8').read()
nat = list(csv.DictReader(open(sys.argv[2], newline='', encoding='utf-8')))
failed = []
def out(name, ok, why=''):
    print(('PASS %s' if ok else 'FAIL %s: ' + why) % name)
    ok or failed.append(name)
m = re.search(r'<table id="tirocini-rete">(.*?)</table>', html, re.S)
cells = dict(re.findall(r'<td class="n" data-measure="([a-z_]+)">([^<]*)</td>', m.group(1))) if m else {}
same = nat and all(cells.get(k, '?').replace(',', '.') == v for k, v in nat[0].items())
out('coordinamento/tirocini: the network row equals dote report\'s', bool(same), '%s vs %s' % (cells, nat[:1]))
out('coordinamento/tirocini: tables by province, by reason, by month',
    all('id="%s"' % t in html for t in ('tirocini-provincia', 'interruzioni-motivo', 'interruzioni-mese')))
out('coordinamento/tirocini: says it is protected, no USO INTERNO banner',
    'chiave di cella' in html and 'data-internal' not in html)
sys.exit(1 if failed else 0)
EOF
code=$(curl -s -b "$tmp/jar" -o "$tmp/page2.html" -w '%{http_code}' "$url/coordinamento/tirocini?periodo=2024-12..2026-02")
check "coordinamento/tirocini: a free range answers 400" "$code" 400
[ "$failures" -eq 0 ]
