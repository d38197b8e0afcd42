/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The kiosk's link to the hub (kiosk/sync.h): one background thread with
 * its own SQLite connection. This first version keeps the outbox depth
 * current for the admin screen and wakes on sync_kick(); the network
 * side (batches, catalog, heartbeats) builds on this loop.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/db.h"
#include "core/util.h"
#include "kiosk/sync.h"

struct sync {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int stop, kicked;
	struct sync_status st;
	char printer[32];
	int last_frame_ms;
	char db_path[4096];
	char hub_url[512];
};

static void *sync_main(void *arg)
{
	struct sync *s = arg;
	sqlite3 *db = db_open(s->db_path, DB_SYNC_FULL);

	pthread_mutex_lock(&s->lock);
	while (!s->stop) {
		struct timespec ts;
		int64_t depth = -1;

		pthread_mutex_unlock(&s->lock);
		if (db)
			depth = db_int(db, "SELECT count(*) FROM outbox", NULL, -1);
		pthread_mutex_lock(&s->lock);
		if (depth >= 0)
			s->st.outbox_depth = depth;
		else
			str_copy(s->st.last_error, sizeof(s->st.last_error),
				 "cannot read the kiosk database");
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 5;
		while (!s->stop && !s->kicked)
			if (pthread_cond_timedwait(&s->wake, &s->lock, &ts))
				break;
		s->kicked = 0;
	}
	pthread_mutex_unlock(&s->lock);
	db_close(db);
	return NULL;
}

struct sync *sync_start(const struct sync_config *cfg)
{
	struct sync *s;

	if (!cfg || !cfg->hub_url || !*cfg->hub_url || !cfg->db_path)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->wake, NULL);
	str_copy(s->db_path, sizeof(s->db_path), cfg->db_path);
	str_copy(s->hub_url, sizeof(s->hub_url), cfg->hub_url);
	if (pthread_create(&s->thread, NULL, sync_main, s)) {
		pthread_mutex_destroy(&s->lock);
		pthread_cond_destroy(&s->wake);
		free(s);
		error("cannot start the sync thread");
		return NULL;
	}
	return s;
}

void sync_stop(struct sync *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	s->stop = 1;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->wake);
	free(s);
}

void sync_kick(struct sync *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	s->kicked = 1;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
}

void sync_get_status(struct sync *s, struct sync_status *out)
{
	if (!s) {
		memset(out, 0, sizeof(*out));
		return;
	}
	pthread_mutex_lock(&s->lock);
	*out = s->st;
	pthread_mutex_unlock(&s->lock);
}

void sync_set_health(struct sync *s, const char *printer, int last_frame_ms)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	str_copy(s->printer, sizeof(s->printer), printer ? printer : "");
	s->last_frame_ms = last_frame_ms;
	pthread_mutex_unlock(&s->lock);
}
