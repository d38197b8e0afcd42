#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# The rollups' portable SQL on a real PostgreSQL: a private server in a
# temporary folder (unix socket only), the DDL, ingest of 300 applications
# statement by statement as the hub runs them, status changes and usage
# counts; the rollups must equal independent GROUP BY queries in
# PostgreSQL itself. SKIP when PostgreSQL's server binaries are missing.
set -u
top=${DOTE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
O=${O:-build}
tbin=${DOTE_TESTS_BIN:-$top/$O/tests}
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ] || ! id postgres >/dev/null 2>&1 || [ "$(id -u)" != 0 ]; then
	echo "SKIP report postgres: PostgreSQL server binaries (or root to run them as postgres) missing"
	exit 0
fi
tmp=$(mktemp -d)
chown postgres "$tmp"
# The server and psql run as postgres, which may not enter the clone
# (a checkout under a private mktemp -d): they start from here.
cd "$tmp" || exit 1
cleanup() {
	su postgres -c "$pgbin/pg_ctl -D $tmp/data stop -m immediate" >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }
port=$((20000 + RANDOM % 20000))
su postgres -c "$pgbin/initdb -D $tmp/data -A trust >/dev/null 2>&1 &&
	$pgbin/pg_ctl -D $tmp/data -o \"-k $tmp -c listen_addresses='' -p $port\" -l $tmp/log -w start >/dev/null" ||
	{ fail "report postgres server" "$(tail -3 "$tmp/log" 2>/dev/null)"; exit 1; }
psql() { su postgres -c "psql -h $tmp -p $port -d postgres -v ON_ERROR_STOP=1 -qAt -f $1" 2>&1; }

"$tbin/report_pgsql" >"$tmp/rollup.sql" || { fail "report postgres sql" "report_pgsql failed"; exit 1; }
cat >"$tmp/core.sql" <<'SQL'
CREATE TABLE comune (istat TEXT PRIMARY KEY, name TEXT, province TEXT, province_name TEXT, region TEXT);
INSERT INTO comune VALUES ('015146','Milano','MI','Milano','Lombardia'), ('015010','Arluno','MI','Milano','Lombardia'),
	('016024','Bergamo','BG','Bergamo','Lombardia'), ('001272','Torino','TO','Torino','Piemonte');
CREATE TABLE call (id INTEGER PRIMARY KEY, code TEXT, deadline TEXT);
INSERT INTO call VALUES (1, '5/2025', '2025-03-31'), (2, '6/2025', '2025-09-15');
CREATE TABLE placement (code TEXT PRIMARY KEY, area TEXT, comune TEXT, office TEXT);
INSERT INTO placement SELECT 'P' || i, (ARRAY['library','social','registry'])[1 + i % 3],
	(ARRAY['015146','015010','016024','001272'])[1 + i % 4], 'Ufficio ' || i FROM generate_series(0, 11) i;
CREATE TABLE application (uuid TEXT PRIMARY KEY, comune TEXT, call_id INTEGER, placement_code TEXT, cf_hash TEXT,
	sex TEXT, age INTEGER, residence TEXT, applicant_status TEXT, education TEXT, submitted_at TEXT, status TEXT,
	status_at TEXT, duplicate_of TEXT);
CREATE TABLE status_history (id SERIAL, uuid TEXT, status TEXT, at TEXT, by TEXT);
CREATE TABLE usage_count (day TEXT, kiosk_id TEXT, comune TEXT, event TEXT, n INTEGER);
SQL
{
	cat "$tmp/core.sql" "$tmp/rollup.sql"
	for i in $(seq 0 299); do
		p=$((i * 7 % 12))
		echo "INSERT INTO application SELECT 'u$i', comune, 1 + $i % 2, code, 'h$((i % 250))',
			(ARRAY['F','M',NULL])[1 + $i % 3], 15 + $i % 50, (ARRAY['015146','015010','016024','001272'])[1 + $i * 3 % 4],
			(ARRAY['unemployed','never_employed','student','neet'])[1 + $i % 4],
			(ARRAY['none','master','bachelor'])[1 + $i % 3], '2025-0' || (1 + $i % 9) || '-1' || ($i % 9) || 'T10:00:00Z',
			'received', NULL, CASE WHEN $i >= 250 THEN 'u' || ($i - 250) END FROM placement WHERE code = 'P$p';"
		echo "EXECUTE ing0('u$i'); EXECUTE ing1('u$i'); EXECUTE ing2('u$i'); EXECUTE ing3('u$i');"
		if [ $((i % 3)) = 0 ]; then
			echo "UPDATE application SET status = 'selected', status_at = '2025-10-0' || (1 + $i % 9) || 'T09:00:00Z' WHERE uuid = 'u$i';"
			echo "INSERT INTO status_history(uuid, status, at, by) SELECT uuid, 'selected', status_at, 't' FROM application WHERE uuid = 'u$i';"
			echo "EXECUTE st0('u$i', 'received', 'selected'); EXECUTE st1('u$i', 'received', 'selected'); EXECUTE st2('u$i', 'received', 'selected'); EXECUTE st3('u$i', 'received', 'selected');"
		fi
		if [ $((i % 6)) = 0 ]; then
			echo "UPDATE application SET status = 'started' WHERE uuid = 'u$i';"
			echo "EXECUTE st0('u$i', 'selected', 'started'); EXECUTE st1('u$i', 'selected', 'started'); EXECUTE st2('u$i', 'selected', 'started'); EXECUTE st3('u$i', 'selected', 'started');"
		fi
		if [ $((i % 10)) = 0 ]; then
			echo "INSERT INTO usage_count VALUES ('2025-03-0$((1 + i % 9))', 'K1', '015146', 'view', $i);"
			echo "EXECUTE us0('2025-03-0$((1 + i % 9))', '015146', 'view', $i); EXECUTE us1('2025-03-0$((1 + i % 9))', '015146', 'view', $i);"
		fi
	done
} >"$tmp/run.sql"
chmod 644 "$tmp"/*.sql
out=$(psql "$tmp/run.sql")
[ -z "$out" ] && pass "report postgres: DDL, ingest, status and usage SQL run" || { fail "report postgres SQL" "$(echo "$out" | head -3)"; exit 1; }
cat >"$tmp/check.sql" <<'SQL'
SELECT COUNT(*) FROM (
  SELECT a.comune, a.call_id, substr(a.submitted_at, 1, 7), COUNT(*), SUM(CASE WHEN duplicate_of IS NULL THEN 1 ELSE 0 END),
	SUM(CASE WHEN status IN ('selected','started','completed','dropped_out') THEN 1 ELSE 0 END),
	SUM(CASE WHEN status IN ('started','completed','dropped_out') THEN 1 ELSE 0 END)
  FROM application a GROUP BY 1, 2, 3
  EXCEPT SELECT comune, call_id, month, applications, applicants, selected, started FROM rollup_comune WHERE attr = '') d;
SELECT COUNT(*) FROM (
  SELECT c.province, COALESCE(a.sex, 'unknown'), COUNT(*) FROM application a JOIN comune c ON c.istat = a.comune GROUP BY 1, 2
  EXCEPT SELECT province, value, SUM(applications) FROM rollup_province WHERE attr = 'sex' GROUP BY 1, 2) d;
SELECT COUNT(*) FROM (
  SELECT placement_code, COUNT(*) FROM application GROUP BY 1
  EXCEPT SELECT placement_code, SUM(applications) FROM rollup_placement GROUP BY 1) d;
SELECT SUM(sel_days) - (SELECT SUM(CAST(substr(h.at, 1, 10) AS date) - CAST(k.deadline AS date))
  FROM application a JOIN status_history h ON h.uuid = a.uuid JOIN call k ON k.id = a.call_id)
  FROM rollup_province WHERE attr = '';
SELECT (SELECT SUM(n) FROM rollup_funnel) - (SELECT SUM(n) FROM usage_count);
SELECT SUM(applications) FROM rollup_comune WHERE attr = 'age_band';
SELECT COUNT(*) FROM (
  SELECT comune, substr(submitted_at, 1, 7), SUM(dote_rkey(uuid)) FROM application GROUP BY 1, 2
  EXCEPT SELECT comune, month, SUM(ckey) FROM rollup_comune WHERE attr = '' GROUP BY 1, 2) d;
SELECT COUNT(*) FROM (
  SELECT c.province, a.education, COALESCE(a.sex, 'unknown'), a.call_id, substr(a.submitted_at, 1, 7), COUNT(*),
	SUM(CASE WHEN status IN ('selected','started','completed','dropped_out') THEN 1 ELSE 0 END)
  FROM application a JOIN comune c ON c.istat = a.comune GROUP BY 1, 2, 3, 4, 5
  EXCEPT SELECT province, value2, value, call_id, month, applications, selected FROM rollup_attr2
  WHERE attr = 'sex' AND attr2 = 'education') d;
SELECT dote_rkey('u7');
SELECT COUNT(*) FROM (
  SELECT comune, SUM(dote_rkey(uuid)) FROM application WHERE status IN ('selected','started','completed','dropped_out')
  GROUP BY 1 EXCEPT SELECT comune, SUM(ckey_sel) FROM rollup_comune WHERE attr = '' GROUP BY 1 HAVING SUM(selected) > 0) d;
SQL
chmod 644 "$tmp/check.sql"
res=($(psql "$tmp/check.sql"))
[ "${res[0]:-x}" = 0 ] && pass "report postgres comune rollup = GROUP BY" || fail "report postgres comune rollup" "${res[*]}"
[ "${res[1]:-x}" = 0 ] && pass "report postgres province x sex = GROUP BY" || fail "report postgres province x sex" "${res[*]}"
[ "${res[2]:-x}" = 0 ] && pass "report postgres placement rollup = GROUP BY" || fail "report postgres placement" "${res[*]}"
[ "${res[3]:-x}" = 0 ] && pass "report postgres selection days = date arithmetic" || fail "report postgres days" "${res[*]}"
[ "${res[4]:-x}" = 0 ] && pass "report postgres funnel = usage_count" || fail "report postgres funnel" "${res[*]}"
[ "${res[5]:-x}" = 300 ] && pass "report postgres every application counted once per attribute" ||
	fail "report postgres age band total" "${res[*]}"
[ "${res[6]:-x}" = 0 ] && pass "report postgres cell keys = SUM(dote_rkey(uuid))" || fail "report postgres cell keys" "${res[*]}"
[ "${res[7]:-x}" = 0 ] && pass "report postgres attribute pairs = GROUP BY" || fail "report postgres attribute pairs" "${res[*]}"
# The record key as SQLite and C compute it (sdc_record_key), independently in Python.
want=$(/usr/bin/python3 -c "import hashlib; print(int.from_bytes(hashlib.sha256(b'5ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7u7').digest()[:4], 'big'))")
[ "${res[8]:-x}" = "$want" ] && pass "report postgres dote_rkey = SHA-256 record key of the C code" ||
	fail "report postgres dote_rkey" "got ${res[8]:-none}, want $want"
[ "${res[9]:-x}" = 0 ] && pass "report postgres selected's cell keys follow status changes" ||
	fail "report postgres selected cell keys" "${res[*]}"
