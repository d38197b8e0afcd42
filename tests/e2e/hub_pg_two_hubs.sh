#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Two hubs on one PostgreSQL database (the scale-out of RELIABILITY.md)
# under the 1,000-kiosk load of hub_load.sh: each kiosk sends each
# request to the other hub in turn, and every batch it got an
# answer for is sent again, unchanged, to the other hub (an answer lost
# on the way, the kiosk failing over). No request may fail, every record
# sent is stored exactly once (none of the resent ones again), every
# kiosk's records are there, and the rollups equal a recount of the raw
# rows. Skipped when no PostgreSQL cluster can be started here.
. "$(dirname "$0")/hub_lib.bash"

if ! start_pg; then
	echo "SKIP hub-pg-two-hubs: PostgreSQL cannot be started here"
	exit 0
fi
db=$(db_url pg two)
"$SYNCTOOL" catalog "$db" 015146 3 >/dev/null || { fail "two-hubs-setup" "catalog"; finish; }
"$DOTE_TESTS_BIN/loadgen" setup "$db" 1000 "$T/tokens" 015146 || { fail "two-hubs-setup" "kiosks"; finish; }
opts=(--threads 4 --quiet --set rate_per_minute=600 --set per_address_connections=0)
start_hub a "$db" "${opts[@]}" || { fail "two-hubs-setup" "hub a"; finish; }
pid_a=$HUB_PID url_a=$HUB_URL
start_hub b "$db" "${opts[@]}" || { fail "two-hubs-setup" "hub b"; finish; }
pid_b=$HUB_PID url_b=$HUB_URL

out=$(LOADGEN_RESEND=1 "$DOTE_TESTS_BIN/loadgen" run "$url_a,$url_b" "$T/tokens" "${TWO_HUBS_SECONDS:-6}" 10 \
	DC06-015146-001 2>"$T/loadgen.err")
echo "two hubs: $out"
check_match "two-hubs-1000-kiosks-no-errors" "$out" '^kiosks 1000 requests [0-9]+ errors 0 '
sent=$(echo "$out" | sed -n 's/.* records \([0-9]*\) stored.*/\1/p')
check_match "two-hubs-every-kiosk-sent" "$sent" '^[0-9]{4,}$'
check_match "two-hubs-sent-equals-stored" "$out" " records $sent stored $sent "
check_match "two-hubs-resent-some" "$out" ' resent [1-9][0-9]* '
check_match "two-hubs-resent-stored-again-none" "$out" ' restored 0$'
check "two-hubs-stored-once" \
	"$("$SYNCTOOL" sql "$db" "SELECT count(*), count(DISTINCT uuid), count(DISTINCT kiosk_id) FROM application")" \
	"$sent|$sent|1000"
# The rollups kept by the two writers equal a recount: per comune and
# month, per placement, and the attribute pairs' total.
check "two-hubs-rollup-comune-recount" "$("$SYNCTOOL" sql "$db" "SELECT count(*) FROM (SELECT comune,
	substr(submitted_at, 1, 7) AS month, count(*) AS n, sum(CASE WHEN duplicate_of IS NULL THEN 1 ELSE 0 END) AS u
	FROM application GROUP BY 1, 2) r FULL JOIN (SELECT comune, month, sum(applications) AS n, sum(applicants) AS u
	FROM rollup_comune WHERE attr = '' GROUP BY 1, 2) c ON c.comune = r.comune AND c.month = r.month
	WHERE r.n IS DISTINCT FROM c.n OR r.u IS DISTINCT FROM c.u")" "0"
check "two-hubs-rollup-placement-recount" "$("$SYNCTOOL" sql "$db" "SELECT count(*) FROM (SELECT placement_code,
	count(*) AS n FROM application GROUP BY 1) r FULL JOIN (SELECT placement_code, sum(applications) AS n
	FROM rollup_placement GROUP BY 1) p ON p.placement_code = r.placement_code WHERE r.n IS DISTINCT FROM p.n")" "0"
check "two-hubs-rollup-pairs-total" "$("$SYNCTOOL" sql "$db" "SELECT CASE WHEN (SELECT sum(applications)
	FROM rollup_attr2 WHERE attr = 'sex' AND attr2 = 'education') = (SELECT count(*) FROM application) THEN 1 ELSE 0 END")" "1"
check "two-hubs-a-serving-after" "$(curl -s "$url_a/healthz")" "ok"
check "two-hubs-b-serving-after" "$(curl -s "$url_b/healthz")" "ok"
kill "$pid_a" "$pid_b"
finish
