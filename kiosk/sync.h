/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The kiosk's link to the hub: a background thread that drains the
 * outbox in batches, pulls the catalog (ETag) and sends heartbeats, with
 * exponential backoff and full jitter, honouring Retry-After. The UI
 * never waits on it: it only reads sync_status() and calls sync_kick().
 * It opens its own SQLite connection to the kiosk database.
 * (Contract written with the foundation; implemented in sync.c.)
 */
#ifndef DOTE_KIOSK_SYNC_H
#define DOTE_KIOSK_SYNC_H
#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>

struct kiosk_identity;

struct sync_config {
	const char *db_path;		/* the kiosk database */
	const char *state_dir;		/* identity (core/identity.h) */
	const char *hub_url;		/* 'http://127.0.0.1:8470' or https://... */
	const char *ca_file;		/* CA bundle for TLS ('' = system) */
	const char *comune;		/* ISTAT of this kiosk's comune */
	int catalog_minutes;		/* catalog pull period */
	int heartbeat_seconds;
	/* Added by the hub engineer (optional, NULL/'' = none): a one-time
	 * enrolment code ('dote kiosk enroll-code'); when the identity has no
	 * token yet, the sync thread trades it for one (POST /v1/enroll) and
	 * saves the identity. */
	const char *enroll_code;
};

struct sync_status {
	int hub_reachable;		/* last contact succeeded */
	int64_t outbox_depth;		/* applications not yet acknowledged */
	int64_t last_ok_wall;		/* epoch seconds of last successful contact, 0 never */
	int64_t catalog_wall;		/* epoch seconds the catalog was last updated, 0 never */
	char last_error[160];		/* plain English, for the admin screen */
	/* Heartbeats numbered from 1 as they are sent; the number of the
	 * last one the hub answered (its status changes applied), 0 none. */
	int64_t heartbeats_sent, heartbeat_answered;
};

struct sync;

/* Starts the background thread; NULL when hub_url is empty (offline kiosk). */
struct sync *sync_start(const struct sync_config *cfg);
/* Stops and joins the thread (bounded wait); safe with NULL. */
void sync_stop(struct sync *s);
/* Wakes the thread to sync now (after a submit, or "sync now" in admin). */
void sync_kick(struct sync *s);
/* Wakes the thread for a whole turn now: the catalog checked, the outbox
 * drained and a heartbeat sent even if not yet due, so the hub's status
 * changes arrive (the scripted mode's wait-status). */
void sync_refresh(struct sync *s);
/* Copies the latest status (cheap, never blocks on the network). */
void sync_get_status(struct sync *s, struct sync_status *out);
/* Values the UI reports in heartbeats (printer state, frame time). */
void sync_set_health(struct sync *s, const char *printer, int last_frame_ms);
/* Applications in the outbox, waiting to be sent; -1 on error. Reads
 * db directly (the admin screen of an offline kiosk has no thread). */
int64_t sync_outbox_depth(sqlite3 *db);
/* Replaces the catalog cache (call and placement tables) with cat, the
 * hub's GET /v1/catalog answer, in one transaction: 0, or -1 (nothing
 * changed) when cat is not of that form. Public for tests/fuzz. */
int sync_catalog_apply(sqlite3 *db, json_t *cat);
#endif
