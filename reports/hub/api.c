/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The hub's handlers (DESIGN.md, "Hub HTTP API"): batch ingest, catalog,
 * heartbeat, enrolment, coordinators' status updates, the receipt check
 * page, and the web pages handed to reports/web/. Which request reaches
 * which handler is routes.c's table; every handler gets a complete
 * request (body already bounded by main.c) and fills a struct
 * http_response. Start reading at the api_* handlers at the end.
 *
 * Logs name the route, the kiosk id, counts and timings, never a token,
 * a codice fiscale or a name.
 */
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <malloc.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/comuni.h"
#include "core/datetime.h"
#include "core/model.h"
#include "core/names.h"
#include "core/receipt.h"
#include "core/util.h"
#include "core/wire.h"
#include "reports/hub/guard.h"
#include "reports/hub/hub.h"
#include "reports/hub/api.h"
#include "reports/hub/pool.h"
#include "reports/store/traineeship.h"
#include "reports/store/trainee_badge.h"
#include "reports/stats/sdc.h"
#include "reports/store/selection.h"
#include "reports/store/replacement.h"
#include "reports/web/dashboard.h"
#include "reports/web/html.h"
#include "reports/web/placement_pdf.h"
#include "reports/web/json_bound.h"
#include "reports/web/office.h"
#include "reports/web/office_coord.h"
#include "reports/web/ranking_pdf.h"
#include "reports/web/receipt_page.h"

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
/* Values a route's JSON body may hold, counted on its raw bytes before
 * a tree is built (reports/web/json_bound.h): a batch's records with
 * their fields and some to spare, a heartbeat's usage rows, the few
 * fields of an enrolment or a status change. A tree's estimated cost
 * is reserved against body_memory while it lives. */
enum {
	BATCH_VALUES_MAX = WIRE_BATCH_MAX * 96,
	HEARTBEAT_VALUES_MAX = 10000,
	SMALL_VALUES_MAX = 256,
	ATTENDANCE_VALUES_MAX = 256,	/* {kiosk_id, events: [100 tokens]} */
	JSON_DEPTH_MAX = 8,
};

/* The body as a JSON tree, or NULL with the answer in resp (413 past
 * max_values or JSON_DEPTH_MAX, 503 when the tree's cost does not fit
 * the body budget, 400 malformed). *cost is what body_release() gives
 * back. */
static json_t *parse_body(const struct http_request *req, size_t max_values, size_t *cost,
			  struct http_response *resp)
{
	struct json_bound b;
	json_error_t jerr;
	json_t *o;
	char msg[240];

	*cost = 0;
	if (json_bound_scan(req->body, req->body_len, max_values, JSON_DEPTH_MAX, &b)) {
		snprintf(msg, sizeof(msg), "too many values (at most %zu) or nesting deeper than %d"
			 " in this body", max_values, JSON_DEPTH_MAX);
		reply_error(resp, 413, msg);
		return NULL;
	}
	if (guard_budget_take(json_bound_cost(&b, req->body_len))) {
		http_response_header(resp, "Retry-After", "5");
		reply_error(resp, 503, "too many requests in progress; retry later");
		return NULL;
	}
	*cost = json_bound_cost(&b, req->body_len);
	o = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
	if (!o) {
		guard_budget_give(*cost);
		*cost = 0;
		snprintf(msg, sizeof(msg), "malformed JSON at line %d column %d: %s", jerr.line,
			 jerr.column, jerr.text);
		reply_error(resp, 400, msg);
	}
	return o;
}

/* Frees a tree from parse_body() and gives its cost back to the budget
 * (a big one's pages back to the system). */
static void body_release(json_t *o, size_t cost)
{
	json_decref(o);
	if (cost) {
		guard_budget_give(cost);
		if (cost >= 1 << 20)
			malloc_trim(0);
	}
}

void hub_ingest_reply(struct hub *h, struct hub_ingest_job *job, struct http_response *resp)
{
	json_t *out;

	if (job->rc || !job->done) {
		http_response_header(resp, "Retry-After", "2");
		/* After a failed sync of the log the batch may be kept or
		 * not: the kiosk sends it again either way (stored once). */
		reply_error(resp, 503, job->rc == -2 ? "storage unavailable; not confirmed on disk, send again"
						     : "storage unavailable; nothing was stored");
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
	size_t n, cost = 0;
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
	body = parse_body(req, BATCH_VALUES_MAX, &cost, resp);
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
	body_release(body, cost);
}

/* A placement's applications as the catalog shows them: the value
 * `dote report --dims placement` publishes (docs/reports.md, issue 20). */
static int64_t catalog_applied(int64_t n, uint64_t ckey)
{
	return sdc_perturb(n, ckey, SDC_S_APPLICATIONS);
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
	if (store_catalog(s, comune, catalog_applied, &cat, etag, sizeof(etag))) {
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

/* What a kiosk posts as one JSON object on its own behalf (a heartbeat,
 * a batch of attendance events): the token, the rate, the body bounded
 * before parsing (max_values), kiosk_id matching the token, then
 * store_fn through the writer. store_fn returns 0 (200), 1 (refused:
 * status_refused, out says why) or -1 (503). */
static void post_kiosk_object(struct hub *h, struct store *s, const struct http_request *req,
			      const char *auth, const struct store_kiosk *pre, struct http_response *resp,
			      size_t max_values, int status_refused,
			      int (*store_fn)(struct store *, const struct store_kiosk *, const json_t *, json_t **))
{
	struct store_kiosk k;
	json_t *body, *out = NULL;
	const char *kid;
	size_t cost;

	if (kiosk_of(h, s, auth, pre, &k, resp) || too_fast(h, k.id, resp))
		return;
	body = parse_body(req, max_values, &cost, resp);
	if (!body)
		return;
	kid = json_string_value(json_object_get(body, "kiosk_id"));
	if (!json_is_object(body) || (kid && strcmp(kid, k.id))) {
		reply_error(resp, kid ? 403 : 400, kid ? "kiosk_id does not match the token"
						       : "expected a JSON object");
		body_release(body, cost);
		return;
	}
	switch (store_fn(hub_writer_get(h), &k, body, &out)) {
	case 0:
		reply_json(resp, 200, out);
		break;
	case 1:
		reply_json(resp, status_refused, out);
		break;
	default:
		reply_error(resp, 503, "storage unavailable");
	}
	hub_writer_put(h);
	body_release(body, cost);
}

static void post_heartbeat(struct hub *h, struct store *s, const struct http_request *req,
			   const char *auth, const struct store_kiosk *pre, struct http_response *resp)
{
	/* 422: out says which usage row */
	post_kiosk_object(h, s, req, auth, pre, resp, HEARTBEAT_VALUES_MAX, 422, store_heartbeat);
}

/* A kiosk's signed attendance events (reports/store/traineeship.h):
 * one answer per event, after the commit. */
static void post_attendance(struct hub *h, struct store *s, const struct http_request *req,
			    const char *auth, const struct store_kiosk *pre, struct http_response *resp)
{
	post_kiosk_object(h, s, req, auth, pre, resp, ATTENDANCE_VALUES_MAX, 400, traineeship_kiosk_batch);
}

/* The trainees who may sign in at the kiosk's comune: only its own
 * kiosks get them (the roster holds codici fiscali). With them, the
 * certificates of the placements completed there in the last year, which
 * the kiosk prints for the trainee who identifies. */
static void get_roster(struct hub *h, struct store *s, const char *auth, const struct store_kiosk *pre,
		       struct http_response *resp)
{
	struct store_kiosk k;
	json_t *roster = NULL, *certs = NULL;
	char base[RECEIPT_URL_MAX], since[11];

	if (kiosk_of(h, s, auth, pre, &k, resp))
		return;
	if (k.revoked) {
		reply_error(resp, 403, "this kiosk has been revoked");
		return;
	}
	traineeship_public_url(s, base, sizeof(base));
	time_date(now_wall() - 365 * 86400, since, sizeof(since));
	if (traineeship_roster(s, k.comune, &roster) || trainee_certificates(s, k.comune, since, base, &certs)) {
		json_decref(roster);
		reply_error(resp, 503, "storage unavailable");
		return;
	}
	http_response_header(resp, "Cache-Control", "no-store");
	reply_json(resp, 200, json_pack("{s:s, s:o, s:o}", "comune", k.comune, "trainees", roster, "certificates", certs));
}

static void post_enroll(struct hub *h, struct store *s, const struct http_request *req,
			struct http_response *resp)
{
	struct store_kiosk k;
	char token[80], nfc[64 + NAMES_NFC_SPARE], why[200], msg[240];
	const char *code, *pk, *name;
	json_t *body;
	size_t cost;
	int rc;

	if (too_fast(h, "enroll", resp))
		return;
	body = parse_body(req, SMALL_VALUES_MAX, &cost, resp);
	if (!body)
		return;
	code = json_string_value(json_object_get(body, "code"));
	pk = json_string_value(json_object_get(body, "public_key"));
	name = json_string_value(json_object_get(body, "name"));
	if (!code || !pk || strlen(code) > 40 || strlen(pk) != 64 || (name && strlen(name) > 64)) {
		reply_error(resp, 400, "expected {\"code\", \"public_key\" (64 hex digits), \"name\"}");
		body_release(body, cost);
		return;
	}
	/* The name shows on the coordinators' pages: refused when it would
	 * hide or reorder text there, stored in NFC (core/names.h). */
	if (name && names_normalize(name, nfc, sizeof(nfc), why, sizeof(why))) {
		snprintf(msg, sizeof(msg), "name: %s", why);
		reply_error(resp, 400, msg);
		body_release(body, cost);
		return;
	}
	if (name)
		name = nfc;
	rc = store_enroll(hub_writer_get(h), code, pk, name, &k, token, sizeof(token));
	hub_writer_put(h);
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
	body_release(body, cost);
}

static void post_status(struct hub *h, struct store *s, const struct http_request *req,
			const char *auth, struct http_response *resp)
{
	const char *token = bearer(auth), *id, *status, *note, *at, *place;
	char who[80], err[512];
	json_t *body;
	size_t cost;
	int rc;

	rc = token ? store_coordinator_auth(s, token, who, sizeof(who)) : 1;
	if (rc) {
		reply_error(resp, rc < 0 ? 503 : 401, rc < 0 ? "storage unavailable"
							   : "a coordinator token is required");
		return;
	}
	if (too_fast(h, who, resp))
		return;
	body = parse_body(req, SMALL_VALUES_MAX, &cost, resp);
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
		body_release(body, cost);
		return;
	}
	rc = selection_status_set(hub_writer_get(h), NULL, id, status, who, note ? note : "", at, place, err,
				  sizeof(err));
	hub_writer_put(h);
	if (rc < 0)
		reply_error(resp, 503, "storage unavailable");
	else if (rc == 1)
		reply_error(resp, 404, "no such application");
	else if (rc == 2)
		reply_error(resp, 409, err);
	else
		reply_json(resp, 200, json_pack("{s:s, s:s}", "id", id, "status", status));
	body_release(body, cost);
}

/* ----------------------------------------------------- receipt check page */

/* GET /r/TOKEN: looks the receipt up and hands what was found to
 * reports/web/receipt_page.c. */
/* GET /r/TOKEN/attestato.pdf: the certificate of a completed placement
 * for whoever holds its receipt (the trainee has the receipt's QR), as
 * the office prints it, with the QR of a token the hub signs. */
static void get_certificate(struct store *s, const char *token, struct http_response *resp)
{
	struct traineeship_doc *d = calloc(1, sizeof(*d));
	struct receipt_fields f;
	char base[RECEIPT_URL_MAX], doc[RECEIPT_TOKEN_MAX], url[RECEIPT_URL_MAX] = "", *pdf = NULL;
	size_t len = 0;
	int before;
	if (!d || store_receipt_verify(s, token, &f, &before) != RECEIPT_OK ||
	    traineeship_doc_data(s, f.uuid, d) || strcmp(d->t.status, "completed") || !d->ended_on[0]) {
		set_body(resp, 404, "text/plain; charset=utf-8",
			 strdup("Attestato non disponibile: c'è quando il tirocinio è concluso.\n"));
		free(d);
		return;
	}
	traineeship_public_url(s, base, sizeof(base));
	if (*base && (traineeship_doc_sign(s, f.uuid, doc, sizeof(doc)) || receipt_url(base, doc, url, sizeof(url))))
		url[0] = '\0';
	if (certificate_pdf(d, url, &pdf, &len)) {
		set_body(resp, 500, "text/plain; charset=utf-8", strdup("Il documento non si è potuto comporre.\n"));
	} else {
		free(resp->body);
		resp->status = 200;
		str_copy(resp->content_type, sizeof(resp->content_type), "application/pdf");
		resp->body = pdf;
		resp->body_len = len;
		http_response_header(resp, "Content-Disposition", "attachment; filename=\"attestato.pdf\"");
		http_response_header(resp, "Cache-Control", "no-store");
	}
	free(d);
}

static void get_receipt(struct store *s, const char *path, struct http_response *resp)
{
	struct receipt_fields f;
	struct receipt_view v = { RECEIPT_LOOKUP_ERROR };
	char cert[RECEIPT_TOKEN_MAX + 32];
	const char *slash = strchr(path, '/');
	const struct vocab *voc;
	const struct comune *c = NULL;
	char title[256], istat[8], status[20], dup[40], line[400], sent_line[80], sent[40], at[24];
	char label[80], text[1400], comune_line[120], ranking[80];
	int known;

	if (slash) {
		char tok[RECEIPT_TOKEN_MAX];
		if (!strcmp(slash, "/attestato.pdf") && (size_t)(slash - path) < sizeof(tok)) {
			snprintf(tok, sizeof(tok), "%.*s", (int)(slash - path), path);
			get_certificate(s, tok, resp);
		} else {
			set_body(resp, 404, "text/plain; charset=utf-8", strdup("Pagina non trovata.\n"));
		}
		return;
	}
	/* A kiosk revoked later (stolen, replaced) leaves genuine receipts
	 * behind: the ones the hub verified and stored at ingest. */
	v.result = store_receipt_verify(s, path, &f, &v.before_revocation);
	if (v.result != RECEIPT_OK) {
		receipt_page(&v, resp);
		return;
	}
	v.arrived = store_application_status(s, f.uuid, status, sizeof(status), dup, sizeof(dup)) == 0;
	v.protocol = f.protocol;
	/* What a citizen recognises a month later: the office and its
	 * comune with the code, the date written the Italian way. */
	known = store_placement_title(s, f.placement_code, title, sizeof(title), istat, sizeof(istat)) == 0;
	if (known)
		c = comune_by_istat(istat);
	snprintf(line, sizeof(line), "%s%s%.200s%s%s", f.placement_code, known ? " – " : "",
		 known ? title : "", c ? ", Comune di " : "", c ? c->name : "");
	v.placement = line;
	if (c) {
		snprintf(comune_line, sizeof(comune_line), "Comune di %s", c->name);
		v.comune = comune_line;
	}
	/* Sent: in Italian local time (the receipt holds UTC). */
	{
		struct tm tm;

		memset(&tm, 0, sizeof(tm));
		str_copy(at, 20, f.submitted_at);
		if (strptime(at, "%Y-%m-%dT%H:%M:%S", &tm))
			selection_local_it(timegm(&tm), sent, sizeof(sent));
		else
			str_copy(sent, sizeof(sent), f.submitted_at);
	}
	snprintf(sent_line, sizeof(sent_line), "%s", sent);
	v.sent = sent_line;
	/* A completed placement: its certificate, from this page. */
	if (v.arrived) {
		struct traineeship t;
		if (traineeship_get(s, f.uuid, &t) == 0 && !strcmp(t.status, "completed")) {
			snprintf(cert, sizeof(cert), "/r/%s/attestato.pdf", path);
			v.certificate = cert;
		}
	}
	if (v.arrived) {
		voc = vocab_find(application_statuses, application_statuses_n, status);
		v.status = voc ? voc->it : status;
		if (selection_citizen(s, f.uuid, label, sizeof(label), text, sizeof(text)) == 0)
			v.status = label;
		/* A seat freed by a dropout and offered to this person. */
		if (replacement_citizen(s, f.uuid, text, sizeof(text)) == 0)
			v.status = "Posto offerto in subentro";
		v.status_text = text;
		/* Once final, the ranking (protocol numbers only) is public. */
		if (selection_ranking_is_final(s, f.placement_code) == 1) {
			ranking_public_path(f.placement_code, ranking, sizeof(ranking));
			v.ranking = ranking;
		}
	}
	receipt_page(&v, resp);
}

/* ---------------------------------------------------------------- routes */

/* The handlers routes.c's table points at (see api.h). */

void api_healthz(const struct route_call *c)
{
	set_body(c->resp, 200, "text/plain", strdup("ok\n"));
}

void api_applications(const struct route_call *c)
{
	post_applications(c->h, c->s, c->req, c->auth, c->kiosk, c->idem_key, c->resp, c->job);
}

void api_catalog(const struct route_call *c)
{
	get_catalog(c->h, c->s, c->req, c->if_none_match, c->resp);
}

void api_heartbeat(const struct route_call *c)
{
	post_heartbeat(c->h, c->s, c->req, c->auth, c->kiosk, c->resp);
}

void api_attendance(const struct route_call *c)
{
	post_attendance(c->h, c->s, c->req, c->auth, c->kiosk, c->resp);
}

void api_roster(const struct route_call *c)
{
	get_roster(c->h, c->s, c->auth, c->kiosk, c->resp);
}

void api_enroll(const struct route_call *c)
{
	post_enroll(c->h, c->s, c->req, c->resp);
}

void api_status(const struct route_call *c)
{
	post_status(c->h, c->s, c->req, c->auth, c->resp);
}

void api_receipt(const struct route_call *c)
{
	get_receipt(c->s, c->req->path + 3, c->resp);
}

void api_ranking(const struct route_call *c)
{
	ranking_public_pdf(c->s, c->req->path, c->resp);
}

void api_not_found(const struct route_call *c)
{
	reply_error(c->resp, 404, "not found");
}

void api_dashboard(const struct route_call *c)
{
	if (c->h->dashboard) {
		if (dashboard_handle(c->h->dashboard, c->req, c->resp) < 0 && !c->resp->status)
			reply_error(c->resp, 500, "dashboard error");
		return;
	}
	reply_error(c->resp, 404, "the dashboard is not available on this hub");
}

/* The coordinators' pages write through the writer connection. */
static struct store *coord_writer_get(void *h)
{
	return hub_writer_get(h);
}

static void coord_writer_put(void *h)
{
	hub_writer_put(h);
}

void api_coordination(const struct route_call *c)
{
	struct hub *h = c->h;
	struct coord_env env = { c->s, coord_writer_get, coord_writer_put, h, h->kiosk_silent_minutes,
				  h->outbox_growing_minutes, h->slow_frame_ms };

	coord_handle(&env, c->req, c->resp);
}

void api_office(const struct route_call *c)
{
	/* The comuni's office pages: a change goes through the writer. */
	if (!strcmp(c->req->method, "POST")) {
		office_handle(hub_writer_get(c->h), c->req, c->resp);
		hub_writer_put(c->h);
	} else {
		office_handle(c->s, c->req, c->resp);
	}
}

int api_kiosk_auth(struct hub *h, struct store *s, const char *auth, struct store_kiosk *k,
		   struct http_response *resp)
{
	return kiosk_auth(h, s, auth, k, resp);
}

int api_coordinator_auth(struct store *s, const char *auth, struct http_response *resp)
{
	const char *token = bearer(auth);
	char who[80];
	int rc = token ? store_coordinator_auth(s, token, who, sizeof(who)) : 1;

	if (rc)
		reply_error(resp, rc < 0 ? 503 : 401, rc < 0 ? "storage unavailable"
							   : "a coordinator token is required");
	return rc;
}

void api_error(struct http_response *resp, int status, const char *msg)
{
	reply_error(resp, status, msg);
}

void api_see_login(struct http_response *resp)
{
	set_body(resp, 303, "text/plain; charset=utf-8", strdup("/login\n"));
	http_response_header(resp, "Location", "/login");
}
