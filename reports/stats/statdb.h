/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The database the statistics read: the hub's SQLite file, or its
 * PostgreSQL database through the store interface (reports/store/store.h).
 * The report engine, the dashboard and its accounts run their portable
 * SQL (parameters ?1, ?2 ... as text) through this one handle, so a hub
 * that grows onto PostgreSQL keeps its reports, open data and dashboard
 * with the same figures. Start reading at statdb_query().
 *
 * A struct statdb is one connection: use it from one thread at a time.
 */
#ifndef DOTE_REPORTS_STATDB_H
#define DOTE_REPORTS_STATDB_H
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

struct store;
struct store_res;

struct statdb {
	sqlite3 *lite;		/* SQLite: the connection */
	struct store *store;	/* PostgreSQL: the store connection */
	int owned;		/* 1: opened by statdb_open, closed by statdb_close */
};

/* 1 when url names a PostgreSQL database ('postgres://', 'postgresql://'). */
int statdb_url_is_pg(const char *url);
/* Opens url: a SQLite path (must exist; db_open with synchronous=FULL
 * when durable, else NORMAL) or a PostgreSQL URL (store_open: the hub's
 * schema is created when missing). 0, or -1 after error(). */
int statdb_open(struct statdb *d, const char *url, int durable);
/* Wraps a SQLite connection the caller keeps owning. */
void statdb_wrap(struct statdb *d, sqlite3 *db);
void statdb_close(struct statdb *d);
static inline int statdb_is_pg(const struct statdb *d) { return d->store != NULL; }

/* Rows of one query; read with statdb_next()/statdb_text(), end with
 * statdb_done(). */
struct statdb_rows {
	struct statdb *db;
	sqlite3_stmt *st;
	struct store_res *res;
	int row, n;
};

/* Runs sql with text parameters p[0..np-1] (NULL for SQL NULL). 0, or
 * -1 with a message in err (which may be NULL). */
int statdb_query(struct statdb *d, const char *sql, const char *const *p, int np, struct statdb_rows *rows,
		 char *err, size_t errsize);
/* 1 when a row is current, 0 at the end, -1 on error (err as above). */
int statdb_next(struct statdb_rows *rows, char *err, size_t errsize);
/* Cell of the current row: text (NULL for SQL NULL; valid until the
 * next statdb_next) and integer (0 for NULL). */
const char *statdb_text(const struct statdb_rows *rows, int col);
int64_t statdb_int(const struct statdb_rows *rows, int col);
void statdb_done(struct statdb_rows *rows);

/* Runs a statement: rows changed (>= 0), or -1 after error(). */
int statdb_exec(struct statdb *d, const char *sql, const char *const *p, int np);
/* First column of the first row as an integer, dflt when no row or on error. */
int64_t statdb_int1(struct statdb *d, const char *sql, const char *const *p, int np, int64_t dflt);
/* First column of the first row into buf: 0 found, 1 no row, -1 error. */
int statdb_text1(struct statdb *d, const char *sql, const char *const *p, int np, char *buf, size_t size);
/* Transactions (PostgreSQL: the store's write lock, so hub writers wait). */
int statdb_begin(struct statdb *d);
int statdb_commit(struct statdb *d);
void statdb_rollback(struct statdb *d);
#endif
