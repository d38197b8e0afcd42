/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The kiosk's link to the hub (kiosk/sync.h): one background thread with
 * its own SQLite connection and its own libcurl handle. Start reading at
 * sync_main(); each turn of its loop
 *   - enrols the kiosk once, if it has an enrolment code and no token;
 *   - pulls the catalog at start and every catalog_minutes (ETag; the
 *     catalog is replaced in one transaction);
 *   - drains the outbox in batches of 100: the hub answers per record
 *     only after its commit; each acknowledged application loses its
 *     personal columns and its outbox row in one local transaction;
 *   - sends a heartbeat (health, queue depth, anonymous usage counts) and
 *     applies the status changes the hub returns, so "check my
 *     application" works offline;
 * then sleeps until the next thing is due or sync_kick() wakes it.
 * Failures back off exponentially with full jitter (1 s doubling to a
 * 5 min cap; DOTE_SYNC_BACKOFF_MAX_MS lowers the cap, for tests), and a
 * Retry-After from the hub is honoured. Everything that matters is in
 * the database, so a restart resumes where it stopped.
 *
 * TLS verification is always on (CA file configurable); plain http is
 * accepted only to loopback.
 */
#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "core/attendance.h"
#include "core/comuni.h"
#include "core/datetime.h"
#include "core/db.h"
#include "core/identity.h"
#include "core/util.h"
#include "core/wire.h"
#include "kiosk/sync.h"

enum {
	SYNC_BATCH = 100,
	SYNC_BODY_MAX = 16 << 20,	/* largest answer accepted from the hub */
	SYNC_REJECT_RETRY_MS = 6 * 3600 * 1000,
};

struct sync {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int stop, kicked, refresh;
	struct sync_status st;
	char printer[32];
	int last_frame_ms;
	/* configuration, copied */
	char db_path[4096], state_dir[4096], hub_url[512], ca_file[4096], comune[7];
	char enroll_code[40];
	int catalog_minutes, heartbeat_seconds;
	/* thread-only state */
	sqlite3 *db;
	CURL *curl;
	struct kiosk_identity id;
	int have_id;
	int failures;
	int64_t backoff_until, next_catalog, next_heartbeat;
	int64_t backoff_max_ms;
};

struct reply {
	long code;
	char *body;
	size_t len;
	int too_big;
	char etag[80];
	int retry_after;	/* seconds, 0 none */
};

/* Wall-clock milliseconds (outbox.next_try_ms is wall clock). */
static int64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void set_error(struct sync *s, const char *msg)
{
	pthread_mutex_lock(&s->lock);
	str_copy(s->st.last_error, sizeof(s->st.last_error), msg);
	s->st.hub_reachable = 0;
	pthread_mutex_unlock(&s->lock);
}

static void set_ok(struct sync *s)
{
	pthread_mutex_lock(&s->lock);
	s->st.hub_reachable = 1;
	s->st.last_ok_wall = (int64_t)now_wall();
	s->st.last_error[0] = '\0';
	pthread_mutex_unlock(&s->lock);
}

static int stopping(struct sync *s)
{
	int stop;

	pthread_mutex_lock(&s->lock);
	stop = s->stop;
	pthread_mutex_unlock(&s->lock);
	return stop;
}

/* Full jitter: a random wait in [0, min(cap, 1 s * 2^failures)], at
 * least the hub's Retry-After. */
static void backoff(struct sync *s, int retry_after)
{
	int64_t cap = 1000, wait;

	if (s->failures < 30)
		s->failures++;
	for (int i = 1; i < s->failures && cap < s->backoff_max_ms; i++)
		cap *= 2;
	if (cap > s->backoff_max_ms)
		cap = s->backoff_max_ms;
	wait = (int64_t)randombytes_uniform((uint32_t)cap + 1);
	if (retry_after > 0 && wait < (int64_t)retry_after * 1000)
		wait = (int64_t)retry_after * 1000;
	s->backoff_until = now_ms() + wait;
}

/* ------------------------------------------------------------------ HTTP */

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct reply *r = arg;
	size_t len = size * n;
	char *b;

	if (r->too_big || r->len + len > SYNC_BODY_MAX) {
		r->too_big = 1;
		return 0;
	}
	b = realloc(r->body, r->len + len + 1);
	if (!b)
		return 0;
	memcpy(b + r->len, data, len);
	r->body = b;
	r->len += len;
	r->body[r->len] = '\0';
	return len;
}

static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
	struct reply *r = arg;
	size_t len = size * n;
	char line[256];

	if (len >= sizeof(line))
		return len;
	memcpy(line, data, len);
	line[len] = '\0';
	str_trim(line);
	if (!strncasecmp(line, "ETag:", 5))
		str_copy(r->etag, sizeof(r->etag), str_trim(line + 5));
	else if (!strncasecmp(line, "Retry-After:", 12))
		r->retry_after = atoi(line + 12);
	return len;
}

static int on_progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	return stopping(arg);
}

/* Plain http is acceptable only to this machine. */
static int url_allowed(const char *url)
{
	static const char *const local[] = { "http://127.0.0.1", "http://localhost", "http://[::1]" };
	size_t i;

	if (!strncmp(url, "https://", 8))
		return 1;
	for (i = 0; i < ARRAY_SIZE(local); i++) {
		size_t n = strlen(local[i]);

		if (!strncmp(url, local[i], n) && (url[n] == ':' || url[n] == '/' || !url[n]))
			return 1;
	}
	return 0;
}

/* One request. body NULL means GET. Returns 0 when an HTTP answer came
 * back (any status, in r->code), -1 on a transport failure. */
static int http(struct sync *s, const char *path, const char *body, const char *idem,
		const char *if_none_match, struct reply *r)
{
	struct curl_slist *hdr = NULL;
	char url[1024], line[320];
	CURLcode rc;

	memset(r, 0, sizeof(*r));
	if (str_fmt(url, sizeof(url), "%s%s", s->hub_url, path) < 0)
		return -1;
	curl_easy_reset(s->curl);
	curl_easy_setopt(s->curl, CURLOPT_URL, url);
	curl_easy_setopt(s->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(s->curl, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(s->curl, CURLOPT_SSL_VERIFYHOST, 2L);
	if (*s->ca_file)
		curl_easy_setopt(s->curl, CURLOPT_CAINFO, s->ca_file);
	curl_easy_setopt(s->curl, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
	curl_easy_setopt(s->curl, CURLOPT_TIMEOUT_MS, 30000L);
	curl_easy_setopt(s->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(s->curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(s->curl, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(s->curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(s->curl, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(s->curl, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(s->curl, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(s->curl, CURLOPT_XFERINFODATA, s);
	curl_easy_setopt(s->curl, CURLOPT_USERAGENT, "dote-kiosk/" DOTE_VERSION);
	if (s->have_id && *s->id.token) {
		snprintf(line, sizeof(line), "Authorization: Bearer %s", s->id.token);
		hdr = curl_slist_append(hdr, line);
		str_wipe(line, sizeof(line));
	}
	if (idem) {
		snprintf(line, sizeof(line), "Idempotency-Key: %s", idem);
		hdr = curl_slist_append(hdr, line);
	}
	if (if_none_match && *if_none_match) {
		snprintf(line, sizeof(line), "If-None-Match: %s", if_none_match);
		hdr = curl_slist_append(hdr, line);
	}
	if (body) {
		hdr = curl_slist_append(hdr, "Content-Type: application/json");
		/* No 'Expect: 100-continue' round trip before each batch. */
		hdr = curl_slist_append(hdr, "Expect:");
		curl_easy_setopt(s->curl, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(s->curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	curl_easy_setopt(s->curl, CURLOPT_HTTPHEADER, hdr);
	rc = curl_easy_perform(s->curl);
	curl_easy_setopt(s->curl, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(hdr);
	if (rc != CURLE_OK) {
		char msg[160];

		snprintf(msg, sizeof(msg), "hub unreachable: %s", curl_easy_strerror(rc));
		set_error(s, msg);
		free(r->body);
		r->body = NULL;
		return -1;
	}
	curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &r->code);
	return 0;
}

/* Handles a non-2xx answer: error text and backoff. */
static void http_failed(struct sync *s, const char *what, struct reply *r)
{
	char msg[160];
	json_t *o = r->body ? json_loads(r->body, 0, NULL) : NULL;
	const char *e = json_string_value(json_object_get(o, "error"));

	snprintf(msg, sizeof(msg), "%s: hub answered %ld%s%.100s", what, r->code, e ? ": " : "",
		 e ? e : "");
	set_error(s, msg);
	json_decref(o);
	/* A refused kiosk retries slowly: an operator has to act. */
	backoff(s, r->code == 401 || r->code == 403 ? 300 : r->retry_after);
}

/* POSTs req to path and reads the answer, the same way for every call:
 * 0 with *ans (the caller's) set to the hub's JSON answer to a 200, or
 * -1 with the error shown (what names the step) and a backoff set. The
 * request body and the answer are wiped after use: one holds personal
 * data, the other may hold a token. */
static int post_json(struct sync *s, const char *path, const json_t *req, const char *idem,
		     const char *what, json_t **ans)
{
	struct reply r = { 0 };
	char msg[160], *body = json_dumps(req, JSON_COMPACT);
	int rc = -1;

	*ans = NULL;
	if (!body) {
		snprintf(msg, sizeof(msg), "%s: out of memory", what);
		set_error(s, msg);
		backoff(s, 0);
		return -1;
	}
	if (http(s, path, body, idem, NULL, &r)) {
		backoff(s, 0);
		goto out;
	}
	if (r.code != 200) {
		http_failed(s, what, &r);
		goto out;
	}
	*ans = json_loadb(r.body ? r.body : "", r.len, 0, NULL);
	if (!*ans) {
		snprintf(msg, sizeof(msg), "%s: the hub's answer is malformed", what);
		set_error(s, msg);
		backoff(s, 0);
		goto out;
	}
	rc = 0;
out:
	str_wipe(body, strlen(body));
	free(body);
	if (r.body)
		str_wipe(r.body, r.len);
	free(r.body);
	return rc;
}

/* ------------------------------------------------------------- enrolment */

static int enroll(struct sync *s)
{
	json_t *req, *ans = NULL;
	char pk[65];
	const char *kid, *com, *tok;
	int rc = -1;

	sodium_bin2hex(pk, sizeof(pk), s->id.pk, sizeof(s->id.pk));
	req = json_pack("{s:s, s:s, s:s}", "code", s->enroll_code, "public_key", pk, "name",
			"dote-kiosk");
	if (!req || post_json(s, "/v1/enroll", req, NULL, "enrolment", &ans))
		goto out;
	kid = json_string_value(json_object_get(ans, "kiosk_id"));
	com = json_string_value(json_object_get(ans, "comune"));
	tok = json_string_value(json_object_get(ans, "token"));
	if (!kid || !com || !tok || strlen(kid) >= sizeof(s->id.id) ||
	    strlen(com) >= sizeof(s->id.comune) || strlen(tok) >= sizeof(s->id.token)) {
		set_error(s, "enrolment: the hub's answer is malformed");
		backoff(s, 0);
		goto out;
	}
	str_copy(s->id.id, sizeof(s->id.id), kid);
	str_copy(s->id.comune, sizeof(s->id.comune), com);
	str_copy(s->id.token, sizeof(s->id.token), tok);
	if (identity_save(s->state_dir, &s->id)) {
		set_error(s, "enrolment: cannot save the identity");
		goto out;
	}
	set_ok(s);
	rc = 0;
out:
	json_decref(req);
	json_decref(ans);
	return rc;
}

/* ---------------------------------------------------------------- catalog */

int sync_catalog_apply(sqlite3 *db, json_t *cat)
{
	sqlite3_stmt *ci = NULL, *pi = NULL;
	json_t *calls = json_object_get(cat, "calls"), *pls = json_object_get(cat, "placements");
	size_t i;
	int rc = -1;

	if (!json_is_array(calls) || !json_is_array(pls))
		return error("catalog: calls or placements missing");
	if (db_int(db, "SELECT count(*) FROM comune", NULL, 0) == 0 && comuni_load_db(db))
		return -1;
	if (db_begin(db))
		return -1;
	if (db_exec(db, "DELETE FROM placement; DELETE FROM call"))
		goto out;
	ci = db_prepare(db, "INSERT INTO call(id, code, title, region, opens, deadline, rules, status)"
			    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
	pi = db_prepare(db, "INSERT INTO placement(id, code, call_id, comune, area, office, title,"
			    " description, requirements, address, months, hours_week, allowance_eur,"
			    " qrsp, seats, applied, deadline, status, updated_at) VALUES (?1, ?2, ?3, ?4,"
			    " ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)");
	if (!ci || !pi)
		goto out;
	for (i = 0; i < json_array_size(calls); i++) {
		json_int_t id;
		const char *code, *title, *region, *opens, *deadline, *rules, *status;

		if (json_unpack(json_array_get(calls, i), "{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
				"id", &id, "code", &code, "title", &title, "region", &region, "opens",
				&opens, "deadline", &deadline, "rules", &rules, "status", &status)) {
			error("catalog: malformed call");
			goto out;
		}
		sqlite3_bind_int64(ci, 1, id);
		sqlite3_bind_text(ci, 2, code, -1, SQLITE_STATIC);
		sqlite3_bind_text(ci, 3, title, -1, SQLITE_STATIC);
		sqlite3_bind_text(ci, 4, region, -1, SQLITE_STATIC);
		sqlite3_bind_text(ci, 5, opens, -1, SQLITE_STATIC);
		sqlite3_bind_text(ci, 6, deadline, -1, SQLITE_STATIC);
		sqlite3_bind_text(ci, 7, rules, -1, SQLITE_STATIC);
		sqlite3_bind_text(ci, 8, status, -1, SQLITE_STATIC);
		if (sqlite3_step(ci) != SQLITE_DONE) {
			error("catalog: cannot store call: %s", sqlite3_errmsg(db));
			goto out;
		}
		sqlite3_reset(ci);
	}
	for (i = 0; i < json_array_size(pls); i++) {
		json_int_t id, call_id, months, hours, allowance, seats, applied;
		const char *code, *comune, *area, *office, *title, *desc, *req, *addr, *qrsp;
		const char *deadline, *status, *updated;

		if (json_unpack(json_array_get(pls, i),
				"{s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I,"
				" s:s, s:I, s:I, s:s, s:s, s:s}",
				"id", &id, "code", &code, "call_id", &call_id, "comune", &comune,
				"area", &area, "office", &office, "title", &title, "description", &desc,
				"requirements", &req, "address", &addr, "months", &months,
				"hours_week", &hours, "allowance_eur", &allowance, "qrsp", &qrsp,
				"seats", &seats, "applied", &applied, "deadline", &deadline,
				"status", &status, "updated_at", &updated)) {
			error("catalog: malformed placement");
			goto out;
		}
		sqlite3_bind_int64(pi, 1, id);
		sqlite3_bind_text(pi, 2, code, -1, SQLITE_STATIC);
		sqlite3_bind_int64(pi, 3, call_id);
		sqlite3_bind_text(pi, 4, comune, -1, SQLITE_STATIC);
		sqlite3_bind_text(pi, 5, area, -1, SQLITE_STATIC);
		sqlite3_bind_text(pi, 6, office, -1, SQLITE_STATIC);
		sqlite3_bind_text(pi, 7, title, -1, SQLITE_STATIC);
		sqlite3_bind_text(pi, 8, desc, -1, SQLITE_STATIC);
		sqlite3_bind_text(pi, 9, req, -1, SQLITE_STATIC);
		sqlite3_bind_text(pi, 10, addr, -1, SQLITE_STATIC);
		sqlite3_bind_int64(pi, 11, months);
		sqlite3_bind_int64(pi, 12, hours);
		sqlite3_bind_int64(pi, 13, allowance);
		sqlite3_bind_text(pi, 14, qrsp, -1, SQLITE_STATIC);
		sqlite3_bind_int64(pi, 15, seats);
		sqlite3_bind_int64(pi, 16, applied);
		sqlite3_bind_text(pi, 17, deadline, -1, SQLITE_STATIC);
		sqlite3_bind_text(pi, 18, status, -1, SQLITE_STATIC);
		sqlite3_bind_text(pi, 19, updated, -1, SQLITE_STATIC);
		if (sqlite3_step(pi) != SQLITE_DONE) {
			error("catalog: cannot store placement: %s", sqlite3_errmsg(db));
			goto out;
		}
		sqlite3_reset(pi);
	}
	if (db_commit(db))
		goto out;
	rc = 0;
out:
	sqlite3_finalize(ci);
	sqlite3_finalize(pi);
	if (rc)
		db_rollback(db);
	return rc;
}

/* The trainees who may sign in at this kiosk (GET /v1/roster, this
 * kiosk's token: the list holds codici fiscali, so it is not in the
 * public catalog), and the certificates of completed placements. Pulled with the catalog; a hub that does not answer
 * leaves the roster as it was. */
static void roster_pull(struct sync *s)
{
	struct reply r;
	json_t *ans;
	if (http(s, "/v1/roster", NULL, NULL, NULL, &r))
		return;
	if (r.code == 200) {
		ans = json_loadb(r.body ? r.body : "", r.len, 0, NULL);
		if (!ans || attendance_migrate(s->db) ||
		    attendance_roster_set(s->db, json_object_get(ans, "trainees")))
			warning("roster: the trainees' list could not be stored");
		/* The certificates the kiosk prints (a hub before them sends none). */
		if (ans && json_is_array(json_object_get(ans, "certificates")) &&
		    attendance_certificates_set(s->db, json_object_get(ans, "certificates")))
			warning("roster: the certificates could not be stored");
		json_decref(ans);
	}
	if (r.body)
		str_wipe(r.body, r.len);
	free(r.body);
}

static int catalog_pull(struct sync *s)
{
	struct reply r;
	char path[64], etag[80], when[32];
	json_t *cat;
	int rc = -1;

	if (db_setting_get(s->db, "catalog_etag", etag, sizeof(etag)))
		etag[0] = '\0';
	snprintf(path, sizeof(path), "/v1/catalog?comune=%s", *s->comune ? s->comune : s->id.comune);
	if (http(s, path, NULL, NULL, etag, &r))
		return -1;
	time_iso(now_wall(), when, sizeof(when));
	if (r.code == 304) {
		rc = db_setting_set(s->db, "catalog_checked_at", when);
	} else if (r.code == 200) {
		cat = json_loadb(r.body ? r.body : "", r.len, 0, NULL);
		if (!cat || sync_catalog_apply(s->db, cat)) {
			set_error(s, "catalog: the hub's catalog could not be stored");
			json_decref(cat);
			backoff(s, 0);
			goto out;
		}
		json_decref(cat);
		rc = (db_setting_set(s->db, "catalog_etag", r.etag) ||
		      db_setting_set(s->db, "catalog_updated_at", when) ||
		      db_setting_set(s->db, "catalog_checked_at", when)) ? -1 : 0;
	} else {
		http_failed(s, "catalog", &r);
		goto out;
	}
	if (!rc) {
		roster_pull(s);
		set_ok(s);
		pthread_mutex_lock(&s->lock);
		s->st.catalog_wall = (int64_t)now_wall();
		pthread_mutex_unlock(&s->lock);
	}
out:
	free(r.body);
	return rc;
}

/* ----------------------------------------------------------------- outbox */

static const char app_cols[] =
	"SELECT a.uuid, a.protocol, a.kiosk_id, a.seq, a.call_id, a.placement_code, a.comune,"
	" a.cf, a.given_name, a.family_name, coalesce(a.phone, ''), coalesce(a.email, ''),"
	" coalesce(a.sex, ''), coalesce(a.birth_date, ''), coalesce(a.age, 0),"
	" coalesce(a.birthplace, ''), coalesce(a.residence, ''), a.applicant_status, a.education,"
	" a.lang, a.submitted_at, a.status, coalesce(a.receipt, '')"
	" FROM outbox o JOIN application a ON a.uuid = o.uuid"
	" WHERE o.next_try_ms <= ?1 AND a.cf IS NOT NULL ORDER BY a.seq LIMIT ?2";

/* The next batch as a JSON body, and its uuids for the Idempotency-Key. */
static int batch_load(struct sync *s, json_t **records, char *idem, size_t isize)
{
	sqlite3_stmt *st = db_prepare(s->db, app_cols);
	crypto_generichash_state hs;
	unsigned char h[16];
	struct application a;
	char receipt[WIRE_RECEIPT_MAX];
	int rc = 0;

	*records = json_array();
	if (!st || !*records)
		return -1;
	crypto_generichash_init(&hs, NULL, 0, sizeof(h));
	sqlite3_bind_int64(st, 1, wall_ms());
	sqlite3_bind_int(st, 2, SYNC_BATCH);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *sex;

		memset(&a, 0, sizeof(a));
		db_col_copy(st, 0, a.uuid, sizeof(a.uuid));
		db_col_copy(st, 1, a.protocol, sizeof(a.protocol));
		db_col_copy(st, 2, a.kiosk_id, sizeof(a.kiosk_id));
		a.seq = sqlite3_column_int64(st, 3);
		a.call_id = sqlite3_column_int64(st, 4);
		db_col_copy(st, 5, a.placement_code, sizeof(a.placement_code));
		db_col_copy(st, 6, a.comune, sizeof(a.comune));
		db_col_copy(st, 7, a.cf, sizeof(a.cf));
		db_col_copy(st, 8, a.given_name, sizeof(a.given_name));
		db_col_copy(st, 9, a.family_name, sizeof(a.family_name));
		db_col_copy(st, 10, a.phone, sizeof(a.phone));
		db_col_copy(st, 11, a.email, sizeof(a.email));
		sex = (const char *)sqlite3_column_text(st, 12);
		a.sex = sex ? sex[0] : 0;
		db_col_copy(st, 13, a.birth_date, sizeof(a.birth_date));
		a.age = sqlite3_column_int(st, 14);
		db_col_copy(st, 15, a.birthplace, sizeof(a.birthplace));
		db_col_copy(st, 16, a.residence, sizeof(a.residence));
		db_col_copy(st, 17, a.applicant_status, sizeof(a.applicant_status));
		db_col_copy(st, 18, a.education, sizeof(a.education));
		db_col_copy(st, 19, a.lang, sizeof(a.lang));
		db_col_copy(st, 20, a.submitted_at, sizeof(a.submitted_at));
		db_col_copy(st, 21, a.status, sizeof(a.status));
		db_col_copy(st, 22, receipt, sizeof(receipt));
		crypto_generichash_update(&hs, (const unsigned char *)a.uuid, strlen(a.uuid));
		if (json_array_append_new(*records, wire_application_to_json(&a, receipt)))
			rc = -1;
		application_wipe(&a);
		if (rc)
			break;
	}
	sqlite3_finalize(st);
	crypto_generichash_final(&hs, h, sizeof(h));
	if (isize >= 2 * sizeof(h) + 1)
		sodium_bin2hex(idem, isize, h, sizeof(h));
	return rc;
}

/* Applies the hub's per-record answers in one local transaction.
 * Returns how many were acknowledged; *rejected and why tell about the
 * others. */
static int batch_ack(struct sync *s, json_t *results, int *rejected, char *why_first,
		     size_t wsize)
{
	sqlite3_stmt *wipe = NULL, *del = NULL, *rej = NULL;
	char now[32];
	size_t i;
	int rc = -1, acked = 0;

	time_iso(now_wall(), now, sizeof(now));
	if (db_begin(s->db))
		return -1;
	wipe = db_prepare(s->db, "UPDATE application SET cf = NULL, given_name = NULL,"
				 " family_name = NULL, phone = NULL, email = NULL, birth_date = NULL,"
				 " acked_at = ?2 WHERE uuid = ?1");
	del = db_prepare(s->db, "DELETE FROM outbox WHERE uuid = ?1");
	rej = db_prepare(s->db, "UPDATE outbox SET attempts = attempts + 1, last_error = ?2,"
				" next_try_ms = ?3 WHERE uuid = ?1");
	if (!wipe || !del || !rej)
		goto out;
	for (i = 0; i < json_array_size(results); i++) {
		json_t *e = json_array_get(results, i);
		const char *uuid = json_string_value(json_object_get(e, "uuid"));
		const char *res = json_string_value(json_object_get(e, "result"));
		const char *why = json_string_value(json_object_get(e, "error"));

		if (!uuid || !res)
			continue;
		if (!strcmp(res, "stored") || !strcmp(res, "already")) {
			sqlite3_bind_text(wipe, 1, uuid, -1, SQLITE_STATIC);
			sqlite3_bind_text(wipe, 2, now, -1, SQLITE_STATIC);
			sqlite3_bind_text(del, 1, uuid, -1, SQLITE_STATIC);
			if (sqlite3_step(wipe) != SQLITE_DONE || sqlite3_step(del) != SQLITE_DONE)
				goto out;
			sqlite3_reset(wipe);
			sqlite3_reset(del);
			acked++;
		} else {
			/* Rejected: kept, with the reason for the admin screen;
			 * retried rarely in case the hub's catalog catches up. */
			if (!(*rejected)++)
				str_copy(why_first, wsize, why ? why : "");
			sqlite3_bind_text(rej, 1, uuid, -1, SQLITE_STATIC);
			sqlite3_bind_text(rej, 2, why ? why : "rejected by the hub", -1, SQLITE_STATIC);
			sqlite3_bind_int64(rej, 3, wall_ms() + SYNC_REJECT_RETRY_MS);
			if (sqlite3_step(rej) != SQLITE_DONE)
				goto out;
			sqlite3_reset(rej);
		}
	}
	if (db_commit(s->db))
		goto out;
	rc = acked;
out:
	sqlite3_finalize(wipe);
	sqlite3_finalize(del);
	sqlite3_finalize(rej);
	if (rc < 0)
		db_rollback(s->db);
	return rc;
}

/* Sends one batch: 1 when one went through and more may wait, 0 when
 * the outbox has nothing ready, -1 on failure (backoff set). */
static int outbox_push(struct sync *s)
{
	json_t *records = NULL, *req = NULL, *ans = NULL;
	char idem[40], why[120] = "";
	size_t n;
	int rc = -1, rejected = 0;

	if (batch_load(s, &records, idem, sizeof(idem)))
		goto out;
	n = json_array_size(records);
	if (!n) {
		rc = 0;
		goto out;
	}
	req = json_pack("{s:s, s:O}", "kiosk_id", s->id.id, "records", records);
	if (!req || post_json(s, "/v1/applications", req, idem, "sending applications", &ans))
		goto out;
	if (!json_is_array(json_object_get(ans, "results"))) {
		set_error(s, "sending applications: the hub's answer is malformed");
		backoff(s, 0);
		goto out;
	}
	if (batch_ack(s, json_object_get(ans, "results"), &rejected, why, sizeof(why)) < 0) {
		set_error(s, "cannot record the hub's acknowledgement locally");
		backoff(s, 0);
		goto out;
	}
	set_ok(s);
	if (rejected) {
		pthread_mutex_lock(&s->lock);
		snprintf(s->st.last_error, sizeof(s->st.last_error),
			 "%d application(s) refused by the hub: %.100s", rejected, why);
		pthread_mutex_unlock(&s->lock);
	}
	s->failures = 0;
	rc = n == SYNC_BATCH ? 1 : 0;
out:
	json_decref(records);
	json_decref(req);
	json_decref(ans);
	return rc;
}

/* ------------------------------------------------------------- attendance */

/* Sends up to 100 signed attendance events (core/attendance.h) to POST
 * /v1/attendance and records the hub's answer for each: stored, already
 * there, or refused (with why); none is sent again. 1 when a full batch
 * went and more may wait, 0 when none waits, -1 on failure (backoff
 * set, the events stay unsent). */
static int attendance_push(struct sync *s)
{
	enum { BATCH = 100 };
	static char tokens[BATCH][ATTENDANCE_TOKEN_MAX];
	int64_t ids[BATCH];
	json_t *req = NULL, *ans = NULL, *events, *results;
	int n, rc = -1;

	if (attendance_migrate(s->db))
		return -1;
	n = attendance_unsent(s->db, ids, tokens, BATCH);
	if (n <= 0)
		return n;
	events = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(events, json_string(tokens[i]));
	req = json_pack("{s:s, s:o}", "kiosk_id", s->id.id, "events", events);
	if (!req || post_json(s, "/v1/attendance", req, NULL, "sending attendance", &ans))
		goto out;
	results = json_object_get(ans, "results");
	if (!json_is_array(results) || json_array_size(results) != (size_t)n) {
		set_error(s, "sending attendance: the hub's answer is malformed");
		backoff(s, 0);
		goto out;
	}
	for (int i = 0; i < n; i++) {
		json_t *r = json_array_get(results, (size_t)i);
		const char *res = json_string_value(json_object_get(r, "result"));
		const char *why = json_string_value(json_object_get(r, "why"));
		if (!res || (strcmp(res, "stored") && strcmp(res, "already") && strcmp(res, "refused")))
			continue;	/* not understood: sent again next time */
		if (attendance_mark_sent(s->db, ids[i], res, why)) {
			set_error(s, "cannot record the hub's answer on attendance locally");
			goto out;
		}
	}
	set_ok(s);
	rc = n == BATCH ? 1 : 0;
out:
	json_decref(req);
	json_decref(ans);
	return rc;
}

/* -------------------------------------------------------------- heartbeat */

static json_t *usage_load(struct sync *s)
{
	sqlite3_stmt *st = db_prepare(s->db, "SELECT day, event, n FROM usage_count"
					     " WHERE kiosk_id = ?1 ORDER BY day DESC LIMIT 500");
	json_t *arr = json_array();

	if (!st)
		return arr;
	sqlite3_bind_text(st, 1, s->id.id, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:I}",
			"day", (const char *)sqlite3_column_text(st, 0),
			"event", (const char *)sqlite3_column_text(st, 1),
			"n", (json_int_t)sqlite3_column_int64(st, 2)));
	sqlite3_finalize(st);
	return arr;
}

/* Keeps what the hub says a citizen reads of application u (entry e
 * of the status feed) for "check my application": its stage, the
 * receipt page's label and sentence and their parts, bounded. */
static void detail_store(sqlite3_stmt *st, const char *u, json_t *e)
{
	static const char *const keys[] = { "stage", "label", "text", "reason", "note", "position", "seats",
					     "score", "office" };
	json_t *d = json_object();
	char *text;

	for (size_t i = 0; d && i < ARRAY_SIZE(keys); i++)
		if (json_object_get(e, keys[i]))
			json_object_set(d, keys[i], json_object_get(e, keys[i]));
	text = d ? json_dumps(d, JSON_COMPACT) : NULL;
	if (text && strlen(text) <= 8192) {
		sqlite3_bind_text(st, 1, u, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
		sqlite3_step(st);
		sqlite3_reset(st);
	}
	free(text);
	json_decref(d);
}

static int statuses_apply(struct sync *s, json_t *ans)
{
	json_t *arr = json_object_get(ans, "statuses");
	sqlite3_stmt *up, *notice, *detail;
	char cursor[24];
	size_t i;

	if (db_begin(s->db))
		return -1;
	up = db_prepare(s->db, "UPDATE application SET status = ?2, status_at = ?3 WHERE uuid = ?1");
	/* A call for interview comes with its date and place. */
	notice = db_prepare(s->db, "INSERT INTO status_notice(uuid, interview_at, interview_place)"
				   " SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM application WHERE uuid = ?1)"
				   " ON CONFLICT(uuid) DO UPDATE SET interview_at = excluded.interview_at,"
				   " interview_place = excluded.interview_place");
	/* And the receipt page's words for it, with their parts (issue 18). */
	detail = db_prepare(s->db, "INSERT INTO status_notice(uuid, interview_at, interview_place, detail)"
				   " SELECT ?1, '', '', ?2 WHERE EXISTS (SELECT 1 FROM application WHERE uuid = ?1)"
				   " ON CONFLICT(uuid) DO UPDATE SET detail = excluded.detail");
	if (!up || !notice || !detail) {
		sqlite3_finalize(up);
		sqlite3_finalize(notice);
		sqlite3_finalize(detail);
		db_rollback(s->db);
		return -1;
	}
	for (i = 0; i < json_array_size(arr); i++) {
		json_t *e = json_array_get(arr, i);
		const char *u = json_string_value(json_object_get(e, "uuid"));
		const char *st = json_string_value(json_object_get(e, "status"));
		const char *at = json_string_value(json_object_get(e, "status_at"));
		const char *iv_at = json_string_value(json_object_get(e, "interview_at"));
		const char *iv_place = json_string_value(json_object_get(e, "interview_place"));

		if (!u || !st || !at)
			continue;
		sqlite3_bind_text(up, 1, u, -1, SQLITE_STATIC);
		sqlite3_bind_text(up, 2, st, -1, SQLITE_STATIC);
		sqlite3_bind_text(up, 3, at, -1, SQLITE_STATIC);
		sqlite3_step(up);
		sqlite3_reset(up);
		if (iv_at && iv_place && strlen(iv_at) < 32 && strlen(iv_place) <= 200) {
			sqlite3_bind_text(notice, 1, u, -1, SQLITE_STATIC);
			sqlite3_bind_text(notice, 2, iv_at, -1, SQLITE_STATIC);
			sqlite3_bind_text(notice, 3, iv_place, -1, SQLITE_STATIC);
			sqlite3_step(notice);
			sqlite3_reset(notice);
		}
		if (json_is_string(json_object_get(e, "stage")))
			detail_store(detail, u, e);
	}
	sqlite3_finalize(up);
	sqlite3_finalize(notice);
	sqlite3_finalize(detail);
	snprintf(cursor, sizeof(cursor), "%lld",
		 (long long)json_integer_value(json_object_get(ans, "status_cursor")));
	if (db_setting_set(s->db, "status_cursor", cursor) || db_commit(s->db)) {
		db_rollback(s->db);
		return -1;
	}
	return 0;
}

static int heartbeat(struct sync *s)
{
	json_t *req, *ans = NULL;
	char printer[32], cursor[24];
	int frame, rc = -1;
	int64_t depth, seq;

	pthread_mutex_lock(&s->lock);
	str_copy(printer, sizeof(printer), s->printer);
	frame = s->last_frame_ms;
	depth = s->st.outbox_depth;
	seq = ++s->st.heartbeats_sent;
	pthread_mutex_unlock(&s->lock);
	if (db_setting_get(s->db, "status_cursor", cursor, sizeof(cursor)))
		str_copy(cursor, sizeof(cursor), "0");
	req = json_pack("{s:s, s:s, s:I, s:s, s:i, s:o, s:I}", "kiosk_id", s->id.id,
			"version", DOTE_VERSION, "queue_depth", (json_int_t)depth, "printer", printer,
			"last_frame_ms", frame, "usage", usage_load(s), "status_since",
			(json_int_t)atoll(cursor));
	if (!req || post_json(s, "/v1/heartbeat", req, NULL, "heartbeat", &ans))
		goto out;
	if (statuses_apply(s, ans)) {
		set_error(s, "heartbeat: cannot apply the hub's status updates");
		goto out;
	}
	set_ok(s);
	pthread_mutex_lock(&s->lock);
	s->st.heartbeat_answered = seq;
	pthread_mutex_unlock(&s->lock);
	rc = 0;
out:
	json_decref(req);
	json_decref(ans);
	return rc;
}

/* ------------------------------------------------------------------- loop */

static void refresh_depth(struct sync *s)
{
	int64_t depth = sync_outbox_depth(s->db), att = 0;

	/* Attendance events waiting count too: "wait-sync" and the
	 * heartbeat's queue depth mean everything not yet at the hub. */
	if (depth >= 0 && !attendance_migrate(s->db) && (att = attendance_unsent_count(s->db)) > 0)
		depth += att;
	pthread_mutex_lock(&s->lock);
	if (depth >= 0)
		s->st.outbox_depth = depth;
	pthread_mutex_unlock(&s->lock);
}

/* Sleeps until ms (monotonic) or a kick; returns 1 when stopping. */
static int sleep_until(struct sync *s, int64_t until)
{
	struct timespec ts;
	int64_t wait = until - now_ms();
	int stop;

	if (wait < 0)
		wait = 0;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += (time_t)(wait / 1000);
	ts.tv_nsec += (long)(wait % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&s->lock);
	while (!s->stop && !s->kicked)
		if (pthread_cond_timedwait(&s->wake, &s->lock, &ts))
			break;
	if (s->kicked) {
		s->kicked = 0;
		s->backoff_until = 0;	/* "sync now" skips the wait */
	}
	if (s->refresh) {
		s->refresh = 0;
		s->next_catalog = s->next_heartbeat = 0;
	}
	stop = s->stop;
	pthread_mutex_unlock(&s->lock);
	return stop;
}

static void *sync_main(void *arg)
{
	struct sync *s = arg;

	s->db = db_open(s->db_path, DB_SYNC_FULL);
	s->curl = curl_easy_init();
	if (!s->db || !s->curl) {
		set_error(s, "cannot open the kiosk database");
		goto out;
	}
	if (!url_allowed(s->hub_url)) {
		set_error(s, "plain http is allowed only to this machine; use https");
		goto out;
	}
	while (!stopping(s)) {
		int64_t now = now_ms(), next;
		int more = 0;

		refresh_depth(s);
		if (now >= s->backoff_until) {
			if (!s->have_id) {
				if (identity_load(s->state_dir, &s->id) == 0 ||
				    identity_create_key(s->state_dir, &s->id) == 0)
					s->have_id = 1;
				else
					set_error(s, "no kiosk identity: cannot create its key");
			}
			if (s->have_id && !*s->id.token && *s->enroll_code && enroll(s) == 0)
				s->failures = 0;
			if (s->have_id && !*s->id.token && !*s->enroll_code)
				set_error(s, "this kiosk is not enrolled: add an enroll_code");
		}
		if (s->have_id && *s->id.token && now_ms() >= s->backoff_until) {
			if (now_ms() >= s->next_catalog && catalog_pull(s) == 0)
				s->next_catalog = now_ms() + (int64_t)s->catalog_minutes * 60000;
			if (now_ms() >= s->backoff_until)
				more = outbox_push(s) > 0;
			if (now_ms() >= s->backoff_until)
				more |= attendance_push(s) > 0;
			refresh_depth(s);
			if (now_ms() >= s->backoff_until && now_ms() >= s->next_heartbeat &&
			    heartbeat(s) == 0)
				s->next_heartbeat = now_ms() + (int64_t)s->heartbeat_seconds * 1000;
		}
		if (more && now_ms() >= s->backoff_until)
			continue;
		next = now_ms() + 60000;
		if (s->backoff_until > now_ms())
			next = s->backoff_until;
		else {
			if (s->next_heartbeat < next)
				next = s->next_heartbeat;
			if (s->next_catalog < next)
				next = s->next_catalog;
			/* rows waiting on their own retry time */
			int64_t due = db_int(s->db, "SELECT min(next_try_ms) FROM outbox", NULL, 0);
			if (due > 0 && now_ms() + (due - wall_ms()) < next)
				next = now_ms() + (due - wall_ms());
		}
		if (sleep_until(s, next))
			break;
	}
out:
	identity_wipe(&s->id);
	curl_easy_cleanup(s->curl);
	db_close(s->db);
	return NULL;
}

static void curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct sync *sync_start(const struct sync_config *cfg)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	const char *env;
	struct sync *s;

	if (!cfg || !cfg->hub_url || !*cfg->hub_url || !cfg->db_path)
		return NULL;
	pthread_once(&once, curl_init_once);
	if (sodium_init() < 0)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->wake, NULL);
	str_copy(s->db_path, sizeof(s->db_path), cfg->db_path);
	str_copy(s->state_dir, sizeof(s->state_dir), cfg->state_dir ? cfg->state_dir : ".");
	str_copy(s->hub_url, sizeof(s->hub_url), cfg->hub_url);
	if (*s->hub_url && s->hub_url[strlen(s->hub_url) - 1] == '/')
		s->hub_url[strlen(s->hub_url) - 1] = '\0';
	str_copy(s->ca_file, sizeof(s->ca_file), cfg->ca_file ? cfg->ca_file : "");
	str_copy(s->comune, sizeof(s->comune), cfg->comune ? cfg->comune : "");
	str_copy(s->enroll_code, sizeof(s->enroll_code), cfg->enroll_code ? cfg->enroll_code : "");
	s->catalog_minutes = cfg->catalog_minutes > 0 ? cfg->catalog_minutes : 15;
	s->heartbeat_seconds = cfg->heartbeat_seconds > 0 ? cfg->heartbeat_seconds : 60;
	s->backoff_max_ms = 300000;
	env = getenv("DOTE_SYNC_BACKOFF_MAX_MS");
	if (env && atoll(env) > 0)
		s->backoff_max_ms = atoll(env);
	if (pthread_create(&s->thread, NULL, sync_main, s)) {
		pthread_mutex_destroy(&s->lock);
		pthread_cond_destroy(&s->wake);
		free(s);
		error("cannot start the sync thread");
		return NULL;
	}
	return s;
}

void sync_stop(struct sync *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	s->stop = 1;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->wake);
	free(s);
}

void sync_kick(struct sync *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	s->kicked = 1;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
}

void sync_refresh(struct sync *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	s->refresh = s->kicked = 1;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
}

void sync_get_status(struct sync *s, struct sync_status *out)
{
	if (!s) {
		memset(out, 0, sizeof(*out));
		return;
	}
	pthread_mutex_lock(&s->lock);
	*out = s->st;
	pthread_mutex_unlock(&s->lock);
}

void sync_set_health(struct sync *s, const char *printer, int last_frame_ms)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	str_copy(s->printer, sizeof(s->printer), printer ? printer : "");
	s->last_frame_ms = last_frame_ms;
	pthread_mutex_unlock(&s->lock);
}

int64_t sync_outbox_depth(sqlite3 *db)
{
	return db_int(db, "SELECT count(*) FROM outbox", NULL, -1);
}
