/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The SQLite backend of reports/store/store.h: the hub database opened with
 * db_open(path, DB_SYNC_FULL) (WAL, a commit is on disk when it
 * returns), prepared statements cached per SQL text, rows copied out as
 * text (BLOBs as hex). A statement run once (store_query_once) is
 * prepared, run and finalised without touching the cache, its rows
 * handed over as they are stepped. A writer that syncs the log from
 * another thread (store_sync) keeps a descriptor of its own on it.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include "core/db.h"
#include "core/util.h"
#include "reports/store/rollup.h"
#include "reports/store/store.h"

enum { CACHE_MAX = 96 };

struct sqlite_cache {
	const char *sql[CACHE_MAX];
	sqlite3_stmt *st[CACHE_MAX];
	int n;
};

static sqlite3_stmt *cached(struct store *s, const char *sql)
{
	struct sqlite_cache *c = s->cache;
	sqlite3_stmt *st;
	int i;

	for (i = 0; i < c->n; i++)
		if (c->sql[i] == sql)
			return c->st[i];
	st = db_prepare(s->conn, sql);
	if (!st || c->n >= CACHE_MAX)
		return st;
	c->sql[c->n] = sql;
	c->st[c->n++] = st;
	return st;
}

static void uncache(struct store *s, const char *sql, sqlite3_stmt *st)
{
	struct sqlite_cache *c = s->cache;
	int i;

	for (i = 0; i < c->n; i++)
		if (c->st[i] == st) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return;
		}
	sqlite3_finalize(st);
}

/* Binds a to st: 0, or -1 after error(). */
static int bind(sqlite3_stmt *st, const struct store_args *a)
{
	unsigned char blob[256];
	int i;

	for (i = 0; a && i < a->n; i++) {
		const char *v = a->v[i];

		if (!v) {
			sqlite3_bind_null(st, i + 1);
		} else if (a->hexblob & (1u << i)) {
			size_t n = strlen(v) / 2, j;

			if (n > sizeof(blob))
				return error("hex parameter too long");
			for (j = 0; j < n; j++) {
				int hi = hex_value(v[2 * j]), lo = hex_value(v[2 * j + 1]);

				if (hi < 0 || lo < 0)
					return error("bad hex parameter");
				blob[j] = (unsigned char)(hi * 16 + lo);
			}
			sqlite3_bind_blob(st, i + 1, blob, (int)n, SQLITE_TRANSIENT);
		} else {
			sqlite3_bind_text(st, i + 1, v, -1, SQLITE_STATIC);
		}
	}
	return 0;
}

/* Binds a to st, steps it to the end and copies its rows into *res
 * (when res is not NULL): rows changed, or -1 after error(). */
static int run(struct store *s, sqlite3_stmt *st, const char *sql, const struct store_args *a,
	       struct store_res **res)
{
	sqlite3 *db = s->conn;
	char *cells[32];
	size_t lens[32];
	int i, rc = -1, step, cols;

	if (bind(st, a))
		goto out;
	cols = sqlite3_column_count(st);
	if (cols > 32)
		cols = 32;
	if (res && !(*res = store_res_new(cols)))
		goto out;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		char hexbuf[2 * 64 + 1];

		if (!res)
			continue;
		for (i = 0; i < cols; i++) {
			int t = sqlite3_column_type(st, i);

			if (t == SQLITE_NULL) {
				cells[i] = NULL;
				lens[i] = 0;
			} else if (t == SQLITE_BLOB) {
				const unsigned char *b = sqlite3_column_blob(st, i);
				int n = sqlite3_column_bytes(st, i), j;

				if (n > 64)
					n = 64;
				for (j = 0; j < n; j++)
					snprintf(hexbuf + 2 * j, 3, "%02x", b[j]);
				hexbuf[2 * n] = '\0';
				cells[i] = strdup(hexbuf);
				lens[i] = (size_t)(2 * n);
			} else {
				cells[i] = (char *)sqlite3_column_text(st, i);
				lens[i] = (size_t)sqlite3_column_bytes(st, i);
			}
		}
		if (store_res_add(*res, (const char *const *)cells, lens) < 0)
			step = SQLITE_NOMEM;
		for (i = 0; i < cols; i++)
			if (sqlite3_column_type(st, i) == SQLITE_BLOB)
				free(cells[i]);
		if (step == SQLITE_NOMEM)
			break;
	}
	if (step != SQLITE_DONE) {
		error("sql failed: %s (%.60s)", sqlite3_errmsg(db), sql);
		if (res) {
			store_res_free(*res);
			*res = NULL;
		}
		goto out;
	}
	rc = sqlite3_changes(db);
out:
	return rc;
}

static int sq_exec(struct store *s, const char *sql, const struct store_args *a,
		   struct store_res **res)
{
	sqlite3_stmt *st = cached(s, sql);
	int rc = st ? run(s, st, sql, a, res) : -1;

	if (st)
		uncache(s, sql, st);
	return rc;
}

/* Rows go to row() as they are stepped: nothing is copied. */
static int sq_exec_once(struct store *s, const char *sql, const struct store_args *a,
		     int (*row)(void *ctx, const char *const *cells, int ncols),
			void *ctx)
{
	sqlite3_stmt *st = db_prepare(s->conn, sql);
	const char *cells[32];
	int rc = -1, step, cols;

	if (!st || bind(st, a))
		goto out;
	cols = sqlite3_column_count(st);
	if (cols > 32)
		cols = 32;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (!row)
			continue;
		for (int i = 0; i < cols; i++)
			cells[i] = (const char *)sqlite3_column_text(st, i);
		if (row(ctx, cells, cols))
			goto out;
	}
	if (step != SQLITE_DONE) {
		error("sql failed: %s (%.60s)", sqlite3_errmsg(s->conn), sql);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

static int sq_script(struct store *s, const char *sql)
{
	return db_exec(s->conn, sql);
}

static int sq_begin(struct store *s)
{
	return db_begin(s->conn);
}

static int sq_commit(struct store *s)
{
	return db_commit(s->conn);
}

static void sq_rollback(struct store *s)
{
	db_rollback(s->conn);
}

static void sq_close(struct store *s)
{
	struct sqlite_cache *c = s->cache;
	int i;

	for (i = 0; c && i < c->n; i++)
		sqlite3_finalize(c->st[i]);
	free(c);
	if (s->wal_fd >= 0)
		close(s->wal_fd);
	rollup_release(s->conn);
	db_close(s->conn);
}

/* A borrowed connection stays open: its owner closes it. */
static void sq_close_borrowed(struct store *s)
{
	struct sqlite_cache *c = s->cache;
	int i;

	for (i = 0; c && i < c->n; i++)
		sqlite3_finalize(c->st[i]);
	free(c);
	if (s->wal_fd >= 0)
		close(s->wal_fd);
}

static const struct store_ops sqlite_ops = {
	sq_exec, sq_script, sq_begin, sq_commit, sq_rollback, sq_close, NULL, sq_exec_once,
};

static const struct store_ops sqlite_borrowed_ops = {
	sq_exec, sq_script, sq_begin, sq_commit, sq_rollback, sq_close_borrowed, NULL, sq_exec_once,
};

/* A store over db with ops, or NULL (db is left to the caller). */
static struct store *store_new(sqlite3 *db, const struct store_ops *ops)
{
	struct store *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->ops = ops;
	s->conn = db;
	s->wal_fd = -1;
	s->cache = calloc(1, sizeof(struct sqlite_cache));
	if (!s->cache) {
		free(s);
		return NULL;
	}
	return s;
}

struct store *store_sqlite_borrow(sqlite3 *db)
{
	return store_new(db, &sqlite_borrowed_ops);
}

struct store *store_open_existing(const char *url, int durable)
{
	struct store *s;
	sqlite3 *db;

	if (!strncmp(url, "postgres://", 11) || !strncmp(url, "postgresql://", 13))
		return store_open(url);
	if (access(url, R_OK | W_OK)) {
		error("cannot open the hub database '%s'", url);
		return NULL;
	}
	db = db_open(url, durable ? DB_SYNC_FULL : DB_SYNC_NORMAL);
	if (!db)
		return NULL;
	s = store_new(db, &sqlite_ops);
	if (!s)
		db_close(db);
	return s;
}

struct store *store_sqlite_open(const char *path)
{
	struct store *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->ops = &sqlite_ops;
	s->wal_fd = -1;
	s->cache = calloc(1, sizeof(struct sqlite_cache));
	s->conn = db_open(path, DB_SYNC_FULL);
	/* The hub's working set (indexes of application, rollups) stays in
	 * memory: a page read is a syscall otherwise. */
	if (s->conn && db_exec(s->conn, "PRAGMA cache_size = -131072; PRAGMA mmap_size = 1073741824")) {
		db_close(s->conn);
		s->conn = NULL;
	}
	if (!s->cache || !s->conn) {
		free(s->cache);
		db_close(s->conn);
		free(s);
		return NULL;
	}
	return s;
}

/* Opens s->wal_fd on the connection's write-ahead log (it exists while
 * the connection is open in WAL mode, and stays the same file: SQLite
 * deletes it only when the last connection closes) and syncs the
 * directory once, which SQLite would otherwise do at the log's first
 * sync. 0, 1 when there is no log file, -1 on error. */
static int wal_open(struct store *s)
{
	const char *db = sqlite3_db_filename(s->conn, "main");
	const char *wal = db && *db ? sqlite3_filename_wal(db) : NULL;
	char *dir;
	int fd;

	if (!wal || !*wal)
		return 1;
	fd = open(wal, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 1 : error("cannot open %s: %s", wal, strerror(errno));
	if (!(dir = strdup(wal))) {
		close(fd);
		return error("out of memory");
	}
	s->wal_fd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (s->wal_fd < 0 || fsync(s->wal_fd)) {
		error("cannot sync the database's directory: %s", strerror(errno));
		if (s->wal_fd >= 0)
			close(s->wal_fd);
		s->wal_fd = -1;
		close(fd);
		return -1;
	}
	close(s->wal_fd);
	s->wal_fd = fd;
	return 0;
}

int store_sqlite_defer_sync(struct store *s, int on)
{
	int rc;

	if (s->pg)
		return 1;
	if (!on)
		return store_exec_script(s, "PRAGMA synchronous=FULL");
	if (s->wal_fd < 0 && (rc = wal_open(s)))
		return rc;
	return store_exec_script(s, "PRAGMA synchronous=NORMAL");
}

int store_sync(struct store *s)
{
	if (s->pg || s->wal_fd < 0)
		return 0;
	if (fdatasync(s->wal_fd))
		return error("cannot sync the write-ahead log: %s", strerror(errno));
	return 0;
}
