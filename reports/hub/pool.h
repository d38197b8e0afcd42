/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The hub's database connections (pool.c): the read pool, the writer
 * connection and the writer thread's group commit of batches.
 */
#ifndef DOTE_HUB_POOL_H
#define DOTE_HUB_POOL_H
#include "reports/hub/hub.h"

/* Opens threads pooled connections and the writer connection to
 * h->db_url (and initialises the pool's locks): 0, or -1 (what was
 * opened is closed by hub_pool_close). */
int hub_pool_open(struct hub *h, int threads, int offline_days, int clock_ahead);
/* Closes every connection hub_pool_open opened (after hub_writer_stop). */
void hub_pool_close(struct hub *h);
/* Borrows / returns a database connection (blocks while all are busy). */
struct store *hub_store_get(struct hub *h);
void hub_store_put(struct hub *h, struct store *s);
/* Takes / gives back the one writer connection: every write goes
 * through it, one at a time. */
struct store *hub_writer_get(struct hub *h);
void hub_writer_put(struct hub *h);
/* Queues a job for the writer thread; wake(arg) runs once it is done
 * (at once, with a failure, when the hub is stopping). */
void hub_ingest_submit(struct hub *h, struct hub_ingest_job *job, void (*wake)(void *), void *arg);
void hub_ingest_free(struct hub_ingest_job *job);
/* Starts / stops (after storing everything queued) the writer thread. */
int hub_writer_start(struct hub *h);
void hub_writer_stop(struct hub *h);
#endif
