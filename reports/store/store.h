/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The hub's storage: one interface over SQLite (the default, a file
 * path) and PostgreSQL (a 'postgres://...' URL, libpq), so the hub, the
 * `dote` CLI and the tests behave the same on both.
 *
 * The bottom layer runs portable SQL with text parameters written ?1,
 * ?2 ... (rewritten to $1, $2 for PostgreSQL) and returns rows of text:
 * store.c (open/close, results, exec/query/text, transactions,
 * pipelines) over the backends store_sqlite.c and store_pg.c. The hub's
 * domain operations are written once on top of it, one file each:
 *   store_schema.c   every module's tables and migrations (store_open)
 *   enrol.c          enrolment codes, kiosk and coordinator tokens,
 *                    the kiosks' keys for receipt checks
 *   ingest.c         batch ingest with re-validation, group commit
 *   catalog.c        the kiosks' catalog and its ETag; catalog copy
 *   fleet.c          heartbeats and fleet health (fleet.h)
 *   receipt_check.c  receipts verified against the stored kiosks' keys
 *   selection.c      status changes (store_status_set; selection.h)
 *   rollup.c         the statistics rollups' upkeep (rollup.h)
 *   sdc_keys.c       the statistics' record keys (sdc_keys.h)
 * store_internal.h holds what those files share. Start reading at
 * store_ingest() (ingest.c).
 *
 * A struct store is one connection: use it from one thread at a time.
 */
#ifndef DOTE_REPORTS_STORE_H
#define DOTE_REPORTS_STORE_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct store;
struct store_res;

/* Opens a SQLite path (created and migrated, synchronous=FULL) or a
 * postgres:// URL (schema created if missing). NULL after error(). */
struct store *store_open(const char *url);
/* Opens a hub database that must already exist, changing no schema (the
 * dashboard, the read-only CLI): a SQLite path with synchronous=FULL
 * when durable, else NORMAL (NULL after error() when the file is
 * missing); a postgres:// URL as store_open does. */
struct store *store_open_existing(const char *url, int durable);
/* A store over a SQLite connection its caller keeps owning: store_close
 * leaves it open (close the store first). NULL when out of memory. */
struct sqlite3;
struct store *store_sqlite_borrow(struct sqlite3 *db);
/* How far a kiosk's submission time is believed: up to offline_days
 * before the hub receives a record (a kiosk offline), up to
 * clock_ahead_s after the hub's clock. A store starts with these. */
enum { STORE_OFFLINE_DAYS = 30, STORE_CLOCK_AHEAD = 300 };
void store_set_clock(struct store *s, int offline_days, int clock_ahead_s);
void store_close(struct store *s);
int store_is_pg(const struct store *s);
/* SQLite: folds the applications queued for the statistics rollups
 * (rollup_flush, its own transaction), so that readers find none; the
 * hub's writer calls it when ingest pauses. PostgreSQL keeps its rollups
 * in each ingest transaction: nothing to do. 0 or -1 after error(). */
int store_rollup_fold(struct store *s);

/* ---- portable SQL ---- */

/* Parameters are text (NULL for SQL NULL). Bit i of hexblob marks
 * parameter i+1 as a hex string stored as bytes (a BLOB in SQLite). */
struct store_args {
	const char *v[32];
	int n;
	unsigned hexblob;
};

/* Runs a statement; returns rows changed (>= 0) or -1 after error(). */
int store_exec(struct store *s, const char *sql, const struct store_args *a);
/* Runs a query; *res gets every row (free with store_res_free). 0 or -1. */
int store_query(struct store *s, const char *sql, const struct store_args *a,
		struct store_res **res);
int store_res_rows(const struct store_res *r);
int store_res_cols(const struct store_res *r);
/* Cell text; NULL for SQL NULL. BLOBs come back as lower-case hex. */
const char *store_res_get(const struct store_res *r, int row, int col);
void store_res_free(struct store_res *r);
/* First column of the first row into buf: 0 found, 1 no row, -1 error. */
int store_text(struct store *s, const char *sql, const struct store_args *a, char *buf,
	       size_t size);
/* Runs SQL built per call (the report engine's): prepared, run and
 * finalised, never cached, so sql may live in a buffer later reused for
 * other text. Each row goes to row(ctx, cells, ncols) as it is read
 * (cells as text, NULL for SQL NULL, valid during the call only; no
 * BLOBs); a non-zero return stops the query. row may be NULL (a
 * statement). 0, or -1 after error() or when row stopped it. */
int store_query_once(struct store *s, const char *sql, const struct store_args *a,
		     int (*row)(void *ctx, const char *const *cells, int ncols),
		     void *ctx);
/* Transactions. store_begin takes the write lock (SQLite: BEGIN
 * IMMEDIATE; PostgreSQL: BEGIN + a transaction advisory lock, so several
 * hub processes on one database serialise their writes). */
int store_begin(struct store *s);
int store_commit(struct store *s);
void store_rollback(struct store *s);
/* The ?N SQL rewritten for this backend is the caller's; runs several
 * ';'-separated statements with no parameters. */
int store_exec_script(struct store *s, const char *sql);

/* One statement of store_exec_many(). args' strings must live until it
 * returns. */
struct store_call {
	const char *sql;
	struct store_args args;
	int want_res;		/* 1: keep the rows in res */
	int rows;		/* out: rows changed (or returned), -1 failed */
	struct store_res *res;	/* out, when want_res: free with store_res_free */
};
/* Runs calls[0..n-1] in order, as many store_exec/store_query calls
 * would (each sees the effects of the ones before). On PostgreSQL they
 * travel together in pipeline mode, one round trip for up to 256, not
 * one each. 0, or -1 after error() when one failed (the rest may not
 * have run: roll the transaction back). */
int store_exec_many(struct store *s, struct store_call *calls, int n);

/* ---- the hub's operations ---- */

struct store_kiosk {
	char id[16];
	char comune[7];
	int revoked;
	/* Its registered Ed25519 public key: every record's receipt token
	 * must verify with it (filled by store_kiosk_auth and store_enroll;
	 * has_key 0 when the kiosk has none, and then nothing is stored). */
	unsigned char public_key[32];
	int has_key;
};

/* SHA-256 of a secret as 64 hex chars (tokens and codes are stored so). */
void store_secret_hash(const char *secret, char out[65]);

/* A one-time enrolment code for comune, valid ttl seconds, into code
 * (>= 20 bytes, 'XXXX-XXXX-XXXX'). 0 or -1. */
int store_enroll_code_create(struct store *s, const char *comune, int64_t ttl, char *code,
			     size_t size);
/* Trades a code for a new kiosk: registers pk_hex (64 hex chars), fills
 * kiosk id and comune and a new bearer token (>= 65 bytes). Returns 0,
 * 1 when the code is unknown, used or expired, -1 on error. */
int store_enroll(struct store *s, const char *code, const char *pk_hex, const char *name,
		 struct store_kiosk *k, char *token, size_t tsize);
/* The kiosk holding a bearer token: 0 found (check k->revoked), 1 none. */
int store_kiosk_auth(struct store *s, const char *token, struct store_kiosk *k);
/* Revokes a kiosk: 0, 1 when unknown, -1 on error. */
int store_kiosk_revoke(struct store *s, const char *id);
/* Looks up a kiosk's public key (receipt_key_lookup for core/receipt.h);
 * ctx is the struct store *. */
int store_receipt_lookup(void *ctx, const char *kiosk_id, unsigned char pk[32], int *revoked);

/* A coordinator API token for name (new token into token, >= 65 bytes). */
int store_coordinator_token(struct store *s, const char *name, char *token, size_t tsize);
/* The coordinator holding a token into name: 0 found, 1 none, -1 error. */
int store_coordinator_auth(struct store *s, const char *token, char *name, size_t size);

/* Ingests a batch (JSON array of wire records) from an authenticated
 * kiosk. Every record is re-validated: its fields, its signed receipt
 * token (k's public key; kiosk, comune, protocol, uuid, placement and
 * time must be the record's) and the call's eligibility rules
 * (core/eligibility.h, as the kiosk applies them); valid ones are stored once (a
 * resend of a stored UUID is reported 'already'); a second application
 * by the same person to the same call is stored with duplicate_of set.
 * The transaction is committed before this returns 0 with *response
 * ({"results":[...],"stored":N,"already":N,"rejected":N}) set. With an
 * idempotency key, a repeated request returns the first response (when
 * that refused nothing; refusals are judged afresh); the same key with
 * other records returns 1, nothing stored, *response {"error": ...}.
 * -1 on storage failure (nothing committed). */
int store_ingest(struct store *s, const struct store_kiosk *k, const json_t *records,
		 const char *idem_key, json_t **response);

/* The same in steps, for group commit: several kiosks' batches checked
 * in parallel (prepare: no database), then stored in ONE transaction
 * (one fsync for all), each answer valid only when the group returned 0.
 * On -1 nothing of the group was committed. */
struct record;
struct store_batch {
	struct store_kiosk kiosk;
	char idem[132];
	/* SHA-256 (hex) of the request under idem: a used key with another
	 * request is refused, not replayed ('' compares with nothing). */
	char idem_hash[65];
	int idem_conflict;	/* set by store_ingest_group: response is an error */
	struct record *recs;
	size_t n;
	json_t *response;	/* owned; set by store_ingest_group on success */
};
int store_batch_prepare(struct store_batch *b, const struct store_kiosk *k, const json_t *records,
			const char *idem_key);
/* The same from records read by wire_batch_read() (core/wire.h), the
 * hub's fast path: the same checks, the same answers. */
struct wire_record;
int store_batch_prepare_wire(struct store_batch *b, const struct store_kiosk *k,
			     const struct wire_record *w, size_t n, const char *idem_key);
/* Sets b's request fingerprint to the SHA-256 of the body as received,
 * when b has an idempotency key (the hub does, after prepare;
 * store_batch_prepare takes the records' canonical JSON). */
void store_batch_fingerprint(struct store_batch *b, const void *body, size_t len);
/* store_ingest_group without waiting for the disk: on SQLite the group
 * is committed with synchronous=NORMAL (its pages reach the log, no
 * fsync) and NO answer of it may be given before store_sync(s) has
 * returned 0 (reads on this connection already see it); PostgreSQL
 * commits durably as store_ingest_group does. The hub's writer thread
 * stores the next group while another thread syncs the log
 * (reports/hub/pool.c): the fsync no longer stalls the only writer. */
int store_ingest_group_deferred(struct store *s, struct store_batch **batches, int n);
/* Makes every transaction committed on s so far durable (SQLite:
 * fdatasync of its write-ahead log through a descriptor of its own, so
 * another thread may call it while s is in use; PostgreSQL: nothing to
 * do). 0, or -1 after error(): then what was committed since the last
 * sync that returned 0 may not be on disk, and (Linux forgets failed
 * writes) a later sync cannot tell. */
int store_sync(struct store *s);
int store_ingest_group(struct store *s, struct store_batch **batches, int n);
void store_batch_release(struct store_batch *b);

/* How a placement's count of applications is published: its true
 * all-time count n and cell key (the sum of its applications' record
 * keys) to the value shown (the hub: the cell key method, sdc.h). */
typedef int64_t (*store_count_protect)(int64_t n, uint64_t ckey);

/* The catalog of a comune (open calls and their open placements whose
 * deadline has not passed) as a new JSON object, with its ETag (hex,
 * >= 67 bytes with quotes). Each placement's `applied` is protect() of
 * its applications, the value `dote report --dims placement` publishes
 * (docs/reports.md, "Issue 20", point 2), never the exact counter; NULL
 * protect (tests of the store alone) gives the exact count. 0 or -1. */
int store_catalog(struct store *s, const char *comune, store_count_protect protect, json_t **catalog,
		  char *etag, size_t esize);

/* Records a heartbeat (body: version, queue_depth, printer,
 * last_frame_ms, usage [{day, event, n}], status_since) and sets
 * *response to {"server_time", "statuses":[{uuid, status, status_at}],
 * "status_cursor"}: status changes of this kiosk's applications after
 * status_since. 0; 1 when its usage counts are out of bounds (a day
 * before the kiosk's enrolment or after tomorrow, a count beyond
 * 100000 a day, ...: nothing is stored, *response is {"error": why});
 * -1 on storage failure. */
int store_heartbeat(struct store *s, const struct store_kiosk *k, const json_t *body,
		    json_t **response);

/* Changes the status of an application (uuid or protocol) as `by`,
 * recording it in status_history and the audit log: the network-wide
 * form of selection_status_set() (reports/store/selection.h), which a
 * call for interview needs (date and place). Returns 0, 1 not found, 2
 * transition not allowed (err says why, in Italian), -1 on error. */
int store_status_set(struct store *s, const char *id, const char *status, const char *by,
		     const char *note, char *err, size_t errsize);

/* 0 when the application uuid is stored with exactly this receipt token
 * (upper-case base32): its signature was verified at ingest, while its
 * kiosk's key was valid. 1 when not, -1 on error. */
int store_receipt_stored(struct store *s, const char *uuid, const char *token);

struct receipt_fields;
/* Verifies a receipt payload (URL or token) against the kiosks' keys in
 * the store, as the receipt page and `dote receipt verify --db` do. A
 * receipt from a kiosk revoked later stays genuine when the hub stored
 * exactly that token (verified at ingest while the key was valid); then
 * *withdrawn is set. Returns an enum receipt_result. */
int store_receipt_verify(struct store *s, const char *payload, struct receipt_fields *f, int *withdrawn);

/* Status and placement of the application with that uuid, for the
 * receipt page: 0 found, 1 none, -1 error. */
int store_application_status(struct store *s, const char *uuid, char *status, size_t ssize,
			     char *duplicate_of, size_t dsize);
/* Protocol, kiosk and status the hub stored for the application with
 * that uuid (each '' when NULL): 0 found, 1 none, -1 error. `dote
 * receipt verify --db` compares them with the signed token. */
int store_application_identity(struct store *s, const char *uuid, char *protocol, size_t psize,
			       char *kiosk_id, size_t ksize, char *status, size_t ssize);
/* Title and host comune (ISTAT) of the placement with that code: 0
 * found, 1 none, -1 error. */
int store_placement_title(struct store *s, const char *code, char *title, size_t tsize, char *comune,
			  size_t csize);

/* Copies calls and placements from a SQLite catalog database into the
 * store (insert or update by code): how a PostgreSQL hub gets its
 * catalog. Returns the number of placements copied, or -1. */
int store_catalog_copy(struct store *s, const char *sqlite_path);

/* ---- backends (store_sqlite.c, store_pg.c), for reports/store/ only ---- */
struct store_ops {
	int (*exec)(struct store *s, const char *sql, const struct store_args *a,
		    struct store_res **res);
	int (*script)(struct store *s, const char *sql);
	int (*begin)(struct store *s);
	int (*commit)(struct store *s);
	void (*rollback)(struct store *s);
	void (*close)(struct store *s);
	/* NULL: store_exec_many runs them one by one with exec. */
	int (*many)(struct store *s, struct store_call *calls, int n);
	/* Prepared for this call only (store_query_once). */
	int (*exec_once)(struct store *s, const char *sql, const struct store_args *a,
			 int (*row)(void *ctx, const char *const *cells, int ncols), void *ctx);
};
struct store {
	const struct store_ops *ops;
	int pg;
	void *conn;
	void *cache;		/* backend's prepared statements */
	/* How far a kiosk's submission time is believed (store_set_clock). */
	int offline_days, clock_ahead_s;
	/* SQLite: the write-ahead log's own descriptor (store_sync), or -1. */
	int wal_fd;
};
struct store *store_sqlite_open(const char *path);
struct store *store_pg_open(const char *url);
/* Result building for backends. */
struct store_res *store_res_new(int cols);
int store_res_add(struct store_res *r, const char *const *cells, const size_t *lens);
#endif
