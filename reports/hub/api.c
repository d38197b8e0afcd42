/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The hub's routes (DESIGN.md, "Hub HTTP API"): batch ingest, catalog,
 * heartbeat, enrolment, coordinators' status updates, the receipt check
 * page, and the dashboard's paths handed to reports/web/dashboard.c. Every
 * handler gets a complete request (body already bounded by main.c) and
 * fills a struct http_response. Start reading at hub_route(); before a
 * body is read, hub_preflight() checks the route and the credentials.
 *
 * Logs name the route, the kiosk id, counts and timings, never a token,
 * a codice fiscale or a name.
 */
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/comuni.h"
#include "core/model.h"
#include "core/receipt.h"
#include "core/util.h"
#include "core/wire.h"
#include "reports/hub/hub.h"
#include "reports/store/selection.h"
#include "reports/web/html.h"
#include "reports/web/office.h"
#include "reports/web/office_coord.h"

static void set_body(struct http_response *resp, int status, const char *type, char *body)
{
	free(resp->body);
	resp->status = status;
	str_copy(resp->content_type, sizeof(resp->content_type), type);
	resp->body = body;
	resp->body_len = body ? strlen(body) : 0;
}

static void reply_json(struct http_response *resp, int status, json_t *o)
{
	char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;

	json_decref(o);
	if (!s) {
		set_body(resp, 500, "application/json", strdup("{\"error\":\"out of memory\"}"));
		return;
	}
	set_body(resp, status, "application/json", s);
}

static void reply_error(struct http_response *resp, int status, const char *msg)
{
	reply_json(resp, status, json_pack("{s:s}", "error", msg));
}

/* The bearer token of an Authorization header, or NULL. */
static const char *bearer(const char *auth)
{
	if (!auth || strncasecmp(auth, "Bearer ", 7))
		return NULL;
	auth += 7;
	while (*auth == ' ')
		auth++;
	return auth;
}

/* Token bucket per key (reports/web/rate.h: one bucket per key, never
 * shared): rate_per_minute requests, bursts of the same. 0 allowed, else
 * the seconds to wait. */
static int rate_check(struct hub *h, const char *key)
{
	return rate_table_take(&h->rate, key, h->rate_per_minute, h->rate_per_minute, now_ms());
}

static int too_fast(struct hub *h, const char *key, struct http_response *resp)
{
	char secs[16];
	int wait = rate_check(h, key);

	if (!wait)
		return 0;
	snprintf(secs, sizeof(secs), "%d", wait);
	http_response_header(resp, "Retry-After", secs);
	reply_error(resp, 429, "too many requests; retry later");
	return 1;
}

/* Authenticates a kiosk: 0, or -1 with the response already set. */
static int kiosk_auth(struct hub *h, struct store *s, const char *auth, struct store_kiosk *k,
		      struct http_response *resp)
{
	const char *token = bearer(auth);
	int rc;

	if (!token || !*token) {
		http_response_header(resp, "WWW-Authenticate", "Bearer");
		reply_error(resp, 401, "missing bearer token");
		return -1;
	}
	rc = store_kiosk_auth(s, token, k);
	if (rc < 0) {
		reply_error(resp, 503, "storage unavailable");
		return -1;
	}
	if (rc) {
		http_response_header(resp, "WWW-Authenticate", "Bearer");
		reply_error(resp, 401, "unknown token");
		return -1;
	}
	if (k->revoked) {
		reply_error(resp, 403, "kiosk revoked");
		return -1;
	}
	return 0;
}

/* The request's kiosk: the one hub_preflight authenticated from the
 * headers (the body came within body_timeout of that), or looked up
 * now. 0, or -1 with the response already set. */
static int kiosk_of(struct hub *h, struct store *s, const char *auth, const struct store_kiosk *pre,
		    struct store_kiosk *k, struct http_response *resp)
{
	if (pre && pre->id[0]) {
		*k = *pre;
		return 0;
	}
	return kiosk_auth(h, s, auth, k, resp);
}

/* Parses a JSON body: the value, or NULL with a 400 already set. */
static json_t *parse_body(const struct http_request *req, struct http_response *resp)
{
	json_error_t jerr;
	json_t *o;
	char msg[240];

	o = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
	if (!o) {
		snprintf(msg, sizeof(msg), "malformed JSON at line %d column %d: %s", jerr.line,
			 jerr.column, jerr.text);
		reply_error(resp, 400, msg);
	}
	return o;
}

/* Every write goes through the one writer connection, one at a time:
 * with SQLite, a commit from another connection would invalidate each
 * connection's page cache and the next writer would read its indexes
 * back from the file; serialised writers also never wait on busy locks.
 * (PostgreSQL serialises writes with an advisory lock anyway.) */
static struct store *writer_get(struct hub *h)
{
	pthread_mutex_lock(&h->write_lock);
	return h->writer;
}

static void writer_put(struct hub *h)
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
			store_rollup_fold(writer_get(h));
			writer_put(h);
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
		rc = store_ingest_group(writer_get(h), group, n);
		writer_put(h);
		unfolded |= !rc;
		/* A woken request may free its job at once: wake last. */
		for (i = 0; i < n; i++) {
			jobs[i]->rc = rc;
			jobs[i]->done = 1;
			jobs[i]->wake(jobs[i]->wake_arg);
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
			writer_get(h);
			sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
			writer_put(h);
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
	if (h->ckpt_store) {
		pthread_mutex_lock(&h->ckpt_lock);
		h->ckpt_stopping = 1;
		pthread_cond_signal(&h->ckpt_wake);
		pthread_mutex_unlock(&h->ckpt_lock);
		pthread_join(h->ckpt_thread, NULL);
		sqlite3_wal_autocheckpoint(writer_get(h)->conn, 1000);
		writer_put(h);
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

void hub_ingest_reply(struct hub *h, struct hub_ingest_job *job, struct http_response *resp)
{
	json_t *out;

	if (job->rc || !job->done) {
		http_response_header(resp, "Retry-After", "2");
		reply_error(resp, 503, "storage unavailable; nothing was stored");
		return;
	}
	out = job->batch.response;
	job->batch.response = NULL;
	if (job->batch.idem_conflict) {
		/* The key answered another request (IETF Idempotency-Key
		 * draft: 422); out says so. */
		reply_json(resp, 422, out);
		return;
	}
	if (!h->quiet)
		fprintf(stderr, "ingest kiosk %s: %zu records, %lld stored, %lld already, %lld rejected, %lld ms\n",
			job->batch.kiosk.id, job->batch.n,
			(long long)json_integer_value(json_object_get(out, "stored")),
			(long long)json_integer_value(json_object_get(out, "already")),
			(long long)json_integer_value(json_object_get(out, "rejected")),
			(long long)(now_ms() - job->t0_ms));
	reply_json(resp, 200, out);
}

void hub_ingest_free(struct hub_ingest_job *job)
{
	if (!job)
		return;
	store_batch_release(&job->batch);
	free(job);
}

/* Checks a batch and, when it is well-formed, hands it back in *job for
 * the writer thread (the answer comes from hub_ingest_reply once it is
 * committed); otherwise the answer is already in resp. */
static void post_applications(struct hub *h, struct store *s, const struct http_request *req,
			      const char *auth, const struct store_kiosk *pre, const char *idem,
			      struct http_response *resp, struct hub_ingest_job **jobp)
{
	struct store_kiosk k;
	struct hub_ingest_job *job = NULL;
	struct wire_record *w;
	json_t *body = NULL, *records;
	const char *kid;
	char kid_fast[32];
	size_t n;
	int64_t t0 = now_ms();

	if (kiosk_of(h, s, auth, pre, &k, resp) || too_fast(h, k.id, resp))
		return;
	if (idem && (strlen(idem) > 128 || !*idem)) {
		reply_error(resp, 400, "Idempotency-Key must be 1 to 128 characters");
		return;
	}
	/* The plain form every kiosk sends is read without a JSON tree (the
	 * tree cost more than all the checks but the signatures); anything
	 * else goes through jansson below, which also words the errors. */
	switch (wire_batch_read(req->body, req->body_len, kid_fast, sizeof(kid_fast), &w, &n)) {
	case 0:
		if (strcmp(kid_fast, k.id)) {
			reply_error(resp, 403, "kiosk_id does not match the token");
		} else if (!(job = calloc(1, sizeof(*job))) ||
			   store_batch_prepare_wire(&job->batch, &k, w, n, idem)) {
			free(job);
			reply_error(resp, 500, "out of memory");
		} else {
			store_batch_fingerprint(&job->batch, req->body, req->body_len);
			job->t0_ms = t0;
			*jobp = job;
		}
		wire_records_free(w, n);
		return;
	case 1:
		break;
	default:
		reply_error(resp, 500, "out of memory");
		return;
	}
	body = parse_body(req, resp);
	if (!body)
		return;
	records = json_object_get(body, "records");
	kid = json_string_value(json_object_get(body, "kiosk_id"));
	if (!json_is_object(body) || !json_is_array(records)) {
		reply_error(resp, 400, "expected {\"kiosk_id\": ..., \"records\": [...]}");
		goto out;
	}
	if (!kid || strcmp(kid, k.id)) {
		reply_error(resp, 403, "kiosk_id does not match the token");
		goto out;
	}
	if (json_array_size(records) > WIRE_BATCH_MAX) {
		reply_error(resp, 413, "too many records in one batch");
		goto out;
	}
	job = calloc(1, sizeof(*job));
	/* The records are copied out of the JSON: the body can go now. */
	if (!job || store_batch_prepare(&job->batch, &k, records, idem)) {
		free(job);
		reply_error(resp, 500, "out of memory");
		goto out;
	}
	store_batch_fingerprint(&job->batch, req->body, req->body_len);
	job->t0_ms = t0;
	*jobp = job;
out:
	json_decref(body);
}

static void get_catalog(struct hub *h, struct store *s, const struct http_request *req,
			const char *inm, struct http_response *resp)
{
	char comune[16], etag[80];
	json_t *cat;

	if (http_query_get(req->query, "comune", comune, sizeof(comune)) ||
	    strlen(comune) != 6 || strspn(comune, "0123456789") != 6) {
		reply_error(resp, 400, "comune must be a 6-digit ISTAT code");
		return;
	}
	if (store_catalog(s, comune, &cat, etag, sizeof(etag))) {
		reply_error(resp, 503, "storage unavailable");
		return;
	}
	http_response_header(resp, "ETag", etag);
	http_response_header(resp, "Cache-Control", "no-cache");
	if (inm && !strcmp(inm, etag)) {
		json_decref(cat);
		set_body(resp, 304, "application/json", NULL);
		return;
	}
	reply_json(resp, 200, cat);
}

static void post_heartbeat(struct hub *h, struct store *s, const struct http_request *req,
			   const char *auth, const struct store_kiosk *pre, struct http_response *resp)
{
	struct store_kiosk k;
	json_t *body, *out = NULL;
	const char *kid;

	if (kiosk_of(h, s, auth, pre, &k, resp) || too_fast(h, k.id, resp))
		return;
	body = parse_body(req, resp);
	if (!body)
		return;
	kid = json_string_value(json_object_get(body, "kiosk_id"));
	if (!json_is_object(body) || (kid && strcmp(kid, k.id))) {
		reply_error(resp, kid ? 403 : 400, kid ? "kiosk_id does not match the token"
						       : "expected a JSON object");
		json_decref(body);
		return;
	}
	switch (store_heartbeat(writer_get(h), &k, body, &out)) {
	case 0:
		reply_json(resp, 200, out);
		break;
	case 1:
		reply_json(resp, 422, out);	/* out says which usage row */
		break;
	default:
		reply_error(resp, 503, "storage unavailable");
	}
	writer_put(h);
	json_decref(body);
}

static void post_enroll(struct hub *h, struct store *s, const struct http_request *req,
			struct http_response *resp)
{
	struct store_kiosk k;
	char token[80];
	const char *code, *pk, *name;
	json_t *body;
	int rc;

	if (too_fast(h, "enroll", resp))
		return;
	body = parse_body(req, resp);
	if (!body)
		return;
	code = json_string_value(json_object_get(body, "code"));
	pk = json_string_value(json_object_get(body, "public_key"));
	name = json_string_value(json_object_get(body, "name"));
	if (!code || !pk || strlen(code) > 40 || strlen(pk) != 64 || (name && strlen(name) > 64)) {
		reply_error(resp, 400, "expected {\"code\", \"public_key\" (64 hex digits), \"name\"}");
		json_decref(body);
		return;
	}
	rc = store_enroll(writer_get(h), code, pk, name, &k, token, sizeof(token));
	writer_put(h);
	if (rc < 0)
		reply_error(resp, 503, "storage unavailable");
	else if (rc)
		reply_error(resp, 403, "enrolment code unknown, already used or expired");
	else {
		if (!h->quiet)
			fprintf(stderr, "enrolled kiosk %s for comune %s\n", k.id, k.comune);
		reply_json(resp, 200, json_pack("{s:s, s:s, s:s}", "kiosk_id", k.id, "comune",
						k.comune, "token", token));
	}
	str_wipe(token, sizeof(token));
	json_decref(body);
}

static void post_status(struct hub *h, struct store *s, const struct http_request *req,
			const char *auth, struct http_response *resp)
{
	const char *token = bearer(auth), *id, *status, *note, *at, *place;
	char who[80], err[512];
	json_t *body;
	int rc;

	rc = token ? store_coordinator_auth(s, token, who, sizeof(who)) : 1;
	if (rc) {
		reply_error(resp, rc < 0 ? 503 : 401, rc < 0 ? "storage unavailable"
							   : "a coordinator token is required");
		return;
	}
	if (too_fast(h, who, resp))
		return;
	body = parse_body(req, resp);
	if (!body)
		return;
	id = json_string_value(json_object_get(body, "id"));
	status = json_string_value(json_object_get(body, "status"));
	note = json_string_value(json_object_get(body, "note"));
	at = json_string_value(json_object_get(body, "interview_at"));
	place = json_string_value(json_object_get(body, "interview_place"));
	if (!id || !status || strlen(id) > 64) {
		reply_error(resp, 400, "expected {\"id\": uuid or protocol, \"status\", \"note\","
				       " \"interview_at\", \"interview_place\"}");
		json_decref(body);
		return;
	}
	rc = selection_status_set(writer_get(h), NULL, id, status, who, note ? note : "", at, place, err,
				  sizeof(err));
	writer_put(h);
	if (rc < 0)
		reply_error(resp, 503, "storage unavailable");
	else if (rc == 1)
		reply_error(resp, 404, "no such application");
	else if (rc == 2)
		reply_error(resp, 409, err);
	else
		reply_json(resp, 200, json_pack("{s:s, s:s}", "id", id, "status", status));
	json_decref(body);
}

/* ----------------------------------------------------- receipt check page */

/* Appends pre, then arg HTML-escaped, then post (pre and post are markup). */
static void page_add(char *buf, size_t size, size_t *len, const char *fmt, const char *arg)
{
	char esc[1024];
	const char *mark = strstr(fmt, "%s");
	int n;

	if (html_escape(esc, sizeof(esc), arg ? arg : ""))
		esc[0] = '\0';
	if (!mark)
		return;
	n = snprintf(buf + *len, size - *len, "%.*s%s%s", (int)(mark - fmt), fmt, esc, mark + 2);
	if (n > 0 && (size_t)n < size - *len)
		*len += (size_t)n;
}

static void receipt_page(struct store *s, const char *path, struct http_response *resp)
{
	struct receipt_fields f;
	enum receipt_result r = RECEIPT_LOOKUP_ERROR;
	const struct vocab *v;
	char status[20], dup[40];
	size_t size = 8192, len = 0;
	char *page = malloc(size);
	int found = 0, http = 200, before_revocation = 0;

	if (!page) {
		reply_error(resp, 500, "out of memory");
		return;
	}
	page[0] = '\0';
	/* A kiosk revoked later (stolen, replaced) leaves genuine receipts
	 * behind: the ones the hub verified and stored at ingest. */
	r = store_receipt_verify(s, path, &f, &before_revocation);
	if (r == RECEIPT_OK)
		found = store_application_status(s, f.uuid, status, sizeof(status), dup, sizeof(dup)) == 0;
	len = (size_t)snprintf(page, size, "%s", "<!doctype html><html lang=\"it\"><head><meta charset=\"utf-8\">"
		 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		 "<title>Verifica ricevuta - DoteComune</title></head><body><main>"
		 "<h1>Verifica ricevuta</h1>");
	if (r == RECEIPT_OK) {
		page_add(page, size, &len, "<p><strong>%s</strong></p>", "Ricevuta autentica.");
		page_add(page, size, &len, "<p>Protocollo: %s</p>", f.protocol);
		{
			/* What a citizen recognises a month later: the office and
			 * its comune with the code, the date written the Italian way. */
			struct store_res *pr = NULL;
			const struct comune *c = NULL;
			char line[400], sent[40], at[17];

			int known = !store_query(s, "SELECT title, comune FROM placement WHERE code = ?1",
						 &(struct store_args){ { f.placement_code }, 1 }, &pr) &&
				    store_res_rows(pr) == 1;

			if (known)
				c = comune_by_istat(store_res_get(pr, 0, 1));
			snprintf(line, sizeof(line), "%s%s%.200s%s%s", f.placement_code, known ? " – " : "",
				 known ? store_res_get(pr, 0, 0) : "", c ? ", Comune di " : "", c ? c->name : "");
			if (pr)
				store_res_free(pr);
			page_add(page, size, &len, "<p>Progetto: %s</p>", line);
			str_copy(at, sizeof(at), f.submitted_at);
			selection_when_it(at, sent, sizeof(sent));
			snprintf(line, sizeof(line), "%s%s", sent, strlen(f.submitted_at) >= 16 ? " (ora UTC)" : "");
			page_add(page, size, &len, "<p>Inviata il: %s</p>", line);
		}
		if (found) {
			char at[24] = "", place[SELECTION_PLACE_MAX + 1] = "", text[600];

			v = vocab_find(application_statuses, application_statuses_n, status);
			page_add(page, size, &len, "<p>Stato della domanda: %s</p>", v ? v->it : status);
			if (!strcmp(status, "interview"))
				selection_interview(s, f.uuid, at, sizeof(at), place, sizeof(place));
			selection_status_text(status, at, place, text, sizeof(text));
			page_add(page, size, &len, "<p>%s</p>", text);
			if (before_revocation)
				page_add(page, size, &len, "<p>%s</p>", "Lo sportello che l'ha emessa è stato "
					 "poi ritirato dal servizio; la domanda era già arrivata alla sede "
					 "centrale.");
		} else {
			page_add(page, size, &len, "<p>%s</p>", "La domanda non è ancora arrivata alla "
				 "sede centrale: lo sarà appena lo sportello si collega.");
		}
	} else {
		http = r == RECEIPT_LOOKUP_ERROR ? 503 : 404;
		page_add(page, size, &len, "<p><strong>%s</strong></p>", "Ricevuta NON valida.");
		page_add(page, size, &len, "<p>%s</p>",
			 receipt_result_str(r));
	}
	page_add(page, size, &len, "%s</main></body></html>\n", "");
	set_body(resp, http, "text/html; charset=utf-8", page);
	http_response_header(resp, "Content-Security-Policy", "default-src 'none'");
}

/* ---------------------------------------------------------------- routes */

#if __has_include("reports/web/dashboard.h")
#include "reports/web/dashboard.h"
#define HAVE_DASHBOARD 1
#else
#define HAVE_DASHBOARD 0
#endif

static int is_dashboard_path(const char *p)
{
	return !strncmp(p, "/dashboard", 10) || !strcmp(p, "/login") || !strcmp(p, "/logout") ||
	       !strncmp(p, "/static/", 8);
}

/* The coordinators' pages write through the writer connection. */
static struct store *coord_writer_get(void *h)
{
	return writer_get(h);
}

static void coord_writer_put(void *h)
{
	writer_put(h);
}

/* The API's own paths (as opposed to web pages). */
static int is_api_path(const char *p)
{
	return !strncmp(p, "/v1/", 4) || !strncmp(p, "/r/", 3) || !strncmp(p, "/R/", 3) || !strcmp(p, "/healthz");
}

/* The paths of the API that exist (for any method). */
static int is_api_route(const char *p)
{
	return !strcmp(p, "/v1/applications") || !strcmp(p, "/v1/catalog") || !strcmp(p, "/v1/heartbeat") ||
	       !strcmp(p, "/v1/enroll") || !strcmp(p, "/v1/status") || !strncmp(p, "/r/", 3) ||
	       !strncmp(p, "/R/", 3) || !strcmp(p, "/healthz");
}

/* Bodies of the routes that take small ones (main.c bounds the others
 * by body_max): an enrolment is a code, a key and a name; a status
 * change an id, a status and a note; a login or logout form two or
 * three fields. */
enum { ENROLL_BODY_MAX = 4096, STATUS_BODY_MAX = 65536, LOGIN_BODY_MAX = 16384 };

int hub_preflight(struct hub *h, const char *method, const char *path, const char *auth,
		  const char *cookie, size_t *body_limit, struct store_kiosk *kiosk,
		  struct http_response *resp)
{
	struct store *s;
	char who[80];
	const char *token;
	int rc = 0;

	*body_limit = 0;
	kiosk->id[0] = '\0';
	if (strcmp(method, "POST"))
		return 0;	/* no body is read; the route answers (405 and the like) */
	if (!is_api_path(path)) {
		/* Web pages: the login and logout forms are small; any other
		 * form is read only for someone logged in. */
		if (!strcmp(path, "/login") || !strcmp(path, "/logout")) {
			*body_limit = LOGIN_BODY_MAX;
			return 0;
		}
#if HAVE_DASHBOARD
		rc = h->dashboard ? dashboard_session_ok(h->dashboard, cookie) : 0;
#endif
		if (rc < 0) {
			http_response_header(resp, "Retry-After", "5");
			reply_error(resp, 503, "storage unavailable");
			return -1;
		}
		if (!rc) {
			set_body(resp, 303, "text/plain; charset=utf-8", strdup("/login\n"));
			http_response_header(resp, "Location", "/login");
			return -1;
		}
		*body_limit = h->body_max;
		return 0;
	}
	if (!is_api_route(path)) {
		reply_error(resp, 404, "not found");
		return -1;
	}
	if (!strcmp(path, "/v1/enroll")) {
		*body_limit = ENROLL_BODY_MAX;
		return 0;
	}
	if (strcmp(path, "/v1/applications") && strcmp(path, "/v1/heartbeat") && strcmp(path, "/v1/status")) {
		reply_error(resp, 405, "method not allowed");
		return -1;
	}
	s = hub_store_get(h);
	if (!s) {
		reply_error(resp, 503, "storage unavailable");
		return -1;
	}
	if (!strcmp(path, "/v1/status")) {
		token = bearer(auth);
		rc = token ? store_coordinator_auth(s, token, who, sizeof(who)) : 1;
		if (rc)
			reply_error(resp, rc < 0 ? 503 : 401, rc < 0 ? "storage unavailable"
								   : "a coordinator token is required");
		*body_limit = STATUS_BODY_MAX;
	} else {
		rc = kiosk_auth(h, s, auth, kiosk, resp);
		if (rc)
			kiosk->id[0] = '\0';
		*body_limit = h->body_max;
	}
	hub_store_put(h, s);
	return rc ? -1 : 0;
}

void hub_route(struct hub *h, const struct http_request *req, const char *auth,
	       const struct store_kiosk *kiosk, const char *idem_key, const char *if_none_match,
	       struct http_response *resp, struct hub_ingest_job **job)
{
	const char *p = req->path, *m = req->method;
	int get = !strcmp(m, "GET") || !strcmp(m, "HEAD"), post = !strcmp(m, "POST");
	struct store *s;

	if (!strcmp(p, "/healthz")) {
		set_body(resp, 200, "text/plain", strdup("ok\n"));
		return;
	}
	if (is_dashboard_path(p)) {
#if HAVE_DASHBOARD
		if (h->dashboard) {
			if (dashboard_handle(h->dashboard, req, resp) < 0 && !resp->status)
				reply_error(resp, 500, "dashboard error");
			return;
		}
#endif
		reply_error(resp, 404, "the dashboard is not available on this hub");
		return;
	}
	s = hub_store_get(h);
	if (!s) {
		reply_error(resp, 503, "storage unavailable");
		return;
	}
	if (coord_path(p)) {
		struct coord_env env = { s, coord_writer_get, coord_writer_put, h, h->kiosk_silent_minutes,
					  h->outbox_growing_minutes, h->slow_frame_ms };

		coord_handle(&env, req, resp);
	} else if (!strcmp(p, "/v1/applications") && post)
		post_applications(h, s, req, auth, kiosk, idem_key, resp, job);
	else if (!strcmp(p, "/v1/catalog") && get)
		get_catalog(h, s, req, if_none_match, resp);
	else if (!strcmp(p, "/v1/heartbeat") && post)
		post_heartbeat(h, s, req, auth, kiosk, resp);
	else if (!strcmp(p, "/v1/enroll") && post)
		post_enroll(h, s, req, resp);
	else if (!strcmp(p, "/v1/status") && post)
		post_status(h, s, req, auth, resp);
	else if ((!strncmp(p, "/r/", 3) || !strncmp(p, "/R/", 3)) && get)
		receipt_page(s, p + 3, resp);
	else if (office_path(p)) {
		/* The comuni's office pages: a change goes through the writer. */
		if (post) {
			office_handle(writer_get(h), req, resp);
			writer_put(h);
		} else {
			office_handle(s, req, resp);
		}
	}
	else if (is_api_route(p))
		reply_error(resp, 405, "method not allowed");
	else
		reply_error(resp, 404, "not found");
	hub_store_put(h, s);
}
