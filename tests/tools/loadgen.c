/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * loadgen: many simulated kiosks against a real hub (libcurl multi, one
 * connection per kiosk), and the raw SQLite baseline for the benchmark.
 *   loadgen setup HUBDB N TOKENFILE COMUNE
 *       enrols N kiosks of COMUNE directly in the hub database, one
 *       'id token secret_key' line each in TOKENFILE (the key signs the
 *       receipt token every record carries)
 *   loadgen run URL TOKENFILE SECONDS BATCH PLACEMENT [MAX_RECORDS]
 *       every kiosk loops: POST a batch of BATCH new applications, a
 *       heartbeat, a catalog GET with If-None-Match; until SECONDS pass
 *       (or MAX_RECORDS were sent; with MAX_RECORDS the batches are built
 *       before the clock starts and only batches are sent). With
 *       $LOADGEN_PLACEMENTS=N the records spread over PLACEMENT's first N
 *       placements (its last three digits 001..N). URL may be a
 *       comma-separated list of hubs (several hubs on one database):
 *       each kiosk sends each request to the next hub of the list in
 *       turn. With $LOADGEN_RESEND=N every Nth batch a kiosk got an
 *       answer for is sent again, unchanged, to the next hub (an answer
 *       lost on the way, the kiosk failing over): nothing of it may be
 *       stored again. One line:
 *       'kiosks N requests N errors N records N stored N seconds S
 *        rec_per_s R batch_p50_ms P batch_p99_ms P resent N restored N'
 *       (resent: records sent again; restored: of those, stored again,
 *       which must be 0)
 *   loadgen store DB N [GROUP]
 *       the hub's own ingest without HTTP: N records in batches of 100,
 *       GROUP (default 8) batches per transaction, in process, rollups
 *       kept as by dote-hub (what is left queued is folded in the time)
 *       'store records N seconds S rec_per_s R'
 *   loadgen raw DB N
 *       inserts N of the same records (receipt tokens included) into a
 *       fresh SQLite database (synchronous=FULL, transactions of 100,
 *       prepared statement):
 *       'raw records N seconds S rec_per_s R'
 */
#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include "core/datetime.h"
#include "core/db.h"
#include "core/wire.h"
#include "reports/store/rollup.h"
#include "reports/store/store.h"
#include "tests/tools/gen.h"

struct kiosk {
	char id[16];
	char token[80];
	unsigned char sk[64];	/* signs the records' receipts */
	CURL *h;
	struct curl_slist *hdr;
	char *body;		/* request body being sent */
	char resp[1 << 16];
	size_t resp_len;
	int step;		/* 0 batch, 1 heartbeat, 2 catalog */
	int64_t seq;
	int64_t started_ms;
	char etag[80];
	int batch_records;
	int idx;		/* its place in the token file */
	long nreq;		/* requests started: picks the hub */
	long nbatches;		/* batches answered */
	int resend;		/* the next request sends body again */
	char **pregen;		/* prepared batch bodies (benchmark mode) */
	int npregen, next_pregen;
};

static int errors, requests;
static long long records_sent, records_stored;
static double *lat;
static size_t nlat, caplat;

static size_t on_body(char *d, size_t sz, size_t n, void *arg)
{
	struct kiosk *k = arg;
	size_t len = sz * n;

	if (k->resp_len + len < sizeof(k->resp)) {
		memcpy(k->resp + k->resp_len, d, len);
		k->resp_len += len;
		k->resp[k->resp_len] = '\0';
	}
	return len;
}

static size_t on_header(char *d, size_t sz, size_t n, void *arg)
{
	struct kiosk *k = arg;
	size_t len = sz * n;

	if (len > 6 && len < sizeof(k->etag) + 6 && !strncasecmp(d, "ETag: ", 6)) {
		memcpy(k->etag, d + 6, len - 6);
		k->etag[len - 6] = '\0';
		str_trim(k->etag);
	}
	return len;
}

static int setup(const char *db, int n, const char *file, const char *comune)
{
	struct store *s = store_open(db);
	FILE *f = fopen(file, "w");
	int i;

	if (!s || !f)
		return 1;
	for (i = 0; i < n; i++) {
		struct store_kiosk k;
		unsigned char pk[32], sk[64];
		char code[32], pkhex[65], skhex[129], token[80];

		crypto_sign_keypair(pk, sk);
		sodium_bin2hex(pkhex, sizeof(pkhex), pk, sizeof(pk));
		sodium_bin2hex(skhex, sizeof(skhex), sk, sizeof(sk));
		if (store_enroll_code_create(s, comune, 3600, code, sizeof(code)) ||
		    store_enroll(s, code, pkhex, "load", &k, token, sizeof(token)))
			return 1;
		fprintf(f, "%s %s %s\n", k.id, token, skhex);
	}
	fclose(f);
	store_close(s);
	return 0;
}

static const char *g_placement;
static char *g_urls[16];
static int g_nurls = 1;
static int g_batch, g_placements, g_resend;
static long long records_resent, records_restored;
static char g_comune[7];

static char *batch_body(struct kiosk *k)
{
	json_t *recs = json_array(), *o;
	struct application a;
	char token[RECEIPT_TOKEN_MAX], placement[32];
	char *body;
	int i;

	for (i = 0; i < g_batch; i++) {
		k->seq++;
		str_copy(placement, sizeof(placement), g_placement);
		if (g_placements > 1 && strlen(placement) > 3) {
			int p = 1 + (int)((k->seq * 7 + atoi(k->id + 1)) % g_placements) % 999;
			size_t end = strlen(placement) - 3;

			placement[end] = (char)('0' + p / 100);
			placement[end + 1] = (char)('0' + p / 10 % 10);
			placement[end + 2] = (char)('0' + p % 10);
		}
		gen_application(&a, (uint64_t)atoi(k->id + 1) * 7919, (uint64_t)k->seq, k->id,
				g_comune, k->seq, 1, placement);
		if (gen_receipt(&a, g_comune, k->sk, token, sizeof(token)))
			token[0] = '\0';
		json_array_append_new(recs, wire_application_to_json(&a, token));
	}
	o = json_pack("{s:s, s:o}", "kiosk_id", k->id, "records", recs);
	body = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return body;
}

static void start(CURLM *m, struct kiosk *k)
{
	char url[512], line[160];
	json_t *o;

	const char *g_url = g_urls[(k->idx + k->nreq++) % g_nurls];

	if (k->resend) {
		/* The same batch again, to the next hub: body kept. */
		k->resend = 0;
		k->resp_len = 0;
		curl_slist_free_all(k->hdr);
		k->hdr = NULL;
		snprintf(line, sizeof(line), "Authorization: Bearer %s", k->token);
		k->hdr = curl_slist_append(k->hdr, line);
		k->hdr = curl_slist_append(k->hdr, "Content-Type: application/json");
		k->hdr = curl_slist_append(k->hdr, "Expect:");
		curl_easy_setopt(k->h, CURLOPT_POSTFIELDS, k->body);
		curl_easy_setopt(k->h, CURLOPT_POSTFIELDSIZE, (long)strlen(k->body));
		snprintf(url, sizeof(url), "%s/v1/applications", g_url);
		k->batch_records = -g_batch;
		curl_easy_setopt(k->h, CURLOPT_URL, url);
		curl_easy_setopt(k->h, CURLOPT_HTTPHEADER, k->hdr);
		k->started_ms = now_ms();
		curl_multi_add_handle(m, k->h);
		return;
	}
	free(k->body);
	k->body = NULL;
	k->resp_len = 0;
	curl_slist_free_all(k->hdr);
	k->hdr = NULL;
	snprintf(line, sizeof(line), "Authorization: Bearer %s", k->token);
	k->hdr = curl_slist_append(k->hdr, line);
	k->hdr = curl_slist_append(k->hdr, "Content-Type: application/json");
	k->hdr = curl_slist_append(k->hdr, "Expect:");
	curl_easy_setopt(k->h, CURLOPT_HTTPGET, 1L);
	o = NULL;
	if (k->step == 0) {
		if (k->next_pregen < k->npregen) {
			k->body = k->pregen[k->next_pregen];
			k->pregen[k->next_pregen++] = NULL;
		} else {
			k->body = batch_body(k);
		}
		curl_easy_setopt(k->h, CURLOPT_POSTFIELDS, k->body);
		curl_easy_setopt(k->h, CURLOPT_POSTFIELDSIZE, (long)strlen(k->body));
		snprintf(url, sizeof(url), "%s/v1/applications", g_url);
		k->batch_records = g_batch;
	} else if (k->step == 1) {
		o = json_pack("{s:s, s:s, s:i, s:s, s:i, s:i}", "kiosk_id", k->id, "version", "load",
			      "queue_depth", 0, "printer", "ok", "last_frame_ms", 16, "status_since", 0);
		snprintf(url, sizeof(url), "%s/v1/heartbeat", g_url);
	} else {
		snprintf(url, sizeof(url), "%s/v1/catalog?comune=%s", g_url, g_comune);
		if (*k->etag) {
			snprintf(line, sizeof(line), "If-None-Match: %s", k->etag);
			k->hdr = curl_slist_append(k->hdr, line);
		}
	}
	if (o) {
		k->body = json_dumps(o, JSON_COMPACT);
		json_decref(o);
		curl_easy_setopt(k->h, CURLOPT_POSTFIELDS, k->body);
		curl_easy_setopt(k->h, CURLOPT_POSTFIELDSIZE, (long)strlen(k->body));
	}
	curl_easy_setopt(k->h, CURLOPT_URL, url);
	curl_easy_setopt(k->h, CURLOPT_HTTPHEADER, k->hdr);
	k->started_ms = now_ms();
	curl_multi_add_handle(m, k->h);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int run(const char *url, const char *file, int seconds, int batch, const char *placement,
	       long long max_records)
{
	struct kiosk *ks = NULL;
	CURLM *m;
	FILE *f = fopen(file, "r");
	char id[16], tok[80], skhex[160];
	int n = 0, cap = 0, i, running, active;
	int64_t t0, end;
	double secs;

	if (!f)
		return 1;
	while (fscanf(f, "%15s %79s %159s", id, tok, skhex) == 3) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			ks = realloc(ks, sizeof(*ks) * (size_t)cap);
		}
		memset(&ks[n], 0, sizeof(ks[n]));
		str_copy(ks[n].id, sizeof(ks[n].id), id);
		ks[n].idx = n;
		str_copy(ks[n].token, sizeof(ks[n].token), tok);
		if (sodium_hex2bin(ks[n].sk, sizeof(ks[n].sk), skhex, strlen(skhex), NULL, NULL, NULL))
			return 1;
		n++;
	}
	fclose(f);
	{
		char *list = strdup(url), *save = NULL, *u;

		g_nurls = 0;
		for (u = strtok_r(list, ",", &save); u && g_nurls < 16; u = strtok_r(NULL, ",", &save))
			g_urls[g_nurls++] = u;
		if (!g_nurls)
			return 1;
	}
	g_resend = getenv("LOADGEN_RESEND") ? atoi(getenv("LOADGEN_RESEND")) : 0;
	g_batch = batch;
	g_placement = placement;
	g_placements = getenv("LOADGEN_PLACEMENTS") ? atoi(getenv("LOADGEN_PLACEMENTS")) : 0;
	/* 'DC06-015146-001' -> '015146' */
	str_copy(g_comune, sizeof(g_comune), placement + 5);
	/* With a record budget the batches are built before the clock starts,
	 * so the client's own work does not count against the hub. */
	if (max_records) {
		int per = (int)(max_records / n / batch) + 1;

		for (i = 0; i < n; i++) {
			ks[i].pregen = calloc((size_t)per, sizeof(char *));
			for (ks[i].npregen = 0; ks[i].npregen < per; ks[i].npregen++)
				ks[i].pregen[ks[i].npregen] = batch_body(&ks[i]);
		}
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	m = curl_multi_init();
	curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)n);
	t0 = now_ms();
	end = t0 + (int64_t)seconds * 1000;
	for (i = 0; i < n; i++) {
		ks[i].h = curl_easy_init();
		curl_easy_setopt(ks[i].h, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(ks[i].h, CURLOPT_WRITEDATA, &ks[i]);
		curl_easy_setopt(ks[i].h, CURLOPT_HEADERFUNCTION, on_header);
		curl_easy_setopt(ks[i].h, CURLOPT_HEADERDATA, &ks[i]);
		curl_easy_setopt(ks[i].h, CURLOPT_PRIVATE, &ks[i]);
		curl_easy_setopt(ks[i].h, CURLOPT_TIMEOUT_MS, 60000L);
		curl_easy_setopt(ks[i].h, CURLOPT_CONNECTTIMEOUT_MS, 20000L);
		start(m, &ks[i]);
	}
	active = n;
	while (active > 0) {
		CURLMsg *msg;
		int left;

		curl_multi_perform(m, &running);
		while ((msg = curl_multi_info_read(m, &left))) {
			struct kiosk *k;
			long code = 0;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&k);
			curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &code);
			curl_multi_remove_handle(m, k->h);
			requests++;
			if (msg->data.result != CURLE_OK || (code != 200 && code != 304)) {
				errors++;
				if (errors <= 5)
					fprintf(stderr, "loadgen: %s step %d: %s http %ld %.200s\n", k->id, k->step,
						curl_easy_strerror(msg->data.result), code, k->resp);
			} else if (k->step == 0 && k->batch_records < 0) {
				json_t *o = json_loads(k->resp, 0, NULL);

				records_resent += -k->batch_records;
				records_restored += json_integer_value(json_object_get(o, "stored"));
				json_decref(o);
			} else if (k->step == 0) {
				json_t *o = json_loads(k->resp, 0, NULL);

				records_sent += k->batch_records;
				records_stored += json_integer_value(json_object_get(o, "stored"));
				json_decref(o);
				if (g_resend > 0 && ++k->nbatches % g_resend == 0)
					k->resend = 1;
				if (nlat == caplat) {
					caplat = caplat ? caplat * 2 : 1024;
					lat = realloc(lat, sizeof(double) * caplat);
				}
				lat[nlat++] = (double)(now_ms() - k->started_ms);
			}
			/* Benchmark mode (a record budget) sends batches only;
			 * a resend is a batch again. */
			k->step = max_records || k->resend ? 0 : (k->step + 1) % 3;
			/* A resend owed is sent even after the end: on a loaded
			 * machine a kiosk's first batch can take longer than the
			 * whole run, and the failover would go untried. */
			if ((now_ms() >= end && !k->resend) || (max_records && records_sent >= max_records)) {
				active--;
				continue;
			}
			start(m, k);
		}
		if (active > 0)
			curl_multi_poll(m, NULL, 0, 100, NULL);
	}
	secs = (double)(now_ms() - t0) / 1000.0;
	qsort(lat, nlat, sizeof(double), cmp_double);
	printf("kiosks %d requests %d errors %d records %lld stored %lld seconds %.2f rec_per_s %.0f"
	       " batch_p50_ms %.1f batch_p99_ms %.1f resent %lld restored %lld\n", n, requests, errors,
	       records_sent, records_stored, secs, (double)records_stored / secs, nlat ? lat[nlat / 2] : 0.0,
	       nlat ? lat[(size_t)((double)(nlat - 1) * 0.99)] : 0.0, records_resent, records_restored);
	for (i = 0; i < n; i++) {
		curl_easy_cleanup(ks[i].h);
		curl_slist_free_all(ks[i].hdr);
		free(ks[i].body);
		while (ks[i].npregen > 0)
			free(ks[i].pregen[--ks[i].npregen]);
		free(ks[i].pregen);
	}
	curl_multi_cleanup(m);
	free(ks);
	free(lat);
	return errors ? 1 : 0;
}

/* The baseline: the same records, the same columns, straight into SQLite. */
static int raw(const char *path, int n)
{
	sqlite3 *db = db_open(path, DB_SYNC_FULL);
	sqlite3_stmt *st;
	struct application *apps;
	char hash[65], now[32], sex[2] = { 0, 0 }, (*receipts)[RECEIPT_TOKEN_MAX];
	unsigned char pk[32], sk[64];
	int64_t t0;
	int i, c;
	double secs;

	if (!db)
		return 1;
	apps = calloc((size_t)n, sizeof(*apps));
	receipts = calloc((size_t)n, sizeof(*receipts));
	if (!apps || !receipts)
		return 1;
	gen_kiosk_key("K01", pk, sk, NULL);
	for (i = 0; i < n; i++) {
		gen_application(&apps[i], 99, (uint64_t)i, "K01", "015146", i + 1, 1, "DC06-015146-001");
		if (gen_receipt(&apps[i], "015146", sk, receipts[i], sizeof(receipts[i])))
			return 1;
	}
	st = db_prepare(db, "INSERT INTO application(uuid, protocol, kiosk_id, seq, call_id,"
			    " placement_code, comune, cf_hash, cf, given_name, family_name, phone, email,"
			    " sex, birth_date, age, birthplace, residence, applicant_status, education,"
			    " lang, submitted_at, status, status_at, duplicate_of, receipt, received_at)"
			    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
			    " ?16, ?17, ?18, ?19, ?20, ?21, ?22, 'received', ?22, NULL, ?24, ?23)");
	if (!st)
		return 1;
	time_iso(now_wall(), now, sizeof(now));
	t0 = now_ms();
	for (i = 0; i < n; i++) {
		struct application *a = &apps[i];

		if (i % 100 == 0 && db_begin(db))
			return 1;
		application_person_hash(a->call_id, a->cf, hash, sizeof(hash));
		sex[0] = a->sex;
		c = 1;
		sqlite3_bind_text(st, c++, a->uuid, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, c++, a->protocol, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, c++, a->kiosk_id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, c++, a->seq);
		sqlite3_bind_int64(st, c++, a->call_id);
		sqlite3_bind_text(st, c++, a->placement_code, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, c++, a->comune, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, c++, hash, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, c++, a->cf, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, c++, a->given_name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, c++, a->family_name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, c++, a->phone, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, c++, a->email, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, c++, sex, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, c++, a->birth_date, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, c++, a->age);
		sqlite3_bind_text(st, c++, a->birthplace, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, c++, a->residence, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, c++, a->applicant_status, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, c++, a->education, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, c++, a->lang, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, c++, a->submitted_at, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, c++, now, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, c++, receipts[i], -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			fprintf(stderr, "loadgen: raw insert failed: %s\n", sqlite3_errmsg(db));
			return 1;
		}
		sqlite3_reset(st);
		if (i % 100 == 99 || i == n - 1)
			if (db_commit(db))
				return 1;
	}
	secs = (double)(now_ms() - t0) / 1000.0;
	printf("raw records %d seconds %.2f rec_per_s %.0f\n", n, secs, n / secs);
	sqlite3_finalize(st);
	db_close(db);
	free(apps);
	free(receipts);
	return 0;
}

static int store_only(const char *path, int n, int per_group)
{
	struct store *s = store_open(path);
	struct store_kiosk k;
	struct store_batch bb[8], *g[8];
	json_t **batches;
	char code[32], tok[80], pk[65], receipt[RECEIPT_TOKEN_MAX];
	unsigned char pkbin[32], sk[64];
	int nb = (n + 99) / 100, b, j, m, i;
	int64_t seq = 0, t0;
	double secs;

	gen_kiosk_key("bench", pkbin, sk, pk);
	if (!s || store_exec(s, "INSERT INTO call(id, code, title, region, opens, deadline) VALUES"
				" (1, '6/2025', 'T', 'Lombardia', '2020-01-01', '2099-12-31')", NULL) != 1 ||
	    store_exec(s, "INSERT INTO placement(id, code, call_id, comune, area, office, title, address,"
			  " months, hours_week, allowance_eur, qrsp, seats, deadline) VALUES (1,"
			  " 'DC06-015146-001', 1, '015146', 'registry', 'U', 'T', 'A', 12, 20, 500, 'Q', 2,"
			  " '2099-12-31')", NULL) != 1 ||
	    store_enroll_code_create(s, "015146", 60, code, sizeof(code)) ||
	    store_enroll(s, code, pk, "bench", &k, tok, sizeof(tok)))
		return 1;
	batches = calloc((size_t)nb, sizeof(*batches));
	for (b = 0; b < nb; b++) {
		struct application a;

		batches[b] = json_array();
		for (i = 0; i < 100; i++) {
			seq++;
			gen_application(&a, 5, (uint64_t)seq, k.id, "015146", seq, 1, "DC06-015146-001");
			if (gen_receipt(&a, "015146", sk, receipt, sizeof(receipt)))
				return 1;
			json_array_append_new(batches[b], wire_application_to_json(&a, receipt));
		}
	}
	t0 = now_ms();
	if (per_group < 1 || per_group > 8)
		per_group = 8;
	for (b = 0; b < nb; b += per_group) {
		for (j = b, m = 0; j < b + per_group && j < nb; j++, m++) {
			store_batch_prepare(&bb[m], &k, batches[j], NULL);
			g[m] = &bb[m];
		}
		if (store_ingest_group(s, g, m))
			return 1;
		for (j = 0; j < m; j++)
			store_batch_release(&bb[j]);
	}
	/* What the hub leaves queued for the rollups is folded in too (the
	 * call also links the rollups in, as in dote-hub: store.c reaches
	 * them through weak symbols). */
	if (!store_is_pg(s) && rollup_flush(s->conn))
		return 1;
	secs = (double)(now_ms() - t0) / 1000.0;
	printf("store records %d seconds %.2f rec_per_s %.0f\n", nb * 100, secs, nb * 100 / secs);
	for (b = 0; b < nb; b++)
		json_decref(batches[b]);
	free(batches);
	store_close(s);
	return 0;
}

int main(int argc, char **argv)
{
	struct rlimit rl;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (sodium_init() < 0)
		return 1;
	if (argc == 6 && !strcmp(argv[1], "setup"))
		return setup(argv[2], atoi(argv[3]), argv[4], argv[5]);
	if ((argc == 7 || argc == 8) && !strcmp(argv[1], "run"))
		return run(argv[2], argv[3], atoi(argv[4]), atoi(argv[5]), argv[6],
			   argc == 8 ? atoll(argv[7]) : 0);
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "store"))
		return store_only(argv[2], atoi(argv[3]), argc == 5 ? atoi(argv[4]) : 8);
	if (argc == 4 && !strcmp(argv[1], "raw"))
		return raw(argv[2], atoi(argv[3]));
	fprintf(stderr, "usage: see tests/tools/loadgen.c\n");
	return 2;
}
