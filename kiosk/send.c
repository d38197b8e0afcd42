/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The send worker (see send.h): one thread, one SQLite connection with
 * synchronous=FULL, one job at a time. It runs what the review screen's
 * Send did in the frame (17-28 ms measured, more on a slow SD card), in
 * the same order: application_submit() commits application and outbox
 * in one transaction, then the receipt is loaded back from the database
 * and its PNG written. Start reading at worker().
 */
#include "kiosk/send.h"
#include "core/db.h"
#include "core/util.h"
#include "kiosk/worker.h"
#include "kiosk/catalog.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* How long a Send waits for the database's write lock. */
#define SEND_BUSY_MS 60000

struct send {
	struct worker w;		/* thread, connection, lock, wake, idle, stop, queued, running */
	int ready;			/* under the lock: a result waits to be taken */
	int forget;			/* the job's session was wiped: drop its result */
	struct send_job job;
	struct send_result result;
};

static double mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* Sends one application (outside the lock): the commit first; the
 * receipt's document, QR code and PNG only after it. */
static void run(sqlite3 *db, struct send_job *j, struct send_result *r)
{
	double t0 = mono_ms();
	memset(r, 0, sizeof(*r));
	r->app = j->app;
	r->r = application_submit(db, &j->identity, &r->app, r->token, sizeof(r->token), r->err, sizeof(r->err));
	if (r->r == SUBMIT_OK) {
		catalog_usage(db, j->day, j->identity.id[0] ? j->identity.id : "LOCAL", j->comune, "submit");
		r->doc_rc = receipt_doc_load(db, r->app.protocol, j->receipt_base, &r->doc);
		if (!r->doc_rc && r->doc.url[0])
			qr_make(r->doc.url, &r->qr);
		if (!r->doc_rc && j->receipts_dir[0])
			receipt_png_write_in(NULL, j->receipts_dir, &r->doc, &j->words, NULL, 0);
	}
	r->ms = mono_ms() - t0;
}

static void *worker(void *arg)
{
	struct send *s = arg;
	/* A write lock held by another process (the sync thread, the dote
	 * command, a backup) delays a Send, with "Saving…" on screen; it
	 * does not refuse it after 5 s as the frame's connection would. */
	sqlite3_busy_timeout(s->w.db, SEND_BUSY_MS);
	pthread_mutex_lock(&s->w.lock);
	for (;;) {
		struct send_result r;
		while (!s->w.stop && !s->w.queued)
			pthread_cond_wait(&s->w.wake, &s->w.lock);
		if (!s->w.queued)
			break;
		s->w.queued = 0;
		s->w.running = 1;
		pthread_mutex_unlock(&s->w.lock);
		run(s->w.db, &s->job, &r);
		/* The worker's copies of the person's data and the key. */
		application_wipe(&s->job.app);
		str_wipe(&s->job.app, sizeof(s->job.app));
		identity_wipe(&s->job.identity);
		pthread_mutex_lock(&s->w.lock);
		if (s->forget) {
			/* Committed (or refused) for a session that ended: nobody
			 * is there to see it, the next citizen must not. */
			send_result_wipe(&r);
			s->forget = 0;
		} else {
			s->result = r;
			str_wipe(&r, sizeof(r));
			s->ready = 1;
		}
		s->w.running = 0;
		pthread_cond_broadcast(&s->w.idle);
	}
	pthread_mutex_unlock(&s->w.lock);
	return NULL;
}

struct send *send_start(const char *db_path)
{
	struct send *s = calloc(1, sizeof(*s));

	if (s && worker_start(&s->w, db_path, DB_SYNC_FULL, worker, s, "send")) {
		free(s);
		s = NULL;
	}
	return s;
}

void send_stop(struct send *s)
{
	if (!s)
		return;
	/* A job queued or under way finishes first: its commit is not cut. */
	worker_stop(&s->w);
	if (s->ready)
		send_result_wipe(&s->result);
	free(s);
}

int send_post(struct send *s, const struct send_job *job)
{
	int rc = -1;
	pthread_mutex_lock(&s->w.lock);
	if (!s->w.queued && !s->w.running && !s->ready) {
		s->job = *job;
		s->w.queued = 1;
		pthread_cond_signal(&s->w.wake);
		rc = 0;
	}
	pthread_mutex_unlock(&s->w.lock);
	return rc;
}

void send_forget(struct send *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->w.lock);
	if (s->ready) {
		send_result_wipe(&s->result);
		s->ready = 0;
	}
	/* A job queued or under way still commits: its result is dropped. */
	if (s->w.queued || s->w.running)
		s->forget = 1;
	pthread_mutex_unlock(&s->w.lock);
}

int send_take(struct send *s, struct send_result *out)
{
	int got = 0;
	pthread_mutex_lock(&s->w.lock);
	if (s->ready) {
		*out = s->result;
		str_wipe(&s->result, sizeof(s->result));
		s->ready = 0;
		got = 1;
	}
	pthread_mutex_unlock(&s->w.lock);
	return got;
}

int send_busy(struct send *s)
{
	int busy;
	pthread_mutex_lock(&s->w.lock);
	busy = s->w.queued || s->w.running || s->ready;
	pthread_mutex_unlock(&s->w.lock);
	return busy;
}

int send_wait(struct send *s, int ms)
{
	return worker_wait(&s->w, ms);
}

void send_result_wipe(struct send_result *r)
{
	qr_free(&r->qr);
	application_wipe(&r->app);
	str_wipe(r, sizeof(*r));
}
