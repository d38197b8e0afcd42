#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# The short pass of the libFuzzer targets (tests/fuzz/README.md) that
# `make test` runs: builds them into build-fuzz/ (clang, ASan + UBSan +
# libFuzzer; incremental), replays every saved crash input
# (tests/fuzz/regressions/) and seed, then fuzzes each target for
# FUZZ_SHORT_SECONDS (default 4), one at a time. One PASS/FAIL line per
# target; `make fuzz` is the long run.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
log=build-fuzz/build.log
mkdir -p build-fuzz
if ! make --no-print-directory -j2 fuzz-build > "$log" 2>&1; then
	echo "FAIL fuzz-build: the fuzz targets do not build (log: $log)"
	tail -5 "$log" | sed 's/^/# /'
	exit 1
fi
echo "PASS fuzz-build"
O=build-fuzz exec tests/fuzz/run "${FUZZ_SHORT_SECONDS:-4}"
