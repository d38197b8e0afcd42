/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The store's base (reports/store/store.h): store_open() picks the
 * backend (store_sqlite.c or store_pg.c) and migrates (store_schema.c),
 * and the portable query layer every other file of reports/store/ is
 * written on: rows of text (struct store_res), store_exec/query/text,
 * transactions, pipelines; plus the few private helpers those files
 * share (store_internal.h).
 *
 * Start reading at store_open(), then store_query(). The domain
 * operations live in their own files: enrol.c (kiosks and coordinators
 * and their tokens), ingest.c (batches), catalog.c, fleet.c (heartbeats),
 * receipt_check.c (receipt verification), selection.c, calls.c.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include "core/util.h"
#include "core/datetime.h"
#include "reports/store/rollup.h"
#include "reports/store/store.h"
#include "reports/store/store_internal.h"

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

/* ------------------------------------------------------ shared helpers */

void store_now_iso(char *buf, size_t size)
{
	time_iso(now_wall(), buf, size);
}

void store_hex(const unsigned char *b, size_t n, char *out)
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
	store_hex(h, sizeof(h), out);
}

int store_is_printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}
