#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Every benchmark in its short form (issue 22): `make bench` is not run
# by CI, so a bench broken by a change (bench_kiosk.sh stopped at "tap
# field:given_name: no widget" when eligibility began to ask for the
# residence) went unnoticed. Here each tests/bench/bench_*.sh runs with
# BENCH_QUICK=1 (small counts, a few seconds, no PostgreSQL or
# Chromium baseline) and must exit 0 and print its summary line; the
# figures are not judged (a shared machine's quick figures mean little).
set -u
TOP=${DOTE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
O=${O:-build}; case "$O" in /*) ;; *) O="$TOP/$O" ;; esac
export O DOTE_BIN=${DOTE_BIN:-$O/bin} DOTE_TESTS_BIN=${DOTE_TESTS_BIN:-$O/tests} DOTE_TOP="$TOP" BENCH_QUICK=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
# The line each prints once it has measured everything.
declare -A done_line=(
	[bench_kiosk]="search per keystroke:"
	[bench_hub]="target >= 20000 records/s:"
	[bench_reports]="slowest dashboard view"
)
for b in "$TOP"/tests/bench/bench_*.sh; do
	name=$(basename "$b" .sh)
	t0=$(date +%s%N)
	timeout 120 bash "$b" > "$tmp/$name.out" 2>&1; rc=$?
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	want=${done_line[$name]:-}
	if [ $rc -ne 0 ]; then
		echo "FAIL bench_short: $name exited $rc after $ms ms: $(tail -3 "$tmp/$name.out" | tr '\n' ' ' | head -c 400)"
		fail=1
	elif [ -z "$want" ]; then
		echo "FAIL bench_short: $name: no summary line known here (add it to done_line)"
		fail=1
	elif ! grep -q "$want" "$tmp/$name.out"; then
		echo "FAIL bench_short: $name printed no '$want' line: $(tail -3 "$tmp/$name.out" | tr '\n' ' ' | head -c 400)"
		fail=1
	else
		echo "PASS bench_short: $name runs in quick mode ($ms ms)"
	fi
done
exit $fail
