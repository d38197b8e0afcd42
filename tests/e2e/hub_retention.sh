#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# dote-hub erases applicants' personal data by itself (issue 11), on
# SQLite and on a throwaway PostgreSQL: a hub started with a placement
# whose ranking has been final for longer than the retention time erases
# that person, with no `dote retention run` and no cron, at start-up; the
# retention log shows a run by "dote-hub" (how many, never whose). A
# placement whose ranking is recent keeps its people. With
# retention_interval_hours = 0 the hub erases nothing; a bad value stops
# the start (exit 2) and changes nothing. The hub's log has no personal
# data.
. "$(dirname "$0")/hub_lib.bash"

add_app() { # db uuid protocol placement cf name email
	"$SYNCTOOL" sql "$1" "INSERT INTO application (uuid, protocol, kiosk_id, seq, call_id, placement_code,
		comune, cf_hash, cf, given_name, family_name, phone, email, sex, birth_date, age, birthplace,
		residence, applicant_status, education, submitted_at, status)
		VALUES (?1, ?2, 'k1', CAST(?3 AS INTEGER), 1, ?4, '015146', ?1, ?5, ?6, 'Bianchi', '3331234567', ?7,
		'F', '1995-03-01', 30, 'Milano', '015146', 'unemployed', 'diploma', '2025-01-10T09:00:00Z',
		'not_suitable')" "$2" "$3" "${3##*-}" "$4" "$5" "$6" "$7" >/dev/null
}
personal() { "$SYNCTOOL" sql "$DB" "SELECT protocol, coalesce(cf, '-'), coalesce(given_name, '-'), coalesce(email, '-') FROM application ORDER BY protocol" | tr '\n' ' '; }
logged() { "$SYNCTOOL" sql "$DB" "SELECT by, days, applications, placements FROM retention_log ORDER BY id" | tr '\n' ' '; }

run() {
	local b=$1 i old recent
	DB=$(db_url "$b" "$b-keep")
	old=$(date -u -d '-40 days' +%Y-%m-%dT%H:%M:%SZ)
	recent=$(date -u -d '-2 days' +%Y-%m-%dT%H:%M:%SZ)
	check "$b-keep-set-days" "$("$DOTE_BIN/dote" retention set-days 30 --db "$DB")" "retention: 30 days after a ranking is final"
	add_app "$DB" u-old P-2025-000001 UI-OLD RSSGLI95C41F205X Giulia giulia@example.it || fail "$b-keep-setup" "application"
	add_app "$DB" u-new P-2025-000002 UI-NEW VRDMRA95C41F205X Maria maria@example.it || fail "$b-keep-setup" "application"
	"$SYNCTOOL" sql "$DB" "INSERT INTO ranking_final (placement_code, final_at, by) VALUES ('UI-OLD', ?1, 'anna'), ('UI-NEW', ?2, 'anna')" \
		"$old" "$recent" >/dev/null || fail "$b-keep-setup" "ranking_final"
	# Issue 19: two placements' registers, one ended eleven years ago
	# (past the ten of traineeship_retention_years), one two years ago.
	for t in "t-old $(date -u -d '-11 years' +%Y-%m-%d)" "t-new $(date -u -d '-2 years' +%Y-%m-%d)"; do
		set -- $t
		"$SYNCTOOL" sql "$DB" "INSERT INTO traineeship (uuid, comune, placement_code, cf, start_date, end_date,
			months, weekly_minutes, classroom_hours, tutor_comune, tutor_promoter, rule, status, ended_on,
			started_by, started_at) VALUES (?1, '015146', 'UI-OLD', 'RSSGLI95C41F205X', ?2, ?2, 3, 1200, 40,
			'anna', 'Mario', '{}', 'completed', ?2, 'anna', ?2)" "$1" "$2" >/dev/null &&
		"$SYNCTOOL" sql "$DB" "INSERT INTO register_month (uuid, month, confirmed_at, due_cents, paid_at)
			VALUES (?1, substr(?2, 1, 7), ?2, 40000, ?2)" "$1" "$2" >/dev/null || fail "$b-keep-setup" "traineeship"
	done
	registers() { "$SYNCTOOL" sql "$DB" "SELECT t.uuid || ':' || count(m.month) FROM traineeship t LEFT JOIN register_month m ON m.uuid = t.uuid GROUP BY t.uuid ORDER BY t.uuid" | tr '\n' ' '; }
	check "$b-keep-registers-setup" "$(registers)" "t-new:1 t-old:1 "
	check_match "$b-keep-registers-shown" "$("$DOTE_BIN/dote" retention show --db "$DB")" \
		"traineeships: registers and allowance records kept 10 years after the end; 1 ended before"
	local before="P-2025-000001|RSSGLI95C41F205X|Giulia|giulia@example.it P-2025-000002|VRDMRA95C41F205X|Maria|maria@example.it "
	check "$b-keep-setup-data" "$(personal)" "$before"

	# Bad values stop the start with exit 2 and change nothing.
	for v in -1 8761 abc ''; do
		"$DOTE_BIN/dote-hub" --db "$DB" --listen 127.0.0.1:0 --set "retention_interval_hours=$v" >"$T/$b-bad.log" 2>&1
		check "$b-keep-bad-interval-'$v'" "$?" "2"
	done
	check_match "$b-keep-bad-interval-says-why" "$(cat "$T/$b-bad.log")" "retention_interval_hours"
	check "$b-keep-bad-nothing-changed" "$(personal)|$(logged)" "$before|"

	# 0: the hub leaves it to cron.
	start_hub "$b-off" "$DB" --set retention_interval_hours=0 || fail "$b-keep-off" "hub did not start"
	sleep 2
	check "$b-keep-off-nothing-erased" "$(personal)|$(logged)" "$before|"
	kill -TERM "$HUB_PID"; wait "$HUB_PID"
	check "$b-keep-off-stopped" "$?" "0"

	# The default (24 hours): erased at start-up, no CLI call.
	start_hub "$b-on" "$DB" || fail "$b-keep-on" "hub did not start"
	for i in $(seq 50); do
		[[ "$(personal)" == "P-2025-000001|-|-|-"* ]] && break
		sleep 0.1
	done
	check "$b-keep-erased-by-hub" "$(personal)" "P-2025-000001|-|-|- P-2025-000002|VRDMRA95C41F205X|Maria|maria@example.it "
	check "$b-keep-logged-by-hub" "$(logged)" "dote-hub|30|1|1 "
	for i in $(seq 50); do
		[ "$(registers)" = "t-new:1 " ] && break
		sleep 0.1
	done
	check "$b-keep-registers-erased-by-hub" "$(registers)" "t-new:1 "
	check "$b-keep-stats-columns-kept" "$("$SYNCTOOL" sql "$DB" "SELECT sex, age, residence, status FROM application WHERE uuid = 'u-old'")" "F|30|015146|not_suitable"
	check_match "$b-keep-shown-in-cli" "$("$DOTE_BIN/dote" retention show --db "$DB")" "last run .* by dote-hub: 30 days, 1 applications, 1 placements"
	kill -TERM "$HUB_PID"; wait "$HUB_PID"
	check "$b-keep-on-stopped" "$?" "0"
	check_match "$b-keep-hub-log" "$(cat "$T/$b-on.log")" "retention: erased the personal data of 1 applications \(1 placements"
	check_match "$b-keep-hub-log-registers" "$(cat "$T/$b-on.log")" "retention: traineeships: erased 1 ended placements"
	if grep -qE 'RSSGLI|VRDMRA|Giulia|Maria|example\.it|Bianchi|3331234567' "$T/$b-on.log" "$T/$b-off.log"; then
		fail "$b-keep-log-no-personal-data" "personal data in the hub log"
	else
		pass "$b-keep-log-no-personal-data"
	fi

	# A second start runs again and erases nothing more.
	start_hub "$b-again" "$DB" || fail "$b-keep-again" "hub did not start"
	for i in $(seq 50); do
		[[ "$(logged)" == *"dote-hub|30|0|0 " ]] && break
		sleep 0.1
	done
	check "$b-keep-second-run" "$(logged)" "dote-hub|30|1|1 dote-hub|30|0|0 "
	check "$b-keep-recent-kept" "$(personal)" "P-2025-000001|-|-|- P-2025-000002|VRDMRA95C41F205X|Maria|maria@example.it "
	kill -TERM "$HUB_PID"; wait "$HUB_PID"
}

backends keep
for b in "${BACKENDS[@]}"; do run "$b"; done
finish
