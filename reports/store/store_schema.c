/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The store's schema: the one place that knows every module's tables
 * and migrations (store_internal.h: store_migrate). On SQLite each
 * component keeps its version in schema_version (core/db.h); on
 * PostgreSQL the whole DDL is run once under an advisory lock and
 * remembered by its fingerprint. It sits above the modules (it calls
 * rollup_migrate, selection_migrate, calls_migrate), so none of them
 * needs store.c to know them.
 *
 * Start reading at store_migrate().
 */
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include "core/comuni.h"
#include "core/db.h"
#include "core/util.h"
#include "reports/store/calls.h"
#include "reports/store/rollup.h"
#include "reports/store/sdc_keys.h"
#include "reports/store/selection.h"
#include "reports/store/traineeship.h"
#include "reports/store/store.h"
#include "reports/store/store_internal.h"

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
	/* How an application arrived (issue 18): 'chiosco', or recorded by a
	 * clerk from 'carta' or 'pec' (reports/store/intake.h). */
	{ 2, "ALTER TABLE application ADD COLUMN channel TEXT NOT NULL DEFAULT 'chiosco';" },
};
static const char pg_rules_schema[] =
	"ALTER TABLE idempotency ADD COLUMN IF NOT EXISTS body_hash TEXT;"
	"ALTER TABLE application ADD COLUMN IF NOT EXISTS channel TEXT NOT NULL DEFAULT 'chiosco';";

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

int store_migrate(struct store *s)
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
		return calls_migrate(s) || traineeship_migrate(s) ? -1 : 0;
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
		store_hex(h, 16, fp);
		if (store_exec_script(s, "CREATE TABLE IF NOT EXISTS store_schema (fingerprint TEXT PRIMARY KEY)"))
			return -1;
		if (store_text(s, "SELECT 1 FROM store_schema WHERE fingerprint = ?1", ARGS(fp),
			       found, sizeof(found)) == 0)
			return calls_migrate(s) || selection_migrate(s) || traineeship_migrate(s) ? -1 : 0;
		if (store_exec_script(s, "SELECT pg_advisory_lock(4711)"))
			return -1;
		/* The statistics' record keys (reports/store/sdc_keys.h): the hub
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
		return rc || calls_migrate(s) || selection_migrate(s) || traineeship_migrate(s) ? -1 : 0;
	}
}
