/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The statistics' database handle (see statdb.h): SQLite directly, or
 * PostgreSQL through store_query()/store_exec(). Start reading at
 * statdb_query().
 *
 * The store caches its prepared statements by the address of their SQL
 * text, while the report engine builds its SQL in buffers whose address
 * is reused for other text. Every SQL text sent to the store is
 * therefore interned first: one copy per distinct text, kept for the
 * life of the process, so one address always means one text. The texts
 * are few (the report engine's combinations of source, dimensions and
 * filters) and the table is bounded.
 */
#include "reports/stats/statdb.h"
#include "reports/store/store.h"
#include "core/db.h"
#include "core/util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { INTERN_SLOTS = 16384, INTERN_MAX = INTERN_SLOTS / 2, INTERN_BYTES = 32 << 20 };

static struct {
	pthread_mutex_t lock;
	const char *slot[INTERN_SLOTS];
	size_t n, bytes;
} interned = { PTHREAD_MUTEX_INITIALIZER, { NULL }, 0, 0 };

/* The process-wide copy of sql, or NULL when the table is full. */
static const char *intern(const char *sql)
{
	uint64_t h = 1469598103934665603ull;
	size_t len = strlen(sql), i;
	const char *found = NULL;

	for (const char *s = sql; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	pthread_mutex_lock(&interned.lock);
	for (i = h & (INTERN_SLOTS - 1); interned.slot[i]; i = (i + 1) & (INTERN_SLOTS - 1))
		if (!strcmp(interned.slot[i], sql)) {
			found = interned.slot[i];
			break;
		}
	if (!found && interned.n < INTERN_MAX && interned.bytes + len < INTERN_BYTES) {
		char *copy = malloc(len + 1);
		if (copy) {
			memcpy(copy, sql, len + 1);
			interned.slot[i] = copy;
			interned.n++;
			interned.bytes += len + 1;
			found = copy;
		}
	}
	pthread_mutex_unlock(&interned.lock);
	return found;
}

int statdb_url_is_pg(const char *url)
{
	return url && (!strncmp(url, "postgres://", 11) || !strncmp(url, "postgresql://", 13));
}

int statdb_open(struct statdb *d, const char *url, int durable)
{
	memset(d, 0, sizeof(*d));
	d->owned = 1;
	if (statdb_url_is_pg(url)) {
		d->store = store_open(url);
		return d->store ? 0 : -1;
	}
	if (access(url, R_OK | W_OK))
		return error("cannot open the hub database '%s'", url);
	d->lite = db_open(url, durable ? DB_SYNC_FULL : DB_SYNC_NORMAL);
	return d->lite ? 0 : -1;
}

void statdb_wrap(struct statdb *d, sqlite3 *db)
{
	memset(d, 0, sizeof(*d));
	d->lite = db;
}

void statdb_close(struct statdb *d)
{
	if (!d->owned)
		return;
	if (d->store)
		store_close(d->store);
	if (d->lite)
		db_close(d->lite);
	memset(d, 0, sizeof(*d));
}

static int db_error(struct statdb *d, char *err, size_t errsize)
{
	if (err)
		snprintf(err, errsize, "database error: %s",
			 d->lite ? sqlite3_errmsg(d->lite) : "see the log of the PostgreSQL query");
	return -1;
}

int statdb_query(struct statdb *d, const char *sql, const char *const *p, int np, struct statdb_rows *rows,
		 char *err, size_t errsize)
{
	memset(rows, 0, sizeof(*rows));
	rows->db = d;
	rows->row = -1;
	if (np < 0 || np > 32) {
		if (err)
			snprintf(err, errsize, "too many query parameters");
		return -1;
	}
	if (d->store) {
		struct store_args a = { .n = np };
		const char *text = intern(sql);
		if (!text) {
			if (err)
				snprintf(err, errsize, "too many different queries in this process");
			return -1;
		}
		for (int i = 0; i < np; i++)
			a.v[i] = p[i];
		if (store_query(d->store, text, &a, &rows->res))
			return db_error(d, err, errsize);
		rows->n = store_res_rows(rows->res);
		return 0;
	}
	if (sqlite3_prepare_v2(d->lite, sql, -1, &rows->st, NULL) != SQLITE_OK)
		return db_error(d, err, errsize);
	for (int i = 0; i < np; i++)
		if (p[i])
			sqlite3_bind_text(rows->st, i + 1, p[i], -1, SQLITE_TRANSIENT);
	return 0;
}

int statdb_next(struct statdb_rows *rows, char *err, size_t errsize)
{
	int step;

	if (rows->res)
		return ++rows->row < rows->n ? 1 : 0;
	if (!rows->st)
		return 0;
	step = sqlite3_step(rows->st);
	if (step == SQLITE_ROW)
		return 1;
	if (step == SQLITE_DONE)
		return 0;
	return db_error(rows->db, err, errsize);
}

const char *statdb_text(const struct statdb_rows *rows, int col)
{
	if (rows->res)
		return rows->row >= 0 && rows->row < rows->n && col < store_res_cols(rows->res)
		       ? store_res_get(rows->res, rows->row, col) : NULL;
	return rows->st ? (const char *)sqlite3_column_text(rows->st, col) : NULL;
}

int64_t statdb_int(const struct statdb_rows *rows, int col)
{
	const char *v;

	if (!rows->res)
		return rows->st ? sqlite3_column_int64(rows->st, col) : 0;
	v = statdb_text(rows, col);
	return v ? strtoll(v, NULL, 10) : 0;
}

void statdb_done(struct statdb_rows *rows)
{
	sqlite3_finalize(rows->st);
	store_res_free(rows->res);
	memset(rows, 0, sizeof(*rows));
}

int statdb_exec(struct statdb *d, const char *sql, const char *const *p, int np)
{
	if (np < 0 || np > 32)
		return error("too many query parameters");
	if (d->store) {
		struct store_args a = { .n = np };
		const char *text = intern(sql);
		if (!text)
			return error("too many different queries in this process");
		for (int i = 0; i < np; i++)
			a.v[i] = p[i];
		return store_exec(d->store, text, &a);
	} else {
		sqlite3_stmt *st = db_prepare(d->lite, sql);
		int rc = -1;
		if (!st)
			return -1;
		for (int i = 0; i < np; i++)
			if (p[i])
				sqlite3_bind_text(st, i + 1, p[i], -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_DONE)
			rc = sqlite3_changes(d->lite);
		else
			error("sql failed: %s", sqlite3_errmsg(d->lite));
		sqlite3_finalize(st);
		return rc;
	}
}

int statdb_text1(struct statdb *d, const char *sql, const char *const *p, int np, char *buf, size_t size)
{
	struct statdb_rows r;
	int rc = -1, got;

	if (size)
		buf[0] = 0;
	if (statdb_query(d, sql, p, np, &r, NULL, 0))
		return -1;
	got = statdb_next(&r, NULL, 0);
	if (got == 1) {
		const char *v = statdb_text(&r, 0);
		str_copy(buf, size, v ? v : "");
		rc = 0;
	} else if (got == 0) {
		rc = 1;
	}
	statdb_done(&r);
	return rc;
}

int64_t statdb_int1(struct statdb *d, const char *sql, const char *const *p, int np, int64_t dflt)
{
	struct statdb_rows r;
	int64_t v = dflt;

	if (statdb_query(d, sql, p, np, &r, NULL, 0))
		return dflt;
	if (statdb_next(&r, NULL, 0) == 1 && statdb_text(&r, 0))
		v = statdb_int(&r, 0);
	statdb_done(&r);
	return v;
}

int statdb_begin(struct statdb *d)
{
	return d->store ? store_begin(d->store) : db_begin(d->lite);
}

int statdb_commit(struct statdb *d)
{
	return d->store ? store_commit(d->store) : db_commit(d->lite);
}

void statdb_rollback(struct statdb *d)
{
	if (d->store)
		store_rollback(d->store);
	else
		db_rollback(d->lite);
}
