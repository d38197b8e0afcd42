/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Fleet health (reports/store/fleet.h): every kiosk with what its last
 * heartbeat said (version, outbox depth, printer, frame time) and the
 * flags a coordinator acts on: silent longer than the hub's
 * kiosk_silent_minutes, printer out of paper or not answering, an outbox
 * that has only grown for outbox_growing_minutes, slow frames.
 *
 * "Growing" needs a memory of earlier heartbeats: kiosk_outbox_trend
 * keeps, per kiosk, the depth last reported and the lowest depth since
 * the outbox last went down (and when). An outbox that drains resets
 * it; one that only grows keeps its old low mark, and once that is
 * older than the threshold while the depth is above it, it stands out.
 * One upsert per heartbeat, in the heartbeat's own transaction.
 *
 * The heartbeat itself is stored here too (store_heartbeat, at the end:
 * the kiosk's health, its usage counts, and the status changes sent
 * back). Start reading at fleet_list(), then store_heartbeat().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/datetime.h"
#include "core/util.h"
#include "reports/store/fleet.h"
#include "reports/store/replacement.h"
#include "reports/store/rollup.h"
#include "reports/store/selection.h"
#include "reports/store/store.h"
#include "reports/store/store_internal.h"

int fleet_heartbeat_note(struct store *s, const char *kiosk_id, const char *depth, const char *now)
{
	return store_exec(s, "INSERT INTO kiosk_outbox_trend(kiosk_id, depth, low_depth, low_at)"
			     " VALUES (?1, ?2, ?2, ?3) ON CONFLICT (kiosk_id) DO UPDATE SET"
			     " low_depth = CASE WHEN excluded.depth < kiosk_outbox_trend.depth"
			     "  OR excluded.depth = 0 THEN excluded.depth ELSE kiosk_outbox_trend.low_depth END,"
			     " low_at = CASE WHEN excluded.depth < kiosk_outbox_trend.depth"
			     "  OR excluded.depth = 0 THEN excluded.low_at ELSE kiosk_outbox_trend.low_at END,"
			     " depth = excluded.depth", ARGS(kiosk_id, depth, now)) < 0 ? -1 : 0;
}

/* Seconds since the epoch of an ISO instant, or -1. */
static long long iso_seconds(const char *s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (!s || strlen(s) < 19 || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
					   &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (long long)timegm(&tm);
}

static int flag_count(const struct kiosk_health *k)
{
	return k->flag_silent + k->flag_paper + k->flag_printer + k->flag_outbox + k->flag_slow;
}

static int attention_first(const void *a, const void *b)
{
	const struct kiosk_health *x = a, *y = b;
	int rx = !strcmp(x->status, "revoked"), ry = !strcmp(y->status, "revoked");

	if (rx != ry)
		return rx - ry;
	if (flag_count(x) != flag_count(y))
		return flag_count(y) - flag_count(x);
	return strcmp(x->id, y->id);
}

int fleet_list(struct store *s, const struct fleet_thresholds *t, struct kiosk_health **out, int *n)
{
	struct store_res *r;
	struct kiosk_health *k;
	long long now = (long long)now_wall();
	int i;

	*out = NULL;
	*n = 0;
	if (store_query(s, "SELECT k.id, k.comune, k.name, k.status, coalesce(k.last_seen, ''),"
			   " coalesce(k.version, ''), coalesce(k.queue_depth, 0), coalesce(k.printer, ''),"
			   " coalesce(k.last_frame_ms, 0), coalesce(k.enrolled_at, ''), t.depth, t.low_depth,"
			   " coalesce(t.low_at, '') FROM kiosk k LEFT JOIN kiosk_outbox_trend t"
			   " ON t.kiosk_id = k.id ORDER BY k.id", NULL, &r))
		return -1;
	k = calloc((size_t)store_res_rows(r) + 1, sizeof(*k));
	if (!k) {
		store_res_free(r);
		return -1;
	}
	for (i = 0; i < store_res_rows(r); i++) {
		struct kiosk_health *h = &k[i];
		const char *low = store_res_get(r, i, 11);
		long long seen = iso_seconds(store_res_get(r, i, 4)), low_at;

		str_copy(h->id, sizeof(h->id), store_res_get(r, i, 0));
		str_copy(h->comune, sizeof(h->comune), store_res_get(r, i, 1));
		str_copy(h->name, sizeof(h->name), store_res_get(r, i, 2));
		str_copy(h->status, sizeof(h->status), store_res_get(r, i, 3));
		str_copy(h->last_seen, sizeof(h->last_seen), store_res_get(r, i, 4));
		str_copy(h->version, sizeof(h->version), store_res_get(r, i, 5));
		h->queue_depth = atoll(store_res_get(r, i, 6));
		str_copy(h->printer, sizeof(h->printer), store_res_get(r, i, 7));
		h->last_frame_ms = atoll(store_res_get(r, i, 8));
		h->never_seen = seen < 0;
		h->silent_minutes = seen < 0 ? -1 : (now - seen) / 60;
		if (strcmp(h->status, "active"))
			continue;
		h->flag_silent = seen < 0 || h->silent_minutes >= t->silent_minutes;
		h->flag_paper = !strcmp(h->printer, "paper_out");
		h->flag_printer = !strcmp(h->printer, "missing") || !strcmp(h->printer, "no_answer");
		low_at = iso_seconds(store_res_get(r, i, 12));
		h->flag_outbox = low && store_res_get(r, i, 10) && h->queue_depth > atoll(low) && low_at >= 0 &&
				 now - low_at >= (long long)t->outbox_minutes * 60;
		h->flag_slow = t->frame_ms > 0 && h->last_frame_ms > t->frame_ms;
	}
	*n = store_res_rows(r);
	store_res_free(r);
	qsort(k, (size_t)*n, sizeof(*k), attention_first);
	*out = k;
	return 0;
}

void kiosk_health_flags(const struct kiosk_health *k, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
#define FLAG(on, word) \
	if ((on) && len + strlen(word) + 2 < size) \
		len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? "," : "", word)
	FLAG(k->flag_silent, k->never_seen ? "never-seen" : "silent");
	FLAG(k->flag_paper, "paper-out");
	FLAG(k->flag_printer, "printer");
	FLAG(k->flag_outbox, "outbox-growing");
	FLAG(k->flag_slow, "slow-frames");
#undef FLAG
}

const struct fleet_thresholds fleet_defaults = { 30, 15, 200 };

int fleet_print(struct store *s, const struct fleet_thresholds *t, FILE *out)
{
	struct kiosk_health *k;
	char ago[24], flags[80];
	int n, i;

	if (fleet_list(s, t ? t : &fleet_defaults, &k, &n))
		return -1;
	fprintf(out, "%-6s %-7s %-8s %-21s %8s %-12s %6s %-10s %6s %s\n", "id", "comune", "status",
		"last seen", "ago", "version", "queue", "printer", "frame", "flags");
	for (i = 0; i < n; i++) {
		if (k[i].silent_minutes < 0)
			str_copy(ago, sizeof(ago), "never");
		else
			snprintf(ago, sizeof(ago), "%lldm", k[i].silent_minutes);
		kiosk_health_flags(&k[i], flags, sizeof(flags));
		fprintf(out, "%-6s %-7s %-8s %-21s %8s %-12s %6lld %-10s %4lldms %s\n", k[i].id, k[i].comune,
			k[i].status, k[i].last_seen[0] ? k[i].last_seen : "-", ago,
			k[i].version[0] ? k[i].version : "-", k[i].queue_depth,
			k[i].printer[0] ? k[i].printer : "-", k[i].last_frame_ms, flags[0] ? flags : "-");
	}
	free(k);
	return 0;
}

/* ------------------------------------------------------------ heartbeat */

/* The bounds of a kiosk's usage counts (anonymous counts of sessions,
 * views, forms, submissions per day, sent again at every heartbeat:
 * reports/hub/README.md). The kiosk sends its latest 500 rows. */
enum { USAGE_ROWS_MAX = 1000, USAGE_N_MAX = 100000, USAGE_DAYS_BEFORE_ENROLMENT = 7 };

/* Checks every usage row before anything is stored: a day that is a
 * real date, not before the kiosk was enrolled (a week before: time
 * zones, a kiosk clock set late; 2020-01-01 when its enrolment is not
 * recorded) nor after the hub's tomorrow. One bad row refuses the whole
 * heartbeat, and the kiosk sends it again with the next one, so the
 * lower bound is generous: it is there to refuse 1999, not to judge
 * clocks; an event name of 1 to 20 of [a-z_]; a count of 0
 * to USAGE_N_MAX. 0, 1 with the reason in err, -1 on storage failure. */
static int usage_check(struct store *s, const struct store_kiosk *k, const json_t *usage,
		       char *err, size_t esize)
{
	char first[32], last[11];
	struct tm tm;
	size_t i;
	int y, m, d;

	if (!usage || json_is_null(usage))
		return 0;
	if (!json_is_array(usage))
		return snprintf(err, esize, "usage: not an array"), 1;
	if (json_array_size(usage) > USAGE_ROWS_MAX)
		return snprintf(err, esize, "usage: more than %d rows", USAGE_ROWS_MAX), 1;
	if (store_text(s, "SELECT coalesce(enrolled_at, '') FROM kiosk WHERE id = ?1", ARGS(k->id),
		       first, sizeof(first)) < 0)
		return -1;
	memset(&tm, 0, sizeof(tm));
	if (sscanf(first, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) == 3) {
		tm.tm_year -= 1900;
		tm.tm_mon -= 1;
		tm.tm_hour = 12;
		time_iso(timegm(&tm) - (time_t)USAGE_DAYS_BEFORE_ENROLMENT * 86400, first, sizeof(first));
	} else {
		str_copy(first, sizeof(first), "2020-01-01");
	}
	first[10] = '\0';
	time_date(now_wall() + 86400, last, sizeof(last));
	for (i = 0; i < json_array_size(usage); i++) {
		const json_t *u = json_array_get(usage, i);
		const char *day = json_string_value(json_object_get(u, "day"));
		const char *event = json_string_value(json_object_get(u, "event"));
		const json_t *nj = json_object_get(u, "n");

		if (!day || strlen(day) != 10 || date_parse(day, &y, &m, &d))
			return snprintf(err, esize, "usage[%zu].day: not a date (YYYY-MM-DD)", i), 1;
		if (strcmp(day, first) < 0 || strcmp(day, last) > 0)
			return snprintf(err, esize, "usage[%zu].day: %s is outside %s (a week before"
					" the kiosk's enrolment) to %s (the hub's tomorrow)", i, day, first,
					last), 1;
		if (!event || !*event || strlen(event) > 20 ||
		    strspn(event, "abcdefghijklmnopqrstuvwxyz_") != strlen(event))
			return snprintf(err, esize, "usage[%zu].event: not 1 to 20 of a-z and _", i), 1;
		if (!json_is_integer(nj) || json_integer_value(nj) < 0 ||
		    json_integer_value(nj) > USAGE_N_MAX)
			return snprintf(err, esize, "usage[%zu].n: not a count from 0 to %d a day", i,
					USAGE_N_MAX), 1;
	}
	return 0;
}

/* Stores usage rows that usage_check() passed. */
static int usage_store(struct store *s, const struct store_kiosk *k, const json_t *usage)
{
	size_t i;

	for (i = 0; i < json_array_size(usage); i++) {
		const json_t *u = json_array_get(usage, i);
		const char *day = json_string_value(json_object_get(u, "day"));
		const char *event = json_string_value(json_object_get(u, "event"));
		const json_t *nj = json_object_get(u, "n");
		char n[24], old[24], delta[24];
		int j;

		snprintf(n, sizeof(n), "%lld", (long long)json_integer_value(nj));
		if (store_text(s, "SELECT n FROM usage_count WHERE day = ?1 AND kiosk_id = ?2 AND"
				  " event = ?3", ARGS(day, k->id, event), old, sizeof(old)) < 0)
			return -1;
		if (store_exec(s, "INSERT INTO usage_count(day, kiosk_id, comune, event, n)"
				  " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (day, kiosk_id, event)"
				  " DO UPDATE SET n = excluded.n", ARGS(day, k->id, k->comune, event, n)) < 0)
			return -1;
		snprintf(delta, sizeof(delta), "%lld", atoll(n) - atoll(old));
		/* SQLite's rollups follow usage_count through triggers. */
		if (s->pg && atoll(delta) != 0)
			for (j = 0; rollup_usage_sql[j]; j++)
				if (store_exec(s, rollup_usage_sql[j], ARGS(day, k->comune, event, delta)) < 0)
					return -1;
	}
	return 0;
}

static int heartbeat_store(struct store *s, const struct store_kiosk *k, const json_t *body,
			   const char *version, const char *depth, const char *printer,
			   const char *frame, const char *since, const char *now, struct store_res **res)
{
	struct store_res *r = NULL;

	*res = NULL;
	if (store_begin(s))
		return -1;
	/* As on SQLite (store_heartbeat): what a heartbeat records is sent
	 * again by the next one, so its commit need not wait for the disk. */
	if (s->pg && store_exec_script(s, "SET LOCAL synchronous_commit TO off")) {
		store_rollback(s);
		return -1;
	}
	if (store_exec(s, "UPDATE kiosk SET last_seen = ?1, version = ?2, queue_depth = ?3,"
			  " printer = ?4, last_frame_ms = ?5 WHERE id = ?6",
		       ARGS(now, version, depth, printer, frame, k->id)) < 0 ||
	    fleet_heartbeat_note(s, k->id, depth, now) ||
	    usage_store(s, k, json_object_get(body, "usage")) ||
	    store_query(s, "SELECT h.id, h.uuid, h.status, h.at, coalesce(x.interview_at, ''),"
			   " coalesce(x.interview_place, '') FROM status_history h JOIN"
			   " application a ON a.uuid = h.uuid LEFT JOIN selection x ON x.uuid = h.uuid"
			   " WHERE a.kiosk_id = ?1 AND h.id > ?2"
			   " ORDER BY h.id LIMIT 500", ARGS(k->id, since), &r) ||
	    store_commit(s)) {
		store_rollback(s);
		store_res_free(r);
		return -1;
	}
	*res = r;
	return 0;
}

/* What the receipt page says of application uuid now, added to its
 * entry e of the kiosks' status feed (issue 18): the stage, the Italian
 * label and sentence (reason, next step, the office's contact) and
 * their parts, so that "check my application" says the same, in the
 * citizen's language too. 0, or -1 on a store error. */
static int citizen_detail(struct store *s, const char *uuid, json_t *e)
{
	struct selection_citizen_view v;
	json_t *office;
	int rc = selection_citizen_view(s, uuid, &v);

	if (rc)
		return rc < 0 ? -1 : 0;
	/* A seat freed by a dropout and offered to this person. */
	if (replacement_citizen(s, uuid, v.text, sizeof(v.text)) == 0) {
		str_copy(v.stage, sizeof(v.stage), "offer");
		str_copy(v.label, sizeof(v.label), "Posto offerto in subentro");
	}
	office = json_pack("{s:s, s:s, s:s, s:s}", "name", v.office.name, "phone", v.office.phone,
			   "email", v.office.email, "address", v.office.address);
	json_object_set_new(e, "stage", json_string(v.stage));
	json_object_set_new(e, "label", json_string(v.label));
	json_object_set_new(e, "text", json_string(v.text));
	json_object_set_new(e, "reason", json_string(v.reason));
	json_object_set_new(e, "note", json_string(v.note));
	json_object_set_new(e, "position", json_integer(v.position));
	json_object_set_new(e, "seats", json_integer(v.seats));
	json_object_set_new(e, "score", json_integer(v.score));
	if (office)
		json_object_set_new(e, "office", office);
	return 0;
}

/* Whether row i is the last of its application in r (an application's
 * sentence is sent once per answer, with its newest status). */
static int last_of_uuid(const struct store_res *r, int i)
{
	for (int j = i + 1; j < store_res_rows(r); j++)
		if (!strcmp(store_res_get(r, j, 1), store_res_get(r, i, 1)))
			return 0;
	return 1;
}

/* One entry of the kiosks' status feed: the application, its status
 * and since when (NULL on no memory). */
static json_t *feed_entry(const char *uuid, const char *status, const char *at)
{
	return json_pack("{s:s, s:s, s:s}", "uuid", uuid, "status", status, "status_at", at);
}

/* Adds to the kiosks' status feed every open seat offer (issue 19's
 * replacement) made to an application of kiosk k: an offer adds no
 * status of its own, so the history rows above never carry it. Open
 * offers are few (one per freed seat) and each is sent again with every
 * answer until it is decided, which the kiosk stores idempotently; the
 * decision itself comes as a status (selected or withdrawn). */
static int open_offers(struct store *s, const struct store_kiosk *k, json_t *statuses)
{
	struct store_res *r = NULL;

	if (store_query(s, "SELECT a.uuid, a.status, coalesce(a.status_at, '') FROM replacement_offer o"
			   " JOIN application a ON a.uuid = o.uuid WHERE a.kiosk_id = ?1 AND o.status = 'offered'"
			   " ORDER BY o.id LIMIT 100", ARGS(k->id), &r))
		return -1;
	for (int i = 0; i < store_res_rows(r); i++) {
		json_t *e = feed_entry(store_res_get(r, i, 0), store_res_get(r, i, 1), store_res_get(r, i, 2));
		if (!e || citizen_detail(s, store_res_get(r, i, 0), e)) {
			json_decref(e);
			store_res_free(r);
			return -1;
		}
		json_array_append_new(statuses, e);
	}
	store_res_free(r);
	return 0;
}

int store_heartbeat(struct store *s, const struct store_kiosk *k, const json_t *body,
		    json_t **response)
{
	struct store_res *r = NULL;
	char now[32], depth[24], frame[24], since[24], version[40], printer[40];
	const char *v;
	json_t *statuses = NULL;
	long long cursor;
	char why[160];
	int i, rc;

	*response = NULL;
	rc = usage_check(s, k, json_object_get(body, "usage"), why, sizeof(why));
	if (rc < 0)
		return -1;
	if (rc) {
		*response = json_pack("{s:s}", "error", why);
		return *response ? 1 : -1;
	}
	store_now_iso(now, sizeof(now));
	v = json_string_value(json_object_get(body, "version"));
	str_copy(version, sizeof(version), v && store_is_printable(v) ? v : "");
	v = json_string_value(json_object_get(body, "printer"));
	str_copy(printer, sizeof(printer), v && store_is_printable(v) ? v : "");
	snprintf(depth, sizeof(depth), "%lld", (long long)json_integer_value(json_object_get(body, "queue_depth")));
	snprintf(frame, sizeof(frame), "%lld", (long long)json_integer_value(json_object_get(body, "last_frame_ms")));
	cursor = (long long)json_integer_value(json_object_get(body, "status_since"));
	if (cursor < 0)
		cursor = 0;
	snprintf(since, sizeof(since), "%lld", cursor);
	/* Health and absolute usage counts are sent again at the next
	 * heartbeat: on SQLite this commit need not wait for the disk
	 * (applications' commits stay synchronous=FULL). */
	if (!s->pg && store_exec_script(s, "PRAGMA synchronous=NORMAL"))
		return -1;
	rc = heartbeat_store(s, k, body, version, depth, printer, frame, since, now, &r);
	if (!s->pg && store_exec_script(s, "PRAGMA synchronous=FULL"))
		rc = -1;
	if (rc) {
		store_res_free(r);
		return -1;
	}
	statuses = json_array();
	for (i = 0; i < store_res_rows(r); i++) {
		json_t *e = feed_entry(store_res_get(r, i, 1), store_res_get(r, i, 2), store_res_get(r, i, 3));

		/* A call for interview says when and where (selection.c). */
		if (e && !strcmp(store_res_get(r, i, 2), "interview") && *store_res_get(r, i, 4)) {
			json_object_set_new(e, "interview_at", json_string(store_res_get(r, i, 4)));
			json_object_set_new(e, "interview_place", json_string(store_res_get(r, i, 5)));
		}
		if (e && last_of_uuid(r, i) && citizen_detail(s, store_res_get(r, i, 1), e)) {
			json_decref(e);
			json_decref(statuses);
			store_res_free(r);
			return -1;
		}
		json_array_append_new(statuses, e);
		cursor = atoll(store_res_get(r, i, 0));
	}
	store_res_free(r);
	if (open_offers(s, k, statuses)) {
		json_decref(statuses);
		return -1;
	}
	*response = json_pack("{s:s, s:o, s:I}", "server_time", now, "statuses", statuses,
			      "status_cursor", (json_int_t)cursor);
	return *response ? 0 : -1;
}
