/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The hub's domain operations (reports/store/store.h), written once in
 * portable SQL over the SQLite and PostgreSQL backends: schema, kiosk
 * enrolment and tokens, batch ingest with full re-validation, the
 * catalog with its ETag, heartbeats, coordinators' status updates.
 *
 * Start reading at store_ingest(): a batch is parsed and checked outside
 * the transaction, then every valid record is stored (or found already
 * stored) inside one write transaction together with the rollups and
 * the idempotency record, and only a committed batch gets an answer.
 */
#include <ctype.h>
#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/application.h"
#include "core/cf.h"
#include "core/comuni.h"
#include "core/db.h"
#include "core/eligibility.h"
#include "core/model.h"
#include "core/receipt.h"
#include "core/util.h"
#include "core/wire.h"
#include "reports/stats/rollup.h"
#include "reports/stats/sdc.h"
#include "reports/store/calls.h"
#include "reports/store/selection.h"
#include "reports/store/store.h"

/* ---------------------------------------------------------------- results */

struct store_res {
	int cols, rows, cap;
	char **cells;		/* rows * cols, each malloc'd or NULL */
};

struct store_res *store_res_new(int cols)
{
	struct store_res *r = calloc(1, sizeof(*r));

	if (r)
		r->cols = cols;
	return r;
}

int store_res_add(struct store_res *r, const char *const *cells, const size_t *lens)
{
	int i;

	if (r->rows == r->cap) {
		int cap = r->cap ? r->cap * 2 : 8;
		char **c = realloc(r->cells, sizeof(char *) * (size_t)cap * (size_t)(r->cols ? r->cols : 1));

		if (!c)
			return -1;
		r->cells = c;
		r->cap = cap;
	}
	for (i = 0; i < r->cols; i++) {
		char *v = NULL;

		if (cells[i]) {
			v = malloc(lens[i] + 1);
			if (!v)
				return -1;
			memcpy(v, cells[i], lens[i]);
			v[lens[i]] = '\0';
		}
		r->cells[r->rows * r->cols + i] = v;
	}
	r->rows++;
	return 0;
}

int store_res_rows(const struct store_res *r)
{
	return r ? r->rows : 0;
}

int store_res_cols(const struct store_res *r)
{
	return r ? r->cols : 0;
}

const char *store_res_get(const struct store_res *r, int row, int col)
{
	if (!r || row < 0 || row >= r->rows || col < 0 || col >= r->cols)
		return NULL;
	return r->cells[row * r->cols + col];
}

void store_res_free(struct store_res *r)
{
	int i;

	if (!r)
		return;
	for (i = 0; i < r->rows * r->cols; i++)
		free(r->cells[i]);
	free(r->cells);
	free(r);
}

/* ------------------------------------------------------------ SQL layer */

int store_exec(struct store *s, const char *sql, const struct store_args *a)
{
	return s->ops->exec(s, sql, a, NULL);
}

int store_query(struct store *s, const char *sql, const struct store_args *a,
		struct store_res **res)
{
	*res = NULL;
	return s->ops->exec(s, sql, a, res) < 0 ? -1 : 0;
}

int store_query_once(struct store *s, const char *sql, const struct store_args *a,
		     int (*row)(void *ctx, const char *const *cells, int ncols),
		     void *ctx)
{
	return s->ops->exec_once(s, sql, a, row, ctx);
}

int store_text(struct store *s, const char *sql, const struct store_args *a, char *buf,
	       size_t size)
{
	struct store_res *r;
	int rc = 1;

	buf[0] = '\0';
	if (store_query(s, sql, a, &r))
		return -1;
	if (store_res_rows(r) > 0) {
		const char *v = store_res_get(r, 0, 0);

		str_copy(buf, size, v ? v : "");
		rc = 0;
	}
	store_res_free(r);
	return rc;
}

int store_begin(struct store *s)
{
	return s->ops->begin(s);
}

int store_commit(struct store *s)
{
	return s->ops->commit(s);
}

void store_rollback(struct store *s)
{
	s->ops->rollback(s);
}

int store_exec_script(struct store *s, const char *sql)
{
	return s->ops->script(s, sql);
}

int store_exec_many(struct store *s, struct store_call *calls, int n)
{
	int i;

	if (s->ops->many)
		return s->ops->many(s, calls, n);
	for (i = 0; i < n; i++) {
		calls[i].rows = s->ops->exec(s, calls[i].sql, &calls[i].args,
					     calls[i].want_res ? &calls[i].res : NULL);
		if (calls[i].rows < 0)
			return -1;
	}
	return 0;
}

int store_is_pg(const struct store *s)
{
	return s->pg;
}

int store_rollup_fold(struct store *s)
{
	return s->pg ? 0 : rollup_flush(s->conn);
}

#define ARGS(...) (&(struct store_args){ .v = { __VA_ARGS__ }, \
	.n = (int)(sizeof((const char *[]){ __VA_ARGS__ }) / sizeof(const char *)) })

/* --------------------------------------------------------------- schema */

/* The hub's own tables, the same text for both backends. */
#define HUB_TABLES \
	"CREATE TABLE IF NOT EXISTS enroll_code (" \
	"  code_hash TEXT PRIMARY KEY," \
	"  comune TEXT NOT NULL," \
	"  created_at TEXT NOT NULL," \
	"  expires_at TEXT NOT NULL," \
	"  used_at TEXT, kiosk_id TEXT);" \
	"CREATE TABLE IF NOT EXISTS idempotency (" \
	"  kiosk_id TEXT NOT NULL," \
	"  key TEXT NOT NULL," \
	"  response TEXT NOT NULL," \
	"  created_at TEXT NOT NULL," \
	"  PRIMARY KEY (kiosk_id, key));" \
	"CREATE TABLE IF NOT EXISTS coordinator (" \
	"  name TEXT PRIMARY KEY," \
	"  token_hash TEXT NOT NULL UNIQUE," \
	"  created_at TEXT NOT NULL);" \
	"CREATE INDEX IF NOT EXISTS kiosk_token ON kiosk(token_hash);" \
	"CREATE INDEX IF NOT EXISTS application_protocol_kiosk ON application(kiosk_id, status_at);" \
	"CREATE INDEX IF NOT EXISTS status_history_at ON status_history(uuid, id);"

/* People in a placement now, for the calls' no_other_placement rule. */
#define HUB_STARTED_INDEX \
	"CREATE INDEX IF NOT EXISTS application_started ON application(cf) WHERE status = 'started';"

static const struct migration hub_migrations[] = {
	{ 1, HUB_TABLES },
	{ 2, HUB_STARTED_INDEX },
};

/* The ingest rules' own additions (component "hub_rules", so they take
 * no version number of hub_migrations): an idempotency key remembers a
 * hash of the request it answered, so the same key with another body is
 * refused (422) instead of replaying the first answer. */
static const struct migration hub_rules_migrations[] = {
	{ 1, "ALTER TABLE idempotency ADD COLUMN body_hash TEXT;" },
};
static const char pg_rules_schema[] =
	"ALTER TABLE idempotency ADD COLUMN IF NOT EXISTS body_hash TEXT;";

/* The core tables the hub uses, for PostgreSQL (core/schema.c is SQLite's). */
static const char pg_schema[] =
	"CREATE TABLE IF NOT EXISTS comune ("
	"  istat TEXT PRIMARY KEY, name TEXT NOT NULL, province TEXT NOT NULL,"
	"  province_name TEXT NOT NULL, region TEXT NOT NULL, belfiore TEXT NOT NULL,"
	"  population INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE IF NOT EXISTS call ("
	"  id BIGINT PRIMARY KEY, code TEXT NOT NULL UNIQUE, title TEXT NOT NULL,"
	"  region TEXT NOT NULL, opens TEXT NOT NULL, deadline TEXT NOT NULL,"
	"  rules TEXT NOT NULL DEFAULT '{}',"
	"  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed')));"
	"CREATE TABLE IF NOT EXISTS placement ("
	"  id BIGINT PRIMARY KEY, code TEXT NOT NULL UNIQUE, call_id BIGINT NOT NULL REFERENCES call(id),"
	"  comune TEXT NOT NULL, area TEXT NOT NULL, office TEXT NOT NULL, title TEXT NOT NULL,"
	"  description TEXT NOT NULL DEFAULT '', requirements TEXT NOT NULL DEFAULT '',"
	"  address TEXT NOT NULL, months INTEGER NOT NULL, hours_week INTEGER NOT NULL,"
	"  allowance_eur INTEGER NOT NULL, qrsp TEXT NOT NULL, seats INTEGER NOT NULL,"
	"  applied INTEGER NOT NULL DEFAULT 0, deadline TEXT NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed')),"
	"  updated_at TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX IF NOT EXISTS placement_comune ON placement(comune, status);"
	"CREATE TABLE IF NOT EXISTS kiosk ("
	"  id TEXT PRIMARY KEY, comune TEXT NOT NULL, name TEXT NOT NULL DEFAULT '',"
	"  public_key TEXT, token_hash TEXT,"
	"  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','revoked')),"
	"  enrolled_at TEXT, revoked_at TEXT, last_seen TEXT,"
	"  version TEXT, queue_depth BIGINT, printer TEXT, last_frame_ms BIGINT);"
	"CREATE TABLE IF NOT EXISTS application ("
	"  uuid TEXT PRIMARY KEY, protocol TEXT NOT NULL UNIQUE, kiosk_id TEXT NOT NULL,"
	"  seq BIGINT NOT NULL, call_id BIGINT NOT NULL, placement_code TEXT NOT NULL,"
	"  comune TEXT NOT NULL, cf_hash TEXT NOT NULL, cf TEXT,"
	"  given_name TEXT, family_name TEXT, phone TEXT, email TEXT,"
	"  sex TEXT CHECK (sex IN ('F','M')), birth_date TEXT, age INTEGER,"
	"  birthplace TEXT, residence TEXT, applicant_status TEXT NOT NULL,"
	"  education TEXT NOT NULL, lang TEXT NOT NULL DEFAULT 'it',"
	"  submitted_at TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'received',"
	"  status_at TEXT, duplicate_of TEXT, receipt TEXT, acked_at TEXT, received_at TEXT);"
	"CREATE INDEX IF NOT EXISTS application_person ON application(call_id, cf_hash);"
	"CREATE INDEX IF NOT EXISTS application_placement ON application(placement_code);"
	"CREATE INDEX IF NOT EXISTS application_comune ON application(comune, submitted_at);"
	"CREATE UNIQUE INDEX IF NOT EXISTS application_kiosk_seq ON application(kiosk_id, seq);"
	"CREATE TABLE IF NOT EXISTS status_history ("
	"  id BIGSERIAL PRIMARY KEY, uuid TEXT NOT NULL, status TEXT NOT NULL,"
	"  at TEXT NOT NULL, by TEXT NOT NULL, note TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX IF NOT EXISTS status_history_uuid ON status_history(uuid);"
	"CREATE TABLE IF NOT EXISTS usage_count ("
	"  day TEXT NOT NULL, kiosk_id TEXT NOT NULL, comune TEXT NOT NULL,"
	"  event TEXT NOT NULL, n BIGINT NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (day, kiosk_id, event));"
	"CREATE TABLE IF NOT EXISTS setting (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	HUB_TABLES
	HUB_STARTED_INDEX;

static void hex(const unsigned char *b, size_t n, char *out);

static int run_list(struct store *s, const char *const *list)
{
	for (; list && *list; list++)
		if (store_exec(s, *list, NULL) < 0)
			return -1;
	return 0;
}

static int pg_load_comuni(struct store *s)
{
	char pop[16];
	size_t i;

	if (store_text(s, "SELECT count(*) FROM comune", NULL, pop, sizeof(pop)) || atoi(pop) > 0)
		return 0;
	if (store_begin(s))
		return -1;
	for (i = 0; i < comuni_count(); i++) {
		const struct comune *c = comuni_at(i);

		snprintf(pop, sizeof(pop), "%d", c->population);
		if (store_exec(s, "INSERT INTO comune(istat, name, province, province_name, region,"
				  " belfiore, population) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
				  " ON CONFLICT (istat) DO NOTHING",
			       ARGS(c->istat, c->name, c->province, c->province_name, c->region,
				    c->belfiore, pop)) < 0) {
			store_rollback(s);
			return -1;
		}
	}
	return store_commit(s);
}

static int store_migrate(struct store *s)
{
	if (!s->pg) {
		sqlite3 *db = s->conn;

		if (db_migrate(db, "hub", hub_migrations, (int)ARRAY_SIZE(hub_migrations)) ||
		    db_migrate(db, "hub_rules", hub_rules_migrations,
			       (int)ARRAY_SIZE(hub_rules_migrations)))
			return -1;
		if (db_int(db, "SELECT count(*) FROM comune", NULL, 0) == 0 && comuni_load_db(db))
			return -1;
		if (rollup_migrate(db) || selection_migrate(s))
			return -1;
		return calls_migrate(s);
	}
	/* The schema's fingerprint: when it is recorded, the DDL is not run
	 * again (CREATE ... IF NOT EXISTS still locks tables that a running
	 * hub is writing). Several hubs may start together: advisory lock. */
	{
		crypto_hash_sha256_state hs;
		unsigned char h[crypto_hash_sha256_BYTES];
		char fp[65], found[8], secret[SDC_SECRET_HEX + 1];
		const char *const *l;
		int rc = -1;

		crypto_hash_sha256_init(&hs);
		crypto_hash_sha256_update(&hs, (const unsigned char *)pg_schema, strlen(pg_schema));
		crypto_hash_sha256_update(&hs, (const unsigned char *)pg_rules_schema,
					  strlen(pg_rules_schema));
		for (l = rollup_schema_sql; *l; l++)
			crypto_hash_sha256_update(&hs, (const unsigned char *)*l, strlen(*l));
		crypto_hash_sha256_update(&hs, (const unsigned char *)sdc_pg_schema_sql, strlen(sdc_pg_schema_sql));
		crypto_hash_sha256_update(&hs, (const unsigned char *)sdc_pg_function_sql, strlen(sdc_pg_function_sql));
		crypto_hash_sha256_final(&hs, h);
		hex(h, 16, fp);
		if (store_exec_script(s, "CREATE TABLE IF NOT EXISTS store_schema (fingerprint TEXT PRIMARY KEY)"))
			return -1;
		if (store_text(s, "SELECT 1 FROM store_schema WHERE fingerprint = ?1", ARGS(fp),
			       found, sizeof(found)) == 0)
			return calls_migrate(s) || selection_migrate(s) ? -1 : 0;
		if (store_exec_script(s, "SELECT pg_advisory_lock(4711)"))
			return -1;
		/* The statistics' record keys (reports/stats/sdc.h): the hub
		 * secret, made once, and dote_rkey() built from it, before the
		 * rollups that sum it. */
		sdc_new_secret(secret);
		if (!store_exec_script(s, pg_schema) && !store_exec_script(s, pg_rules_schema) &&
		    !store_exec_script(s, sdc_pg_schema_sql) && store_exec(s, sdc_pg_secret_sql, ARGS(secret)) >= 0 &&
		    !store_exec_script(s, sdc_pg_function_sql) &&
		    !run_list(s, rollup_schema_sql) && !pg_load_comuni(s) &&
		    store_exec(s, "INSERT INTO store_schema(fingerprint) VALUES (?1) ON CONFLICT DO NOTHING",
			       ARGS(fp)) >= 0)
			rc = 0;
		store_exec_script(s, "SELECT pg_advisory_unlock(4711)");
		return rc || calls_migrate(s) || selection_migrate(s) ? -1 : 0;
	}
}

struct store *store_open(const char *url)
{
	struct store *s;

	if (sodium_init() < 0) {
		error("cannot initialise libsodium");
		return NULL;
	}
	if (!strncmp(url, "postgres://", 11) || !strncmp(url, "postgresql://", 13))
		s = store_pg_open(url);
	else
		s = store_sqlite_open(url);
	if (s && store_migrate(s)) {
		store_close(s);
		return NULL;
	}
	if (s)
		store_set_clock(s, STORE_OFFLINE_DAYS, STORE_CLOCK_AHEAD);
	return s;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	s->ops->close(s);
	free(s);
}

/* -------------------------------------------------------------- helpers */

static void now_iso(char *buf, size_t size)
{
	time_iso(now_wall(), buf, size);
}

static void hex(const unsigned char *b, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
}

void store_secret_hash(const char *secret, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)secret, strlen(secret));
	hex(h, sizeof(h), out);
}

static void new_token(char *token, size_t size)
{
	unsigned char b[32];

	randombytes_buf(b, sizeof(b));
	if (size >= 65)
		hex(b, sizeof(b), token);
	else if (size)
		token[0] = '\0';
	sodium_memzero(b, sizeof(b));
}

static int is_printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

static int all_digits(const char *s, size_t len)
{
	size_t i;

	if (strlen(s) != len)
		return 0;
	for (i = 0; i < len; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static int is_uuid(const char *s)
{
	int i;

	if (strlen(s) != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i])) {
			return 0;
		}
	}
	return 1;
}

static int is_iso_instant(const char *s)
{
	char date[11];
	int y, m, d;

	if (strlen(s) != 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z')
		return 0;
	if (!isdigit((unsigned char)s[11]) || !isdigit((unsigned char)s[12]) ||
	    !isdigit((unsigned char)s[14]) || !isdigit((unsigned char)s[15]) ||
	    !isdigit((unsigned char)s[17]) || !isdigit((unsigned char)s[18]))
		return 0;
	if (atoi(s + 11) > 23 || atoi(s + 14) > 59 || atoi(s + 17) > 60)
		return 0;
	memcpy(date, s, 10);
	date[10] = '\0';
	return date_parse(date, &y, &m, &d) == 0;
}

/* 64 hex digits (either case) into 32 bytes: 0, or -1. */
static int key_from_hex(const char *h, unsigned char key[32])
{
	int i;

	if (!h || strlen(h) != 64)
		return -1;
	for (i = 0; i < 32; i++) {
		int hi = hex_value(h[2 * i]), lo = hex_value(h[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		key[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

static void person_hash(int64_t call_id, const char *cf, char out[65])
{
	application_person_hash(call_id, cf, out, 65);
}

/* ------------------------------------------------------------ enrolment */

static void code_normalise(const char *in, char *out, size_t size)
{
	size_t o = 0;

	for (; *in && o + 1 < size; in++)
		if (isalnum((unsigned char)*in))
			out[o++] = (char)toupper((unsigned char)*in);
	out[o] = '\0';
}

int store_enroll_code_create(struct store *s, const char *comune, int64_t ttl, char *code,
			     size_t size)
{
	static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	char raw[13], hash[65], now[32], exp[32];
	int i;

	if (!comune_by_istat(comune))
		return error("unknown comune '%s' (an ISTAT code like 015146)", comune);
	if (size < 15 || ttl <= 0)
		return error("bad enrolment code request");
	for (i = 0; i < 12; i++)
		raw[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
	raw[12] = '\0';
	snprintf(code, size, "%.4s-%.4s-%.4s", raw, raw + 4, raw + 8);
	store_secret_hash(raw, hash);
	now_iso(now, sizeof(now));
	time_iso(now_wall() + (time_t)ttl, exp, sizeof(exp));
	if (store_exec(s, "INSERT INTO enroll_code(code_hash, comune, created_at, expires_at)"
			  " VALUES (?1, ?2, ?3, ?4)", ARGS(hash, comune, now, exp)) != 1)
		return -1;
	return 0;
}

int store_enroll(struct store *s, const char *code, const char *pk_hex, const char *name,
		 struct store_kiosk *k, char *token, size_t tsize)
{
	struct store_res *r = NULL;
	char norm[40], hash[65], thash[65], now[32];
	int rc = -1, i, max = 0;

	memset(k, 0, sizeof(*k));
	code_normalise(code, norm, sizeof(norm));
	if (strlen(norm) != 12 || strlen(pk_hex) != 64 || tsize < 65)
		return 1;
	for (i = 0; i < 64; i++)
		if (!isxdigit((unsigned char)pk_hex[i]))
			return 1;
	store_secret_hash(norm, hash);
	now_iso(now, sizeof(now));
	if (store_begin(s))
		return -1;
	if (store_query(s, "SELECT comune FROM enroll_code WHERE code_hash = ?1"
			   " AND used_at IS NULL AND expires_at > ?2", ARGS(hash, now), &r))
		goto out;
	if (store_res_rows(r) != 1) {
		rc = 1;
		goto out;
	}
	str_copy(k->comune, sizeof(k->comune), store_res_get(r, 0, 0));
	store_res_free(r);
	if (store_query(s, "SELECT id FROM kiosk", NULL, &r))
		goto out;
	for (i = 0; i < store_res_rows(r); i++) {
		const char *id = store_res_get(r, i, 0);

		if (id && id[0] == 'K' && atoi(id + 1) > max)
			max = atoi(id + 1);
	}
	snprintf(k->id, sizeof(k->id), "K%02d", max + 1);
	new_token(token, tsize);
	store_secret_hash(token, thash);
	if (store_exec(s, "INSERT INTO kiosk(id, comune, name, public_key, token_hash, status,"
			  " enrolled_at) VALUES (?1, ?2, ?3, ?4, ?5, 'active', ?6)",
		       &(struct store_args){ { k->id, k->comune, name ? name : "", pk_hex, thash, now },
					     6, 1u << 3 }) != 1)
		goto out;
	if (store_exec(s, "UPDATE enroll_code SET used_at = ?1, kiosk_id = ?2 WHERE code_hash = ?3",
		       ARGS(now, k->id, hash)) != 1)
		goto out;
	if (store_commit(s))
		goto out;
	k->has_key = key_from_hex(pk_hex, k->public_key) == 0;
	rc = 0;
out:
	store_res_free(r);
	if (rc)
		store_rollback(s);
	if (rc && tsize)
		token[0] = '\0';
	return rc;
}

int store_kiosk_auth(struct store *s, const char *token, struct store_kiosk *k)
{
	struct store_res *r;
	char hash[65];
	int rc = 1;

	memset(k, 0, sizeof(*k));
	if (!token || strlen(token) != 64)
		return 1;
	store_secret_hash(token, hash);
	if (store_query(s, "SELECT id, comune, status, public_key FROM kiosk WHERE token_hash = ?1",
			ARGS(hash), &r))
		return -1;
	if (store_res_rows(r) == 1) {
		str_copy(k->id, sizeof(k->id), store_res_get(r, 0, 0));
		str_copy(k->comune, sizeof(k->comune), store_res_get(r, 0, 1));
		k->revoked = strcmp(store_res_get(r, 0, 2), "active") != 0;
		k->has_key = key_from_hex(store_res_get(r, 0, 3), k->public_key) == 0;
		rc = 0;
	}
	store_res_free(r);
	return rc;
}

int store_kiosk_revoke(struct store *s, const char *id)
{
	char now[32];
	int n;

	now_iso(now, sizeof(now));
	/* The token hash stays so the kiosk is told it is revoked (403). */
	n = store_exec(s, "UPDATE kiosk SET status = 'revoked', revoked_at = ?1 WHERE id = ?2",
		       ARGS(now, id));
	if (n < 0)
		return -1;
	return n == 0;
}

int store_kiosk_list(struct store *s, FILE *out)
{
	return fleet_print(s, NULL, out);
}

int store_receipt_lookup(void *ctx, const char *kiosk_id, unsigned char pk[32], int *revoked)
{
	struct store *s = ctx;
	struct store_res *r;
	int rc = 1;

	if (store_query(s, "SELECT public_key, status FROM kiosk WHERE id = ?1", ARGS(kiosk_id), &r))
		return -1;
	if (store_res_rows(r) == 1 && key_from_hex(store_res_get(r, 0, 0), pk) == 0) {
		*revoked = strcmp(store_res_get(r, 0, 1), "active") != 0;
		rc = 0;
	}
	store_res_free(r);
	return rc;
}

int store_coordinator_token(struct store *s, const char *name, char *token, size_t tsize)
{
	char hash[65], now[32];

	if (!*name || strlen(name) > 64 || !is_printable(name) || tsize < 65)
		return error("coordinator name must be 1 to 64 printable characters");
	new_token(token, tsize);
	store_secret_hash(token, hash);
	now_iso(now, sizeof(now));
	if (store_exec(s, "INSERT INTO coordinator(name, token_hash, created_at) VALUES (?1, ?2, ?3)"
			  " ON CONFLICT (name) DO UPDATE SET token_hash = excluded.token_hash,"
			  " created_at = excluded.created_at", ARGS(name, hash, now)) != 1)
		return -1;
	return 0;
}

int store_coordinator_auth(struct store *s, const char *token, char *name, size_t size)
{
	char hash[65];

	if (!token || strlen(token) != 64)
		return 1;
	store_secret_hash(token, hash);
	return store_text(s, "SELECT name FROM coordinator WHERE token_hash = ?1", ARGS(hash),
			  name, size);
}

/* --------------------------------------------------------------- ingest */

struct record {
	struct application app;	/* first: wiped as a whole */
	char receipt[WIRE_RECEIPT_MAX];
	char cf_hash[65];
	const char *result;	/* 'stored', 'already', 'rejected' */
	char kiosk_comune[7];	/* the comune the sending kiosk is enrolled for */
	char error[160];
	char duplicate_of[37];
	/* While it is being stored: its numbers as SQL text, its placement. */
	char seq_s[24], call_s[24], age_s[8], sex_s[2];
	struct placement_info *placement;
	/* Whether the hub holds a placement this person has started (asked
	 * only for calls with no_other_placement): set once looked up. */
	int placement_checked, in_placement;
};

/* receipt_key_lookup over the sending kiosk alone: a token that names
 * any other kiosk finds no key, so another kiosk's receipt is refused
 * without a database lookup. */
static int sender_key(void *ctx, const char *kiosk_id, unsigned char pk[32], int *revoked)
{
	const struct store_kiosk *k = ctx;

	if (!k->has_key || strcmp(kiosk_id, k->id))
		return 1;
	memcpy(pk, k->public_key, 32);
	*revoked = k->revoked;
	return 0;
}

/* The record's receipt token: signed by the sending kiosk's registered
 * key, and saying what the record says (kiosk, comune, year and
 * sequence through the protocol, uuid, placement, submission time). */
static int receipt_check(const struct record *rec, const struct store_kiosk *k, char *err,
			 size_t esize)
{
	const struct application *a = &rec->app;
	struct receipt_fields f;

	if (!*rec->receipt)
		return snprintf(err, esize, "receipt: missing (each application travels with its"
				" signed receipt token)"), -1;
	switch (receipt_verify(rec->receipt, sender_key, (void *)k, &f)) {
	case RECEIPT_OK:
		break;
	case RECEIPT_UNKNOWN_KEY:
		return snprintf(err, esize, k->has_key ? "receipt: not issued by this kiosk"
				: "receipt: this kiosk has no registered public key"), -1;
	case RECEIPT_BAD_SIGNATURE:
		return snprintf(err, esize, "receipt: bad signature (altered, or signed by another"
				" key)"), -1;
	case RECEIPT_REVOKED:
		return snprintf(err, esize, "receipt: the kiosk's key is revoked"), -1;
	default:
		return snprintf(err, esize, "receipt: not a receipt token"), -1;
	}
	if (strcmp(f.uuid, a->uuid))
		return snprintf(err, esize, "receipt: its uuid is not the record's"), -1;
	if (strcmp(f.protocol, a->protocol) || f.seq != a->seq)
		return snprintf(err, esize, "receipt: its protocol (comune, year, sequence) is not"
				" the record's"), -1;
	if (strcmp(f.placement_code, a->placement_code))
		return snprintf(err, esize, "receipt: its placement is not the record's"), -1;
	if (strcmp(f.submitted_at, a->submitted_at))
		return snprintf(err, esize, "receipt: its submission time is not the record's"), -1;
	return 0;
}

/* 1 when protocol is 'DC-<comune or the kiosk's>-<kiosk>-<year>-<seq>'
 * for the record's year. The kiosk numbers by its local year, so on the
 * night of 31 December (UTC) the next year is right too, and on 1
 * January the previous one. */
static int protocol_ok(const struct application *a, const struct store_kiosk *k,
		       const char *date)
{
	char p[48];
	int year = atoi(date), y, c;

	for (y = year - 1; y <= year + 1; y++) {
		if ((y < year && strcmp(date + 5, "01-01")) || (y > year && strcmp(date + 5, "12-31")))
			continue;
		for (c = 0; c < 2; c++) {
			snprintf(p, sizeof(p), "DC-%s-%s-%d-%06lld", c ? k->comune : a->comune, k->id, y,
				 (long long)a->seq);
			if (!strcmp(a->protocol, p))
				return 1;
		}
	}
	return 0;
}

/* Everything that can be checked without the database. */
static int record_check(struct record *rec, const struct store_kiosk *k, char *err, size_t esize)
{
	struct application *a = &rec->app;
	struct cf_info info;
	char why[120], date[11];

	str_copy(rec->kiosk_comune, sizeof(rec->kiosk_comune), k->comune);
	if (!is_uuid(a->uuid))
		return snprintf(err, esize, "uuid: not a lower-case UUID"), -1;
	if (strcmp(a->kiosk_id, k->id))
		return snprintf(err, esize, "kiosk_id: not the kiosk that sent it"), -1;
	if (a->seq < 1)
		return snprintf(err, esize, "seq: must be positive"), -1;
	if (!is_iso_instant(a->submitted_at))
		return snprintf(err, esize, "submitted_at: not an ISO UTC instant"), -1;
	memcpy(date, a->submitted_at, 10);
	date[10] = '\0';
	/* The protocol format of core/receipt.h, with the host comune or the
	 * kiosk's own. */
	if (!protocol_ok(a, k, date))
		return snprintf(err, esize, "protocol: does not match kiosk, year and sequence"), -1;
	if (!all_digits(a->comune, 6))
		return snprintf(err, esize, "comune: not an ISTAT code"), -1;
	if (cf_check(a->cf, date, &info, why, sizeof(why)))
		return snprintf(err, esize, "cf: %s", why), -1;
	str_copy(a->cf, sizeof(a->cf), info.code);
	if (a->sex != info.sex || strcmp(a->birth_date, info.birth_date) ||
	    strcmp(a->birthplace, info.birthplace))
		return snprintf(err, esize, "cf: sex, birth date or birthplace do not match it"), -1;
	if (age_on(a->birth_date, date) != a->age)
		return snprintf(err, esize, "age: does not match the birth date"), -1;
	/* Names and contacts by the kiosk's own rules (core/application.h). */
	if (!application_name_ok(a->given_name))
		return snprintf(err, esize, "given_name: empty, only spaces or punctuation, or has"
				" control or bidirectional characters"), -1;
	if (!application_name_ok(a->family_name))
		return snprintf(err, esize, "family_name: empty, only spaces or punctuation, or has"
				" control or bidirectional characters"), -1;
	if (!application_phone_ok(a->phone))
		return snprintf(err, esize, "phone: not a phone number (6 to 15 digits, with spaces,"
				" '-', '.' and a leading '+')"), -1;
	if (!application_email_ok(a->email))
		return snprintf(err, esize, "email: not an e-mail address"), -1;
	if (!*a->phone && !*a->email)
		return snprintf(err, esize, "phone or email: one of them is required"), -1;
	if (*a->residence && !comune_by_istat(a->residence))
		return snprintf(err, esize, "residence: unknown comune"), -1;
	if (!vocab_find(applicant_statuses, applicant_statuses_n, a->applicant_status))
		return snprintf(err, esize, "applicant_status: unknown value"), -1;
	if (!vocab_find(education_levels, education_levels_n, a->education))
		return snprintf(err, esize, "education: unknown value"), -1;
	if (!*a->lang)
		str_copy(a->lang, sizeof(a->lang), "it");
	if (strspn(a->lang, "abcdefghijklmnopqrstuvwxyz-") != strlen(a->lang))
		return snprintf(err, esize, "lang: not a language code"), -1;
	if (*a->status && strcmp(a->status, "received"))
		return snprintf(err, esize, "status: a new application is 'received'"), -1;
	str_copy(a->status, sizeof(a->status), "received");
	if (strspn(rec->receipt, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") != strlen(rec->receipt))
		return snprintf(err, esize, "receipt: not a receipt token"), -1;
	/* Last: the signature check is the costliest (~40 us). */
	if (receipt_check(rec, k, err, esize))
		return -1;
	person_hash(a->call_id, a->cf, rec->cf_hash);
	return 0;
}

struct placement_info {
	char code[32];
	int found;
	int64_t call_id;
	char comune[7];
	char deadline[11];	/* the earlier of placement's and call's */
	char opens[11];		/* the call's opening day */
	int open;
	int added;		/* applications stored in this batch */
	char added_s[16];	/* the same as SQL text */
	char *rules;		/* the call's eligibility rules (malloc'd); NULL: none */
	int one_placement;	/* the (readable) rules say no_other_placement */
};

/* Eligibility depends on the call and three answers only, and a batch
 * repeats them: the verdicts of one batch are remembered (each check
 * parses the call's rules, ~5 us). */
enum { ELIGIBILITY_MEMO = 32 };
struct eligibility_memo {
	int64_t call_id;
	int age, in_placement;
	char status[20];
	char residence[7];
	char why[160];		/* '' when eligible */
};
/* The placements a batch (on PostgreSQL: a whole group) names, looked
 * up once each. It grows with what is named, up to memory: a fixed
 * table that filled up failed the commit of every batch in the group,
 * other kiosks' too. Each entry is allocated on its own (records point
 * at theirs) and found through a hash index of its code. */
struct ingest_cache {
	struct placement_info **placements;
	int np, cap;
	int *slots;		/* index + 1 into placements, 0 empty */
	int nslots;		/* a power of two, more than 2 * np */
	struct eligibility_memo memo[ELIGIBILITY_MEMO];
	int nmemo, next_memo;
};

static void ingest_cache_release(struct ingest_cache *c)
{
	int i;

	for (i = 0; i < c->np; i++) {
		free(c->placements[i]->rules);
		free(c->placements[i]);
	}
	free(c->placements);
	free(c->slots);
	c->placements = NULL;
	c->slots = NULL;
	c->np = c->cap = c->nslots = 0;
}

static unsigned placement_slot(const struct ingest_cache *c, const char *code)
{
	unsigned h = 5381;

	for (; *code; code++)
		h = h * 33 + (unsigned char)*code;
	return h & (unsigned)(c->nslots - 1);
}

/* The cache's entry for code, or NULL. */
static struct placement_info *placement_cached(const struct ingest_cache *c, const char *code)
{
	unsigned i;

	if (!c->nslots)
		return NULL;
	for (i = placement_slot(c, code); c->slots[i]; i = (i + 1) & (unsigned)(c->nslots - 1))
		if (!strcmp(c->placements[c->slots[i] - 1]->code, code))
			return c->placements[c->slots[i] - 1];
	return NULL;
}

/* A new zeroed entry for code, indexed. NULL when out of memory. */
static struct placement_info *placement_add(struct ingest_cache *c, const char *code)
{
	struct placement_info *p;
	unsigned i;
	int j;

	if (c->np == c->cap) {
		int cap = c->cap ? 2 * c->cap : 64;
		struct placement_info **more = realloc(c->placements, sizeof(*more) * (size_t)cap);

		if (!more)
			return NULL;
		c->placements = more;
		c->cap = cap;
	}
	if (2 * (c->np + 1) >= c->nslots) {
		int n = c->nslots ? 2 * c->nslots : 256;
		int *slots = calloc((size_t)n, sizeof(*slots));

		if (!slots)
			return NULL;
		free(c->slots);
		c->slots = slots;
		c->nslots = n;
		for (j = 0; j < c->np; j++) {
			for (i = placement_slot(c, c->placements[j]->code); c->slots[i];
			     i = (i + 1) & (unsigned)(n - 1))
				;
			c->slots[i] = j + 1;
		}
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	str_copy(p->code, sizeof(p->code), code);
	for (i = placement_slot(c, p->code); c->slots[i]; i = (i + 1) & (unsigned)(c->nslots - 1))
		;
	c->placements[c->np] = p;
	c->slots[i] = ++c->np;
	return p;
}

/* Why the record fails its call's eligibility rules (into why, '' when
 * it does not), judged by core/eligibility.c exactly as the kiosk
 * judges: age at submission from the codice fiscale, applicant status,
 * comune of residence, and whether the person is in another placement:
 * a record does not carry the citizen's answer (the kiosk turns away a
 * 'yes' before the form), so the hub asks its own data: an application
 * by the same codice fiscale whose placement has started (in_placement).
 * Rules that cannot be read turn nobody away, as on the kiosk. */
static void eligibility_why(struct ingest_cache *c, const struct placement_info *p,
			    const struct application *a, int in_placement, char *why, size_t size)
{
	struct eligibility_answers ans = {
		.age = a->age, .status = a->applicant_status, .residence = a->residence,
		.in_other_placement = in_placement,
	};
	struct eligibility_result res;
	struct eligibility_memo *m;
	size_t i, len;
	int j;

	why[0] = '\0';
	if (!p->rules)
		return;
	for (j = 0; j < c->nmemo; j++) {
		m = &c->memo[j];
		if (m->call_id == p->call_id && m->age == a->age && m->in_placement == in_placement &&
		    !strcmp(m->status, a->applicant_status) && !strcmp(m->residence, a->residence)) {
			str_copy(why, size, m->why);
			return;
		}
	}
	if (eligibility_check(p->rules, &ans, &res) == 0 && !res.eligible) {
		len = (size_t)snprintf(why, size, "eligibility:");
		for (i = 0; i < res.nfails && len < size; i++) {
			const struct eligibility_fail *f = &res.fails[i];
			char limit[24] = "";

			if (f->limit)
				snprintf(limit, sizeof(limit), " %ld", f->limit);
			len += (size_t)snprintf(why + len, size - len, "%s %s%s (%s)", i ? ";" : "",
						f->rule, limit, f->message);
		}
	}
	m = &c->memo[c->next_memo];
	c->next_memo = (c->next_memo + 1) % ELIGIBILITY_MEMO;
	if (c->nmemo < ELIGIBILITY_MEMO)
		c->nmemo++;
	m->call_id = p->call_id;
	m->age = a->age;
	m->in_placement = in_placement;
	str_copy(m->status, sizeof(m->status), a->applicant_status);
	str_copy(m->residence, sizeof(m->residence), a->residence);
	str_copy(m->why, sizeof(m->why), why);
}

static int placement_get(struct store *s, struct ingest_cache *c, const char *code,
			 struct placement_info **out)
{
	struct store_res *r;
	struct placement_info *p;
	const char *rules;
	char why[160];
	int i;

	if ((*out = placement_cached(c, code)))
		return 0;
	if (!(p = placement_add(c, code)))
		return error("out of memory");
	i = 0;
	if (store_query(s, "SELECT p.call_id, p.comune, p.deadline, c.deadline, p.status, c.status,"
			   " c.rules, c.opens FROM placement p JOIN call c ON c.id = p.call_id"
			   " WHERE p.code = ?1",
			ARGS(code), &r))
		return -1;
	if (store_res_rows(r) == 1) {
		const char *pd = store_res_get(r, 0, 2), *cd = store_res_get(r, 0, 3);

		p->found = 1;
		p->call_id = atoll(store_res_get(r, 0, 0));
		str_copy(p->comune, sizeof(p->comune), store_res_get(r, 0, 1));
		str_copy(p->deadline, sizeof(p->deadline), strcmp(pd, cd) < 0 ? pd : cd);
		str_copy(p->opens, sizeof(p->opens), store_res_get(r, 0, 7) ? store_res_get(r, 0, 7) : "");
		p->open = !strcmp(store_res_get(r, 0, 4), "open") &&
			  !strcmp(store_res_get(r, 0, 5), "open");
		rules = store_res_get(r, 0, 6);
		/* '{}' (no rules) needs no check; unreadable rules are said
		 * once here, not once per record. */
		if (rules && strcmp(rules, "{}") && strcmp(rules, "")) {
			if (eligibility_validate(rules, why, sizeof(why)))
				warning("call %lld: eligibility rules unreadable (%s): not applied",
					(long long)p->call_id, why);
			else if (!(p->rules = strdup(rules)))
				i = -1;
			else {
				json_t *j = json_loads(rules, 0, NULL);

				p->one_placement = json_is_true(json_object_get(j, "no_other_placement"));
				json_decref(j);
			}
		}
	}
	store_res_free(r);
	*out = p;
	return i < 0 ? error("out of memory") : 0;
}

/* The earliest (submitted_at, then uuid) application of the same person
 * (?2) to the same call (?1) that is not itself a duplicate: two MIN
 * lookups on application_person (an ORDER BY ... LIMIT 1 opened a
 * temporary B-tree for every record stored). */
#define FIRST_SQL(CALL, HASH) \
	"SELECT MIN(d.uuid) FROM application d WHERE d.call_id = " CALL " AND d.cf_hash = " HASH \
	" AND d.duplicate_of IS NULL AND d.submitted_at = (SELECT MIN(e.submitted_at) FROM" \
	" application e WHERE e.call_id = " CALL " AND e.cf_hash = " HASH " AND e.duplicate_of IS NULL)"
static const char first_sql[] = FIRST_SQL("?1", "?2");

/* Changes nothing when the uuid (a resend) or the protocol/sequence (a
 * clash) is taken. No RETURNING: in SQLite it buffers its rows in a
 * temporary table, one more per record stored. */
static const char insert_sql[] =
	"INSERT INTO application(uuid, protocol, kiosk_id, seq, call_id, placement_code, comune,"
	" cf_hash, cf, given_name, family_name, phone, email, sex, birth_date, age, birthplace,"
	" residence, applicant_status, education, lang, submitted_at, status, status_at,"
	" duplicate_of, receipt, received_at)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
	" ?18, ?19, ?20, ?21, ?22, 'received', ?22, ?23, ?24, ?25) ON CONFLICT DO NOTHING";

/* PostgreSQL, where the statements of a group travel in one pipeline
 * and so cannot wait for each other's answers: the insert finds the
 * earlier application itself (it sees the rows inserted before it in
 * the pipeline) and returns it; no row back means nothing was inserted.
 * ?23 receipt, ?24 now. */
static const char insert_pg_sql[] =
	"INSERT INTO application(uuid, protocol, kiosk_id, seq, call_id, placement_code, comune,"
	" cf_hash, cf, given_name, family_name, phone, email, sex, birth_date, age, birthplace,"
	" residence, applicant_status, education, lang, submitted_at, status, status_at,"
	" duplicate_of, receipt, received_at)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
	" ?18, ?19, ?20, ?21, ?22, 'received', ?22, (" FIRST_SQL("?5", "?8") "), ?23, ?24)"
	" ON CONFLICT DO NOTHING RETURNING coalesce(duplicate_of, '')";

static const char known_sql[] = "SELECT uuid FROM application WHERE uuid = ?1";
static const char idem_get_sql[] =
	"SELECT response, coalesce(body_hash, '') FROM idempotency WHERE kiosk_id = ?1 AND key = ?2";
static const char idem_put_sql[] =
	"INSERT INTO idempotency(kiosk_id, key, response, created_at, body_hash)"
	" VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (kiosk_id, key) DO NOTHING";
static const char applied_sql[] = "UPDATE placement SET applied = applied + ?1 WHERE code = ?2";

/* Adds a newly stored application to the rollups, in the open
 * transaction. On SQLite through rollup_apply_ingest(), which queues the
 * uuid and folds the queue into the rollups in bulk (readers fold what is
 * left first): the portable statements run per application cost more
 * than the insert itself (three upserts over six attributes each). */
static int rollup_ingest(struct store *s, const char *uuid)
{
	int i;

	if (!s->pg)
		return rollup_apply_ingest(s->conn, uuid);
	for (i = 0; rollup_ingest_sql[i]; i++)
		if (store_exec(s, rollup_ingest_sql[i], ARGS(uuid)) < 0)
			return -1;
	return 0;
}

/* 1 when an application with rec's uuid is already stored, 0 when not,
 * -1 on error. */
static int record_known(struct store *s, const struct record *rec)
{
	char found[40];
	int rc = store_text(s, known_sql, ARGS(rec->app.uuid), found, sizeof(found));

	return rc < 0 ? -1 : rc == 0;
}

/* An application by this codice fiscale whose placement has started:
 * the person is in a placement now (partial index application_started). */
static const char started_sql[] =
	"SELECT 1 FROM application WHERE cf = ?1 AND status = 'started' LIMIT 1";

/* How far the hub believes a kiosk's clock (reports/hub/README.md,
 * "Submission time"). A kiosk keeps applications while it is offline
 * and sends them when it can, so a record may be dated up to
 * offline_days before the hub receives it; a kiosk's clock is set by
 * NTP, so it may run ahead of the hub's by clock_ahead_s seconds, no
 * more. Never before its call opened (local date, as the kiosk judges
 * it), never after the deadline (record_judge). The hub's configuration
 * (offline_days, clock_ahead_seconds) may change the defaults
 * (STORE_OFFLINE_DAYS, STORE_CLOCK_AHEAD). */
void store_set_clock(struct store *s, int offline_days, int clock_ahead_s)
{
	s->offline_days = offline_days;
	s->clock_ahead_s = clock_ahead_s;
}

/* Why a record's submission time cannot be believed (into why), or ''. */
static void submitted_why(const struct store *s, const struct application *a,
			  const struct placement_info *p, char *why, size_t wsize)
{
	char earliest[32], latest[32], day[11];
	time_t now = now_wall();
	struct tm tm;

	why[0] = '\0';
	time_iso(now - (time_t)s->offline_days * 86400, earliest, sizeof(earliest));
	time_iso(now + s->clock_ahead_s, latest, sizeof(latest));
	if (strcmp(a->submitted_at, latest) > 0) {
		if (s->clock_ahead_s % 60)
			snprintf(why, wsize, "submitted_at: later than the hub's clock (more than %d"
				 " seconds ahead)", s->clock_ahead_s);
		else
			snprintf(why, wsize, "submitted_at: later than the hub's clock (more than %d"
				 " minutes ahead)", s->clock_ahead_s / 60);
		return;
	}
	if (strcmp(a->submitted_at, earliest) < 0) {
		snprintf(why, wsize, "submitted_at: more than %d days before the hub received it",
			 s->offline_days);
		return;
	}
	memset(&tm, 0, sizeof(tm));
	if (sscanf(a->submitted_at, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	time_date(timegm(&tm), day, sizeof(day));
	if (*p->opens && strncmp(day, p->opens, 10) < 0)
		snprintf(why, wsize, "submitted_at: before the call opened (%.10s)", p->opens);
}

/* Judges a checked record against the database (placement open, of
 * that call and of the comune the kiosk is enrolled for, on the day of
 * submission, which the hub's clock and the call's opening bound; the
 * call's eligibility rules): 0 with why '' when it may be stored, or
 * with the reason in why. Fills the record's SQL text fields. -1 on a
 * storage failure. */
static int record_judge(struct store *s, struct record *rec, struct ingest_cache *cache,
			char *why, size_t wsize)
{
	struct application *a = &rec->app;
	struct placement_info *p = NULL;
	char date[11];

	why[0] = '\0';
	snprintf(rec->seq_s, sizeof(rec->seq_s), "%lld", (long long)a->seq);
	snprintf(rec->call_s, sizeof(rec->call_s), "%lld", (long long)a->call_id);
	snprintf(rec->age_s, sizeof(rec->age_s), "%d", a->age);
	rec->sex_s[0] = a->sex;
	rec->sex_s[1] = '\0';
	if (placement_get(s, cache, a->placement_code, &p))
		return -1;
	rec->placement = p;
	memcpy(date, a->submitted_at, 10);
	date[10] = '\0';
	if (!p->found)
		str_copy(why, wsize, "placement_code: unknown placement");
	else if (p->call_id != a->call_id || strcmp(p->comune, a->comune))
		str_copy(why, wsize, "placement_code: call or comune do not match");
	else if (strcmp(a->comune, rec->kiosk_comune))
		/* One kiosk, one comune: the one its enrolment code was for. */
		snprintf(why, wsize, "comune: this kiosk is enrolled for comune %s, not %s",
			 rec->kiosk_comune, a->comune);
	else if (!p->open || strcmp(date, p->deadline) > 0)
		str_copy(why, wsize, "placement_code: placement closed");
	else
		submitted_why(s, a, p, why, wsize);
	if (!*why) {
		if (p->one_placement && !rec->placement_checked) {
			char one[4];
			int rc = store_text(s, started_sql, ARGS(a->cf), one, sizeof(one));

			if (rc < 0)
				return -1;
			rec->in_placement = rc == 0;
			rec->placement_checked = 1;
		}
		eligibility_why(cache, p, a, rec->in_placement, why, wsize);
	}
	return 0;
}

/* The inserts' parameters ?1..?22 for rec. */
#define INSERT_ARGS(rec) \
	(rec)->app.uuid, (rec)->app.protocol, (rec)->app.kiosk_id, (rec)->seq_s, (rec)->call_s, \
	(rec)->app.placement_code, (rec)->app.comune, (rec)->cf_hash, (rec)->app.cf, \
	(rec)->app.given_name, (rec)->app.family_name, *(rec)->app.phone ? (rec)->app.phone : NULL, \
	*(rec)->app.email ? (rec)->app.email : NULL, (rec)->sex_s, (rec)->app.birth_date, \
	(rec)->age_s, (rec)->app.birthplace, *(rec)->app.residence ? (rec)->app.residence : NULL, \
	(rec)->app.applicant_status, (rec)->app.education, (rec)->app.lang, (rec)->app.submitted_at

static const char clash_why[] = "protocol or sequence already used by another application";

/* Stores one checked record inside the open transaction; sets
 * rec->result. Two statements in the common case: the earlier
 * application of the same person to the same call, if any, then the
 * insert, which does nothing when the uuid (a resend) or the
 * protocol/sequence (a clash) is taken (the writes are serialised, so
 * the first does not change in between). -1 only on a storage failure. */
static int record_store(struct store *s, struct record *rec, struct ingest_cache *cache,
			const char *now)
{
	char first[40], why[160];
	int known, stored;

	if (record_judge(s, rec, cache, why, sizeof(why)))
		return -1;
	if (*why) {
		/* A resend of something stored before the placement closed (or
		 * the call's rules changed) is still 'already'. */
		known = record_known(s, rec);
		if (known < 0)
			return -1;
		rec->result = known ? "already" : "rejected";
		if (!known)
			str_copy(rec->error, sizeof(rec->error), why);
		return 0;
	}
	if (store_text(s, first_sql, ARGS(rec->call_s, rec->cf_hash), first, sizeof(first)) < 0)
		return -1;
	stored = store_exec(s, insert_sql, ARGS(INSERT_ARGS(rec), *first ? first : NULL,
						*rec->receipt ? rec->receipt : NULL, now));
	if (stored < 0)
		return -1;
	if (stored == 0) {
		known = record_known(s, rec);
		if (known < 0)
			return -1;
		rec->result = known ? "already" : "rejected";
		if (!known)
			str_copy(rec->error, sizeof(rec->error), clash_why);
		return 0;
	}
	str_copy(rec->duplicate_of, sizeof(rec->duplicate_of), first);
	if (rollup_ingest(s, rec->app.uuid))
		return -1;
	if (!*rec->duplicate_of)
		rec->placement->added++;
	rec->result = "stored";
	return 0;
}

static json_t *ingest_response(struct record *recs, size_t n)
{
	json_t *o = json_object(), *arr = json_array();
	int stored = 0, already = 0, rejected = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		struct record *rec = &recs[i];
		json_t *e = json_pack("{s:s, s:s}", "uuid", rec->app.uuid, "result", rec->result);

		if (!strcmp(rec->result, "stored"))
			stored++;
		else if (!strcmp(rec->result, "already"))
			already++;
		else
			rejected++;
		if (*rec->error)
			json_object_set_new(e, "error", json_string(rec->error));
		if (*rec->duplicate_of)
			json_object_set_new(e, "duplicate_of", json_string(rec->duplicate_of));
		json_array_append_new(arr, e);
	}
	json_object_set_new(o, "results", arr);
	json_object_set_new(o, "stored", json_integer(stored));
	json_object_set_new(o, "already", json_integer(already));
	json_object_set_new(o, "rejected", json_integer(rejected));
	return o;
}

static int batch_init(struct store_batch *b, const struct store_kiosk *k, size_t n,
		      const char *idem_key)
{
	memset(b, 0, sizeof(*b));
	b->kiosk = *k;
	str_copy(b->idem, sizeof(b->idem), idem_key ? idem_key : "");
	b->n = n;
	b->recs = calloc(b->n ? b->n : 1, sizeof(*b->recs));
	if (!b->recs)
		return error("out of memory");
	return 0;
}

int store_batch_prepare(struct store_batch *b, const struct store_kiosk *k, const json_t *records,
			const char *idem_key)
{
	size_t i;

	if (batch_init(b, k, json_array_size(records), idem_key))
		return -1;
	if (*b->idem) {
		char *text = json_dumps(records, JSON_COMPACT | JSON_SORT_KEYS);

		if (!text)
			return error("out of memory");
		store_batch_fingerprint(b, text, strlen(text));
		free(text);
	}
	for (i = 0; i < b->n; i++) {
		struct record *rec = &b->recs[i];
		const json_t *u;

		rec->result = "rejected";
		if (wire_application_from_json(json_array_get(records, i), &rec->app, rec->receipt,
					       sizeof(rec->receipt), rec->error, sizeof(rec->error)) ||
		    record_check(rec, k, rec->error, sizeof(rec->error))) {
			/* Keep the uuid (only if it is one) so the kiosk can match. */
			u = json_object_get(json_array_get(records, i), "uuid");
			memset(rec->app.uuid, 0, sizeof(rec->app.uuid));
			if (json_is_string(u) && is_uuid(json_string_value(u)))
				str_copy(rec->app.uuid, sizeof(rec->app.uuid), json_string_value(u));
			continue;
		}
		rec->result = NULL;
	}
	return 0;
}

int store_batch_prepare_wire(struct store_batch *b, const struct store_kiosk *k,
			     const struct wire_record *w, size_t n, const char *idem_key)
{
	size_t i;

	if (batch_init(b, k, n, idem_key))
		return -1;
	for (i = 0; i < n; i++) {
		struct record *rec = &b->recs[i];

		rec->app = w[i].app;
		memcpy(rec->receipt, w[i].receipt, sizeof(rec->receipt));
		rec->result = NULL;
		if (record_check(rec, k, rec->error, sizeof(rec->error))) {
			rec->result = "rejected";
			/* record_check changes no uuid: kept only if it is one. */
			if (!is_uuid(rec->app.uuid))
				memset(rec->app.uuid, 0, sizeof(rec->app.uuid));
		}
	}
	return 0;
}

void store_batch_release(struct store_batch *b)
{
	size_t i;

	for (i = 0; b->recs && i < b->n; i++)
		str_wipe(&b->recs[i].app, sizeof(b->recs[i].app));
	free(b->recs);
	json_decref(b->response);
	memset(b, 0, sizeof(*b));
}

/* The stored answer to b's idempotency key (r: response, body hash;
 * no row when the key is new). The same request gets the same answer
 * again; another request under a used key gets none of it and nothing
 * of it is stored: b->idem_conflict, and an error as its response (the
 * IETF Idempotency-Key draft: 422). A key stored before body hashes
 * were kept (hash '') replays as it did. */
static void idem_found(struct store_batch *b, const struct store_res *r)
{
	const char *hash;

	if (store_res_rows(r) != 1)
		return;
	hash = store_res_get(r, 0, 1);
	if (hash && *hash && *b->idem_hash && strcmp(hash, b->idem_hash)) {
		b->idem_conflict = 1;
		b->response = json_pack("{s:s}", "error", "Idempotency-Key already used for another"
					" request: nothing was stored; send new records under a new key");
		return;
	}
	b->response = json_loads(store_res_get(r, 0, 0), 0, NULL);
}

void store_batch_fingerprint(struct store_batch *b, const void *body, size_t len)
{
	unsigned char h[crypto_hash_sha256_BYTES];

	if (!*b->idem)
		return;		/* nothing to compare it with */
	crypto_hash_sha256(h, body, len);
	hex(h, sizeof(h), b->idem_hash);
}

/* One batch inside the group's open transaction. */
static int batch_apply(struct store *s, struct store_batch *b, const char *now)
{
	struct ingest_cache *cache = NULL;
	struct store_res *r;
	char applied[16];
	char *body = NULL;
	size_t i;
	int rc = -1;

	if (*b->idem) {
		if (store_query(s, idem_get_sql, ARGS(b->kiosk.id, b->idem), &r))
			return -1;
		idem_found(b, r);
		store_res_free(r);
		if (b->response)
			return 0;
	}
	cache = calloc(1, sizeof(*cache));
	if (!cache)
		return error("out of memory");
	for (i = 0; i < b->n; i++) {
		if (!b->recs[i].result && record_store(s, &b->recs[i], cache, now))
			goto out;
	}
	for (i = 0; i < (size_t)cache->np; i++) {
		if (!cache->placements[i]->added)
			continue;
		snprintf(applied, sizeof(applied), "%d", cache->placements[i]->added);
		if (store_exec(s, applied_sql, ARGS(applied, cache->placements[i]->code)) < 0)
			goto out;
	}
	b->response = ingest_response(b->recs, b->n);
	if (!b->response)
		goto out;
	/* An answer with refusals is not replayed: a later retry (the
	 * placement reopened, the catalog caught up) is judged afresh. */
	if (*b->idem && json_integer_value(json_object_get(b->response, "rejected")) == 0) {
		body = json_dumps(b->response, JSON_COMPACT);
		if (!body || store_exec(s, idem_put_sql, ARGS(b->kiosk.id, b->idem, body, now,
							     *b->idem_hash ? b->idem_hash : NULL)) < 0)
			goto out;
	}
	rc = 0;
out:
	free(body);
	ingest_cache_release(cache);
	free(cache);
	return rc;
}

/* PostgreSQL: the rollups of a whole group in three statements instead
 * of rollup_ingest_sql's three per application (their executor start-up
 * and the same rollup rows updated again and again were most of the
 * server's time). The rows are rollup_app_rows_sql (reports/stats/rollup.h)
 * for the group's uuids (?1, a text[] literal), summed per key with the
 * measures rollup_ingest_sql adds for each: applications 1, applicants
 * uniq, selected sel, started sta, completed com, dropped_out dro,
 * sel_days days, sel_n sel, ckey rkey (the record key, reports/stats/sdc.h)
 * and ckey_uniq/sel/sta/com/dro the record key times each flag;
 * rollup_attr2 gets one row per pair of applicant attributes.
 * tests/e2e/hub_api.sh checks them against the raw rows. */
#define RG_X(EXTRA) " WHERE a.uuid = ANY (CAST(?1 AS text[])))" EXTRA " "
#define RG_ATTRS ", attrs(attr) AS (VALUES (''), ('applicant_status'), ('age_band'), ('sex')," \
	" ('education'), ('residence'))"
#define RG_VALUE "CASE attrs.attr WHEN '' THEN '' WHEN 'applicant_status' THEN x.v_status" \
	" WHEN 'age_band' THEN x.v_age WHEN 'sex' THEN x.v_sex WHEN 'education' THEN x.v_edu" \
	" ELSE x.v_res END"
#define RG_MEASURES "applications, applicants, selected, started, completed, dropped_out, sel_days, sel_n," \
	" ckey, ckey_uniq, ckey_sel, ckey_sta, ckey_com, ckey_dro"
#define RG_SUMS "count(*), sum(x.uniq), sum(x.sel), sum(x.sta), sum(x.com), sum(x.dro), sum(x.days)," \
	" sum(x.sel), sum(x.rkey), sum(x.uniq * x.rkey), sum(x.sel * x.rkey), sum(x.sta * x.rkey)," \
	" sum(x.com * x.rkey), sum(x.dro * x.rkey)"
#define RG_ADD(T, K) " ON CONFLICT (" K ") DO UPDATE SET applications = " T ".applications +" \
	" excluded.applications, applicants = " T ".applicants + excluded.applicants, selected = " \
	T ".selected + excluded.selected, started = " T ".started + excluded.started, completed = " \
	T ".completed + excluded.completed, dropped_out = " T ".dropped_out + excluded.dropped_out," \
	" sel_days = " T ".sel_days + excluded.sel_days, sel_n = " T ".sel_n + excluded.sel_n," \
	" ckey = " T ".ckey + excluded.ckey, ckey_uniq = " T ".ckey_uniq + excluded.ckey_uniq," \
	" ckey_sel = " T ".ckey_sel + excluded.ckey_sel, ckey_sta = " T ".ckey_sta + excluded.ckey_sta," \
	" ckey_com = " T ".ckey_com + excluded.ckey_com, ckey_dro = " T ".ckey_dro + excluded.ckey_dro"
#define RG_PAIRS ", pairs(a1, a2) AS (VALUES ('applicant_status', 'age_band'), ('applicant_status', 'sex')," \
	" ('applicant_status', 'education'), ('applicant_status', 'residence'), ('age_band', 'sex')," \
	" ('age_band', 'education'), ('age_band', 'residence'), ('sex', 'education'), ('sex', 'residence')," \
	" ('education', 'residence'))"
#define RG_VALUE_OF(N) "CASE " N " WHEN 'applicant_status' THEN x.v_status WHEN 'age_band' THEN x.v_age" \
	" WHEN 'sex' THEN x.v_sex WHEN 'education' THEN x.v_edu ELSE x.v_res END"

/* Each follows 'WITH x AS (' and rollup_app_rows_sql. */
static const char *const rollup_group_tail[] = {
	RG_X(RG_ATTRS) "INSERT INTO rollup_comune (attr, value, comune, province, region, call_id,"
	" month, " RG_MEASURES ") SELECT attrs.attr, " RG_VALUE ", x.comune, MIN(x.province),"
	" MIN(x.region), x.call_id, x.month, " RG_SUMS " FROM x, attrs GROUP BY 1, 2, 3, 6, 7"
	RG_ADD("rollup_comune", "attr, value, comune, call_id, month"),
	RG_X(RG_ATTRS) "INSERT INTO rollup_province (attr, value, province, region, call_id, month, "
	RG_MEASURES ") SELECT attrs.attr, " RG_VALUE ", x.province, MIN(x.region), x.call_id,"
	" x.month, " RG_SUMS " FROM x, attrs GROUP BY 1, 2, 3, 5, 6"
	RG_ADD("rollup_province", "attr, value, province, call_id, month"),
	RG_X("") "INSERT INTO rollup_placement (placement_code, month, comune, province, region,"
	" call_id, area, " RG_MEASURES ") SELECT x.placement_code, x.month, MIN(x.comune),"
	" MIN(x.province), MIN(x.region), MIN(x.call_id), MIN(x.area), " RG_SUMS " FROM x"
	" GROUP BY 1, 2" RG_ADD("rollup_placement", "placement_code, month"),
	RG_X(RG_PAIRS) "INSERT INTO rollup_attr2 (attr, value, attr2, value2, province, region, call_id, month, "
	RG_MEASURES ") SELECT pairs.a1, " RG_VALUE_OF("pairs.a1") ", pairs.a2, " RG_VALUE_OF("pairs.a2") ","
	" x.province, MIN(x.region), x.call_id, x.month, " RG_SUMS " FROM x, pairs GROUP BY 1, 2, 3, 4, 5, 7, 8"
	RG_ADD("rollup_attr2", "attr, attr2, value, value2, province, call_id, month"),
};
static char rollup_group_sql[ARRAY_SIZE(rollup_group_tail)][8192];
static pthread_once_t rollup_group_once = PTHREAD_ONCE_INIT;

static void rollup_group_build(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rollup_group_tail); i++)
		if (snprintf(rollup_group_sql[i], sizeof(rollup_group_sql[i]), "WITH x AS (%s%s",
			     rollup_app_rows_sql, rollup_group_tail[i]) >= (int)sizeof(rollup_group_sql[i]))
			rollup_group_sql[i][0] = '\0';
}

/* ---- PostgreSQL: a group in four pipelines, not a round trip per
 * statement (about five per record before: ~650 records/s under load) */

struct call_list {
	struct store_call *c;
	struct record **rec;	/* the record each call is for, or NULL */
	int n, cap;
};

static struct store_call *call_add(struct call_list *l, struct record *rec, const char *sql,
				   int want_res)
{
	struct store_call *c;

	if (l->n == l->cap) {
		int cap = l->cap ? 2 * l->cap : 256;
		struct store_call *nc = realloc(l->c, sizeof(*nc) * (size_t)cap);
		struct record **nr;

		if (!nc)
			return NULL;
		l->c = nc;
		nr = realloc(l->rec, sizeof(*nr) * (size_t)cap);
		if (!nr)
			return NULL;
		l->rec = nr;
		l->cap = cap;
	}
	c = &l->c[l->n];
	memset(c, 0, sizeof(*c));
	c->sql = sql;
	c->want_res = want_res;
	l->rec[l->n++] = rec;
	return c;
}

static void call_list_reset(struct call_list *l)
{
	int i;

	for (i = 0; i < l->n; i++)
		store_res_free(l->c[i].res);
	l->n = 0;
}

static void call_list_free(struct call_list *l)
{
	call_list_reset(l);
	free(l->c);
	free(l->rec);
}

/* The whole group, with the meaning of batch_apply() for each batch in
 * turn: (1) the answers to replay, (2) every record judged (a query per
 * placement) and inserted, or looked up when refused, in record order,
 * (3) the taken uuids among the inserts that did nothing, (4) rollups,
 * placement counts and idempotency records. */
static int group_apply_pg(struct store *s, struct store_batch **bs, int nb, const char *now)
{
	struct ingest_cache *cache = calloc(1, sizeof(*cache));
	struct call_list l = { 0 }, again = { 0 };
	struct store_call *c;
	struct record *rec;
	char **bodies = calloc((size_t)nb, sizeof(char *));
	char why[160], *uuids = NULL;
	size_t i, len = 0, cap = 0;
	int b, k, j, rc = -1;

	if (!cache || !bodies) {
		error("out of memory");
		goto out;
	}
	for (b = 0; b < nb; b++)
		if (*bs[b]->idem) {
			if (!(c = call_add(&l, NULL, idem_get_sql, 1)))
				goto oom;
			c->args = *ARGS(bs[b]->kiosk.id, bs[b]->idem);
		}
	if (store_exec_many(s, l.c, l.n))
		goto out;
	for (b = 0, k = 0; b < nb; b++)
		if (*bs[b]->idem)
			idem_found(bs[b], l.c[k++].res);
	call_list_reset(&l);

	/* Calls with no_other_placement: who is in a placement now, for the
	 * whole group in one pipeline (record_judge would ask one by one). */
	for (b = 0; b < nb; b++)
		for (i = 0; !bs[b]->response && i < bs[b]->n; i++) {
			struct placement_info *p;

			rec = &bs[b]->recs[i];
			if (rec->result || rec->placement_checked)
				continue;
			if (placement_get(s, cache, rec->app.placement_code, &p))
				goto out;
			if (!p->found || !p->one_placement)
				continue;
			if (!(c = call_add(&l, rec, started_sql, 1)))
				goto oom;
			c->args = *ARGS(rec->app.cf);
		}
	if (l.n && store_exec_many(s, l.c, l.n))
		goto out;
	for (k = 0; k < l.n; k++) {
		l.rec[k]->in_placement = store_res_rows(l.c[k].res) > 0;
		l.rec[k]->placement_checked = 1;
	}
	call_list_reset(&l);

	for (b = 0; b < nb; b++) {
		for (i = 0; !bs[b]->response && i < bs[b]->n; i++) {
			rec = &bs[b]->recs[i];
			if (rec->result)
				continue;
			if (record_judge(s, rec, cache, why, sizeof(why)))
				goto out;
			if (*why) {
				str_copy(rec->error, sizeof(rec->error), why);
				if (!(c = call_add(&l, rec, known_sql, 1)))
					goto oom;
				c->args = *ARGS(rec->app.uuid);
			} else {
				if (!(c = call_add(&l, rec, insert_pg_sql, 1)))
					goto oom;
				c->args = *ARGS(INSERT_ARGS(rec), *rec->receipt ? rec->receipt : NULL, now);
			}
		}
	}
	if (store_exec_many(s, l.c, l.n))
		goto out;
	for (k = 0; k < l.n; k++) {
		rec = l.rec[k];
		if (l.c[k].sql == known_sql) {
			/* A resend of something stored before the placement
			 * closed (or the rules changed) is still 'already'. */
			rec->result = l.c[k].rows > 0 ? "already" : "rejected";
			if (l.c[k].rows > 0)
				rec->error[0] = '\0';
		} else if (l.c[k].rows == 1) {
			str_copy(rec->duplicate_of, sizeof(rec->duplicate_of),
				 store_res_get(l.c[k].res, 0, 0));
			if (!*rec->duplicate_of)
				rec->placement->added++;
			rec->result = "stored";
		} else {
			if (!(c = call_add(&again, rec, known_sql, 1)))
				goto oom;
			c->args = *ARGS(rec->app.uuid);
		}
	}
	if (store_exec_many(s, again.c, again.n))
		goto out;
	for (k = 0; k < again.n; k++) {
		rec = again.rec[k];
		rec->result = again.c[k].rows > 0 ? "already" : "rejected";
		if (again.c[k].rows == 0)
			str_copy(rec->error, sizeof(rec->error), clash_why);
	}
	call_list_reset(&l);

	for (k = 0; k < cache->np; k++) {
		struct placement_info *p = cache->placements[k];

		if (!p->added)
			continue;
		snprintf(p->added_s, sizeof(p->added_s), "%d", p->added);
		if (!(c = call_add(&l, NULL, applied_sql, 0)))
			goto oom;
		c->args = *ARGS(p->added_s, p->code);
	}
	for (b = 0; b < nb; b++) {
		if (bs[b]->response)
			continue;
		for (i = 0; i < bs[b]->n; i++) {
			rec = &bs[b]->recs[i];
			if (strcmp(rec->result, "stored"))
				continue;
			/* A validated uuid needs no quoting in an array literal. */
			if (len + 40 > cap) {
				char *more = realloc(uuids, cap = 2 * cap + 4096);

				if (!more)
					goto oom;
				uuids = more;
			}
			len += (size_t)snprintf(uuids + len, cap - len, "%s%s", len ? "," : "{",
						rec->app.uuid);
		}
		bs[b]->response = ingest_response(bs[b]->recs, bs[b]->n);
		if (!bs[b]->response)
			goto oom;
		/* As in batch_apply: an answer with refusals is not replayed. */
		if (*bs[b]->idem &&
		    json_integer_value(json_object_get(bs[b]->response, "rejected")) == 0) {
			bodies[b] = json_dumps(bs[b]->response, JSON_COMPACT);
			if (!bodies[b] || !(c = call_add(&l, NULL, idem_put_sql, 0)))
				goto oom;
			c->args = *ARGS(bs[b]->kiosk.id, bs[b]->idem, bodies[b], now,
					*bs[b]->idem_hash ? bs[b]->idem_hash : NULL);
		}
	}
	if (len) {
		strcpy(uuids + len, "}");
		pthread_once(&rollup_group_once, rollup_group_build);
		for (j = 0; j < (int)ARRAY_SIZE(rollup_group_sql); j++) {
			if (!*rollup_group_sql[j]) {
				error("rollup statement too long");
				goto out;
			}
			if (!(c = call_add(&l, NULL, rollup_group_sql[j], 0)))
				goto oom;
			c->args = *ARGS(uuids);
		}
	}
	if (store_exec_many(s, l.c, l.n))
		goto out;
	rc = 0;
	goto out;
oom:
	error("out of memory");
out:
	for (b = 0; bodies && b < nb; b++)
		free(bodies[b]);
	free(bodies);
	free(uuids);
	call_list_free(&l);
	call_list_free(&again);
	if (cache)
		ingest_cache_release(cache);
	free(cache);
	return rc;
}

int store_ingest_group(struct store *s, struct store_batch **batches, int n)
{
	static unsigned groups;
	char now[32], old[32];
	int i;

	now_iso(now, sizeof(now));
	if (store_begin(s))
		return -1;
	/* Idempotency keys matter for retries, which come within minutes:
	 * a week's worth is kept. */
	if (__atomic_fetch_add(&groups, 1, __ATOMIC_RELAXED) % 1000 == 0) {
		time_iso(now_wall() - 7 * 86400, old, sizeof(old));
		if (store_exec(s, "DELETE FROM idempotency WHERE created_at < ?1", ARGS(old)) < 0)
			goto fail;
	}
	if (s->pg) {
		if (group_apply_pg(s, batches, n, now))
			goto fail;
	} else {
		for (i = 0; i < n; i++)
			if (batch_apply(s, batches[i], now))
				goto fail;
	}
	if (store_commit(s))
		goto fail;
	return 0;
fail:
	store_rollback(s);
	for (i = 0; i < n; i++) {
		json_decref(batches[i]->response);
		batches[i]->response = NULL;
	}
	return -1;
}

int store_ingest(struct store *s, const struct store_kiosk *k, const json_t *records,
		 const char *idem_key, json_t **response)
{
	struct store_batch b, *one = &b;
	int rc;

	*response = NULL;
	if (store_batch_prepare(&b, k, records, idem_key))
		return -1;
	rc = store_ingest_group(s, &one, 1);
	if (!rc) {
		*response = b.response;
		b.response = NULL;
		rc = b.idem_conflict;
	}
	store_batch_release(&b);
	return rc;
}

/* -------------------------------------------------------------- catalog */

/* A JSON object of row i of r; spec has one letter per column, 's' text
 * or 'i' integer, names the column names. */
static json_t *row_json(const struct store_res *r, int i, const char *spec,
			const char *const *names)
{
	json_t *o = json_object();
	int c;

	for (c = 0; spec[c]; c++) {
		const char *v = store_res_get(r, i, c);

		if (!v)
			json_object_set_new(o, names[c], json_null());
		else if (spec[c] == 'i')
			json_object_set_new(o, names[c], json_integer(atoll(v)));
		else
			json_object_set_new(o, names[c], json_string(v));
	}
	return o;
}

static const char *const call_cols[] = {
	"id", "code", "title", "region", "opens", "deadline", "rules", "status",
};
static const char *const placement_cols[] = {
	"id", "code", "call_id", "comune", "area", "office", "title", "description",
	"requirements", "address", "months", "hours_week", "allowance_eur", "qrsp", "seats",
	"applied", "deadline", "status", "updated_at",
};

int store_catalog(struct store *s, const char *comune, json_t **catalog, char *etag,
		  size_t esize)
{
	struct store_res *r = NULL;
	json_t *o = json_object(), *calls = json_array(), *pls = json_array();
	unsigned char h[crypto_hash_sha256_BYTES];
	char today[11], hx[65];
	char *text = NULL;
	int i, rc = -1;

	*catalog = NULL;
	time_date(now_wall(), today, sizeof(today));
	if (store_query(s, "SELECT id, code, title, region, opens, deadline, rules, status FROM call"
			   " WHERE status = 'open' AND deadline >= ?2 AND id IN (SELECT call_id FROM"
			   " placement WHERE comune = ?1 AND status = 'open' AND deadline >= ?2)"
			   " ORDER BY id", ARGS(comune, today), &r))
		goto out;
	for (i = 0; i < store_res_rows(r); i++)
		json_array_append_new(calls, row_json(r, i, "isssssss", call_cols));
	store_res_free(r);
	if (store_query(s, "SELECT p.id, p.code, p.call_id, p.comune, p.area, p.office, p.title,"
			   " p.description, p.requirements, p.address, p.months, p.hours_week,"
			   " p.allowance_eur, p.qrsp, p.seats, p.applied, p.deadline, p.status,"
			   " p.updated_at FROM placement p JOIN call c ON c.id = p.call_id"
			   " WHERE p.comune = ?1 AND p.status = 'open' AND p.deadline >= ?2"
			   " AND c.status = 'open' AND c.deadline >= ?2 ORDER BY p.code",
			ARGS(comune, today), &r))
		goto out;
	for (i = 0; i < store_res_rows(r); i++)
		json_array_append_new(pls, row_json(r, i, "isisssssssiiisiisss", placement_cols));
	json_object_set_new(o, "comune", json_string(comune));
	json_object_set(o, "calls", calls);
	json_object_set(o, "placements", pls);
	text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	if (!text)
		goto out;
	crypto_hash_sha256(h, (const unsigned char *)text, strlen(text));
	hex(h, 16, hx);
	snprintf(etag, esize, "\"%s\"", hx);
	*catalog = o;
	o = NULL;
	rc = 0;
out:
	store_res_free(r);
	json_decref(o);
	json_decref(calls);
	json_decref(pls);
	free(text);
	return rc;
}

/* What store_catalog_copy() copies, table by table (calls first: the
 * placements refer to them): the rows read from the SQLite catalog and
 * the statement that inserts or updates each one by id. */
static const struct catalog_table {
	const char *select;
	const char *upsert;
	int cols;
	int counted;		/* its rows are what store_catalog_copy returns */
} catalog_tables[] = {
	{ "SELECT id, code, title, region, opens, deadline, rules, status FROM call",
	  "INSERT INTO call(id, code, title, region, opens, deadline, rules, status) VALUES (?1, ?2,"
	  " ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (id) DO UPDATE SET code = excluded.code,"
	  " title = excluded.title, region = excluded.region, opens = excluded.opens,"
	  " deadline = excluded.deadline, rules = excluded.rules, status = excluded.status", 8, 0 },
	{ "SELECT id, code, call_id, comune, area, office, title, description, requirements, address,"
	  " months, hours_week, allowance_eur, qrsp, seats, deadline, status, updated_at FROM placement",
	  "INSERT INTO placement(id, code, call_id, comune, area, office, title, description,"
	  " requirements, address, months, hours_week, allowance_eur, qrsp, seats, deadline, status,"
	  " updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"
	  " ?17, ?18) ON CONFLICT (id) DO UPDATE SET code = excluded.code, call_id = excluded.call_id,"
	  " comune = excluded.comune, area = excluded.area, office = excluded.office,"
	  " title = excluded.title, description = excluded.description,"
	  " requirements = excluded.requirements, address = excluded.address,"
	  " months = excluded.months, hours_week = excluded.hours_week,"
	  " allowance_eur = excluded.allowance_eur, qrsp = excluded.qrsp, seats = excluded.seats,"
	  " deadline = excluded.deadline, status = excluded.status, updated_at = excluded.updated_at",
	  18, 1 },
};

int store_catalog_copy(struct store *s, const char *sqlite_path)
{
	sqlite3 *src = db_open_raw(sqlite_path, DB_SYNC_NORMAL);
	sqlite3_stmt *st = NULL;
	size_t t;
	int n = 0, c, step;

	if (!src)
		return -1;
	if (store_begin(s)) {
		db_close(src);
		return -1;
	}
	for (t = 0; t < ARRAY_SIZE(catalog_tables); t++) {
		const struct catalog_table *tb = &catalog_tables[t];

		st = db_prepare(src, tb->select);
		if (!st)
			goto fail;
		while ((step = sqlite3_step(st)) == SQLITE_ROW) {
			struct store_args a = { .n = tb->cols };

			for (c = 0; c < tb->cols; c++)
				a.v[c] = (const char *)sqlite3_column_text(st, c);
			if (store_exec(s, tb->upsert, &a) < 0)
				goto fail;
			n += tb->counted;
		}
		if (step != SQLITE_DONE) {
			error("cannot read the catalog: %s", sqlite3_errmsg(src));
			goto fail;
		}
		sqlite3_finalize(st);
		st = NULL;
	}
	if (store_commit(s))
		goto fail;
	goto out;
fail:
	n = -1;
	store_rollback(s);
out:
	sqlite3_finalize(st);
	db_close(src);
	return n;
}

/* ------------------------------------------------------------ heartbeat */

/* The bounds of a kiosk's usage counts (anonymous counts of sessions,
 * views, forms, submissions per day, sent again at every heartbeat:
 * reports/hub/README.md). The kiosk sends its latest 500 rows. */
enum { USAGE_ROWS_MAX = 1000, USAGE_N_MAX = 100000, USAGE_DAYS_BEFORE_ENROLMENT = 7 };

/* Checks every usage row before anything is stored: a day that is a
 * real date, not before the kiosk was enrolled (a week before: time
 * zones, a kiosk clock set late; 2020-01-01 when its enrolment is not
 * recorded) nor after the hub's tomorrow. One bad row refuses the whole
 * heartbeat, and the kiosk sends it again with the next one, so the
 * lower bound is generous: it is there to refuse 1999, not to judge
 * clocks; an event name of 1 to 20 of [a-z_]; a count of 0
 * to USAGE_N_MAX. 0, 1 with the reason in err, -1 on storage failure. */
static int usage_check(struct store *s, const struct store_kiosk *k, const json_t *usage,
		       char *err, size_t esize)
{
	char first[32], last[11];
	struct tm tm;
	size_t i;
	int y, m, d;

	if (!usage || json_is_null(usage))
		return 0;
	if (!json_is_array(usage))
		return snprintf(err, esize, "usage: not an array"), 1;
	if (json_array_size(usage) > USAGE_ROWS_MAX)
		return snprintf(err, esize, "usage: more than %d rows", USAGE_ROWS_MAX), 1;
	if (store_text(s, "SELECT coalesce(enrolled_at, '') FROM kiosk WHERE id = ?1", ARGS(k->id),
		       first, sizeof(first)) < 0)
		return -1;
	memset(&tm, 0, sizeof(tm));
	if (sscanf(first, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) == 3) {
		tm.tm_year -= 1900;
		tm.tm_mon -= 1;
		tm.tm_hour = 12;
		time_iso(timegm(&tm) - (time_t)USAGE_DAYS_BEFORE_ENROLMENT * 86400, first, sizeof(first));
	} else {
		str_copy(first, sizeof(first), "2020-01-01");
	}
	first[10] = '\0';
	time_date(now_wall() + 86400, last, sizeof(last));
	for (i = 0; i < json_array_size(usage); i++) {
		const json_t *u = json_array_get(usage, i);
		const char *day = json_string_value(json_object_get(u, "day"));
		const char *event = json_string_value(json_object_get(u, "event"));
		const json_t *nj = json_object_get(u, "n");

		if (!day || strlen(day) != 10 || date_parse(day, &y, &m, &d))
			return snprintf(err, esize, "usage[%zu].day: not a date (YYYY-MM-DD)", i), 1;
		if (strcmp(day, first) < 0 || strcmp(day, last) > 0)
			return snprintf(err, esize, "usage[%zu].day: %s is outside %s (a week before"
					" the kiosk's enrolment) to %s (the hub's tomorrow)", i, day, first,
					last), 1;
		if (!event || !*event || strlen(event) > 20 ||
		    strspn(event, "abcdefghijklmnopqrstuvwxyz_") != strlen(event))
			return snprintf(err, esize, "usage[%zu].event: not 1 to 20 of a-z and _", i), 1;
		if (!json_is_integer(nj) || json_integer_value(nj) < 0 ||
		    json_integer_value(nj) > USAGE_N_MAX)
			return snprintf(err, esize, "usage[%zu].n: not a count from 0 to %d a day", i,
					USAGE_N_MAX), 1;
	}
	return 0;
}

/* Stores usage rows that usage_check() passed. */
static int usage_store(struct store *s, const struct store_kiosk *k, const json_t *usage)
{
	size_t i;

	for (i = 0; i < json_array_size(usage); i++) {
		const json_t *u = json_array_get(usage, i);
		const char *day = json_string_value(json_object_get(u, "day"));
		const char *event = json_string_value(json_object_get(u, "event"));
		const json_t *nj = json_object_get(u, "n");
		char n[24], old[24], delta[24];
		int j;

		snprintf(n, sizeof(n), "%lld", (long long)json_integer_value(nj));
		if (store_text(s, "SELECT n FROM usage_count WHERE day = ?1 AND kiosk_id = ?2 AND"
				  " event = ?3", ARGS(day, k->id, event), old, sizeof(old)) < 0)
			return -1;
		if (store_exec(s, "INSERT INTO usage_count(day, kiosk_id, comune, event, n)"
				  " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (day, kiosk_id, event)"
				  " DO UPDATE SET n = excluded.n", ARGS(day, k->id, k->comune, event, n)) < 0)
			return -1;
		snprintf(delta, sizeof(delta), "%lld", atoll(n) - atoll(old));
		/* SQLite's rollups follow usage_count through triggers. */
		if (s->pg && atoll(delta) != 0)
			for (j = 0; rollup_usage_sql[j]; j++)
				if (store_exec(s, rollup_usage_sql[j], ARGS(day, k->comune, event, delta)) < 0)
					return -1;
	}
	return 0;
}

static int heartbeat_store(struct store *s, const struct store_kiosk *k, const json_t *body,
			   const char *version, const char *depth, const char *printer,
			   const char *frame, const char *since, const char *now, struct store_res **res)
{
	struct store_res *r = NULL;

	*res = NULL;
	if (store_begin(s))
		return -1;
	/* As on SQLite (store_heartbeat): what a heartbeat records is sent
	 * again by the next one, so its commit need not wait for the disk. */
	if (s->pg && store_exec_script(s, "SET LOCAL synchronous_commit TO off")) {
		store_rollback(s);
		return -1;
	}
	if (store_exec(s, "UPDATE kiosk SET last_seen = ?1, version = ?2, queue_depth = ?3,"
			  " printer = ?4, last_frame_ms = ?5 WHERE id = ?6",
		       ARGS(now, version, depth, printer, frame, k->id)) < 0 ||
	    fleet_heartbeat_note(s, k->id, depth, now) ||
	    usage_store(s, k, json_object_get(body, "usage")) ||
	    store_query(s, "SELECT h.id, h.uuid, h.status, h.at, coalesce(x.interview_at, ''),"
			   " coalesce(x.interview_place, '') FROM status_history h JOIN"
			   " application a ON a.uuid = h.uuid LEFT JOIN selection x ON x.uuid = h.uuid"
			   " WHERE a.kiosk_id = ?1 AND h.id > ?2"
			   " ORDER BY h.id LIMIT 500", ARGS(k->id, since), &r) ||
	    store_commit(s)) {
		store_rollback(s);
		store_res_free(r);
		return -1;
	}
	*res = r;
	return 0;
}

int store_heartbeat(struct store *s, const struct store_kiosk *k, const json_t *body,
		    json_t **response)
{
	struct store_res *r = NULL;
	char now[32], depth[24], frame[24], since[24], version[40], printer[40];
	const char *v;
	json_t *statuses = NULL;
	long long cursor;
	char why[160];
	int i, rc;

	*response = NULL;
	rc = usage_check(s, k, json_object_get(body, "usage"), why, sizeof(why));
	if (rc < 0)
		return -1;
	if (rc) {
		*response = json_pack("{s:s}", "error", why);
		return *response ? 1 : -1;
	}
	now_iso(now, sizeof(now));
	v = json_string_value(json_object_get(body, "version"));
	str_copy(version, sizeof(version), v && is_printable(v) ? v : "");
	v = json_string_value(json_object_get(body, "printer"));
	str_copy(printer, sizeof(printer), v && is_printable(v) ? v : "");
	snprintf(depth, sizeof(depth), "%lld", (long long)json_integer_value(json_object_get(body, "queue_depth")));
	snprintf(frame, sizeof(frame), "%lld", (long long)json_integer_value(json_object_get(body, "last_frame_ms")));
	cursor = (long long)json_integer_value(json_object_get(body, "status_since"));
	if (cursor < 0)
		cursor = 0;
	snprintf(since, sizeof(since), "%lld", cursor);
	/* Health and absolute usage counts are sent again at the next
	 * heartbeat: on SQLite this commit need not wait for the disk
	 * (applications' commits stay synchronous=FULL). */
	if (!s->pg && store_exec_script(s, "PRAGMA synchronous=NORMAL"))
		return -1;
	rc = heartbeat_store(s, k, body, version, depth, printer, frame, since, now, &r);
	if (!s->pg && store_exec_script(s, "PRAGMA synchronous=FULL"))
		rc = -1;
	if (rc) {
		store_res_free(r);
		return -1;
	}
	statuses = json_array();
	for (i = 0; i < store_res_rows(r); i++) {
		json_t *e = json_pack("{s:s, s:s, s:s}",
			"uuid", store_res_get(r, i, 1), "status", store_res_get(r, i, 2),
			"status_at", store_res_get(r, i, 3));

		/* A call for interview says when and where (selection.c). */
		if (e && !strcmp(store_res_get(r, i, 2), "interview") && *store_res_get(r, i, 4)) {
			json_object_set_new(e, "interview_at", json_string(store_res_get(r, i, 4)));
			json_object_set_new(e, "interview_place", json_string(store_res_get(r, i, 5)));
		}
		json_array_append_new(statuses, e);
		cursor = atoll(store_res_get(r, i, 0));
	}
	store_res_free(r);
	*response = json_pack("{s:s, s:o, s:I}", "server_time", now, "statuses", statuses,
			      "status_cursor", (json_int_t)cursor);
	return *response ? 0 : -1;
}

/* --------------------------------------------------------------- status */

int store_status_set(struct store *s, const char *id, const char *status, const char *by,
		     const char *note, char *err, size_t errsize)
{
	return selection_status_set(s, NULL, id, status, by, note, NULL, NULL, err, errsize);
}

int store_receipt_stored(struct store *s, const char *uuid, const char *token)
{
	char stored[WIRE_RECEIPT_MAX];
	int rc = store_text(s, "SELECT receipt FROM application WHERE uuid = ?1", ARGS(uuid), stored,
			    sizeof(stored));

	if (rc)
		return rc;
	return strcmp(stored, token) != 0;
}

/* The kiosk's key, revoked or not (receipt_key_lookup; ctx the store). */
static int key_even_revoked(void *ctx, const char *kiosk_id, unsigned char pk[32], int *revoked)
{
	int rc = store_receipt_lookup(ctx, kiosk_id, pk, revoked);

	*revoked = 0;
	return rc;
}

int store_receipt_verify(struct store *s, const char *payload, struct receipt_fields *f, int *withdrawn)
{
	char token[RECEIPT_TOKEN_MAX];
	enum receipt_result r;

	*withdrawn = 0;
	if (strlen(payload) > RECEIPT_PAYLOAD_MAX)
		return RECEIPT_MALFORMED;
	r = receipt_verify(payload, store_receipt_lookup, s, f);
	if (r == RECEIPT_REVOKED && receipt_verify(payload, key_even_revoked, s, f) == RECEIPT_OK &&
	    !receipt_token_from_payload(payload, token, sizeof(token)) &&
	    store_receipt_stored(s, f->uuid, token) == 0) {
		r = RECEIPT_OK;
		*withdrawn = 1;
	}
	return r;
}

int store_application_status(struct store *s, const char *uuid, char *status, size_t ssize,
			     char *duplicate_of, size_t dsize)
{
	struct store_res *r;
	int rc = 1;

	status[0] = duplicate_of[0] = '\0';
	if (store_query(s, "SELECT status, duplicate_of FROM application WHERE uuid = ?1",
			ARGS(uuid), &r))
		return -1;
	if (store_res_rows(r) == 1) {
		const char *d = store_res_get(r, 0, 1);

		str_copy(status, ssize, store_res_get(r, 0, 0));
		str_copy(duplicate_of, dsize, d ? d : "");
		rc = 0;
	}
	store_res_free(r);
	return rc;
}
