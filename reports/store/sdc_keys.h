/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The record keys of the cell key method (reports/stats/sdc.h states the
 * method): every application has a fixed 32-bit key, the first four
 * bytes of SHA-256(hub secret || uuid). The secret lives in the hub
 * database (table sdc_secret), so making it, storing it and computing
 * the key inside SQL (dote_rkey(), on both backends) is storage, here;
 * stats/ only sums and perturbs. Start reading at sdc_record_key().
 */
#ifndef DOTE_REPORTS_SDC_KEYS_H
#define DOTE_REPORTS_SDC_KEYS_H
#include <sqlite3.h>
#include <stdint.h>

enum {
	SDC_SECRET_HEX = 64,	/* hex digits of the hub secret */
};

/* The record key of an application: SHA-256(secret_hex || uuid), first
 * four bytes big-endian. */
uint32_t sdc_record_key(const char *secret_hex, const char *uuid);

/* SQLite: makes sure the hub secret exists (creating table sdc_secret,
 * migration component "sdc", and a random secret the first time) and
 * registers dote_rkey(uuid) on db. Idempotent and cheap when done. 0, or
 * -1 after error(). */
int sdc_sqlite_register(sqlite3 *db);

/* PostgreSQL DDL, run by the store at startup inside its schema lock
 * (reports/store/store_schema.c): the secret's table and, for databases made
 * before the cell keys, dropping rollups that have no key column (they
 * are rebuilt). */
extern const char sdc_pg_schema_sql[];
/* Inserts the secret when there is none: ?1 = sdc_new_secret(). */
extern const char sdc_pg_secret_sql[];
/* (Re)creates dote_rkey(text) from the stored secret. No parameters. */
extern const char sdc_pg_function_sql[];
/* A fresh random secret (SDC_SECRET_HEX hex digits + NUL). */
void sdc_new_secret(char out[SDC_SECRET_HEX + 1]);
#endif
