#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# The coordinators' dashboard in a real browser: a hub on loopback over a
# `dote demo` database, headless Chromium logs in through the form and
# clicks the drill-down Italia -> Lombardia -> Milano (MI) -> Milano,
# screenshots go to $O/dashboard-shots/, and the numbers on each page are
# checked against independent SQL on the same database. Also with curl:
# bad password, CSRF, no session, logout, comune staff, bad filters.
set -u
top=${DOTE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${DOTE_BIN:-$top/build/bin}
O=${O:-build}
shots="$top/$O/dashboard-shots"
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }
check() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', want '$3'"; fi; }

mkdir -p "$shots"
db="$tmp/hub.db"
"$bin/dote" demo --db "$db" --applications 6000 --hosts 300 >/dev/null || { fail "dashboard demo db" "dote demo failed"; exit 1; }
echo 'una-password-lunga' | "$bin/dote" user add --db "$db" --name coord --role coordinator >/dev/null &&
	pass "dashboard coordinator account" || fail "dashboard coordinator account" "dote user add failed"
echo 'password-milano-1' | "$bin/dote" user add --db "$db" --name staff.milano --role comune --comune 015146 >/dev/null &&
	pass "dashboard comune account" || fail "dashboard comune account" "dote user add failed"
out=$(echo 'short' | "$bin/dote" user add --db "$db" --name x1 --role coordinator 2>&1)
[[ $? -ne 0 && "$out" == *"password must be"* ]] && pass "dashboard short password refused" ||
	fail "dashboard short password refused" "$out"
out=$(echo 'abbastanza-lunga' | "$bin/dote" user add --db "$db" --name x2 --role comune --comune 999999 2>&1)
[[ $? -ne 0 && "$out" == *"ISTAT"* ]] && pass "dashboard unknown comune refused" || fail "dashboard unknown comune refused" "$out"
check "dashboard password stored as argon2id" \
	"$(sqlite3 "$db" "SELECT substr(pwhash, 1, 10) FROM hub_user WHERE name = 'coord'")" '$argon2id$'

"$bin/dote-hub" --db "$db" --listen 127.0.0.1:0 --port-file "$tmp/port" --quiet >"$tmp/hub.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
port=$(cat "$tmp/port" 2>/dev/null)
[ -n "$port" ] || { fail "dashboard hub starts" "no port"; cat "$tmp/hub.log"; exit 1; }
url="http://127.0.0.1:$port"

# --- curl: the protocol around the pages ---
code=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "$url/dashboard")
check "dashboard without session redirects to login" "$code" "303 $url/login"
jar="$tmp/jar"
curl -s -c "$jar" -b "$jar" "$url/login" >"$tmp/login.html"
csrf=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$tmp/login.html" | sed 's/.*value="//;s/"//')
code=$(curl -s -o "$tmp/bad.html" -w '%{http_code}' -c "$jar" -b "$jar" --data-urlencode name=coord \
	--data-urlencode password=sbagliata-davvero --data-urlencode csrf="$csrf" "$url/login")
check "dashboard wrong password is 401" "$code" "401"
grep -q 'Nome utente o password non corretti' "$tmp/bad.html" && pass "dashboard wrong password message" ||
	fail "dashboard wrong password message" "no message"
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" --data-urlencode name=coord \
	--data-urlencode password=una-password-lunga --data-urlencode csrf=0000 "$url/login")
check "dashboard login without the form's CSRF token is 403" "$code" "403"
curl -s -c "$jar" -b "$jar" "$url/login" >"$tmp/login.html"
csrf=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$tmp/login.html" | sed 's/.*value="//;s/"//')
hdr=$(curl -s -D - -o /dev/null -c "$jar" -b "$jar" --data-urlencode name=coord \
	--data-urlencode password=una-password-lunga --data-urlencode csrf="$csrf" "$url/login")
[[ "$hdr" == *"303"* && "$hdr" == *"dc_session="*"HttpOnly; SameSite=Strict"* ]] &&
	pass "dashboard login sets an HttpOnly SameSite=Strict session" || fail "dashboard login cookie" "$hdr"
hdr=$(curl -s -D - -o "$tmp/dash.html" -b "$jar" "$url/dashboard")
[[ "$hdr" == *"Content-Security-Policy: default-src 'none'"* && "$hdr" == *"no-store"* ]] &&
	pass "dashboard CSP without scripts, no-store" || fail "dashboard headers" "$hdr"
grep -q '<script' "$tmp/dash.html" && fail "dashboard has no scripts" "found <script" || pass "dashboard has no scripts"
code=$(curl -s -o "$tmp/inj.html" -w '%{http_code}' -b "$jar" "$url/dashboard?province=MI%27%20OR%201=1--")
check "dashboard injection in a filter is a 400" "$code" "400"
code=$(curl -s -o "$tmp/inj2.html" -w '%{http_code}' -b "$jar" "$url/dashboard?from=2025-13&to=2025-01")
check "dashboard bad period is a 400" "$code" "400"
grep -q 'Periodo non valido' "$tmp/inj2.html" && pass "dashboard bad period message" || fail "dashboard bad period message" "none"
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" "$url/dashboard?region=%3Cscript%3E")
check "dashboard unknown region is a 400" "$code" "400"
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" "$url/healthz")
check "dashboard hub still up after bad input" "$code" "200"
curl -s -b "$jar" "$url/dashboard/csv?province=MI" >"$tmp/mi.csv"
head -1 "$tmp/mi.csv" | grep -q '^comune,comune_label,applications,seats' && pass "dashboard CSV download" ||
	fail "dashboard CSV download" "$(head -1 "$tmp/mi.csv")"
# Every published CSV count is the documented method's value for the SQL
# counts (docs/reports.md; comuni: tests/e2e/sdc_support.py); none is 1..4; the CSV is protected even when asked
# from an internal page.
curl -s -b "$jar" "$url/dashboard/csv?province=MI&interno=1" >"$tmp/mi-int.csv"
bad=0 small=0 changed=0
# Comune-level counts: the documented method's values (tests/e2e/sdc_support.py).
allowed_csv=$(PYTHONPATH="$top/tests/e2e" python3 -c '
import csv, sqlite3, sys
from sdc_support import allowed
db = sqlite3.connect(sys.argv[1])
for r in csv.DictReader(open(sys.argv[2], newline="")):
    if r["applications"] != "*":
        print(r["comune"], int(int(r["applications"]) in allowed(db, "a.comune = ?", (r["comune"],))))
' "$db" "$tmp/mi.csv")
while IFS=, read -r istat name apps rest; do
	[ "$istat" = comune ] && continue
	[ "$apps" = '*' ] && continue
	want=$(sqlite3 "$db" "SELECT COUNT(*) FROM application WHERE comune = '$istat'")
	grep -q "^$istat 1$" <<<"$allowed_csv" || bad=$((bad + 1))
	[ "$apps" = "$want" ] || changed=$((changed + 1))
	[ "$apps" -ge 1 ] && [ "$apps" -le 4 ] && small=$((small + 1))
done < <(tr -d '\r' <"$tmp/mi.csv")
check "dashboard CSV counts within the p-table of SQL" "$bad" 0
check "dashboard CSV shows no count from 1 to 4" "$small" 0
[ "$changed" -gt 0 ] && pass "dashboard CSV counts perturbed ($changed)" || fail "dashboard CSV perturbed" "all exact"
cmp -s "$tmp/mi.csv" "$tmp/mi-int.csv" && pass "dashboard CSV from an internal page is the protected CSV" ||
	fail "dashboard CSV internal" "differs"
# The coordinator's internal page: exact, marked "uso interno".
curl -s -b "$jar" "$url/dashboard?province=MI&interno=1" >"$tmp/mi-int.html"
grep -q 'USO INTERNO' "$tmp/mi-int.html" && grep -q '<title>\[Uso interno\]' "$tmp/mi-int.html" &&
	pass "dashboard internal page marked USO INTERNO" || fail "dashboard internal page marked" "no mark"
python3 - "$tmp/mi-int.html" "$db" <<'EOF'
import re, sqlite3, sys
html = open(sys.argv[1]).read()
db = sqlite3.connect(sys.argv[2])
want = dict(db.execute("SELECT comune, COUNT(*) FROM application GROUP BY 1").fetchall())
rows = re.findall(r'<tr data-key="([0-9]+)">(.*?)</tr>', html, re.S)
got = {k: re.search(r'data-m="applications">([0-9.]*)<', tr).group(1).replace('.', '') for k, tr in rows}
bad = [k for k, v in got.items() if int(v) != want.get(k, 0)]
ok = len(got) > 5 and not bad
print(('PASS' if ok else 'FAIL') + ' dashboard internal page: %d comuni exact (= SQL)' % len(got) + ('' if ok else ': ' + str(bad[:3])))
EOF
# The hub's worker threads serve views in parallel: same pages, same figures.
par=()
for i in $(seq 24); do
	case $((i % 4)) in
	0) v="/dashboard" ;; 1) v="/dashboard?province=MI" ;; 2) v="/dashboard?region=Lombardia" ;; 3) v="/dashboard?comune=015146" ;;
	esac
	curl -s -b "$jar" -o "$tmp/par$i.html" -w '%{http_code}\n' "$url$v" >"$tmp/par$i.code" &
	par+=($!)
done
wait "${par[@]}"
codes=$(cat "$tmp"/par*.code | sort | uniq -c | tr -s ' ')
check "dashboard 24 parallel views all 200" "$codes" " 24 200"
same=1
for i in 5 9 13 17 21; do cmp -s "$tmp/par1.html" "$tmp/par$i.html" || same=0; done
check "dashboard parallel views identical" "$same" 1
# Logout needs the session's CSRF token, and ends the session.
csrf=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$tmp/dash.html" | sed 's/.*value="//;s/"//')
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" --data csrf=bad "$url/logout")
check "dashboard logout without CSRF token refused" "$code" "403"
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" -c "$jar" --data csrf="$csrf" "$url/logout")
check "dashboard logout" "$code" "303"
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" "$url/dashboard")
check "dashboard session ended after logout" "$code" "303"

# --- comune staff: own comune unprotected, others protected ---
jar2="$tmp/jar2"
curl -s -c "$jar2" -b "$jar2" "$url/login" >"$tmp/login.html"
csrf=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$tmp/login.html" | sed 's/.*value="//;s/"//')
curl -s -o /dev/null -c "$jar2" -b "$jar2" --data-urlencode name=staff.milano \
	--data-urlencode password=password-milano-1 --data-urlencode csrf="$csrf" "$url/login"
curl -s -b "$jar2" "$url/dashboard?comune=015146&interno=1" >"$tmp/own.html"
kpi=$(grep -o 'data-kpi="applications">[0-9.]*<' "$tmp/own.html" | sed 's/.*>\([0-9.]*\)</\1/;s/\.//g')
grep -q 'USO INTERNO' "$tmp/own.html" && [ "$kpi" = "$(sqlite3 "$db" "SELECT COUNT(*) FROM application WHERE comune = '015146'")" ] &&
	pass "dashboard comune staff: own comune exact on the internal page ($kpi)" ||
	fail "dashboard comune staff own comune" "kpi $kpi"
curl -s -b "$jar2" "$url/dashboard?comune=015146" >"$tmp/own-pub.html"
grep -q 'data-protection="cell-key"' "$tmp/own-pub.html" && pass "dashboard comune staff: own comune protected by default" ||
	fail "dashboard comune staff own comune default" "not protected"
curl -s -b "$jar2" "$url/dashboard?comune=015002" >"$tmp/other.html"
grep -q 'Dati protetti' "$tmp/other.html" && pass "dashboard comune staff: other comuni protected" ||
	fail "dashboard comune staff other comune" "not protected"
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar2" "$url/dashboard?province=MI&interno=1")
check "dashboard comune staff: no internal page beyond their comune" "$code" 403

# --- headless Chromium: log in, drill down, screenshots, numbers ---
# The DevTools client runs on Node.js 18 or later (Debian 12's nodejs),
# with its own WebSocket (tests/e2e/ws_client.js). scripts/deps test
# installs both, so a missing one is a failure, not a skip.
if ! command -v chromium >/dev/null || ! command -v node >/dev/null ||
	! node -e 'process.exit(parseInt(process.versions.node, 10) >= 18 ? 0 : 1)' 2>/dev/null; then
	fail "dashboard chromium" "chromium, or node 18+, missing (scripts/deps test installs them)"
	exit 1
fi
profile="$tmp/chromium"
mkdir -p "$profile"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
	--disable-component-update --disable-sync --user-data-dir="$profile" --remote-debugging-port=0 \
	--remote-allow-origins='*' about:blank >"$tmp/chromium.log" 2>&1 &
pids+=($!)
for _ in $(seq 150); do [ -s "$profile/DevToolsActivePort" ] && break; sleep 0.1; done
devport=$(head -1 "$profile/DevToolsActivePort" 2>/dev/null)
[ -n "$devport" ] || { fail "dashboard chromium starts" "no DevTools port"; exit 1; }
if ! timeout 120 node "$top/tests/e2e/dashboard_cdp.js" "$devport" "$url" \
	"$shots" coord una-password-lunga >"$tmp/pages.json" 2>"$tmp/cdp.log"; then
	fail "dashboard chromium drill-down" "$(tail -3 "$tmp/cdp.log")"
	exit 1
fi
pass "dashboard chromium logs in and drills down to a comune"
for s in 01-login 02-italia 03-lombardia 04-provincia-milano 05-comune-milano; do
	sz=$(stat -c %s "$shots/$s.png" 2>/dev/null || echo 0)
	[ "$sz" -gt 20000 ] && pass "dashboard screenshot $s" || fail "dashboard screenshot $s" "size $sz"
done
# Compare what the pages show with SQL (Italian thousands dots removed).
PYTHONPATH="$top/tests/e2e" python3 - "$tmp/pages.json" "$db" <<'EOF'
import json, sqlite3, sys
from sdc_support import allowed
pages = json.load(open(sys.argv[1]))
db = sqlite3.connect(sys.argv[2])
def n(s): return int(s.replace('.', '')) if s.replace('.', '').isdigit() else None
def support(n):  # the p-table (docs/reports.md)
    if n == 0: return {0}
    if n <= 4: return {0, 5}
    return {max(5, n + d) for d in range(-4, 5)} | ({0} if n <= 8 else set())
def ok(name, cond, why=''):
    print(('PASS ' if cond else 'FAIL ') + name + ('' if cond else ': ' + why))
ok('dashboard page language is Italian', pages['national']['lang'] == 'it')
ok('dashboard uses Titillium Web', 'Titillium Web' in pages['national']['font'] and
   any('Titillium' in f for f in pages['national']['fontsLoaded']), str(pages['national']['fontsLoaded']))
ok('dashboard pages have no scripts', all(pages[p]['scripts'] == 0 for p in pages))
ok('dashboard every field has a label', all(pages[p]['unlabelled'] == 0 for p in pages))
ok('dashboard every table has header cells', all(pages[p]['tablesWithoutHeaders'] == 0 for p in pages))
ok('dashboard every chart has a title', all(pages[p]['svgWithoutTitle'] == 0 for p in pages))
total = db.execute("SELECT COUNT(*) FROM application").fetchone()[0]
ok('dashboard national KPI within the p-table of SQL', n(pages['national']['kpi']['applications']) in support(total),
   '%s vs %d' % (pages['national']['kpi']['applications'], total))
seats = db.execute("SELECT SUM(seats) FROM placement").fetchone()[0]
ok('dashboard national seats match SQL', n(pages['national']['kpi']['seats']) == seats)
changed = [0]
def rows_match(page, sql, what, exact=False):
    bad = 0; checked = 0
    want = dict(db.execute(sql).fetchall())
    for r in pages[page]['rows']:
        v = n(r[what])
        if v is None:
            continue
        checked += 1
        w = want.get(r['key'], 0)
        if (v != w) if exact else (v not in support(w)):
            bad += 1
        changed[0] += v != w
    ok('dashboard %s %s %s SQL (%d rows)' % (page, what, 'match' if exact else 'within the p-table of', checked),
       bad == 0 and checked > 0, '%d differ' % bad)
    return checked
rows_match('national', "SELECT c.region, COUNT(*) FROM application a JOIN comune c ON c.istat = a.comune GROUP BY 1", 'applications')
rows_match('region', "SELECT c.province, COUNT(*) FROM application a JOIN comune c ON c.istat = a.comune WHERE c.region = 'Lombardia' GROUP BY 1", 'applications')
rows_match('region', "SELECT c.province, SUM(p.seats) FROM placement p JOIN comune c ON c.istat = p.comune WHERE c.region = 'Lombardia' GROUP BY 1", 'seats', True)
# Comune rows: the documented method at comune level (sums of leaves below 50).
def comune_rows(what):
    bad = checked = 0
    for r in pages['province']['rows']:
        v = n(r[what])
        if v is None:
            continue
        checked += 1
        bad += v not in allowed(db, 'a.comune = ?', (r['key'],), what == 'selected')
    ok('dashboard province %s within the documented method for comuni (%d rows)' % (what, checked),
       bad == 0 and checked > 0, '%d differ' % bad)
comune_rows('applications')
comune_rows('selected')
small = [r for p in ('national', 'region', 'province') for r in pages[p]['rows']
         for k in ('applications', 'selected') if n(r[k]) is not None and 1 <= n(r[k]) <= 4]
ok('dashboard coordinator pages show no count from 1 to 4', not small, str(small[:3]))
ok('dashboard pages show perturbed counts', changed[0] > 0)
mil = db.execute("SELECT COUNT(*) FROM application WHERE comune = '015146'").fetchone()[0]
ok('dashboard comune Milano KPI within the documented method', n(pages['comune']['kpi']['applications']) in
   allowed(db, "a.comune = '015146'"),
   '%s vs %d' % (pages['comune']['kpi']['applications'], mil))
ok('dashboard drill-down reached Milano', pages['comune']['h1'] == 'Milano (MI)', pages['comune']['h1'])
EOF
