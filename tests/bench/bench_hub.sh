#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Hub ingest benchmark. Over HTTP on loopback: 8 kiosks each posting
# batches of 100 new applications back to back (150,000 records built
# beforehand, at most 20 s) against a hub on
# SQLite (every answer after an fdatasync of the log that holds its
# commit, as with synchronous=FULL; every record re-validated, rollups
# kept, group commit; every receipt signature verified). Baseline, measured in
# the same run: the same records inserted straight into SQLite (same
# columns, receipt tokens included, synchronous=FULL, transactions of
# 100, prepared statement). Then p99 batch latency with
# 1,000 kiosks syncing at once (batches of 10).
# Targets: HTTP >= 50% of raw, HTTP >= 20,000 records/s. Also printed,
# to tell the HTTP cost from the storage cost: the hub's ingest called in
# process (same validation, group commits of 8 batches, rollups); and the
# hub's CPU time per record over HTTP, which other load on the machine
# moves less than the rate.
# PostgreSQL: the same HTTP ingest (8 kiosks x 100, the same record
# budget and time) on a throwaway cluster started like the tests do
# (skipped when the server binaries are missing), printed beside
# SQLite's with their ratio (target: PostgreSQL within 2x, >= 50%).
# Figures on a shared machine vary: baseline and HTTP run are measured
# ROUNDS times (default 3), interleaved, each on a fresh database; the
# medians are compared and the ranges printed, with the load average.
# BENCH_QUICK=1: one round of a few seconds on small counts, PostgreSQL
# included when it can start (tests/e2e/bench_short.sh: does it still
# run?).
set -u
top=${DOTE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/e2e/hub_lib.bash"
L=$DOTE_TESTS_BIN/loadgen
Q=${BENCH_QUICK:-}
ROUNDS=${ROUNDS:-$([ -n "$Q" ] && echo 1 || echo 3)}
# Counts and durations (s): full, or quick.
if [ -n "$Q" ]; then
	RAWN=2000 HTTP_S=2 HTTPN=3000 STOREN=2000 LOADK=50 LOAD_S=2
else
	RAWN=50000 HTTP_S=20 HTTPN=150000 STOREN=50000 LOADK=1000 LOAD_S=15
fi

rate_of() { sed -n 's/.*rec_per_s \([0-9]*\).*/\1/p'; }
# CPU time (user + system, clock ticks) the hub has used so far: per
# record, a figure the other processes on the machine change less than
# the rate.
hub_cpu() { awk '{ print $14 + $15 }' "/proc/$HUB_PID/stat"; }
median() { tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : 0 }'; }
range() { tr ' ' '\n' | sed '/^$/d' | sort -n | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%s..%s", lo, hi }'; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
raw_rates= http_rates= http_p99s= http_cpus=
for r in $(seq "$ROUNDS"); do
	raw=$("$L" raw "$T/raw$r.db" "$RAWN") || { echo "raw baseline failed"; exit 1; }
	raw_rates="$raw_rates $(echo "$raw" | rate_of)"
	echo "round $r raw SQLite insert (baseline): $raw"

	"$SYNCTOOL" catalog "$T/hub$r.db" 015146 3 >/dev/null
	"$L" setup "$T/hub$r.db" 8 "$T/tok8_$r" 015146
	start_hub "hub$r" "$T/hub$r.db" --threads 4 --quiet --set rate_per_minute=0 --set per_address_connections=0 || { echo "hub did not start"; exit 1; }
	cpu0=$(hub_cpu)
	http=$("$L" run "$HUB_URL" "$T/tok8_$r" "$HTTP_S" 100 DC06-015146-001 "$HTTPN")
	[ -n "$(echo "$http" | rate_of)" ] || { echo "hub ingest over HTTP failed: $http"; exit 1; }
	cpu1=$(hub_cpu)
	http_cpus="$http_cpus $(echo "$http" | awk -v c=$((cpu1 - cpu0)) -v hz="$(getconf CLK_TCK)" \
		'{ for (i = 1; i < NF; i++) if ($i == "stored") n = $(i + 1) } END { printf "%.0f", n ? c / hz * 1e6 / n : 0 }')"
	kill "$HUB_PID"
	wait "$HUB_PID" 2>/dev/null
	http_rates="$http_rates $(echo "$http" | rate_of)"
	http_p99s="$http_p99s $(echo "$http" | sed -n 's/.*batch_p99_ms \([0-9.]*\).*/\1/p')"
	echo "round $r hub over HTTP, 8 kiosks x batches of 100: $http"
	rm -f "$T/raw$r.db"* "$T/hub$r.db"*
done

store=$("$L" store "$T/store.db" "$STOREN")

"$SYNCTOOL" catalog "$T/hubl.db" 015146 3 >/dev/null
"$L" setup "$T/hubl.db" "$LOADK" "$T/tok1000" 015146
start_hub hubl "$T/hubl.db" --threads 4 --quiet --set rate_per_minute=0 --set per_address_connections=0
load=$("$L" run "$HUB_URL" "$T/tok1000" "$LOAD_S" 10 DC06-015146-001)
kill "$HUB_PID"

pg=
if start_pg; then
	"$SYNCTOOL" catalog "$PG_URL" 015146 3 >/dev/null
	"$L" setup "$PG_URL" 8 "$T/tokpg" 015146
	if start_hub hubpg "$PG_URL" --threads 4 --quiet --set rate_per_minute=0 --set per_address_connections=0; then
		pg=$("$L" run "$HUB_URL" "$T/tokpg" "$HTTP_S" 100 DC06-015146-001 "$HTTPN")
		kill "$HUB_PID"
		wait "$HUB_PID" 2>/dev/null
		echo "hub over HTTP on PostgreSQL, 8 kiosks x batches of 100: $pg"
	else
		echo "PostgreSQL hub did not start: $(tail -2 "$T/hubpg.log")"
	fi
else
	echo "SKIP PostgreSQL part: no PostgreSQL server binaries here (or it cannot start)"
fi

raw_rate=$(echo "$raw_rates" | median)
http_rate=$(echo "$http_rates" | median)
ratio=$(awk -v a="$http_rate" -v b="$raw_rate" 'BEGIN { printf "%.1f", b ? 100 * a / b : 0 }')
echo "load average: before $load_before, after $(cut -d' ' -f1-3 /proc/loadavg), cores: $(nproc)"
echo "hub ingest in process, no HTTP (diagnostic): $store"
echo "hub under load, $LOADK kiosks x batches of 10: $load"
echo
printf 'hub ingest: %s records/s (median of %s, range %s); raw SQLite: %s records/s (range %s); ratio %s%%\n' \
	"$http_rate" "$ROUNDS" "$(echo "$http_rates" | range)" "$raw_rate" "$(echo "$raw_rates" | range)" "$ratio"
printf 'hub CPU per record over HTTP: %s us (median, range %s; the receipt signature check is ~40 us of it)\n' \
	"$(echo "$http_cpus" | median)" "$(echo "$http_cpus" | range)"
printf 'p99 batch latency, 8 kiosks: %s ms (median, range %s); %s kiosks: %s ms\n' \
	"$(echo "$http_p99s" | median)" "$(echo "$http_p99s" | range)" "$LOADK" \
	"$(echo "$load" | sed -n 's/.*batch_p99_ms \([0-9.]*\).*/\1/p')"
if [ -n "$pg" ]; then
	pg_rate=$(echo "$pg" | rate_of)
	pg_ratio=$(awk -v a="$pg_rate" -v b="$http_rate" 'BEGIN { printf "%.0f", b ? 100 * a / b : 0 }')
	echo
	printf '%-34s %12s %12s %12s\n' "hub ingest over HTTP, 8 kiosks x 100" SQLite PostgreSQL "PG/SQLite"
	printf '%-34s %12s %12s %11s%%\n' "records/s" "$http_rate" "$pg_rate" "$pg_ratio"
	printf '%-34s %12s %12s\n' "p99 batch (ms)" "$(echo "$http_p99s" | median)" \
		"$(echo "$pg" | sed -n 's/.*batch_p99_ms \([0-9.]*\).*/\1/p')"
	[ "$pg_ratio" -ge 50 ] && echo "target PostgreSQL >= 50% of SQLite: met" ||
		echo "target PostgreSQL >= 50% of SQLite: NOT met"
fi
awk -v r="$ratio" 'BEGIN { exit !(r >= 50) }' && echo "target >= 50% of raw: met" || echo "target >= 50% of raw: NOT met"
[ "${http_rate:-0}" -ge 20000 ] && echo "target >= 20000 records/s: met" || echo "target >= 20000 records/s: NOT met"
exit 0
