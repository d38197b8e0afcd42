/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Fleet health (reports/store/calls.h): every kiosk with what its last
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
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/datetime.h"
#include "core/util.h"
#include "reports/store/calls.h"
#include "reports/store/store.h"

#define ARGS(...) (&(struct store_args){ .v = { __VA_ARGS__ }, \
	.n = (int)(sizeof((const char *[]){ __VA_ARGS__ }) / sizeof(const char *)) })

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
