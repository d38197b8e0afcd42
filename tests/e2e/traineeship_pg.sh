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
# What the test left in the database (a migrated old hub's key and QR
# among it): no secret key (128 hex digits), no personal QR in clear.
if pg_dump "$PG_URL" > "$T/dump.sql" 2>"$T/dump.err"; then
	check traineeship_pg-no-secret-key-in-dump "$(grep -cE '[0-9a-f]{128}' "$T/dump.sql")" 0
	check traineeship_pg-no-personal-qr-in-dump "$(grep -cE 'DCP-[A-Z2-7]{26}' "$T/dump.sql")" 0
	check traineeship_pg-dump-has-the-qr-table "$(grep -c 'CREATE TABLE public.trainee_badge' "$T/dump.sql")" 1
else
	fail traineeship_pg-dump "$(head -2 "$T/dump.err")"
fi
n=$(grep -c '^PASS' "$T/out")
[ "$n" -ge 80 ] && pass "traineeship_pg-checks ($n)" || fail traineeship_pg-checks "only $n checks passed"
finish
