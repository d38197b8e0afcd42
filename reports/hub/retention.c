/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The retention thread (see retention.h). Start reading at
 * retention_main(): one run right away, then one every interval_hours.
 * The erasure itself, its cut-off (setting retention_days) and its log
 * row are the store's (reports/store/selection.c), shared with the CLI;
 * this file only decides when. Logs say how many, never whose.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/util.h"
#include "reports/hub/retention.h"
#include "reports/store/replacement.h"
#include "reports/store/selection.h"
#include "reports/store/traineeship.h"
#include "core/datetime.h"
#include "reports/store/store.h"

/* One erasure; -1 when the store failed. Its one-line summary goes to
 * the hub's log unless quiet. */
static int run_once(struct hub_retention *r, struct store *s)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	int rc;

	if (!out)
		return -1;
	rc = selection_retention_run(s, -1, "dote-hub", out);
	/* Registers and allowance records keep their own period; an offer
	 * of a freed seat whose deadline passed goes to the next. */
	if (!rc) {
		char today[11];
		int n = traineeship_retention(s, -1, "dote-hub"), e, m;

		time_date(now_wall(), today, sizeof(today));
		e = n < 0 ? -1 : replacement_expire(s, today, "dote-hub");
		m = e < 0 ? -1 : traineeship_late_remind(s, today, "dote-hub");
		if (n < 0 || e < 0 || m < 0)
			rc = -1;
		else
			fprintf(out, "retention: traineeships: erased %d ended placements; %d seat offers expired;"
				     " %d late registers reminded\n", n, e, m);
	}
	fclose(out);
	if (rc)
		warning("retention: the erasure of personal data failed; next try in %d hours",
			r->interval_hours);
	else if (!r->quiet && text)
		fprintf(stderr, "retention: %s", text);
	free(text);
	return rc;
}

static void *retention_main(void *arg)
{
	struct hub_retention *r = arg;
	struct store *s = NULL;
	struct timespec ts;

	pthread_setname_np(pthread_self(), "dote-hub-keep");
	pthread_mutex_lock(&r->lock);
	while (!r->stopping) {
		pthread_mutex_unlock(&r->lock);
		if (!s)
			s = store_open(r->db_url);
		if (s && run_once(r, s) && store_is_pg(s)) {
			/* A PostgreSQL connection that failed is opened afresh. */
			store_close(s);
			s = NULL;
		}
		pthread_mutex_lock(&r->lock);
		if (r->stopping)
			break;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += (time_t)r->interval_hours * 3600;
		while (!r->stopping && pthread_cond_timedwait(&r->wake, &r->lock, &ts) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&r->lock);
	store_close(s);
	return NULL;
}

int hub_retention_start(struct hub_retention *r)
{
	if (r->interval_hours <= 0)
		return 0;
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->wake, NULL);
	if (pthread_create(&r->thread, NULL, retention_main, r))
		return error("cannot start the retention thread");
	r->started = 1;
	return 0;
}

void hub_retention_stop(struct hub_retention *r)
{
	if (!r->started)
		return;
	pthread_mutex_lock(&r->lock);
	r->stopping = 1;
	pthread_cond_signal(&r->wake);
	pthread_mutex_unlock(&r->lock);
	pthread_join(r->thread, NULL);
	r->started = 0;
}
