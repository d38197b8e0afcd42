#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Running placements at scale (issue 19): BENCH_PLACEMENTS (default
# 10,000) running placements, each with a month of kiosk events (09:00
# to 13:00 on every working day) and a confirmed register, in a SQLite
# hub. Times, in the same run:
#   - one trainee's monthly register page through the hub over HTTP
#     (logged in as the comune's tutor), against a plain SQL aggregate of
#     the same trainee's events (sqlite3);
#   - the month's allowance CSV for every placement, through the hub,
#     against a plain SQL export of the same rows (sqlite3 -csv).
# Targets: each <= 200 ms. The kiosk's sign-in with the hub down is
# timed here through tests/unit/test_attendance.c (a scan, committed and
# signed, answers in <= 100 ms; about 20 ms here), against one plain
# SQLite insert committed the same way (the floor of any durable scan).
# BENCH_QUICK=1: 500 placements (tests/e2e/bench_short.sh).
set -u
top=${DOTE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
O=${O:-build}
bin=${DOTE_BIN:-$top/$O/bin}
n=${BENCH_PLACEMENTS:-$([ -n "${BENCH_QUICK:-}" ] && echo 500 || echo 10000)}
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
export TZ=Europe/Rome DOTE_NOW=1775124000	# 2 April 2026
ms() { date +%s%3N; }
met() { if awk "BEGIN { exit !($1) }"; then echo "met"; else echo "NOT met"; fi; }
db=$tmp/hub.db
PW='una password lunga'

"$bin/dote-kiosk" --init-db "$tmp/catalog.db" >/dev/null 2>&1 &&
	sqlite3 "$tmp/catalog.db" < "$top/tests/ui/fixture.sql" &&
	"$bin/dote-hub" --db "$db" --load-catalog "$tmp/catalog.db" >/dev/null || exit 1
echo "$PW" | "$bin/dote" user add --db "$db" --name anna --role comune --comune 015146 >/dev/null || exit 1
t0=$(ms)
# n applications started on 2 March 2026, their placements, a month of
# events (22 working days, in and out), every register confirmed.
sqlite3 "$db" <<SQL || exit 1
BEGIN;
WITH RECURSIVE i(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM i WHERE k < $n)
INSERT INTO application(uuid, protocol, kiosk_id, seq, call_id, placement_code, comune, cf_hash, cf, given_name,
	family_name, sex, applicant_status, education, submitted_at, status)
SELECT printf('0190a3c4-0000-7000-8000-%012d', k), printf('DC-015146-K01-2026-%06d', k), 'K01', k, 900,
	'UI-015146-001', '015146', printf('h%d', k), printf('RSSMRA90A01F%04dX', k % 10000), 'Anna', printf('Rossi%d', k),
	'F', 'unemployed', 'master', '2026-02-01T09:00:00Z', 'started' FROM i;
INSERT INTO traineeship(uuid, comune, placement_code, cf, given_name, family_name, start_date, end_date, months,
	weekly_minutes, classroom_hours, tutor_comune, tutor_promoter, rule, started_by, started_at)
SELECT uuid, comune, placement_code, cf, given_name, family_name, '2026-03-02', '2026-09-01', 6, 1200, 40, 'anna',
	'AnciLab', '{"amount": 500.00, "threshold": 80, "below": "proportional", "floor": 0}', 'bench', '2026-03-02'
FROM application;
WITH RECURSIVE d(day) AS (SELECT 2 UNION ALL SELECT day + 1 FROM d WHERE day < 31)
INSERT INTO attendance_event(uuid, at, kind, source, token, by, recorded_at)
SELECT t.uuid, CAST(strftime('%s', printf('2026-03-%02d 08:00:00', d.day)) AS INTEGER) + k.o, k.kind, 'K01',
	t.uuid || '-' || d.day || '-' || k.kind, 'K01', '2026-03-31'
FROM traineeship t, d, (SELECT 1 AS kind, 0 AS o UNION ALL SELECT 2, 14400) k
WHERE CAST(strftime('%w', printf('2026-03-%02d', d.day)) AS INTEGER) BETWEEN 1 AND 5;
INSERT INTO register_month(uuid, month, confirmed_at, confirmed_by, working_days, due_days, suspended_days,
	expected_minutes, attended_minutes, rate_permille, base_cents, due_cents, why, explain)
SELECT uuid, '2026-03', '2026-04-01T08:00:00Z', 'anna', 22, 22, 0, 5280, 5280, 1000, 50000, 50000, 'full',
	'presenza 100,0% (88h00 su 88h00), soglia (80%) raggiunta: 500,00 EUR (22 giorni su 22)' FROM traineeship;
COMMIT;
SQL
t1=$(ms)
echo "placements: $(sqlite3 "$db" "SELECT count(*) FROM traineeship"), events: $(sqlite3 "$db" \
	"SELECT count(*) FROM attendance_event") (made in $(( (t1 - t0) / 1000 )) s)"

"$bin/dote-hub" --db "$db" --listen 127.0.0.1:0 --port-file "$tmp/port" --threads 2 >"$tmp/hub.log" 2>&1 &
pids+=($!)
for i in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.05; done
url=http://127.0.0.1:$(cat "$tmp/port")
pre=$(curl -s -c "$tmp/jar" -b "$tmp/jar" "$url/login" | grep -o 'name="csrf" value="[0-9a-f]*"' | cut -d'"' -f4)
curl -s -c "$tmp/jar" -b "$tmp/jar" -o /dev/null --data-urlencode "name=anna" --data-urlencode "password=$PW" \
	--data "csrf=$pre" "$url/login"
mid=$(printf '0190a3c4-0000-7000-8000-%012d' $((n / 2)))

# Best of five, in ms, of an HTTP GET (curl's own timing).
http_ms() {
	local best=999999 i t
	for i in 1 2 3 4 5; do
		t=$(curl -s -b "$tmp/jar" -o "$tmp/out" -w '%{time_total}' "$url$1")
		t=$(awk -v t="$t" 'BEGIN { printf "%d", t * 1000 }')
		[ "$t" -lt "$best" ] && best=$t
	done
	echo "$best"
}
# Best of five of a sqlite3 command, in ms.
sql_ms() {
	local best=999999 i a b
	for i in 1 2 3 4 5; do
		a=$(ms); sqlite3 "$@" >"$tmp/sqlout"; b=$(ms)
		[ $((b - a)) -lt "$best" ] && best=$((b - a))
	done
	echo "$best"
}

reg=$(http_ms "/ufficio/tirocinio?id=$mid&mese=2026-03")
grep -q "Ore firmate" "$tmp/out" || { echo "the register page did not come"; exit 1; }
reg_sql=$(sql_ms "$db" "SELECT sum(o.at - i.at) / 60 FROM attendance_event i JOIN attendance_event o
	ON o.uuid = i.uuid AND o.kind = 2 AND i.kind = 1 AND o.at - i.at BETWEEN 0 AND 43200
	WHERE i.uuid = '$mid' AND i.at >= 1772319600 AND i.at < 1774994400")
echo "register page of one trainee among $n: $reg ms (plain SQL sum of its events: $reg_sql ms); target <= 200 ms: $(met "$reg <= 200")"

csv=$(http_ms "/ufficio/indennita.csv?mese=2026-03&formato=excel-it")
rows=$(($(wc -l < "$tmp/out") - 1))
csv_sql=$(sql_ms -csv "$db" "SELECT t.comune, t.placement_code, t.family_name, t.given_name, t.cf, m.working_days,
	m.due_days, m.suspended_days, m.expected_minutes, m.attended_minutes, m.rate_permille, m.base_cents, m.due_cents,
	m.why, m.explain, m.confirmed_at, m.paid_at FROM register_month m JOIN traineeship t ON t.uuid = m.uuid
	WHERE m.month = '2026-03' AND m.confirmed_at IS NOT NULL ORDER BY t.comune, t.family_name, t.given_name")
echo "allowance CSV of $rows registers: $csv ms (plain SQL export: $csv_sql ms); target <= 200 ms: $(met "$csv <= 200")"
echo "placement pages: register $reg ms, allowance CSV $csv ms"

scan=$("${DOTE_TESTS_BIN:-$top/$O/tests}/test_attendance" 2>/dev/null | sed -n 's/^scan took at most \([0-9]*\) ms.*/\1/p')
commit_db="$tmp/commit.db"
sqlite3 "$commit_db" "PRAGMA journal_mode=WAL; CREATE TABLE t(x)" > /dev/null
commit=$(sql_ms "$commit_db" "PRAGMA synchronous=FULL; INSERT INTO t VALUES (1)")
echo "kiosk sign-in with the hub down (worst of 6 scans): ${scan:-?} ms (one plain committed SQLite insert: $commit ms); target <= 100 ms: $(met "${scan:-999} <= 100")"
