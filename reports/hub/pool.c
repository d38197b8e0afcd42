/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The hub's database connections: the pool the request threads borrow
 * from (one per worker thread), the one writer connection every write
 * goes through, the writer thread that stores queued batches of
 * applications in group commits, and (SQLite) the syncer thread that
 * puts each group's log on disk before its answers, and the checkpoint
 * thread.
 * main.c opens and closes them; api.c's routes borrow them. Start
 * reading at hub_pool_open(), then writer_main().
 */
#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <time.h>
#include "core/util.h"
#include "reports/hub/hub.h"
#include "reports/hub/pool.h"

int hub_pool_open(struct hub *h, int threads, int offline_days, int clock_ahead)
{
	int i;

	pthread_mutex_init(&h->pool_lock, NULL);
	pthread_cond_init(&h->pool_free, NULL);
	pthread_mutex_init(&h->write_lock, NULL);
	pthread_mutex_init(&h->ingest_lock, NULL);
	pthread_cond_init(&h->ingest_ready, NULL);
	pthread_mutex_init(&h->sync_lock, NULL);
	pthread_cond_init(&h->sync_ready, NULL);
	pthread_mutex_init(&h->ckpt_lock, NULL);
	pthread_cond_init(&h->ckpt_wake, NULL);
	h->pool_n = threads;
	h->pool = calloc((size_t)threads, sizeof(*h->pool));
	h->pool_busy = calloc((size_t)threads, sizeof(int));
	if (!h->pool || !h->pool_busy)
		return -1;
	for (i = 0; i < threads; i++) {
		h->pool[i] = store_open(h->db_url);
		if (!h->pool[i])
			return -1;
		store_set_clock(h->pool[i], offline_days, clock_ahead);
	}
	h->writer = store_open(h->db_url);
	if (!h->writer)
		return -1;
	store_set_clock(h->writer, offline_days, clock_ahead);
	return 0;
}

void hub_pool_close(struct hub *h)
{
	int i;

	for (i = 0; h->pool && i < h->pool_n; i++)
		store_close(h->pool[i]);
	store_close(h->writer);
	free(h->pool);
	free(h->pool_busy);
	h->pool = NULL;
	h->pool_busy = NULL;
	h->writer = NULL;
}

struct store *hub_store_get(struct hub *h)
{
	struct store *s = NULL;
	int i;

	pthread_mutex_lock(&h->pool_lock);
	for (;;) {
		for (i = 0; i < h->pool_n; i++)
			if (!h->pool_busy[i]) {
				h->pool_busy[i] = 1;
				s = h->pool[i];
				break;
			}
		if (s)
			break;
		pthread_cond_wait(&h->pool_free, &h->pool_lock);
	}
	pthread_mutex_unlock(&h->pool_lock);
	return s;
}

void hub_store_put(struct hub *h, struct store *s)
{
	int i;

	pthread_mutex_lock(&h->pool_lock);
	for (i = 0; i < h->pool_n; i++)
		if (h->pool[i] == s)
			h->pool_busy[i] = 0;
	pthread_cond_signal(&h->pool_free);
	pthread_mutex_unlock(&h->pool_lock);
}

/* Every write goes through the one writer connection, one at a time:
 * with SQLite, a commit from another connection would invalidate each
 * connection's page cache and the next writer would read its indexes
 * back from the file; serialised writers also never wait on busy locks.
 * (PostgreSQL serialises writes with an advisory lock anyway.) */
struct store *hub_writer_get(struct hub *h)
{
	pthread_mutex_lock(&h->write_lock);
	return h->writer;
}

void hub_writer_put(struct hub *h)
{
	pthread_mutex_unlock(&h->write_lock);
}

enum { GROUP_MAX = 64 };

/* SQLite: stored applications wait in the rollup queue (rollup.h) until
 * a fold, and a reader that finds some folds them first: a dashboard
 * page or `dote report` paid 168 ms for 848 at 10 million applications.
 * The writer folds the queue itself once ingest has paused for
 * FOLD_IDLE_MS, so readers rarely find work. Not between groups under
 * steady ingest: the fold would hold the next group back, and small
 * folds cost more per application (each touches the same rollup rows
 * again); the queue is still folded every 8192 applications there. */
enum { FOLD_IDLE_MS = 200 };

/* Waits on ingest_ready (ingest_lock held) for at most ms. 1 on timeout. */
static int ingest_wait(struct hub *h, int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += (long)ms * 1000000L;
	ts.tv_sec += ts.tv_nsec / 1000000000L;
	ts.tv_nsec %= 1000000000L;
	return pthread_cond_timedwait(&h->ingest_ready, &h->ingest_lock, &ts) == ETIMEDOUT;
}

/* The writer thread: stores every batch queued while it was busy in ONE
 * transaction (one fsync for the group), then wakes each batch's
 * request. Request threads never wait for a commit: they parse and check
 * their batch, queue it and suspend their connection (main.c), so they
 * keep reading the next batches while a group is being committed, and
 * the next group holds everything that arrived meanwhile. (A request
 * thread that waited for its own commit, as before, held the connections
 * it serves too: groups averaged 1.2 batches in the benchmark.) */
/* Answers the jobs (a list through next) with rc: a woken request may
 * free its job at once, so next is read first. */
static void jobs_wake(struct hub_ingest_job *j, int rc)
{
	struct hub_ingest_job *next;

	for (; j; j = next) {
		next = j->next;
		j->rc = rc;
		j->done = 1;
		j->wake(j->wake_arg);
	}
}

/* SQLite: the writer commits a group without waiting for the disk
 * (store_ingest_group_deferred) and hands its jobs here; this thread
 * syncs the log (store_sync: one fdatasync for every group committed
 * since the last one) and only then lets their answers go, while the
 * writer already stores the next group. Acked still means on disk: a
 * sync starts after the commits it answers for. The fsync was a third
 * of the writer's time under the benchmark's load (commit 2.6 s of
 * 10 s), with the CPU work of the next group waiting behind it. */
static void *syncer_main(void *arg)
{
	struct hub *h = arg;
	struct hub_ingest_job *jobs;
	int rc;

	pthread_setname_np(pthread_self(), "dote-hub-sync");
	pthread_mutex_lock(&h->sync_lock);
	for (;;) {
		while (!h->sync_head && !h->sync_stopping)
			pthread_cond_wait(&h->sync_ready, &h->sync_lock);
		if (!h->sync_head)
			break;
		jobs = h->sync_head;
		h->sync_head = h->sync_tail = NULL;
		pthread_mutex_unlock(&h->sync_lock);
		rc = __atomic_load_n(&h->sync_failed, __ATOMIC_ACQUIRE) ? -1 : store_sync(h->writer);
		if (rc) {
			/* Linux may drop the pages of a failed write and report the
			 * next sync as fine: nothing is answered as stored again
			 * until the hub restarts (and SQLite reads its log back). */
			error("the write-ahead log could not be synced: ingest answers 503 until restart");
			__atomic_store_n(&h->sync_failed, 1, __ATOMIC_RELEASE);
		}
		/* -2: committed, but not known to be on disk (hub.h). */
		jobs_wake(jobs, rc ? -2 : 0);
		pthread_mutex_lock(&h->sync_lock);
	}
	pthread_mutex_unlock(&h->sync_lock);
	return NULL;
}

/* Hands n committed jobs to the syncer thread. */
static void sync_queue(struct hub *h, struct hub_ingest_job **jobs, int n)
{
	int i;

	for (i = 0; i < n; i++)
		jobs[i]->next = i + 1 < n ? jobs[i + 1] : NULL;
	pthread_mutex_lock(&h->sync_lock);
	if (h->sync_tail)
		h->sync_tail->next = jobs[0];
	else
		h->sync_head = jobs[0];
	h->sync_tail = jobs[n - 1];
	pthread_cond_signal(&h->sync_ready);
	pthread_mutex_unlock(&h->sync_lock);
}

static void *writer_main(void *arg)
{
	struct hub *h = arg;
	struct store_batch *group[GROUP_MAX];
	struct hub_ingest_job *jobs[GROUP_MAX];
	/* 1: a queue left by an earlier run is folded at the first pause. */
	int n, i, rc, unfolded = 1;

	pthread_setname_np(pthread_self(), "dote-hub-writer");
	pthread_mutex_lock(&h->ingest_lock);
	for (;;) {
		while (!h->ingest_head && !h->ingest_stopping) {
			if (!unfolded) {
				pthread_cond_wait(&h->ingest_ready, &h->ingest_lock);
				continue;
			}
			if (!ingest_wait(h, FOLD_IDLE_MS) || h->ingest_head || h->ingest_stopping)
				continue;
			/* Idle: fold (a failure leaves the queue to the readers). */
			pthread_mutex_unlock(&h->ingest_lock);
			store_rollup_fold(hub_writer_get(h));
			hub_writer_put(h);
			unfolded = 0;
			pthread_mutex_lock(&h->ingest_lock);
		}
		if (!h->ingest_head)
			break;
		for (n = 0; n < GROUP_MAX && h->ingest_head; n++) {
			jobs[n] = h->ingest_head;
			group[n] = &jobs[n]->batch;
			h->ingest_head = jobs[n]->next;
		}
		if (!h->ingest_head)
			h->ingest_tail = NULL;
		pthread_mutex_unlock(&h->ingest_lock);
		if (h->sync_started && __atomic_load_n(&h->sync_failed, __ATOMIC_ACQUIRE))
			rc = -1;
		else if (h->sync_started)
			rc = store_ingest_group_deferred(hub_writer_get(h), group, n);
		else
			rc = store_ingest_group(hub_writer_get(h), group, n);
		hub_writer_put(h);
		unfolded |= !rc;
		if (!rc && h->sync_started) {
			sync_queue(h, jobs, n);
		} else {
			for (i = 0; i < n; i++)
				jobs[i]->next = i + 1 < n ? jobs[i + 1] : NULL;
			jobs_wake(jobs[0], rc);
		}
		pthread_mutex_lock(&h->ingest_lock);
	}
	pthread_mutex_unlock(&h->ingest_lock);
	return NULL;
}

/* SQLite: the write-ahead log is copied back into the database file
 * (checkpoint) by a thread of its own, on its own connection, while the
 * writer goes on committing; SQLite's automatic checkpoint would run
 * inside the writer's commit, fsync of the database file included.
 * Commits stay durable as before (synchronous=FULL syncs the log).
 * The log starts over only once all of it is in the database file: that
 * last step needs the writer idle (an fsync, ~20 ms here), so it is
 * taken when the log has grown to CKPT_CAP pages (64 MB), not at every
 * checkpoint. */
enum { CKPT_PAGES = 2000, CKPT_TAIL = 256, CKPT_CAP = 16000 };

static int wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct hub *h = arg;

	if (pages >= CKPT_PAGES) {
		pthread_mutex_lock(&h->ckpt_lock);
		h->ckpt_due = 1;
		pthread_cond_signal(&h->ckpt_wake);
		pthread_mutex_unlock(&h->ckpt_lock);
	}
	return SQLITE_OK;
}

static void *checkpointer_main(void *arg)
{
	struct hub *h = arg;
	sqlite3 *db = h->ckpt_store->conn;
	int log, done, round;

	pthread_setname_np(pthread_self(), "dote-hub-ckpt");
	pthread_mutex_lock(&h->ckpt_lock);
	for (;;) {
		while (!h->ckpt_due && !h->ckpt_stopping)
			pthread_cond_wait(&h->ckpt_wake, &h->ckpt_lock);
		if (h->ckpt_stopping)
			break;
		h->ckpt_due = 0;
		pthread_mutex_unlock(&h->ckpt_lock);
		/* Alongside the writer, until little is left... */
		for (round = 0; round < 4; round++)
			if (sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done) !=
			    SQLITE_OK || log - done < CKPT_TAIL)
				break;
		/* ...then, when the log is long, the rest with the writer idle:
		 * once the whole log is in the database, the next commit starts
		 * it over, so it does not grow without end under steady load. */
		if (log >= CKPT_CAP) {
			hub_writer_get(h);
			sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
			hub_writer_put(h);
		}
		pthread_mutex_lock(&h->ckpt_lock);
	}
	pthread_mutex_unlock(&h->ckpt_lock);
	return NULL;
}

int hub_writer_start(struct hub *h)
{
	if (!store_is_pg(h->writer)) {
		h->ckpt_store = store_open(h->db_url);
		if (!h->ckpt_store)
			return -1;
		/* Replaces the automatic checkpoint on the writer connection. */
		sqlite3_wal_hook(h->writer->conn, wal_hook, h);
		if (pthread_create(&h->ckpt_thread, NULL, checkpointer_main, h)) {
			sqlite3_wal_autocheckpoint(h->writer->conn, 1000);
			store_close(h->ckpt_store);
			h->ckpt_store = NULL;
			return error("cannot start the checkpoint thread");
		}
	}
	if (!store_is_pg(h->writer)) {
		if (pthread_create(&h->sync_thread, NULL, syncer_main, h))
			return error("cannot start the syncer thread");
		h->sync_started = 1;
	}
	if (pthread_create(&h->writer_thread, NULL, writer_main, h))
		return error("cannot start the writer thread");
	h->writer_started = 1;
	return 0;
}

void hub_writer_stop(struct hub *h)
{
	if (h->writer_started) {
		pthread_mutex_lock(&h->ingest_lock);
		h->ingest_stopping = 1;
		pthread_cond_signal(&h->ingest_ready);
		pthread_mutex_unlock(&h->ingest_lock);
		pthread_join(h->writer_thread, NULL);
		h->writer_started = 0;
	}
	if (h->sync_started) {
		/* After the writer: every group it committed is synced and
		 * answered first. */
		pthread_mutex_lock(&h->sync_lock);
		h->sync_stopping = 1;
		pthread_cond_signal(&h->sync_ready);
		pthread_mutex_unlock(&h->sync_lock);
		pthread_join(h->sync_thread, NULL);
		h->sync_started = 0;
	}
	if (h->ckpt_store) {
		pthread_mutex_lock(&h->ckpt_lock);
		h->ckpt_stopping = 1;
		pthread_cond_signal(&h->ckpt_wake);
		pthread_mutex_unlock(&h->ckpt_lock);
		pthread_join(h->ckpt_thread, NULL);
		sqlite3_wal_autocheckpoint(hub_writer_get(h)->conn, 1000);
		hub_writer_put(h);
		store_close(h->ckpt_store);
		h->ckpt_store = NULL;
	}
}

void hub_ingest_submit(struct hub *h, struct hub_ingest_job *job, void (*wake)(void *), void *arg)
{
	job->wake = wake;
	job->wake_arg = arg;
	job->next = NULL;
	pthread_mutex_lock(&h->ingest_lock);
	if (h->ingest_stopping) {
		pthread_mutex_unlock(&h->ingest_lock);
		job->rc = -1;
		job->done = 1;
		wake(arg);
		return;
	}
	if (h->ingest_tail)
		h->ingest_tail->next = job;
	else
		h->ingest_head = job;
	h->ingest_tail = job;
	pthread_cond_signal(&h->ingest_ready);
	pthread_mutex_unlock(&h->ingest_lock);
}

void hub_ingest_free(struct hub_ingest_job *job)
{
	if (!job)
		return;
	store_batch_release(&job->batch);
	free(job);
}
