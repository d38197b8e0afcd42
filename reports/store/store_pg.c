/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The PostgreSQL backend of reports/store/store.h (libpq). Statements are
 * prepared once per connection under generated names, with ?N rewritten
 * to $N; parameters travel as text and PostgreSQL infers their types
 * from the statement. Writes take a transaction-scoped advisory lock so
 * that several hub processes on one database keep "stored once" and the
 * cross-kiosk duplicate check exact. store_exec_many() sends its
 * statements in pipeline mode: one round trip for hundreds of them.
 * store_query_once() uses the unnamed statement, never the cache.
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/util.h"
#include "reports/store/store.h"

enum { PG_CACHE_MAX = 128, PG_WRITE_LOCK = 0x444f5445 };

struct pg_cache {
	const char *sql[PG_CACHE_MAX];
	int n;
};

/* ?N -> $N, outside quoted strings. */
static char *rewrite(const char *sql)
{
	char *out = malloc(strlen(sql) + 1), *o = out;
	int quote = 0;

	if (!out)
		return NULL;
	for (; *sql; sql++) {
		if (*sql == '\'')
			quote = !quote;
		*o++ = (!quote && *sql == '?' && sql[1] >= '0' && sql[1] <= '9') ? '$' : *sql;
	}
	*o = '\0';
	return out;
}

/* The name of sql's prepared statement, preparing it the first time. */
static int prepared(struct store *s, const char *sql, char *name, size_t size)
{
	struct pg_cache *c = s->cache;
	PGresult *r;
	char *text;
	int i;

	for (i = 0; i < c->n; i++)
		if (c->sql[i] == sql) {
			snprintf(name, size, "s%d", i);
			return 0;
		}
	if (c->n >= PG_CACHE_MAX) {
		name[0] = '\0';	/* unnamed statement, prepared each time */
		return 0;
	}
	snprintf(name, size, "s%d", c->n);
	text = rewrite(sql);
	if (!text)
		return error("out of memory");
	r = PQprepare(s->conn, name, text, 0, NULL);
	free(text);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		error("cannot prepare: %s (%.60s)", PQerrorMessage(s->conn), sql);
		PQclear(r);
		return -1;
	}
	PQclear(r);
	c->sql[c->n++] = sql;
	return 0;
}

/* One result into *res (when res is not NULL): the rows changed or
 * returned, or -1 after error(). */
static int take(PGresult *r, const char *sql, struct store_res **res)
{
	int rc = -1, i, j, cols;

	switch (PQresultStatus(r)) {
	case PGRES_COMMAND_OK:
		if (res && !(*res = store_res_new(0)))
			break;
		rc = atoi(PQcmdTuples(r));
		break;
	case PGRES_TUPLES_OK:
		cols = PQnfields(r);
		if (cols > 32)
			cols = 32;
		if (res) {
			const char *cells[32];
			size_t lens[32];

			if (!(*res = store_res_new(cols)))
				break;
			for (i = 0; i < PQntuples(r); i++) {
				for (j = 0; j < cols; j++) {
					cells[j] = PQgetisnull(r, i, j) ? NULL : PQgetvalue(r, i, j);
					lens[j] = (size_t)PQgetlength(r, i, j);
				}
				if (store_res_add(*res, cells, lens) < 0) {
					store_res_free(*res);
					*res = NULL;
					return -1;
				}
			}
		}
		rc = atoi(PQcmdTuples(r));
		if (!*PQcmdTuples(r))
			rc = PQntuples(r);
		break;
	case PGRES_PIPELINE_ABORTED:
		/* An earlier statement of the pipeline failed and said why. */
		break;
	default:
		error("sql failed: %s (%.60s)", PQresultErrorMessage(r), sql);
		break;
	}
	return rc;
}

static int pg_exec(struct store *s, const char *sql, const struct store_args *a,
		   struct store_res **res)
{
	char name[16];
	PGresult *r;
	int rc, n = a ? a->n : 0;

	if (prepared(s, sql, name, sizeof(name)))
		return -1;
	if (name[0]) {
		r = PQexecPrepared(s->conn, name, n, a ? a->v : NULL, NULL, NULL, 0);
	} else {
		char *text = rewrite(sql);

		if (!text)
			return error("out of memory");
		r = PQexecParams(s->conn, text, n, NULL, a ? a->v : NULL, NULL, NULL, 0);
		free(text);
	}
	rc = take(r, sql, res);
	PQclear(r);
	return rc;
}

/* The unnamed statement: prepared for this one execution. */
static int pg_exec_once(struct store *s, const char *sql, const struct store_args *a,
		     int (*row)(void *ctx, const char *const *cells, int ncols),
			void *ctx)
{
	char *text = rewrite(sql);
	const char *cells[32];
	PGresult *r;
	int rc = -1, cols;

	if (!text)
		return error("out of memory");
	r = PQexecParams(s->conn, text, a ? a->n : 0, NULL, a ? a->v : NULL, NULL, NULL, 0);
	free(text);
	switch (PQresultStatus(r)) {
	case PGRES_COMMAND_OK:
		rc = 0;
		break;
	case PGRES_TUPLES_OK:
		cols = PQnfields(r) < 32 ? PQnfields(r) : 32;
		rc = 0;
		for (int i = 0; row && i < PQntuples(r) && !rc; i++) {
			for (int j = 0; j < cols; j++)
				cells[j] = PQgetisnull(r, i, j) ? NULL : PQgetvalue(r, i, j);
			rc = row(ctx, cells, cols) ? -1 : 0;
		}
		break;
	default:
		error("sql failed: %s (%.60s)", PQresultErrorMessage(r), sql);
		break;
	}
	PQclear(r);
	return rc;
}

/* Up to PIPE_CHUNK statements in one pipeline (one round trip): their
 * answers are small, so the server never blocks writing them while the
 * rest is being sent. */
enum { PIPE_CHUNK = 256 };

static int pipe_chunk(struct store *s, struct store_call *c, int n)
{
	PGconn *conn = s->conn;
	char name[16];
	PGresult *r;
	int i, sent, rc = 0;

	/* New statements are prepared first, outside the pipeline. */
	for (i = 0; i < n; i++) {
		if (prepared(s, c[i].sql, name, sizeof(name)))
			return -1;
		if (!name[0]) {
			/* The cache is full: one at a time. */
			for (i = 0; i < n; i++)
				if ((c[i].rows = pg_exec(s, c[i].sql, &c[i].args,
							 c[i].want_res ? &c[i].res : NULL)) < 0)
					return -1;
			return 0;
		}
	}
	if (!PQenterPipelineMode(conn))
		return error("cannot enter pipeline mode: %s", PQerrorMessage(conn));
	for (sent = 0; sent < n; sent++) {
		prepared(s, c[sent].sql, name, sizeof(name));
		if (!PQsendQueryPrepared(conn, name, c[sent].args.n, c[sent].args.v, NULL, NULL, 0)) {
			rc = error("cannot send: %s", PQerrorMessage(conn));
			break;
		}
	}
	if (!PQpipelineSync(conn))
		rc = error("cannot send: %s", PQerrorMessage(conn));
	for (i = 0; i < sent; i++) {
		r = PQgetResult(conn);
		if (!r) {
			rc = error("pipeline: a result is missing: %s", PQerrorMessage(conn));
			break;
		}
		c[i].rows = take(r, c[i].sql, c[i].want_res ? &c[i].res : NULL);
		if (c[i].rows < 0)
			rc = -1;
		PQclear(r);
		/* Each statement's results end with a NULL. */
		while ((r = PQgetResult(conn)))
			PQclear(r);
	}
	/* Up to the synchronisation point. */
	while ((r = PQgetResult(conn))) {
		ExecStatusType st = PQresultStatus(r);

		PQclear(r);
		if (st == PGRES_PIPELINE_SYNC)
			break;
	}
	if (!PQexitPipelineMode(conn))
		rc = error("cannot leave pipeline mode: %s", PQerrorMessage(conn));
	return rc;
}

static int pg_many(struct store *s, struct store_call *c, int n)
{
	int i;

	for (i = 0; i < n; i += PIPE_CHUNK)
		if (pipe_chunk(s, c + i, n - i < PIPE_CHUNK ? n - i : PIPE_CHUNK))
			return -1;
	return 0;
}

static int pg_script(struct store *s, const char *sql)
{
	PGresult *r = PQexec(s->conn, sql);
	int rc = 0;

	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		rc = error("sql failed: %s (%.60s)", PQresultErrorMessage(r), sql);
	PQclear(r);
	return rc;
}

static int pg_begin(struct store *s)
{
	char sql[96];

	snprintf(sql, sizeof(sql), "BEGIN; SELECT pg_advisory_xact_lock(%d)", PG_WRITE_LOCK);
	return pg_script(s, sql);
}

static int pg_commit(struct store *s)
{
	return pg_script(s, "COMMIT");
}

static void pg_rollback(struct store *s)
{
	if (PQtransactionStatus(s->conn) != PQTRANS_IDLE)
		PQclear(PQexec(s->conn, "ROLLBACK"));
}

static void pg_close(struct store *s)
{
	PQfinish(s->conn);
	free(s->cache);
}

static const struct store_ops pg_ops = {
	pg_exec, pg_script, pg_begin, pg_commit, pg_rollback, pg_close, pg_many, pg_exec_once,
};

struct store *store_pg_open(const char *url)
{
	struct store *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->ops = &pg_ops;
	s->pg = 1;
	s->wal_fd = -1;
	s->cache = calloc(1, sizeof(struct pg_cache));
	s->conn = PQconnectdb(url);
	if (!s->cache || !s->conn || PQstatus(s->conn) != CONNECTION_OK) {
		/* The message may repeat the URL; it never holds a password
		 * because libpq does not echo it. */
		error("cannot connect to PostgreSQL: %s",
		      s->conn ? PQerrorMessage(s->conn) : "out of memory");
		PQfinish(s->conn);
		free(s->cache);
		free(s);
		return NULL;
	}
	pg_script(s, "SET client_min_messages = warning");
	/* The hub's statements are short; JIT compiling them is not: the
	 * rollup upkeep's plan costs (its per-row subplans) passed JIT's
	 * thresholds, and LLVM took 14 of the 15 s a group's rollups took
	 * under load (EXPLAIN ANALYZE: "JIT: ... Optimization 7911 ms"). */
	pg_script(s, "SET jit = off");
	return s;
}
