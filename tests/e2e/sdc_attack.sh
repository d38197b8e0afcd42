#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# The attack suite of the statistics' disclosure control (docs/reports.md,
# "Threat model"): on a `dote demo` hub, publishes everything a
# coordinator and a comune's staff can take away (every geography x
# period x call table of `dote report`, bucket and filter variants, the
# kiosk counts, two attribute breakdowns, the open data, the dashboard's
# CSV and pages), then
#   - replays the attacks of issue 10 (range differencing, a filtered
#     view's complement, submits against applications, comune staff
#     subtracting their own exact comune, --min-count 3) and checks each
#     now fails;
#   - checks that repeated and differently filtered queries give every
#     cell the same value;
#   - hands all published tables (with the placement, area and office
#     splits by year and all time) to tests/e2e/sdc_attack.py, which bounds
#     every small cell (true count 1-4) with a linear program (HiGHS)
#     and estimates it by least squares over every published equation,
#     and compares the attacker's precision with the documented noise.
# SDC_ATTACK_APPLICATIONS (default 30000) sets the demo's size.
set -u
top=${DOTE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${DOTE_BIN:-$top/build/bin}
n=${SDC_ATTACK_APPLICATIONS:-30000}
py=/usr/bin/python3
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
if ! "$py" -c 'import scipy.optimize, scipy.sparse' 2>/dev/null; then
	echo "SKIP sdc attack: python3-scipy missing"
	exit 0
fi

db="$tmp/hub.db"
pub="$tmp/pub"
mkdir -p "$pub"
"$bin/dote" demo --db "$db" --applications "$n" --hosts 300 >/dev/null || { fail "sdc attack demo" "dote demo failed"; exit 1; }
report() { "$bin/dote" report --db "$db" "$@"; }
# The manifest: file|dims|filters for every published table.
manifest="$pub/manifest"
: >"$manifest"
i=0
publish() { # dims measures [filters...]
	local dims=$1 meas=$2
	shift 2
	i=$((i + 1))
	if report --dims "$dims" --measures "$meas" "$@" -o "$pub/t$i.csv" 2>"$pub/t$i.err"; then
		echo "t$i.csv|$dims|$*" >>"$manifest"
	else
		fail "sdc attack: publish '$dims' $*" "$(head -2 "$pub/t$i.err")"
	fi
}

# --- everything `dote report` publishes over geography x period x call ---
for geo in comune province region ""; do
	for tim in month quarter year ""; do
		dims=$(echo "$geo,$tim" | sed 's/^,//;s/,$//')
		if [ -n "$dims" ]; then
			publish "$dims" applications,submits
		else
			i=$((i + 1))
			report --measures applications,submits -o "$pub/t$i.csv" && echo "t$i.csv||" >>"$manifest"
		fi
		if [ -n "$dims" ]; then publish "$dims,call" applications; else publish call applications; fi
	done
done
# Period buckets and filters: the same cells through other queries.
months=$(sqlite3 "$db" "SELECT DISTINCT substr(submitted_at, 1, 7) FROM application ORDER BY 1")
for m in $(echo "$months" | head -4); do publish comune applications,submits --period "$m"; done
for y in $(echo "$months" | cut -c1-4 | sort -u); do
	publish comune,month applications --period "$y"
	for q in 1 2 3 4; do publish comune applications --period "$y-Q$q"; done
done
for p in $(sqlite3 "$db" "SELECT DISTINCT c.province FROM application a JOIN comune c ON c.istat = a.comune ORDER BY 1"); do
	publish comune,month applications,submits --province "$p"
done
# Applicant attributes: more equations over the same cells. Crossed with
# a comune they are refused (field exclusion, docs/reports.md issue 20).
for a in sex education; do
	if report --dims comune,month,$a --measures applications -o /dev/null 2>"$tmp/attr.err"; then
		fail "sdc attack: comune x month x $a refused" "published"
	elif grep -q "cannot be crossed with a comune" "$tmp/attr.err"; then
		pass "sdc attack: comune x month x $a refused with a message"
	else
		fail "sdc attack: comune x month x $a refused" "$(head -1 "$tmp/attr.err")"
	fi
done
publish province,month,age_band applications
# Placement, area and office splits of a comune's cells (issue 20, rule
# 4: by year and for all time only, each cell with its own noise): more
# equations over the same applications (tests/e2e/sdc_attack.py's z).
: >"$pub/groups"
for grp in placement area office; do
	for tim in year ""; do
		dims=comune,$grp${tim:+,$tim}
		i=$((i + 1))
		if report --dims "$dims" --measures applications -o "$pub/g$i.csv" 2>"$pub/g$i.err"; then
			echo "g$i.csv|$dims" >>"$pub/groups"
		else
			fail "sdc attack: publish '$dims'" "$(head -1 "$pub/g$i.err")"
		fi
	done
	report --dims "comune,$grp,month" --measures applications -o /dev/null 2>/dev/null &&
		fail "sdc attack: comune x $grp x month refused" "published" ||
		pass "sdc attack: comune x $grp x month refused"
done

# --- the old attacks of issue 10 ---
out=$(report --dims comune --measures applications --period 2024-12..2026-12 2>&1 >/dev/null)
[[ $? -eq 2 && "$out" == *"not one month, quarter or year"* ]] &&
	pass "sdc attack: period differencing refused (2024-12..2026-12 is not a bucket)" ||
	fail "sdc attack: period differencing" "$out"
out=$(report --dims comune --measures applications --period 2025-01..2025-02 2>&1 >/dev/null)
[[ $? -eq 2 ]] && pass "sdc attack: two-month range refused" || fail "sdc attack: two-month range" "$out"
out=$(report --dims comune --measures applications --min-count 3 2>&1 >/dev/null)
[[ $? -eq 2 && "$out" == *"below the rule"* ]] && pass "sdc attack: --min-count 3 refused" ||
	fail "sdc attack: --min-count 3" "$out"
out=$("$bin/dote" opendata --db "$db" --out "$tmp/od3" --min-count 3 2>&1 >/dev/null)
[[ $? -eq 2 && "$out" == *"below the rule"* && ! -e "$tmp/od3/metadata.json" ]] &&
	pass "sdc attack: opendata --min-count 3 refused, nothing written" || fail "sdc attack: opendata --min-count 3" "$out"
out=$("$bin/dote" opendata --db "$db" --out "$tmp/odr" --period 2024-12..2026-12 2>&1 >/dev/null)
[[ $? -eq 2 ]] && pass "sdc attack: opendata with a range refused" || fail "sdc attack: opendata range" "$out"
report --dims comune,month --measures applications,selected,submits -o "$tmp/rep1.csv"
report --dims comune,month --measures applications,selected,submits -o "$tmp/rep2.csv"
cmp -s "$tmp/rep1.csv" "$tmp/rep2.csv" && pass "sdc attack: a repeated query gives the same values" ||
	fail "sdc attack: repeated query" "differs"
report --dims comune,month --measures applications,selected,submits --raw -o "$tmp/rep3.csv"
cmp -s "$tmp/rep1.csv" "$tmp/rep3.csv" && pass "sdc attack: rollups and raw rows give the same published values" ||
	fail "sdc attack: rollups vs raw" "differs"

# --- open data and the dashboard ---
"$bin/dote" opendata --db "$db" --out "$pub/od" >/dev/null || fail "sdc attack: opendata" "failed"
echo 'password-coordinamento' | "$bin/dote" user add --db "$db" --name coord --role coordinator >/dev/null
# The comune staff account: a comune with small cells and neighbours.
own=$(sqlite3 "$db" "SELECT a.comune FROM application a JOIN comune c ON c.istat = a.comune GROUP BY 1
	ORDER BY COUNT(*) DESC LIMIT 1 OFFSET 20")
echo 'password-del-comune' | "$bin/dote" user add --db "$db" --name staff --role comune --comune "$own" >/dev/null
"$bin/dote-hub" --db "$db" --listen 127.0.0.1:0 --port-file "$tmp/port" --quiet >"$tmp/hub.log" 2>&1 &
pids+=($!)
for _ in $(seq 300); do [ -s "$tmp/port" ] && break; sleep 0.1; done
[ -s "$tmp/port" ] || { fail "sdc attack: hub starts" "$(tail -3 "$tmp/hub.log")"; exit 1; }
url="http://127.0.0.1:$(cat "$tmp/port")"
login() { # jar name password
	local csrf
	csrf=$(curl -s -c "$1" -b "$1" "$url/login" | grep -o 'name="csrf" value="[0-9a-f]*"' | sed 's/.*value="//;s/"//')
	curl -s -o /dev/null -c "$1" -b "$1" --data-urlencode name="$2" --data-urlencode password="$3" \
		--data-urlencode csrf="$csrf" "$url/login"
}
login "$tmp/jc" coord password-coordinamento
login "$tmp/js" staff password-del-comune
mkdir -p "$pub/dash"
own_prov=$(sqlite3 "$db" "SELECT province FROM comune WHERE istat = '$own'")
for role in jc js; do
	curl -s -b "$tmp/$role" -o "$pub/dash/$role-it.csv" "$url/dashboard/csv"
	curl -s -b "$tmp/$role" -o "$pub/dash/$role-lomb.csv" "$url/dashboard/csv?region=Lombardia"
	for p in $(sqlite3 "$db" "SELECT DISTINCT c.province FROM application a JOIN comune c ON c.istat = a.comune"); do
		curl -s -b "$tmp/$role" -o "$pub/dash/$role-$p.csv" "$url/dashboard/csv?province=$p"
	done
	curl -s -b "$tmp/$role" -o "$pub/dash/$role-own.csv" "$url/dashboard/csv?comune=$own"
done
cmp -s "$pub/dash/jc-$own_prov.csv" "$pub/dash/js-$own_prov.csv" &&
	pass "sdc attack: comune staff and coordinator download the same protected CSV" ||
	fail "sdc attack: CSV by role" "differs"
curl -s -b "$tmp/js" -o "$tmp/own-int.html" "$url/dashboard?comune=$own&interno=1"
curl -s -b "$tmp/js" -o "$tmp/own-pub.html" "$url/dashboard?comune=$own"
curl -s -b "$tmp/jc" -o "$tmp/prov.html" "$url/dashboard?province=$own_prov"
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$tmp/js" "$url/dashboard?province=$own_prov&interno=1")
check "sdc attack: comune staff get no exact page of their province" "$code" 403
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$tmp/jc" "$url/dashboard?province=$own_prov&from=2024-12&to=2026-12")
check "sdc attack: dashboard range that is not a bucket refused" "$code" 400

[ -n "${SDC_KEEP:-}" ] && cp -r "$pub" "$SDC_KEEP" && cp "$db" "$SDC_KEEP/hub.db"
"$py" "$top/tests/e2e/sdc_attack.py" "$db" "$pub" "$own" "$tmp/own-int.html" "$tmp/own-pub.html" "$tmp/prov.html"
