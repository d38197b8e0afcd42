/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * dote-hub internals shared by main.c (configuration, startup, the
 * libmicrohttpd server) and api.c (the routes). Each request borrows a
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

/* A checked batch waiting for the writer thread's group commit (api.c);
 * wake(wake_arg) is called once it is committed or failed (rc), from
 * the writer thread. */
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

/* Borrows / returns a database connection (blocks while all are busy). */
struct store *hub_store_get(struct hub *h);
void hub_store_put(struct hub *h, struct store *s);

/* Handles one complete request. resp->body is malloc'd JSON or HTML.
 * A batch of applications to store is not answered here: *job (NULL on
 * entry) is set instead; the caller suspends the request, passes the job
 * to hub_ingest_submit(), and when woken answers with hub_ingest_reply()
 * and frees it with hub_ingest_free(). */
/* kiosk: the kiosk hub_preflight authenticated for this request (id ''
 * when none), so that its token is looked up once per request. */
void hub_route(struct hub *h, const struct http_request *req, const char *auth,
	       const struct store_kiosk *kiosk, const char *idem_key, const char *if_none_match,
	       struct http_response *resp, struct hub_ingest_job **job);
/* Decides from a request's headers alone, before any of its body is
 * read: 0 to read it, with the largest body the route takes in
 * *body_limit (0: none), or -1 with the answer in resp: 401/403 without
 * a valid kiosk or coordinator token, 404/405 for an API route that does
 * not exist or takes no POST, 303 to /login for a web form without a
 * session, 503 when the database cannot tell. A kiosk's request fills
 * *kiosk (its id '' otherwise) for hub_route. */
int hub_preflight(struct hub *h, const char *method, const char *path, const char *auth,
		  const char *cookie, size_t *body_limit, struct store_kiosk *kiosk,
		  struct http_response *resp);
/* Queues a job for the writer thread; wake(arg) runs once it is done
 * (at once, with a failure, when the hub is stopping). */
void hub_ingest_submit(struct hub *h, struct hub_ingest_job *job, void (*wake)(void *), void *arg);
/* The answer of a done job (200 with per-record results, or 503). */
void hub_ingest_reply(struct hub *h, struct hub_ingest_job *job, struct http_response *resp);
void hub_ingest_free(struct hub_ingest_job *job);
/* Starts / stops (after storing everything queued) the writer thread. */
int hub_writer_start(struct hub *h);
void hub_writer_stop(struct hub *h);
#endif
