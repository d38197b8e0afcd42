#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# The statistics queue (SQLite): applications a hub stores wait in
# rollup_pending until a fold, and a reader that finds them pays the fold
# (issue 10: 168 ms for 848 at 10 million). The hub's writer folds the
# queue itself once ingest pauses, so a dashboard page or `dote report`
# finds nothing to fold: checked here with two kiosks sending batches,
# then a pause. The folded rollups count every stored application, with
# the same figures a rebuild from the raw rows gives, and the mark that
# saves readers a COUNT(*) of the applications says they are complete.
. "$(dirname "$0")/hub_lib.bash"

db=$T/fold.db
"$SYNCTOOL" catalog "$db" 015146 3 >/dev/null || fail setup catalog
"$DOTE_TESTS_BIN/loadgen" setup "$db" 2 "$T/tokens" 015146 || fail setup kiosks
start_hub fold "$db" --threads 2 --quiet --set rate_per_minute=0 --set per_address_connections=0 ||
	{ fail setup hub; finish; }
out=$(LOADGEN_PLACEMENTS=3 "$DOTE_TESTS_BIN/loadgen" run "$HUB_URL" "$T/tokens" 2 10 DC06-015146-001 2>"$T/loadgen.err")
stored=$(echo "$out" | sed -n 's/.* stored \([0-9]*\) .*/\1/p')
check_match "kiosks-stored-applications" "${stored:-0}" '^[1-9][0-9]*$'
# The pause: the writer folds after 200 ms without batches.
for _ in $(seq 40); do
	[ "$(sqlite3 "$db" "SELECT COUNT(*) FROM rollup_pending")" = 0 ] && break
	sleep 0.1
done
check "queue-folded-by-the-hub" "$(sqlite3 "$db" "SELECT COUNT(*) FROM rollup_pending")" 0
check "rollups-count-every-application" \
	"$(sqlite3 "$db" "SELECT SUM(applications) FROM rollup_province WHERE attr = ''")" \
	"$(sqlite3 "$db" "SELECT COUNT(*) FROM application")"
check "mark-covers-every-application" \
	"$(sqlite3 "$db" "SELECT n = (SELECT COUNT(*) FROM application) AND max_rowid = (SELECT MAX(rowid)
		FROM application) AND dirty = 0 FROM rollup_mark")" 1
# Figures as the hub folded them = a rebuild from the raw rows.
sqlite3 "$db" "SELECT attr, value, comune, call_id, month, applications, selected, ckey FROM rollup_comune
	WHERE applications > 0 ORDER BY 1, 2, 3, 4, 5" >"$T/folded"
kill "$HUB_PID"
wait "$HUB_PID" 2>/dev/null
"$DOTE_BIN/dote" report --db "$db" --rebuild --dims region --measures applications -o /dev/null 2>/dev/null ||
	fail rebuild "dote report --rebuild failed"
sqlite3 "$db" "SELECT attr, value, comune, call_id, month, applications, selected, ckey FROM rollup_comune
	WHERE applications > 0 ORDER BY 1, 2, 3, 4, 5" >"$T/rebuilt"
check "folded-equals-rebuild" "$(cmp -s "$T/folded" "$T/rebuilt" && echo same; wc -l <"$T/rebuilt" | grep -q '^[1-9]' ||
	echo empty)" same
finish
