/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * dote-hub's shared state, struct hub: configuration, the connection
 * pool and writer (pool.c), the rate table, the dashboard. main.c fills
 * it; pool.c, api.c and routes.c use it. Each request borrows a
 * database connection from the pool for its duration.
 */
#ifndef DOTE_HUB_H
#define DOTE_HUB_H
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include "reports/web/http.h"
#include "reports/web/rate.h"
#include "reports/store/store.h"

/* A checked batch waiting for the writer thread's group commit (pool.c);
 * wake(wake_arg) is called once it is committed and on disk, or failed
 * (rc: -1 nothing stored, -2 committed but the log's sync failed, so
 * perhaps not on disk), from the writer or the syncer thread. */
struct hub_ingest_job {
	struct store_batch batch;
	int done, rc;
	int64_t t0_ms;
	void (*wake)(void *arg);
	void *wake_arg;
	struct hub_ingest_job *next;
};

struct hub {
	char db_url[1024];
	size_t body_max;		/* bytes of one request body */
	int rate_per_minute;		/* requests per kiosk per minute */
	int pool_n;
	struct store **pool;
	int *pool_busy;
	pthread_mutex_t pool_lock;
	pthread_cond_t pool_free;
	struct store *writer;		/* the connection every write goes through */
	pthread_mutex_t write_lock;	/* held while using writer */
	struct rate_table rate;		/* by kiosk id, coordinator, "enroll": exact */
	/* Group commit: batches queue here; the writer thread stores
	 * everything queued in one transaction. */
	pthread_mutex_t ingest_lock;
	pthread_cond_t ingest_ready;
	struct hub_ingest_job *ingest_head, *ingest_tail;
	int ingest_stopping;
	pthread_t writer_thread;
	int writer_started;
	/* SQLite: groups committed without an fsync wait here for the
	 * syncer thread, which syncs the log and then wakes their requests
	 * (pool.c); after a failed sync no batch is answered as stored. */
	pthread_mutex_t sync_lock;
	pthread_cond_t sync_ready;
	struct hub_ingest_job *sync_head, *sync_tail;
	int sync_stopping, sync_started, sync_failed;
	pthread_t sync_thread;
	/* SQLite: checkpoints run on their own connection and thread. */
	struct store *ckpt_store;
	pthread_t ckpt_thread;
	pthread_mutex_t ckpt_lock;
	pthread_cond_t ckpt_wake;
	int ckpt_due, ckpt_stopping;
	void *dashboard;		/* struct dashboard_ctx *, when reports/web/dashboard.c is built in */
	/* Fleet health thresholds (config keys of the same names). */
	int kiosk_silent_minutes, outbox_growing_minutes, slow_frame_ms;
	int quiet;
};

#endif
