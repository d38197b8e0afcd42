#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# The running placement's store (tests/unit/test_traineeship.c: start,
# kiosk-signed attendance and its refusals, absences, a fixed sign-out,
# confirmation, the allowance and `dote allowance`, reopening, the
# progetto formativo and certificate PDFs, dropout and completion) on a
# throwaway PostgreSQL cluster: the same checks as on SQLite (with the
# document key's file named, as a PostgreSQL hub needs; pg_dump shows
# neither that key nor a personal QR anywhere in the database).
source "$(dirname "$0")/hub_lib.bash"
[ -x "$DOTE_TESTS_BIN/test_traineeship" ] || { fail traineeship_pg "test_traineeship not built"; finish; }
if ! start_pg; then echo "SKIP traineeship_pg: PostgreSQL cannot be started here"; exit 0; fi
export TZ=Europe/Rome DOTE_HUB_KEY=$T/document.key
if DOTE_TEST_PG_URL="$PG_URL" "$DOTE_TESTS_BIN/test_traineeship" > "$T/out" 2>&1; then
	pass traineeship_pg-store
else
	fail traineeship_pg-store "$(grep -m3 '^FAIL' "$T/out" | tr '\n' ' ')"
fi
grep -q '^# store: PostgreSQL' "$T/out" || fail traineeship_pg-backend "the test did not run on PostgreSQL"
n=$(grep -c '^PASS' "$T/out")
[ "$n" -ge 80 ] && pass "traineeship_pg-checks ($n)" || fail traineeship_pg-checks "only $n checks passed"
finish
