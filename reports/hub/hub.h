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
#include "reports/http.h"
#include "reports/store.h"

struct hub_rate {
	char key[16];		/* kiosk id */
	double tokens;
	int64_t at_ms;
};

/* A batch waiting for the group commit (api.c). */
struct hub_ingest_job {
	struct store_batch batch;
	int done, rc;
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
	pthread_mutex_t rate_lock;
	struct hub_rate rate[4096];
	/* Group commit: batches queue here; one thread at a time (the
	 * leader) stores everything queued in one transaction. */
	pthread_mutex_t ingest_lock;
	pthread_cond_t ingest_done;
	struct hub_ingest_job *ingest_head, *ingest_tail;
	int ingest_leader;
	void *dashboard;		/* struct dashboard_ctx *, when reports/dashboard.c is built in */
	int quiet;
};

/* Borrows / returns a database connection (blocks while all are busy). */
struct store *hub_store_get(struct hub *h);
void hub_store_put(struct hub *h, struct store *s);

/* Handles one complete request. resp->body is malloc'd JSON or HTML. */
void hub_route(struct hub *h, const struct http_request *req, const char *auth,
	       const char *idem_key, const char *if_none_match, struct http_response *resp);
#endif
