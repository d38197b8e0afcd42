/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * What the kiosk's worker threads (search.c, send.c) share: one thread,
 * its own SQLite connection, a lock, a condition that wakes the thread
 * and one that tells the frame it is idle, and the stop flag. Each
 * worker keeps its own jobs and results under the lock.
 */
#ifndef DOTE_KIOSK_WORKER_H
#define DOTE_KIOSK_WORKER_H
#include "core/db.h"

#include <pthread.h>

struct worker {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake, idle;
	sqlite3 *db;
	int stop;		/* under lock: the thread returns when it sees it */
	int queued, running;	/* under lock: a job waits / is under way */
};

/* Opens db_path with sync for the thread, then starts fn(arg): 0, or -1
 * with nothing left open (what says it which thread could not start). */
int worker_start(struct worker *w, const char *db_path, enum db_sync sync, void *(*fn)(void *), void *arg,
		 const char *what);

/* Sets stop, wakes the thread and waits for it (a job under way ends
 * first), then closes its connection. */
void worker_stop(struct worker *w);

/* Waits until no job is queued or under way (idle is broadcast when
 * one ends), at most ms milliseconds: 0, or -1 on timeout. */
int worker_wait(struct worker *w, int ms);
#endif
