#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# The attacks of issue 20 on the statistics' disclosure control
# (docs/reports.md, "Threat model"), with only what the system publishes:
# `dote report` as a coordinator, `dote opendata`, the hub's public
# catalog (GET /v1/catalog), the dashboard's CSV and the staff pages.
# On a fresh `dote demo` hub (a new random statistics secret every run):
#   1. the average attack: days_to_selection x the candidate counts of a
#      published selected count, then parent minus children;
#   2. the catalog comparison: every placement's `applied` in the
#      public catalog against `dote report --dims placement`;
#   3. every output with exact counts or one row per person is marked
#      internal (the list is below, in `internal`);
#   4. an exact-likelihood Bayesian attacker per comune over every
#      decomposition of a comune x month cell that the reports publish:
#      period buckets, calls, both streams (applications, applicants),
#      the five attribute splits of each, and the placement, area and
#      office splits of each period (tests/e2e/sdc_attack2.py);
#   5. the placement statistics (issue 19): a placement for every started,
#      completed and dropped-out application, every placement table by
#      geography x period bucket, the end_reason splits, filters, the open
#      data and /coordinamento/tirocini, under the same attacks
#      (tests/e2e/sdc_attack_placement.py).
# SDC_ATTACK2_APPLICATIONS (default 20000) sets the demo's size.
set -u
top=${DOTE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${DOTE_BIN:-$top/build/bin}
n=${SDC_ATTACK2_APPLICATIONS:-20000}
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
if ! "$py" -c 'import numpy' 2>/dev/null; then
	echo "SKIP sdc attack 2: python3-numpy missing"
	exit 0
fi
t0=$SECONDS
db="$tmp/hub.db"
pub="$tmp/pub"
mkdir -p "$pub/rep" "$pub/avg" "$pub/cat" "$pub/pages"
# A fresh database: sdc_sqlite_register() draws a new secret for it.
"$bin/dote" demo --db "$db" --applications "$n" >/dev/null || { fail "sdc attack 2: demo" "dote demo failed"; exit 1; }
report() { "$bin/dote" report --db "$db" "$@"; }
echo "# demo of $n applications in $((SECONDS - t0)) s"
# A placement for every started, completed and dropped-out application
# (the demo makes 40 of each): small placement cells in many comuni.
"$py" "$top/tests/e2e/sdc_attack_placement.py" fill "$db" || fail "sdc attack 2: placements" "fill failed"

# --- every decomposition of a comune's cells that `dote report` gives ---
# A refused table (a rule of the protection) is simply not published.
: >"$pub/rep/manifest"
: >"$pub/refused"
i=0
for tim in month quarter year ""; do
	for call in "" call; do
		for attr in "" applicant_status age_band sex education residence; do
			dims=$(echo "comune,$tim,$call,$attr" | sed 's/,,*/,/g;s/,$//')
			i=$((i + 1))
			if report --dims "$dims" --measures applications,applicants -o "$pub/rep/t$i.csv" 2>"$pub/rep/t$i.err"; then
				echo "t$i.csv|$dims" >>"$pub/rep/manifest"
			else
				echo "$dims: $(head -1 "$pub/rep/t$i.err")" >>"$pub/refused"
			fi
		done
	done
done
# --- the placement, area and office splits of a comune's cells ---
# (each cell with its own noise: one more decomposition of the comune's
# month, quarter, year and total; the attacker knows which comune each
# placement is in, as the public catalog says)
: >"$pub/rep/groups"
for tim in month quarter year ""; do
	for grp in placement area office; do
		dims=$(echo "comune,$grp,$tim" | sed 's/,,*/,/g;s/,$//')
		i=$((i + 1))
		if report --dims "$dims" --measures applications -o "$pub/rep/g$i.csv" 2>"$pub/rep/g$i.err"; then
			echo "g$i.csv|$dims" >>"$pub/rep/groups"
		else
			echo "$dims: $(head -1 "$pub/rep/g$i.err")" >>"$pub/refused"
		fi
	done
done
# --- averages: selected and days to selection, JSON (full precision) ---
: >"$pub/avg/manifest"
for tim in month quarter year ""; do
	for call in "" call; do
		dims=$(echo "comune,$tim,$call" | sed 's/,,*/,/g;s/,$//')
		i=$((i + 1))
		report --dims "$dims" --measures selected,days_to_selection --format json -o "$pub/avg/a$i.json" 2>/dev/null &&
			echo "a$i.json|$dims" >>"$pub/avg/manifest"
	done
done
"$bin/dote" opendata --db "$db" --out "$pub/od" >/dev/null || fail "sdc attack 2: opendata" "failed"
report --dims placement --measures applications -o "$pub/placements.csv" ||
	fail "sdc attack 2: placement report" "failed"

# --- the placement statistics (issue 19): every geography x period
# bucket, the end_reason splits, filters, and the open data's three files ---
mkdir -p "$pub/pl"
pm=placements_started,placements_completed,placements_dropped_out,completion_rate,trainees,hours_on_the_job
pm=$pm,classroom_hours,attendance_rate,allowance_paid_eur,followed_up,employed_after
: >"$pub/pl/manifest"
ppub() { # name dims measures [filters...]
	local f=$1 dims=$2 meas=$3
	shift 3
	if report ${dims:+--dims "$dims"} --measures "$meas" "$@" -o "$pub/pl/$f.csv" 2>"$pub/pl/$f.err"; then
		echo "pl/$f.csv|$dims|$*|$meas" >>"$pub/pl/manifest"
	else
		fail "sdc attack 2: placement table '$dims' $*" "$(head -1 "$pub/pl/$f.err")"
	fi
}
for geo in comune province region ""; do
	for tim in month quarter year ""; do
		dims=$(echo "$geo,$tim" | sed 's/^,//;s/,$//')
		ppub "p-$geo-$tim" "$dims" "$pm"
		[ "$geo" = comune ] || ppub "r-$geo-$tim" "$(echo "end_reason,$dims" | sed 's/,$//')" placements_dropped_out
	done
done
pcom=$(sqlite3 "$db" "SELECT comune FROM traineeship GROUP BY 1 ORDER BY COUNT(*) DESC LIMIT 1")
pprov=$(sqlite3 "$db" "SELECT c.province FROM traineeship t JOIN comune c ON c.istat = t.comune GROUP BY 1 ORDER BY COUNT(*) LIMIT 1")
for y in $(sqlite3 "$db" "SELECT DISTINCT substr(start_date, 1, 4) FROM traineeship ORDER BY 1"); do
	ppub "f-c-$y" month "$pm" --comune "$pcom" --period "$y"
	ppub "f-cq-$y" "" "$pm" --comune "$pcom" --period "$y-Q2"
	ppub "f-p-$y" comune "$pm" --province "$pprov" --period "$y"
	ppub "f-pr-$y" end_reason placements_dropped_out --province "$pprov" --period "$y"
done
# What the placement measures refuse (docs/reports.md, "Placement statistics").
prefuse() { # what expected-message args...
	local what=$1 want=$2
	shift 2
	if report "$@" -o /dev/null 2>"$tmp/pref.err"; then
		fail "sdc attack 2: placements: $what refused" "published"
	elif grep -q "$want" "$tmp/pref.err"; then
		pass "sdc attack 2: placements: $what refused with a message"
	else
		fail "sdc attack 2: placements: $what refused" "$(head -1 "$tmp/pref.err")"
	fi
}
prefuse "end_reason x comune" "not crossed with a comune" --dims comune,end_reason --measures placements_dropped_out
prefuse "end_reason of one comune" "not crossed with a comune" --comune "$pcom" --dims end_reason \
	--measures placements_dropped_out
prefuse "a two-month range" "not one month, quarter or year" --measures placements_started --period 2025-01..2025-02
prefuse "a call filter (placements have no call split)" "no call filter" --measures placements_started \
	--call "$(sqlite3 "$db" "SELECT code FROM call LIMIT 1")"

echo "# reports and open data at $((SECONDS - t0)) s"
for f in "tirocini_provincia_anno.csv|region,province,year||$pm" \
	"tirocini_interruzioni_motivo.csv|region,year,end_reason||placements_dropped_out" \
	"tirocini_interruzioni_mese.csv|region,month||placements_dropped_out"; do
	echo "od/$f" >>"$pub/pl/manifest"
done
# --- the hub: the public catalog, the dashboard, the staff pages ---
echo 'password-coordinamento' | "$bin/dote" user add --db "$db" --name coord --role coordinator >/dev/null
own=$(sqlite3 "$db" "SELECT comune FROM application GROUP BY 1 ORDER BY COUNT(*) DESC LIMIT 1 OFFSET 20")
echo 'password-del-comune' | "$bin/dote" user add --db "$db" --name staff --role comune --comune "$own" >/dev/null
"$bin/dote-hub" --db "$db" --listen 127.0.0.1:0 --port-file "$tmp/port" --quiet >"$tmp/hub.log" 2>&1 &
pids+=($!)
for _ in $(seq 300); do [ -s "$tmp/port" ] && break; sleep 0.1; done
[ -s "$tmp/port" ] || { fail "sdc attack 2: hub starts" "$(tail -3 "$tmp/hub.log")"; exit 1; }
url="http://127.0.0.1:$(cat "$tmp/port")"
# One curl for every comune's catalog (one connection, kept alive).
for c in $(sqlite3 "$db" "SELECT DISTINCT comune FROM placement ORDER BY 1"); do
	printf 'url = "%s/v1/catalog?comune=%s"\noutput = "%s/cat/%s.json"\n' "$url" "$c" "$pub" "$c"
done >"$tmp/catalogs.curl"
curl -s -K "$tmp/catalogs.curl"
login() { # jar name password
	local csrf
	csrf=$(curl -s -c "$1" -b "$1" "$url/login" | grep -o 'name="csrf" value="[0-9a-f]*"' | sed 's/.*value="//;s/"//')
	curl -s -o /dev/null -c "$1" -b "$1" --data-urlencode name="$2" --data-urlencode password="$3" \
		--data-urlencode csrf="$csrf" "$url/login"
}
login "$tmp/jc" coord password-coordinamento
login "$tmp/js" staff password-del-comune
# Every output with exact counts or one row per person (docs/reports.md,
# "Who sees exact counts"): role|path|what it holds. The codes are the
# ones the pages themselves link to.
code=$(sqlite3 "$db" "SELECT placement_code FROM application WHERE comune = '$own' GROUP BY 1 ORDER BY COUNT(*) DESC LIMIT 1")
proto=$(sqlite3 "$db" "SELECT protocol FROM application WHERE placement_code = '$code' LIMIT 1")
callc=$(sqlite3 "$db" "SELECT c.code FROM call c JOIN placement p ON p.call_id = c.id WHERE p.code = '$code'")
callq=$(printf '%s' "$callc" | sed 's|/|%2F|g')
cat >"$pub/pages/internal" <<EOF
js|/ufficio|Progetti e domande: exact applications per placement
jc|/ufficio|Progetti e domande, coordinator: exact applications per placement
js|/ufficio/progetto?codice=$code|one row per application, with names
js|/ufficio/domanda?id=$proto|one application, one person
js|/ufficio/graduatoria?codice=$code|the ranking: one row per application
js|/ufficio/graduatoria?formato=csv&codice=$code|the ranking's CSV: one row per application
jc|/ufficio/graduatoria?formato=csv&codice=$code|the ranking's CSV, coordinator
js|/ufficio/registro|the change log: one row per change to an application
jc|/coordinamento/avviso?code=$callq|Candidature: exact applications per placement of a call
jc|/coordinamento/progetto?code=$code|exact applications of a placement
jc|/coordinamento/rete|exact counts per comune
js|/dashboard?comune=$own&interno=1|the comune's exact dashboard
EOF
k=0
while IFS='|' read -r jar path what; do
	k=$((k + 1))
	curl -s -b "$tmp/$jar" -o "$pub/pages/p$k.out" -w '%{http_code} %{content_type}\n' "$url$path" >"$pub/pages/p$k.meta"
done <"$pub/pages/internal"
# The coordinators' placement page (/coordinamento/tirocini), for the
# province with the fewest placements, by year and by quarter.
: >"$pub/pl/pages"
for per in 2025 2025-Q3 2026; do
	curl -s -b "$tmp/jc" -o "$pub/pl/page-$per.html" "$url/coordinamento/tirocini?provincia=$pprov&periodo=$per"
	echo "pl/page-$per.html|$pprov|$per" >>"$pub/pl/pages"
done
# The protected outputs, for contrast: a CSV the docs call protected.
curl -s -b "$tmp/jc" -o "$pub/pages/dash.csv" "$url/dashboard/csv?comune=$own"
echo "# published in $((SECONDS - t0)) s: $(wc -l <"$pub/rep/manifest") report tables," \
	"$(wc -l <"$pub/refused") refused, $(ls "$pub/cat" | wc -l) catalogs"
sed 's/^/# refused: /' "$pub/refused" | head -5

[ -n "${SDC_KEEP:-}" ] && rm -rf "$SDC_KEEP" && cp -r "$pub" "$SDC_KEEP" && cp "$db" "$SDC_KEEP/hub.db"
"$py" "$top/tests/e2e/sdc_attack2.py" "$db" "$pub"
rc=$?
echo "# placements at $((SECONDS - t0)) s"
"$py" "$top/tests/e2e/sdc_attack_placement.py" attack "$db" "$pub" || rc=1
echo "# total $((SECONDS - t0)) s"
exit $rc
