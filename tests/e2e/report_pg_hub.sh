#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Reports, open data and the dashboard on a PostgreSQL hub. A throwaway
# PostgreSQL cluster (unix socket in a temp dir) and a SQLite hub file
# are filled with the same applications through the hub's own storage
# code (tests/tools/report_fill: ingest keeps the rollups, status
# changes, kiosk usage counts). Then:
#  - `dote report` prints byte-identical CSV/JSON from both, for every
#    rollup (province, comune, placement, attributes, funnel) and the raw
#    path, with filters; `--raw` on PostgreSQL equals its rollups;
#  - published counts equal an independent GROUP BY in PostgreSQL;
#  - `dote opendata` writes the same tables from both;
#  - rollups emptied behind the hub's back are rebuilt on PostgreSQL, and
#    `dote report --rebuild` repairs partly lost ones;
#  - a dote-hub on PostgreSQL serves /dashboard: accounts made with
#    `dote user add --db postgres://...`, login, drill-down to a
#    province whose numbers equal SQL, comune staff unprotected for
#    their own comune, logout, a 503 while PostgreSQL restarts and the
#    same page once it is back;
#  - with DOTE_DASHBOARD_SECURE_COOKIES=1 every cookie is Secure.
# SKIP when PostgreSQL's server binaries (or root to run them) are missing.
set -u
top=${DOTE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
O=${O:-build}
bin=${DOTE_BIN:-$top/$O/bin}
tbin=${DOTE_TESTS_BIN:-$top/$O/tests}
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ] || ! id postgres >/dev/null 2>&1 || [ "$(id -u)" != 0 ] ||
	! command -v runuser >/dev/null; then
	echo "SKIP report pg hub: PostgreSQL server binaries (or root to run them as postgres) missing"
	exit 0
fi
T=$(mktemp -d)
chmod 755 "$T"
pids=()
pg_started=
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	[ -n "$pg_started" ] && runuser -u postgres -- "$pgbin/pg_ctl" -D "$T/pg" -m immediate stop >/dev/null 2>&1
	rm -rf "$T"
}
trap cleanup EXIT
failures=0
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; failures=$((failures + 1)); }
check() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', want '$3'"; fi; }

mkdir -p "$T/pg" "$T/sock"
chown postgres "$T/pg" "$T/sock"
runuser -u postgres -- "$pgbin/initdb" -D "$T/pg" -A trust -U postgres -E UTF8 --no-sync >"$T/initdb.log" 2>&1 ||
	{ fail "report pg hub: initdb" "$(tail -2 "$T/initdb.log")"; exit 1; }
runuser -u postgres -- "$pgbin/pg_ctl" -D "$T/pg" -w -l "$T/pg/server.log" \
	-o "-k $T/sock -c listen_addresses= -p 5432 -c fsync=off" start >/dev/null ||
	{ fail "report pg hub: server" "$(tail -3 "$T/pg/server.log")"; exit 1; }
pg_started=1
runuser -u postgres -- "$pgbin/createdb" -h "$T/sock" -p 5432 dote ||
	{ fail "report pg hub: createdb" "failed"; exit 1; }
pg="postgresql:///dote?host=$T/sock&port=5432&user=postgres"
sql() { runuser -u postgres -- "$pgbin/psql" -h "$T/sock" -p 5432 -d dote -v ON_ERROR_STOP=1 -qAt -F, -c "$1"; }
lite="$T/hub.db"

out=$("$tbin/report_fill" "$lite" 1500 7 2>&1)
check "report pg hub: SQLite hub filled through ingest" "$out" "stored 1500"
out=$("$tbin/report_fill" "$pg" 1500 7 2>&1)
check "report pg hub: PostgreSQL hub filled through ingest" "$out" "stored 1500"
check "report pg hub: PostgreSQL holds the applications" "$(sql "SELECT COUNT(*), COUNT(duplicate_of) FROM application")" \
	"$(sqlite3 -csv "$lite" "SELECT COUNT(*), COUNT(duplicate_of) FROM application")"

# Both hubs made their own secret for the statistics' record keys
# (reports/stats/sdc.h); the comparison below needs the same noise, so
# the PostgreSQL hub takes the SQLite hub's secret and rebuilds its
# rollups (`dote report --rebuild` also remakes dote_rkey()).
check "report pg hub: each hub has a 64-digit statistics secret" \
	"$(sqlite3 "$lite" "SELECT length(secret) FROM sdc_secret"),$(sql "SELECT length(secret) FROM sdc_secret")" "64,64"
sql "UPDATE sdc_secret SET secret = '$(sqlite3 "$lite" "SELECT secret FROM sdc_secret")'" >/dev/null
"$bin/dote" report --db "$pg" --rebuild --dims region --measures applications >/dev/null ||
	fail "report pg hub: rebuild with the shared secret" "failed"

# --- the same reports from both ---
specs=(
	"province|applications,applicants,selected,started,completed,dropped_out,dropout_rate,seats,fill_rate,applications_per_seat|"
	"region,month|applications,selected|"
	"comune,call|applications,seats,applications_per_seat,fill_rate|"
	"placement|applications,selected,started|"
	"area,office|applications,seats|"
	"province,sex|applications,selected|"
	"age_band,education|applications|"
	"quarter|sessions,views,forms,submits|"
	"comune,month|sessions,submits|--province MI"
	"province,applicant_status|applications,selected|"
	"province,residence|applications|--call 7/2025"
	"month,year|applications,applicants|--period 2025-04..2025-06"
	"|applications,applicants,selected,seats,fill_rate|--comune 015146"
)
i=0 differ=0
for spec in "${specs[@]}"; do
	IFS='|' read -r dims meas extra <<<"$spec"
	i=$((i + 1))
	# shellcheck disable=SC2086
	"$bin/dote" report --db "$lite" --dims "$dims" --measures "$meas" $extra >"$T/l$i.csv" 2>"$T/l$i.err"
	rl=$?
	# shellcheck disable=SC2086
	"$bin/dote" report --db "$pg" --dims "$dims" --measures "$meas" $extra >"$T/p$i.csv" 2>"$T/p$i.err"
	rp=$?
	if [ $rl -ne 0 ] || [ $rp -ne 0 ]; then
		fail "report pg hub: '$dims' '$extra' runs" "sqlite $rl pg $rp: $(head -2 "$T/p$i.err" "$T/l$i.err")"
		differ=$((differ + 1))
	elif ! cmp -s "$T/l$i.csv" "$T/p$i.csv"; then
		fail "report pg hub: '$dims' '$extra' identical CSV" "$(diff "$T/l$i.csv" "$T/p$i.csv" | head -4)"
		differ=$((differ + 1))
	elif [ "$(wc -l <"$T/p$i.csv")" -lt 2 ]; then
		fail "report pg hub: '$dims' '$extra' has rows" "$(head -2 "$T/p$i.csv")"
	else
		pass "report pg hub: '${dims:-total}' ${extra:+$extra }identical CSV ($(($(wc -l <"$T/p$i.csv") - 1)) rows)"
	fi
done
"$bin/dote" report --db "$lite" --dims province,month --measures applications,selected --excel-it >"$T/lx.csv" &&
	"$bin/dote" report --db "$pg" --dims province,month --measures applications,selected --excel-it >"$T/px.csv" &&
	cmp -s "$T/lx.csv" "$T/px.csv" && pass "report pg hub: --excel-it identical" ||
	fail "report pg hub: --excel-it identical" "$(diff "$T/lx.csv" "$T/px.csv" | head -3)"
"$bin/dote" report --db "$lite" --dims comune --measures applications,fill_rate --format json >"$T/lj.json" &&
	"$bin/dote" report --db "$pg" --dims comune --measures applications,fill_rate --format json >"$T/pj.json" &&
	cmp -s "$T/lj.json" "$T/pj.json" && pass "report pg hub: JSON identical" ||
	fail "report pg hub: JSON identical" "$(diff "$T/lj.json" "$T/pj.json" | head -3)"
"$bin/dote" report --db "$pg" --dims province,sex --measures applications,selected >"$T/pr.csv" 2>"$T/pr.err" &&
	"$bin/dote" report --db "$pg" --dims province,sex --measures applications,selected --raw >"$T/prr.csv" &&
	"$bin/dote" report --db "$pg" --dims province,call,month --measures applications,applicants,selected >"$T/pr2.csv" &&
	"$bin/dote" report --db "$pg" --dims province,call,month --measures applications,applicants,selected --raw >"$T/pr2r.csv" &&
	cmp -s "$T/pr.csv" "$T/prr.csv" && cmp -s "$T/pr2.csv" "$T/pr2r.csv" &&
	pass "report pg hub: rollups kept at ingest equal the raw rows on PostgreSQL" ||
	fail "report pg hub: rollups = raw on PostgreSQL" "$(diff "$T/pr2.csv" "$T/pr2r.csv" | head -3)"
out=$("$bin/dote" report --db "$pg" --dims province --measures applications --region "Lombardia' OR 1=1--" 2>&1)
[[ $? -eq 2 && "$out" == *"unknown region"* ]] && pass "report pg hub: injection in a filter refused" ||
	fail "report pg hub: injection refused" "$out"

# --- placement statistics (issue 19): the same placements and registers
# in both hubs, the same protected tables ---
sqlite3 "$lite" "INSERT INTO traineeship(uuid, comune, placement_code, cf, start_date, end_date, months,
	weekly_minutes, classroom_hours, tutor_comune, tutor_promoter, rule, status, ended_on, end_reason,
	started_by, started_at)
	SELECT uuid, comune, placement_code, 'X', printf('2025-%02d-01', 1 + rowid % 3), '2025-12-01', 6, 1200, 40,
	't', 'p', '{}', CASE status WHEN 'started' THEN 'running' ELSE status END,
	CASE WHEN status = 'started' THEN NULL ELSE printf('2025-%02d-15', 4 + rowid % 5) END,
	CASE WHEN status = 'dropped_out' THEN (CASE rowid % 3 WHEN 0 THEN 'job' WHEN 1 THEN 'personal' ELSE 'health' END) END,
	'test', '2025-01-01' FROM application WHERE status IN ('started', 'completed', 'dropped_out');
	WITH RECURSIVE m(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM m WHERE k < 3)
	INSERT INTO register_month(uuid, month, classroom_minutes, confirmed_at, confirmed_by, working_days, due_days,
	suspended_days, expected_minutes, attended_minutes, rate_permille, base_cents, due_cents, why, explain, paid_at)
	SELECT t.uuid, printf('2025-%02d', 3 + m.k), 60 * m.k, '2025-07-01', 't', 22, 22, 0, 5280,
	4000 + (t.rowid * 37) % 1280, 900, 50000, 40000 + (t.rowid * 13) % 10000, 'full', '',
	CASE WHEN m.k < 3 THEN '2025-07-02' END FROM traineeship t, m;
	INSERT INTO traineeship_followup(uuid, status, followed_on, recorded_by, recorded_at)
	SELECT uuid, CASE rowid % 4 WHEN 1 THEN 'not_employed' WHEN 3 THEN 'education' ELSE 'employed' END,
	'2025-12-01', 't', '2025-12-01T09:00:00Z' FROM traineeship WHERE status <> 'running' AND rowid % 5 <> 0;" ||
	fail "report pg hub: placements in the SQLite hub" "insert failed"
{
	echo "BEGIN;"
	sqlite3 "$lite" ".mode insert traineeship" "SELECT * FROM traineeship"
	sqlite3 "$lite" ".mode insert register_month" "SELECT * FROM register_month"
	sqlite3 "$lite" ".mode insert traineeship_followup" "SELECT * FROM traineeship_followup"
	echo "COMMIT;"
} >"$T/placements.sql"
runuser -u postgres -- "$pgbin/psql" -h "$T/sock" -p 5432 -d dote -v ON_ERROR_STOP=1 -qAt -f "$T/placements.sql" 	>/dev/null 2>"$T/placements.err" || fail "report pg hub: placements in the PostgreSQL hub" "$(head -2 "$T/placements.err")"
pall=placements_started,placements_completed,placements_dropped_out,completion_rate,trainees,hours_on_the_job,classroom_hours,attendance_rate,allowance_paid_eur,followed_up,employed_after
for spec in "province,quarter|$pall" "end_reason|placements_dropped_out" "comune,month|placements_started,placements_dropped_out,trainees" "|$pall" \
	"comune,year|followed_up,employed_after"; do
	IFS='|' read -r dims meas <<<"$spec"
	"$bin/dote" report --db "$lite" --dims "$dims" --measures "$meas" >"$T/pl.csv" 2>&1
	"$bin/dote" report --db "$pg" --dims "$dims" --measures "$meas" >"$T/pp.csv" 2>&1
	if cmp -s "$T/pl.csv" "$T/pp.csv" && [ "$(wc -l <"$T/pp.csv")" -ge 2 ]; then
		pass "report pg hub: placements '${dims:-total}' identical CSV ($(($(wc -l <"$T/pp.csv") - 1)) rows)"
	else
		fail "report pg hub: placements '${dims:-total}' identical CSV" "$(diff "$T/pl.csv" "$T/pp.csv" | head -4)"
	fi
done

# --- published counts against an independent GROUP BY in PostgreSQL ---
sql "SELECT c.province, COUNT(*), SUM(CASE WHEN a.duplicate_of IS NULL THEN 1 ELSE 0 END),
	SUM(CASE WHEN a.status IN ('selected','started','completed','dropped_out') THEN 1 ELSE 0 END)
	FROM application a JOIN comune c ON c.istat = a.comune GROUP BY 1" >"$T/want.csv"
# Published = the p-table's value for the true count (docs/reports.md).
in_support() { # published true
	local p=$1 t=$2
	if [ "$t" = 0 ]; then [ "$p" = 0 ]
	elif [ "$t" -le 4 ]; then [ "$p" = 0 ] || [ "$p" = 5 ]
	elif [ "$t" -le 8 ] && [ "$p" = 0 ]; then true
	else [ "$p" -ge 5 ] && [ "$p" -ge $((t - 4)) ] && [ "$p" -le $((t + 4)) ]; fi
}
bad=0 checked=0 changed=0
while IFS=, read -r prov label apps applicants selected rest; do
	[ "$prov" = province ] && continue
	want=$(grep "^$prov," "$T/want.csv")
	for pair in "$apps:$(cut -d, -f2 <<<"$want")" "$applicants:$(cut -d, -f3 <<<"$want")" \
		"$selected:$(cut -d, -f4 <<<"$want")"; do
		checked=$((checked + 1))
		in_support "${pair%%:*}" "${pair#*:}" || bad=$((bad + 1))
		[ "${pair%%:*}" = "${pair#*:}" ] || changed=$((changed + 1))
	done
done <"$T/p1.csv"
[ "$bad" = 0 ] && [ "$checked" -ge 12 ] && [ "$changed" -gt 0 ] &&
	pass "report pg hub: $checked province counts within the p-table of PostgreSQL GROUP BY ($changed perturbed)" ||
	fail "report pg hub: province counts vs GROUP BY" "$bad of $checked outside, $changed perturbed"

# --- open data from both ---
"$bin/dote" opendata --db "$lite" --out "$T/od-lite" >/dev/null 2>"$T/od.err" &&
	"$bin/dote" opendata --db "$pg" --out "$T/od-pg" >/dev/null 2>>"$T/od.err"
same=1 n=0
for f in "$T"/od-lite/*.csv; do
	n=$((n + 1))
	cmp -s "$f" "$T/od-pg/$(basename "$f")" || { same=0; echo "# differs: $(basename "$f")"; }
done
[ "$same" = 1 ] && [ "$n" -ge 8 ] && pass "report pg hub: open data identical ($n tables)" ||
	fail "report pg hub: open data identical" "$n tables, same=$same $(head -2 "$T/od.err")"
check "report pg hub: open-data metadata identical but for the time" \
	"$(grep -v '"at"' "$T/od-pg/metadata.json" | md5sum)" "$(grep -v '"at"' "$T/od-lite/metadata.json" | md5sum)"

# --- rollups lost behind the hub's back are rebuilt ---
sql "DELETE FROM rollup_province; DELETE FROM rollup_comune; DELETE FROM rollup_placement; DELETE FROM rollup_funnel"
"$bin/dote" report --db "$pg" --dims province --measures applications,applicants,selected,started,completed,dropped_out,dropout_rate,seats,fill_rate,applications_per_seat >"$T/rebuilt.csv" 2>"$T/rebuilt.err"
cmp -s "$T/rebuilt.csv" "$T/l1.csv" && pass "report pg hub: emptied rollups rebuilt with the same figures" ||
	fail "report pg hub: rollup rebuild" "$(diff "$T/rebuilt.csv" "$T/l1.csv" | head -3) $(head -2 "$T/rebuilt.err")"
check "report pg hub: rebuilt rollups count every application" \
	"$(sql "SELECT SUM(applications) FROM rollup_comune WHERE attr = 'sex'")" 1500
sql "DELETE FROM rollup_comune WHERE attr = 'sex'"
"$bin/dote" report --db "$pg" --rebuild --dims province,sex --measures applications >"$T/rb.csv" 2>"$T/rb.err" &&
	"$bin/dote" report --db "$lite" --dims province,sex --measures applications >"$T/rbl.csv" &&
	cmp -s "$T/rb.csv" "$T/rbl.csv" &&
	[ "$(sql "SELECT SUM(applications) FROM rollup_comune WHERE attr = 'sex'")" = 1500 ] &&
	pass "report pg hub: dote report --rebuild repairs partly lost rollups" ||
	fail "report pg hub: --rebuild" "$(diff "$T/rb.csv" "$T/rbl.csv" | head -3) $(head -2 "$T/rb.err")"

# --- the dashboard of a hub on PostgreSQL ---
echo 'una-password-lunga' | "$bin/dote" user add --db "$pg" --name coord --role coordinator >/dev/null &&
	pass "report pg hub: coordinator account in PostgreSQL" || fail "report pg hub: coordinator account" "user add failed"
echo 'password-milano-1' | "$bin/dote" user add --db "$pg" --name staff.milano --role comune --comune 015146 >/dev/null ||
	fail "report pg hub: comune account" "user add failed"
check "report pg hub: password stored as argon2id in PostgreSQL" \
	"$(sql "SELECT substr(pwhash, 1, 10) FROM hub_user WHERE name = 'coord'")" '$argon2id$'

start_hub() { # name db [env...]: sets url; $HUB_ARGS are added to the command line
	local name=$1 db=$2
	shift 2
	# shellcheck disable=SC2086
	env "$@" "$bin/dote-hub" --db "$db" --listen 127.0.0.1:0 --port-file "$T/$name.port" ${HUB_ARGS:-} >"$T/$name.log" 2>&1 &
	pids+=($!)
	for _ in $(seq 150); do [ -s "$T/$name.port" ] && break; sleep 0.1; done
	url=http://127.0.0.1:$(cat "$T/$name.port" 2>/dev/null)
	[ -s "$T/$name.port" ]
}
login() { # jar name password: prints the headers of the login answer
	curl -s -c "$1" -b "$1" "$url/login" >"$T/login.html"
	local csrf
	csrf=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$T/login.html" | sed 's/.*value="//;s/"//')
	curl -s -D - -o /dev/null -c "$1" -b "$1" --data-urlencode name="$2" --data-urlencode password="$3" \
		--data-urlencode csrf="$csrf" "$url/login"
}
start_hub pghub "$pg" || { fail "report pg hub: dote-hub on PostgreSQL starts" "$(tail -3 "$T/pghub.log")"; exit 1; }
grep -q 'dashboard.*off' "$T/pghub.log" && fail "report pg hub: dashboard on" "$(grep dashboard "$T/pghub.log")"
code=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "$url/dashboard")
check "report pg hub: /dashboard asks for a login" "$code" "303 $url/login"
hdr=$(login "$T/jar" coord sbagliata-davvero)
[[ "$hdr" == *" 401"* ]] && pass "report pg hub: wrong password refused" || fail "report pg hub: wrong password" "$hdr"
hdr=$(login "$T/jar" coord una-password-lunga)
[[ "$hdr" == *" 303"* && "$hdr" == *"dc_session="*"HttpOnly; SameSite=Strict"* && "$hdr" != *"Secure"* ]] &&
	pass "report pg hub: login opens a session kept in PostgreSQL" || fail "report pg hub: login" "$hdr"
check "report pg hub: one session row in PostgreSQL" "$(sql "SELECT COUNT(*) FROM hub_session")" 1
curl -s -b "$T/jar" -o "$T/italia.html" -w '%{http_code}' "$url/dashboard" >"$T/code"
check "report pg hub: national view" "$(cat "$T/code")" 200
curl -s -b "$T/jar" -o "$T/lomb.html" "$url/dashboard?region=Lombardia"
curl -s -b "$T/jar" -o "$T/mi.html" "$url/dashboard?province=MI"
curl -s -b "$T/jar" -o "$T/mi.csv" "$url/dashboard/csv?province=MI"
sql "SELECT COUNT(*) FROM application" >"$T/total"
sql "SELECT c.province, COUNT(*) FROM application a JOIN comune c ON c.istat = a.comune WHERE c.region = 'Lombardia' GROUP BY 1" >"$T/lomb.want"
sql "SELECT a.comune, COUNT(*) FROM application a JOIN comune c ON c.istat = a.comune WHERE c.province = 'MI' GROUP BY 1" >"$T/mi.want"
sql "SELECT a.comune, SUM(CASE WHEN a.status IN ('selected','started','completed','dropped_out') THEN 1 ELSE 0 END) FROM application a JOIN comune c ON c.istat = a.comune WHERE c.province = 'MI' GROUP BY 1" >"$T/mi-sel.want"
python3 - "$T" <<'EOF'
import re, sys
T = sys.argv[1]
def ok(name, cond, why=''):
    print(('PASS ' if cond else 'FAIL ') + 'report pg hub: ' + name + ('' if cond else ': ' + why))
def want(f):
    return {k: int(v) for k, v in (l.strip().split(',') for l in open(T + '/' + f) if l.strip())}
def num(s):
    s = s.replace('.', '')
    return int(s) if s.isdigit() else None
def support(n):  # the p-table (docs/reports.md)
    if n == 0: return {0}
    if n <= 4: return {0, 5}
    return {max(5, n + d) for d in range(-4, 5)} | ({0} if n <= 8 else set())
def rows(page, measure):
    html = open(T + '/' + page).read()
    out = {}
    for tr in re.findall(r'<tr data-key="([^"]*)">(.*?)</tr>', html, re.S):
        m = re.search(r'data-m="%s">([^<]*)<' % measure, tr[1])
        if m:
            out[tr[0]] = m.group(1)
    return out
nat = open(T + '/italia.html').read()
k = re.search(r'data-kpi="applications">([^<]*)<', nat)
total = int(open(T + '/total').read())
ok('national KPI within the p-table of SQL', k is not None and num(k.group(1)) in support(total),
   '%s vs %d' % (k and k.group(1), total))
for page, f, measure, label in (('lomb.html', 'lomb.want', 'applications', 'Lombardia provinces'),
                                ('mi.html', 'mi.want', 'applications', 'Milano drill-down comuni'),
                                ('mi.html', 'mi-sel.want', 'selected', 'Milano drill-down comuni')):
    got, w = rows(page, measure), want(f)
    checked = [key for key, v in got.items() if num(v) is not None]
    bad = [key for key in checked if num(got[key]) not in support(w.get(key, 0))]
    small = [key for key in checked if 1 <= num(got[key]) <= 4]
    ok('%s %s within the p-table of SQL (%d rows)' % (label, measure, len(checked)), checked and not bad, str(bad[:3]))
    ok('%s %s: no count from 1 to 4 shown' % (label, measure), not small, str(small[:3]))
csv = [l.split(',') for l in open(T + '/mi.csv').read().replace('\r', '').splitlines()[1:] if l]
w = want('mi.want')
bad = [r for r in csv if r[2] != '*' and int(r[2]) not in support(w.get(r[0], 0))]
ok('dashboard CSV on PostgreSQL within the p-table of SQL (%d rows)' % len(csv), csv and not bad, str(bad[:2]))
EOF
jar2="$T/jar2"
login "$jar2" staff.milano password-milano-1 >/dev/null
curl -s -b "$jar2" -o "$T/own.html" "$url/dashboard?comune=015146&interno=1"
kpi=$(grep -o 'data-kpi="applications">[0-9.]*<' "$T/own.html" | sed 's/.*>\([0-9.]*\)</\1/;s/\.//g')
grep -q 'USO INTERNO' "$T/own.html" && ! grep -q 'riservato</' "$T/own.html" &&
	[ "$kpi" = "$(sql "SELECT COUNT(*) FROM application WHERE comune = '015146'")" ] &&
	pass "report pg hub: comune staff see their comune exact on the internal page" ||
	fail "report pg hub: comune staff" "kpi $kpi"
curl -s -b "$jar2" -o "$T/other.html" "$url/dashboard?comune=016024"
grep -q 'Dati protetti' "$T/other.html" && pass "report pg hub: other comuni stay protected" ||
	fail "report pg hub: other comuni protected" "no note"
csrf=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$T/italia.html" | sed 's/.*value="//;s/"//')
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$T/jar" -c "$T/jar" --data csrf="$csrf" "$url/logout")
code2=$(curl -s -o /dev/null -w '%{http_code}' -b "$T/jar" "$url/dashboard")
check "report pg hub: logout ends the session" "$code $code2" "303 303"

# --- PostgreSQL restarts under the dashboard: a clear 503, then back ---
runuser -u postgres -- "$pgbin/pg_ctl" -D "$T/pg" -m fast -w stop >/dev/null
code=$(curl -s -o "$T/down.html" -w '%{http_code}' -b "$jar2" "$url/dashboard?comune=015146&interno=1")
[ "$code" = 503 ] && grep -q 'Servizio non disponibile' "$T/down.html" &&
	pass "report pg hub: PostgreSQL down: the dashboard answers 503" || fail "report pg hub: PostgreSQL down" "HTTP $code"
runuser -u postgres -- "$pgbin/pg_ctl" -D "$T/pg" -w -l "$T/pg/server.log" \
	-o "-k $T/sock -c listen_addresses= -p 5432 -c fsync=off" start >/dev/null ||
	fail "report pg hub: PostgreSQL restarts" "$(tail -3 "$T/pg/server.log")"
code=$(curl -s -o "$T/back.html" -w '%{http_code}' -b "$jar2" "$url/dashboard?comune=015146&interno=1")
[ "$code" = 200 ] && cmp -s "$T/back.html" "$T/own.html" &&
	pass "report pg hub: PostgreSQL back: the dashboard reconnects, same page, session kept" ||
	fail "report pg hub: dashboard after PostgreSQL restart" "HTTP $code"

# --- Secure cookies when the hub is reached over HTTPS ---
start_hub secure "$lite" DOTE_DASHBOARD_SECURE_COOKIES=1 ||
	{ fail "report pg hub: second hub starts" "$(tail -3 "$T/secure.log")"; exit 1; }
echo 'una-password-lunga' | "$bin/dote" user add --db "$lite" --name coord --role coordinator >/dev/null
pre=$(curl -s -D - -o /dev/null "$url/login" | grep -i '^set-cookie')
hdr=$(login "$T/jar3" coord una-password-lunga | grep -i '^set-cookie')
[[ "$pre" == *"dc_pre="*"; Secure"* && "$hdr" == *"dc_session="*"; Secure"* ]] &&
	pass "report pg hub: DOTE_DASHBOARD_SECURE_COOKIES=1 marks every cookie Secure" ||
	fail "report pg hub: Secure cookies" "$pre / $hdr"
# The same through the hub's configuration (cookie_secure = 1).
HUB_ARGS="--set cookie_secure=1" start_hub secure2 "$lite" ||
	{ fail "report pg hub: third hub starts" "$(tail -3 "$T/secure2.log")"; exit 1; }
pre=$(curl -s -D - -o /dev/null "$url/login" | grep -i '^set-cookie')
hdr=$(login "$T/jar4" coord una-password-lunga | grep -i '^set-cookie')
[[ "$pre" == *"dc_pre="*"; Secure"* && "$hdr" == *"dc_session="*"; Secure"* ]] &&
	pass "report pg hub: cookie_secure = 1 in the hub's configuration marks every cookie Secure" ||
	fail "report pg hub: Secure cookies from the configuration" "$pre / $hdr"
[ "$failures" -eq 0 ]
