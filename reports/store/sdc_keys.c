/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The cell key method's record keys, storage side (sdc_keys.h; the
 * method itself is reports/stats/sdc.c): the keyed SHA-256 of an
 * application's uuid, the hub secret it is keyed with, dote_rkey()
 * registered on a SQLite connection and the PostgreSQL DDL that makes the
 * same function there. Start reading at sdc_record_key().
 */
#include "reports/store/sdc_keys.h"
#include "core/db.h"
#include "core/util.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

uint32_t sdc_record_key(const char *secret_hex, const char *uuid)
{
	crypto_hash_sha256_state st;
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)secret_hex, strlen(secret_hex));
	crypto_hash_sha256_update(&st, (const unsigned char *)uuid, strlen(uuid));
	crypto_hash_sha256_final(&st, h);
	return (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
}

void sdc_new_secret(char out[SDC_SECRET_HEX + 1])
{
	unsigned char raw[SDC_SECRET_HEX / 2];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(out, SDC_SECRET_HEX + 1, raw, sizeof(raw));
	sodium_memzero(raw, sizeof(raw));
}

/* ---- SQLite ---- */

#define SECRET_TABLE "CREATE TABLE IF NOT EXISTS sdc_secret (id INTEGER PRIMARY KEY CHECK (id = 1)," \
	" secret TEXT NOT NULL)"

static void rkey_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *secret = sqlite3_user_data(ctx);
	const unsigned char *uuid = argc == 1 ? sqlite3_value_text(argv[0]) : NULL;

	if (!uuid) {
		sqlite3_result_int64(ctx, 0);
		return;
	}
	sqlite3_result_int64(ctx, (sqlite3_int64)sdc_record_key(secret, (const char *)uuid));
}

int sdc_sqlite_register(sqlite3 *db)
{
	static const struct migration steps[] = { { 1, SECRET_TABLE } };
	sqlite3_stmt *probe = NULL;
	char secret[SDC_SECRET_HEX + 8] = "", fresh[SDC_SECRET_HEX + 1];
	char *copy;

	/* Registered already on this connection: the probe compiles. */
	if (sqlite3_prepare_v2(db, "SELECT dote_rkey('')", -1, &probe, NULL) == SQLITE_OK) {
		sqlite3_finalize(probe);
		return 0;
	}
	sqlite3_finalize(probe);
	if (sqlite3_get_autocommit(db) ? db_migrate(db, "sdc", steps, 1) : db_exec(db, SECRET_TABLE))
		return error("cannot create the statistics key table");
	if (db_text(db, "SELECT secret FROM sdc_secret WHERE id = 1", NULL, secret, sizeof(secret)) != 0) {
		int own = sqlite3_get_autocommit(db), ok;
		sqlite3_stmt *ins;

		sdc_new_secret(fresh);
		if (own && db_exec(db, "BEGIN IMMEDIATE"))
			return error("cannot store the statistics key");
		ins = db_prepare(db, "INSERT OR IGNORE INTO sdc_secret (id, secret) VALUES (1, ?1)");
		ok = ins && sqlite3_bind_text(ins, 1, fresh, -1, SQLITE_STATIC) == SQLITE_OK &&
		     sqlite3_step(ins) == SQLITE_DONE;
		sqlite3_finalize(ins);
		if (own && (!ok || db_exec(db, "COMMIT"))) {
			db_exec(db, "ROLLBACK");
			ok = 0;
		}
		if (!ok)
			return error("cannot store the statistics key");
		sodium_memzero(fresh, sizeof(fresh));
		if (db_text(db, "SELECT secret FROM sdc_secret WHERE id = 1", NULL, secret, sizeof(secret)) != 0)
			return error("cannot read the statistics key");
	}
	if (strlen(secret) != SDC_SECRET_HEX)
		return error("the statistics key in sdc_secret is malformed");
	copy = strdup(secret);
	sodium_memzero(secret, sizeof(secret));
	if (!copy)
		return error("out of memory");
	if (sqlite3_create_function_v2(db, "dote_rkey", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, copy, rkey_fn, NULL,
				       NULL, free) != SQLITE_OK)
		return error("cannot register dote_rkey: %s", sqlite3_errmsg(db));
	return 0;
}

/* ---- PostgreSQL ---- */

const char sdc_pg_schema_sql[] =
	"CREATE TABLE IF NOT EXISTS sdc_secret (id INTEGER PRIMARY KEY CHECK (id = 1), secret TEXT NOT NULL);"
	/* Rollups made before the cell keys cannot be patched (the keys of
	 * the applications in them are missing): drop them, the hub and the
	 * reports rebuild them from the raw rows. */
	"DO $$ BEGIN"
	" IF EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema()"
	"  AND table_name = 'rollup_comune') AND NOT EXISTS (SELECT 1 FROM information_schema.columns"
	"  WHERE table_schema = current_schema() AND table_name = 'rollup_comune' AND column_name = 'ckey_dro') THEN"
	"  DROP TABLE IF EXISTS rollup_comune, rollup_province, rollup_placement, rollup_attr2;"
	" END IF; END $$;";

const char sdc_pg_secret_sql[] = "INSERT INTO sdc_secret (id, secret) VALUES (1, ?1) ON CONFLICT (id) DO NOTHING";

/* The function carries the secret as a literal so PostgreSQL can inline
 * it (a per-row lookup of the table would cost a plan per row). */
const char sdc_pg_function_sql[] =
	"DO $$ DECLARE s text; BEGIN"
	" SELECT secret INTO s FROM sdc_secret WHERE id = 1;"
	" IF s IS NULL OR length(s) <> 64 THEN RAISE EXCEPTION 'sdc_secret is missing'; END IF;"
	" EXECUTE format('CREATE OR REPLACE FUNCTION dote_rkey(u text) RETURNS bigint LANGUAGE sql IMMUTABLE"
	" PARALLEL SAFE AS %L', format('SELECT (''x'' || left(encode(sha256(convert_to(%L || u, ''UTF8'')),"
	" ''hex''), 8))::bit(32)::bigint', s));"
	" END $$";
