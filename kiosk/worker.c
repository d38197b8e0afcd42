/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Start and stop of the kiosk's worker threads (see worker.h).
 */
#include "kiosk/worker.h"
#include "core/util.h"

#include <errno.h>
#include <time.h>

int worker_start(struct worker *w, const char *db_path, enum db_sync sync, void *(*fn)(void *), void *arg,
		 const char *what)
{
	w->db = db_open_raw(db_path, sync);
	if (!w->db)
		return -1;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake, NULL);
	pthread_cond_init(&w->idle, NULL);
	if (pthread_create(&w->thread, NULL, fn, arg)) {
		error("cannot start the %s thread", what);
		db_close(w->db);
		pthread_mutex_destroy(&w->lock);
		pthread_cond_destroy(&w->wake);
		pthread_cond_destroy(&w->idle);
		return -1;
	}
	return 0;
}

void worker_stop(struct worker *w)
{
	pthread_mutex_lock(&w->lock);
	w->stop = 1;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	db_close(w->db);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->wake);
	pthread_cond_destroy(&w->idle);
}

int worker_wait(struct worker *w, int ms)
{
	struct timespec until;
	int rc = 0;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&w->lock);
	while ((w->queued || w->running) && rc == 0)
		if (pthread_cond_timedwait(&w->idle, &w->lock, &until) == ETIMEDOUT)
			rc = -1;
	pthread_mutex_unlock(&w->lock);
	return rc;
}
