#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Hub ingest benchmark. Over HTTP on loopback: 8 kiosks each posting
# batches of 100 new applications back to back (150,000 records built
# beforehand, at most 20 s) against a hub on
# SQLite (synchronous=FULL, every record re-validated, rollups kept,
# group commit). Baseline, measured in the same run: the same records
# inserted straight into SQLite (same columns, synchronous=FULL,
# transactions of 100, prepared statement). Then p99 batch latency with
# 1,000 kiosks syncing at once (batches of 10).
# Targets: HTTP >= 50% of raw, HTTP >= 20,000 records/s. Also printed,
# to tell the HTTP cost from the storage cost: the hub's ingest called in
# process (same validation, group commits of 8 batches, rollups).
# The load average is printed too: figures on a shared machine vary.
set -u
top=${DOTE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/e2e/hub_lib.bash"
L=$DOTE_TESTS_BIN/loadgen

raw=$("$L" raw "$T/raw.db" 50000) || { echo "raw baseline failed"; exit 1; }
raw_rate=$(echo "$raw" | sed -n 's/.*rec_per_s \([0-9]*\).*/\1/p')

store=$("$L" store "$T/store.db" 50000)

"$SYNCTOOL" catalog "$T/hub.db" 015146 3 >/dev/null
"$L" setup "$T/hub.db" 8 "$T/tok8" 015146
start_hub hub "$T/hub.db" --threads 4 --quiet --set rate_per_minute=0 || { echo "hub did not start"; exit 1; }
http=$("$L" run "$HUB_URL" "$T/tok8" 20 100 DC06-015146-001 150000)
http_rate=$(echo "$http" | sed -n 's/.*rec_per_s \([0-9]*\).*/\1/p')
kill "$HUB_PID"

"$SYNCTOOL" catalog "$T/hub2.db" 015146 3 >/dev/null
"$L" setup "$T/hub2.db" 1000 "$T/tok1000" 015146
start_hub hub2 "$T/hub2.db" --threads 4 --quiet --set rate_per_minute=0
load=$("$L" run "$HUB_URL" "$T/tok1000" 15 10 DC06-015146-001)
kill "$HUB_PID"

ratio=$(awk -v a="$http_rate" -v b="$raw_rate" 'BEGIN { printf "%.1f", b ? 100 * a / b : 0 }')
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), cores: $(nproc)"
echo "raw SQLite insert (baseline): $raw"
echo "hub ingest in process, no HTTP (diagnostic): $store"
echo "hub over HTTP, 8 kiosks x batches of 100: $http"
echo "hub under load, 1000 kiosks x batches of 10: $load"
echo
printf 'hub ingest: %s records/s; raw SQLite: %s records/s; ratio %s%%\n' "$http_rate" "$raw_rate" "$ratio"
printf 'p99 batch latency, 8 kiosks: %s ms; 1000 kiosks: %s ms\n' \
	"$(echo "$http" | sed -n 's/.*batch_p99_ms \([0-9.]*\).*/\1/p')" \
	"$(echo "$load" | sed -n 's/.*batch_p99_ms \([0-9.]*\).*/\1/p')"
awk -v r="$ratio" 'BEGIN { exit !(r >= 50) }' && echo "target >= 50% of raw: met" || echo "target >= 50% of raw: NOT met"
[ "${http_rate:-0}" -ge 20000 ] && echo "target >= 20000 records/s: met" || echo "target >= 20000 records/s: NOT met"
exit 0
