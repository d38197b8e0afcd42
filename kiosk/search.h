/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Search off the frame (issue 22): browse's searches and next pages run
 * in a worker thread with its own connection to the kiosk database, so
 * a keystroke's frame never waits for SQLite (at 100,000 placements a
 * search took longer than a frame). The UI posts a job and takes the
 * result in a later frame; a job posted while another is queued
 * replaces it (only the last text typed matters). Start reading at
 * search_post().
 */
#ifndef DOTE_KIOSK_SEARCH_H
#define DOTE_KIOSK_SEARCH_H
#include "kiosk/catalog.h"

#include <stdint.h>

struct search;

/* What the worker hands back: the cards of one page (list.cards owned
 * by the taker), its cursor, and the job's number. */
struct search_result {
	unsigned gen;			/* the job's number, as posted */
	int more;			/* a next page (cards go after the list's) */
	int rc;				/* catalog_search()'s: cards added, or -1 */
	struct catalog_list list;
	float cpu_ms;			/* the worker's CPU time for it */
};

/* Starts the worker on the database at db_path. NULL (after error()):
 * the caller searches in the frame as before. */
struct search *search_start(const char *db_path);
/* Stops the worker, waiting for a job under way; frees what is left. */
void search_stop(struct search *s);
/* Queues a search for filter f (copied): with from NULL the first page;
 * else the next page after the list from (its cursor: n, pass,
 * pass_offset; the cards are not copied). gen names the job. */
void search_post(struct search *s, const struct catalog_filter *f, const struct catalog_list *from, unsigned gen);
/* Takes a finished result into *out: 1, or 0 when none is ready. */
int search_take(struct search *s, struct search_result *out);
/* Whether a job is queued or under way. */
int search_busy(struct search *s);
/* Waits until no job is queued or under way, at most ms milliseconds
 * (the scripted mode, so a script sees the results of what it typed).
 * Returns 0, or -1 on timeout. */
int search_wait(struct search *s, int ms);
/* A test hook, reached only from a script (the UI runner's hold-search):
 * with on, the next job waits before it runs, as a search slower than
 * the frame would ("Searching…" shown and heard after 300 ms); off lets
 * it run. Returns 0. It changes no data and only delays results, so it
 * is built in every build (a DEVELOPER-only hook made the test a SKIP
 * in a plain `make test`). No real slowness was
 * found to hold a search with: the kiosk database is in WAL mode, and a
 * lock held by another process does not stop its readers. */
int search_hold(struct search *s, int on);
#endif
